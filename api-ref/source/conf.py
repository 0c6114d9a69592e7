# Sphinx configuration of the freezer-api API reference (os-api-ref).
#
# Build: sphinx-build -W -b html api-ref/source api-ref/build/html
# (needs os-api-ref and openstackdocstheme; see tox -e api-ref).

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
