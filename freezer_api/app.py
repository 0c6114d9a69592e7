"""Assembling the WSGI application.

``assemble(conf)`` is the one place a serving process gets its application:
it opens the store, builds the WSGI app over it and starts the heartbeat
(``cmd/wsgi.py``, ``cmd/api.py`` and the benchmark all call it);
``init_application()`` reads the configuration first. ``create_app(conf,
store)`` builds the app alone (tests call it with their own store).

Middleware order, outermost first:
  HTTPProxyToWSGI  - X-Forwarded-*, only when [oslo_middleware]
                     enable_proxy_headers_parsing is set
  public bypass    - /, /health* skip authentication
  auth_token       - keystone mode only; delay_auth_decision so that the 401
                     is ours, in our JSON error shape
  falcon App: Identity (request id, context) -> Limits (body size, Accept)
              -> Microversion (/v3 only: negotiate, mask, label responses)
              -> resource
"""

import logging

import falcon
from oslo_log import log as oslo_log

from freezer_api.api import errors
from freezer_api.api import microversion
from freezer_api.api.middleware import activity
from freezer_api.api.middleware import identity
from freezer_api.api.middleware import limits
from freezer_api.api.middleware import metering
from freezer_api.api.resources import base
from freezer_api.api import routes
from freezer_api import conf as conf_pkg
from freezer_api import jsonutils
from freezer_api import metrics
from freezer_api.objects import action
from freezer_api.objects import backup
from freezer_api.objects import client
from freezer_api.objects import cluster
from freezer_api.objects import job
from freezer_api.objects import service
from freezer_api.objects import session
from freezer_api import policy
from freezer_api.storage import driver

LOG = logging.getLogger(__name__)


def documents(conf, store, hooks):
    """The document rules of every kind, keyed by kind."""
    jobs = job.Jobs(store, conf, hooks)
    return {
        'backups': backup.Backups(store, conf, hooks),
        'clients': client.Clients(store, conf, hooks),
        'jobs': jobs,
        'actions': action.Actions(store, conf, hooks),
        'sessions': session.Sessions(store, conf, hooks, jobs=jobs),
        'clusters': cluster.Clusters(store, conf),
    }


def create_falcon_app(conf, store, hooks=None, lifecycle=None):
    """The bare falcon App (no authentication middleware).

    ``hooks`` defaults to the service hooks (client heartbeats, disabled
    clusters); pass ``objects.hooks.Hooks()`` for none. ``lifecycle`` (a
    ``lifecycle.Lifecycle``, a new one by default) is the process state
    that /status shows and the server drains.
    """
    store = metrics.MeteredStore(store)
    hooks = hooks or service.ServiceHooks(store, conf)
    deps = base.Deps(conf, policy.Policy(conf),
                     documents(conf, store, hooks), store, hooks,
                     lifecycle)
    app = falcon.App(middleware=[
        metering.Metering(),
        identity.Identity(conf, routes.PublicPaths(conf)),
        activity.Activity(deps.lifecycle, routes.QUIET_PATHS),
        limits.Limits(conf, exempt_accept_paths=routes.ANY_ACCEPT_PATHS),
        microversion.Microversion(),
    ])
    app.req_options.strip_url_path_trailing_slash = True
    app.req_options.keep_blank_qs_values = False
    app.resp_options.default_media_type = falcon.MEDIA_JSON
    app.resp_options.media_handlers[falcon.MEDIA_JSON] = (
        falcon.media.JSONHandler(dumps=jsonutils.dumps,
                                 loads=jsonutils.loads))
    errors.install(app)
    routes.add_routes(app, deps)
    return app


class PublicBypass:
    """Send public paths to the bare app, everything else through auth."""

    def __init__(self, app, protected, public_paths):
        self.app = app
        self.protected = protected
        self.public = public_paths

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO') or '/'
        if path != '/':
            path = path.rstrip('/')
        if path in self.public:
            return self.app(environ, start_response)
        return self.protected(environ, start_response)


def _with_auth_token(app, conf):
    from keystonemiddleware import auth_token
    protected = auth_token.AuthProtocol(app, {
        'oslo_config_config': conf,
        'delay_auth_decision': True,
    })
    return PublicBypass(app, protected, routes.PublicPaths(conf))


def create_app(conf, store, hooks=None, lifecycle=None):
    """The full WSGI application for ``conf`` over ``store``."""
    app = create_falcon_app(conf, store, hooks, lifecycle)
    wsgi = app
    if conf.auth_strategy == 'keystone':
        wsgi = _with_auth_token(app, conf)
    else:
        LOG.warning('*** auth_strategy = noauth: freezer-api runs WITHOUT '
                    'AUTHENTICATION and trusts the X-User-Id, X-Project-Id '
                    'and X-Roles headers. Development only; keep it on '
                    'loopback. ***')
    if conf.oslo_middleware.enable_proxy_headers_parsing:
        # NOTE: imported only when enabled: the oslo_middleware package
        # imports every middleware it has (webob, jinja2, bcrypt), several
        # MiB in each worker process.
        from oslo_middleware import http_proxy_to_wsgi
        wsgi = _Wsgi(http_proxy_to_wsgi.HTTPProxyToWSGI(wsgi, conf=conf))
    return wsgi


class _Wsgi:
    """A plain WSGI callable around webob-style middleware."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


def setup_logging(conf):
    oslo_log.setup(conf, 'freezer-api')


class Service:
    """What one serving process runs: ``wsgi`` (the application), over
    ``store``, with ``heartbeat`` registering it as a ``freezer-api``
    service.
    """

    def __init__(self, wsgi, store, heartbeat):
        self.wsgi = wsgi
        self.store = store
        self.heartbeat = heartbeat

    def stop(self):
        """Stop heartbeating (the store's connections close with the
        process).
        """
        self.heartbeat.stop()


def assemble(conf, lifecycle=None):
    """Open the store of ``conf``, build the application over it and start
    the heartbeat; return the ``Service``.

    :param lifecycle: the process state the server drains (``cmd/api.py``);
        a new one by default.
    :raises freezer_api.exception.StoreUnavailable: the store cannot be
        opened.
    """
    store = driver.open_store(conf)
    wsgi = create_app(conf, store, lifecycle=lifecycle)
    return Service(wsgi, store, start_heartbeat(conf, store))


def init_application(args=None, default_config_files=None):
    """Read the configuration, set up logging, return the ``Service``."""
    conf = conf_pkg.make_conf(args, default_config_files)
    setup_logging(conf)
    return assemble(conf)


def start_heartbeat(conf, store):
    """Register this process as a ``freezer-api`` service and heartbeat
    from a thread; return the ``Heartbeat`` (``.stop()`` ends it).
    """
    # NOTE: called by assemble(), not by create_app, so that tests decide
    # when (and whether) a process heartbeats.
    return metrics.MeteredHeartbeat(store, conf).start()
