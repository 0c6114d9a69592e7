"""WSGI entry point: ``freezer_api.cmd.wsgi:application``.

Used by uWSGI (``--module freezer_api.cmd.wsgi:application``) and by Apache
mod_wsgi (``WSGIScriptAlias / .../freezer_api/cmd/wsgi.py``). The
configuration is ``freezer-api.conf`` in ``$OS_FREEZER_CONFIG_DIR`` when
set, else in ``/etc/freezer`` (:mod:`freezer_api.cmd.discovery`); the
server's own ``sys.argv`` is never parsed.
"""

from freezer_api import app
from freezer_api.cmd import discovery


#: uWSGI options under which it keeps client connections alive itself.
KEEPALIVE_OPTIONS = ('http-keepalive', 'http11-socket')


def uwsgi_closes_connections(uwsgi_opt=None):
    """Return True when running under a uWSGI that drops every connection.

    uWSGI's HTTP router (``--http``) and ``http-socket`` close the connection
    after each response without saying so, unless told to keep it alive.
    """
    if uwsgi_opt is None:
        try:
            import uwsgi
        except ImportError:
            return False
        uwsgi_opt = getattr(uwsgi, 'opt', {})
    return not any(name in uwsgi_opt for name in KEEPALIVE_OPTIONS)


class ConnectionClose:
    """Say ``Connection: close`` on every response.

    A client that keeps connections alive (python-freezerclient, through
    requests) may otherwise send its next request on a socket the server is
    closing, and lose it; with the header it opens a new connection.
    """

    def __init__(self, wsgi_app):
        self.app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            if not any(name.lower() == 'connection' for name, _ in headers):
                headers = list(headers) + [('Connection', 'close')]
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def build():
    """Return the application for the server importing this module."""
    wsgi_app = app.init_application(
        args=[], default_config_files=discovery.config_files())
    if uwsgi_closes_connections():
        wsgi_app = ConnectionClose(wsgi_app)
    return wsgi_app


# NOTE: built at import so that a broken configuration stops the server at
# start (uwsgi --need-app) instead of failing every request later.
application = build()
