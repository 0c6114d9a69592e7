# Sphinx configuration of the freezer-api API reference (os-api-ref).
#
# Build: tox -e api-ref
# (sphinx-build -W --keep-going -b html api-ref/source api-ref/build/html,
# with the tools pinned in doc/requirements.txt). Every page's
# ``.. rest_parameters::`` names the one ``parameters.yaml`` here.

extensions = ['os_api_ref']

try:
    import openstackdocstheme  # noqa: F401
    extensions.append('openstackdocstheme')
    html_theme = 'openstackdocs'
    html_theme_options = {'sidebar_mode': 'toc'}
    openstackdocs_repo_name = 'openstack/freezer-api'
    openstackdocs_bug_project = 'freezer-api'
    openstackdocs_bug_tag = 'api-ref'
    openstackdocs_auto_name = False
except ImportError:
    html_theme = 'alabaster'

project = 'Freezer API Reference'
copyright = '2026, freezer-api contributors'
master_doc = 'index'
source_suffix = '.rst'
# NOTE: the .inc pages are not documents: each version's index.rst
# includes them.
exclude_patterns = []
pygments_style = 'native'
html_static_path = []
htmlhelp_basename = 'freezerapiref'
