# Sphinx configuration of the freezer-api documentation.
#
# Build: tox -e docs
# (sphinx-build -W --keep-going -b html doc/source doc/build/html). The
# oslo.config and oslo.policy extensions import freezer_api through its
# entry points, so the package must be installed where Sphinx runs; tox
# installs it.

extensions = [
    'openstackdocstheme',
    'oslo_config.sphinxext',
    'oslo_config.sphinxconfiggen',
    'oslo_policy.sphinxext',
    'oslo_policy.sphinxpolicygen',
]

# -- generated samples --------------------------------------------------------

# NOTE: the generators write into _static/ of the source tree at every
# build (git-ignored); the sample pages include those files, so the
# samples shown are always the code's.
config_generator_config_file = (
    '../../etc/freezer/freezer-config-generator.conf')
sample_config_basename = '_static/freezer-api'
policy_generator_config_file = (
    '../../etc/freezer/freezer-policy-generator.conf')
sample_policy_basename = '_static/freezer-api'

# -- openstackdocstheme -------------------------------------------------------

openstackdocs_repo_name = 'openstack/freezer-api'
openstackdocs_bug_project = 'freezer-api'
openstackdocs_bug_tag = 'doc'
openstackdocs_auto_name = False

# -- general ------------------------------------------------------------------

project = 'freezer-api'
copyright = '2026, freezer-api contributors'
master_doc = 'index'
source_suffix = '.rst'
exclude_patterns = []
pygments_style = 'native'
html_theme = 'openstackdocs'
htmlhelp_basename = 'freezer-apidoc'
