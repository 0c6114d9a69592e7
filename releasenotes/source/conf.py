# Sphinx configuration of the freezer-api release notes (reno).
#
# Build: tox -e releasenotes
# (sphinx-build -W -b html releasenotes/source releasenotes/build/html).
# reno reads the notes (releasenotes/notes/*.yaml) from the git history,
# so the build runs inside a git checkout; a note is written with
# ``reno new <slug>``.

extensions = [
    'openstackdocstheme',
    'reno.sphinxext',
]

openstackdocs_repo_name = 'openstack/freezer-api'
openstackdocs_bug_project = 'freezer-api'
openstackdocs_bug_tag = 'releasenotes'
openstackdocs_auto_name = False

project = 'freezer-api Release Notes'
copyright = '2026, freezer-api contributors'
master_doc = 'index'
source_suffix = '.rst'
exclude_patterns = []
pygments_style = 'native'
html_theme = 'openstackdocs'
htmlhelp_basename = 'freezer-apireleasenotes'
# NOTE: no translations are kept.
locale_dirs = []
