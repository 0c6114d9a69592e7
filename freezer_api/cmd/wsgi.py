"""WSGI entry point: ``freezer_api.cmd.wsgi:application``.

Used by uWSGI (``--module freezer_api.cmd.wsgi:application``) and by Apache
mod_wsgi (``WSGIScriptAlias / .../freezer_api/cmd/wsgi.py``). The
configuration is ``freezer-api.conf`` in ``$OS_FREEZER_CONFIG_DIR`` when
set, else in ``/etc/freezer``; the server's own ``sys.argv`` is never read.
"""

import os

from freezer_api import app

CONFIG_DIR_ENV = 'OS_FREEZER_CONFIG_DIR'
DEFAULT_CONFIG_DIR = '/etc/freezer'


def config_files(environ=os.environ):
    """The configuration files the WSGI application reads."""
    directory = environ.get(CONFIG_DIR_ENV) or DEFAULT_CONFIG_DIR
    path = os.path.join(directory, 'freezer-api.conf')
    return [path] if os.path.exists(path) else []


application = app.init_application(args=[],
                                   default_config_files=config_files())
