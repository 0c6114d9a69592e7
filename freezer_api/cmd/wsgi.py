"""WSGI entry point: ``freezer_api.cmd.wsgi:application``.

Used by uWSGI (``--module freezer_api.cmd.wsgi:application``) and by Apache
mod_wsgi (``WSGIScriptAlias / .../freezer_api/cmd/wsgi.py``). The
configuration is ``freezer-api.conf`` in ``$OS_FREEZER_CONFIG_DIR`` when
set, else in ``/etc/freezer`` (:mod:`freezer_api.cmd.discovery`); the
server's own ``sys.argv`` is never parsed.
"""

from freezer_api import app
from freezer_api.cmd import discovery

# NOTE: built at import so that a broken configuration stops the server at
# start (uwsgi --need-app) instead of failing every request later.
application = app.init_application(
    args=[], default_config_files=discovery.config_files())
