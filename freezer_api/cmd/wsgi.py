"""WSGI entry point: ``freezer_api.cmd.wsgi:application``.

Used by uWSGI (``--module freezer_api.cmd.wsgi:application``) and by Apache
mod_wsgi (``WSGIScriptAlias / .../freezer_api/cmd/wsgi.py``). The
configuration is ``freezer-api.conf`` in ``$OS_FREEZER_CONFIG_DIR`` when
set, else in ``/etc/freezer`` (:mod:`freezer_api.cmd.discovery`); the
server's own ``sys.argv`` is never parsed.
"""

import os
import re
import threading
import uuid

from freezer_api.api import errors
from freezer_api import app
from freezer_api.cmd import discovery
from freezer_api import conf as conf_pkg
from freezer_api import jsonutils


#: What a WSGI server may pass as SERVER_PROTOCOL (Apache's HTTP/2 too).
_PROTOCOL = re.compile(r'HTTP/[0-9](\.[0-9])?\Z')
#: uWSGI options under which it keeps client connections alive itself.
KEEPALIVE_OPTIONS = ('http-keepalive', 'http11-socket')
#: uWSGI options under which each worker imports the application itself.
LAZY_OPTIONS = ('lazy-apps', 'lazy')


def _uwsgi_opt():
    """Return uWSGI's options, or None when not running under uWSGI."""
    try:
        import uwsgi
    except ImportError:
        return None
    return getattr(uwsgi, 'opt', {})


def uwsgi_closes_connections(uwsgi_opt=None):
    """Return True when running under a uWSGI that drops every connection.

    uWSGI's HTTP router (``--http``) and ``http-socket`` close the connection
    after each response without saying so, unless told to keep it alive.
    """
    if uwsgi_opt is None:
        uwsgi_opt = _uwsgi_opt()
        if uwsgi_opt is None:
            return False
    return not any(name in uwsgi_opt for name in KEEPALIVE_OPTIONS)


def imported_before_fork(uwsgi_opt=None):
    """Return True when a server will fork workers off this process.

    uWSGI without ``lazy-apps`` imports the application in its master and
    forks the workers from it (even with one worker); mod_wsgi and a lazy
    uWSGI import it in the process that serves.
    """
    if uwsgi_opt is None:
        uwsgi_opt = _uwsgi_opt()
        if uwsgi_opt is None:
            return False
    return not any(name in uwsgi_opt for name in LAZY_OPTIONS)


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


class WholeRequest:
    """Refuse, in the one JSON error shape, a "request" without a method,
    a path or a protocol.

    uWSGI's ``http-socket`` passes a request line it could not parse on to
    the application: bytes that are no HTTP, or ``GET /`` of HTTP/0.9,
    with neither ``REQUEST_METHOD`` nor ``PATH_INFO`` (Falcon would fail on
    it with a KeyError before any error handler of ours runs); a line of
    more than three words with the rest as ``SERVER_PROTOCOL``
    (``GET /x HTTP/1.1 x``), which must not be acted on.
    """

    def __init__(self, wsgi_app):
        self.app = wsgi_app

    def __call__(self, environ, start_response):
        if ('REQUEST_METHOD' in environ and 'PATH_INFO' in environ
                and _PROTOCOL.match(environ.get('SERVER_PROTOCOL', ''))):
            return self.app(environ, start_response)
        request_id = 'req-' + str(uuid.uuid4())
        body = jsonutils.dumps(errors.body(
            400, 'Bad request', 'Malformed request line: expected "METHOD '
            'target HTTP/1.1".', 'freezer.request.invalid', request_id))
        start_response('400 Bad Request', [
            ('Content-Type', 'application/json'),
            ('Content-Length', str(len(body))),
            ('x-openstack-request-id', request_id),
            ('Connection', 'close')])
        return [body]


class PerProcess:
    """The application, built once in each process that serves requests.

    The store's connections and the heartbeat thread do not survive
    fork(): a connection shared by two processes corrupts SQLite, and a
    lock held by a thread at fork time stays held forever in the child. So
    what is built in a process is never used by its forked children; each
    builds its own, at fork (uWSGI's post-fork hook) or at its first request.
    """

    def __init__(self, conf):
        self.conf = conf
        self._lock = threading.Lock()
        self._pid = None
        self._app = None
        self._service = None

    def build(self):
        """Build this process's application unless already done."""
        with self._lock:
            if self._pid != os.getpid():
                self._service = app.assemble(self.conf)
                self._app = WholeRequest(self._service.wsgi)
                self._pid = os.getpid()
        return self._app

    def stop(self):
        """Stop this process's heartbeat (servers never need to)."""
        if self._service is not None and self._pid == os.getpid():
            self._service.stop()

    def __call__(self, environ, start_response):
        wsgi_app = self._app if self._pid == os.getpid() else self.build()
        return wsgi_app(environ, start_response)


def _after_fork(per_process):
    """Have uWSGI build the application in each worker it forks."""
    import uwsgi
    previous = getattr(uwsgi, 'post_fork_hook', None)

    def hook():
        if previous is not None:
            previous()
        per_process.build()

    uwsgi.post_fork_hook = hook


def build():
    """Return the application for the server importing this module.

    The configuration is read (and a broken one raises) now, so that the
    server refuses to start (uwsgi --need-app); the store and the heartbeat
    come with :class:`PerProcess`.
    """
    conf = conf_pkg.make_conf(
        [], default_config_files=discovery.config_files())
    app.setup_logging(conf)
    wsgi_app = PerProcess(conf)
    if imported_before_fork():
        _after_fork(wsgi_app)
    else:
        wsgi_app.build()
    if uwsgi_closes_connections():
        return ConnectionClose(wsgi_app)
    return wsgi_app


application = build()
