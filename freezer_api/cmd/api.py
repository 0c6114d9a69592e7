"""``freezer-api``: serve the API with the built-in threaded HTTP/1.1 server.

For development and small installations; production uses uWSGI or Apache.
The server (``freezer_api.server``) has a bounded worker pool, honours
keep-alive and answers every malformed request in the service's JSON error
shape.
"""

import ipaddress
import logging
import signal
import sys

from freezer_api import app
from freezer_api import conf as conf_pkg
from freezer_api.conf import reload
from freezer_api import lifecycle as lifecycles
from freezer_api.server import listener
from freezer_api.server import loop

LOG = logging.getLogger('freezer_api.cmd.api')


def _is_loopback(host):
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _terminate(conf, lifecycle, server):
    """SIGTERM: drain for ``graceful_shutdown_timeout`` seconds, then stop;
    a SIGTERM while draining stops at once.
    """
    if lifecycle.draining:
        LOG.info('SIGTERM while draining: stopping now')
        server.stop()
        return
    lifecycle.drain()
    seconds = conf.graceful_shutdown_timeout
    LOG.info('SIGTERM: draining for %d s (/health/ready answers 503), '
             'then stopping', seconds)
    server.stop_after(seconds)


def _interrupt(lifecycle, server):
    """SIGINT (Ctrl-C): stop now; the requests in flight still finish."""
    lifecycle.drain()
    server.stop()


def main(argv=None):
    conf = conf_pkg.make_conf(sys.argv[1:] if argv is None else argv)
    app.setup_logging(conf)
    if conf.auth_strategy == 'noauth' and not _is_loopback(conf.bind_host):
        LOG.error('Refusing to serve without authentication on %s: with '
                  'auth_strategy = noauth bind_host must be a loopback '
                  'address.', conf.bind_host)
        return 2
    lifecycle = lifecycles.Lifecycle()
    service = app.assemble(conf, lifecycle=lifecycle)
    settings = listener.Settings.from_conf(conf)
    server = loop.Server(service.wsgi, settings)
    signal.signal(signal.SIGTERM,
                  lambda signum, frame: _terminate(conf, lifecycle, server))
    signal.signal(signal.SIGINT,
                  lambda signum, frame: _interrupt(lifecycle, server))
    # NOTE: SIGHUP re-reads the configuration files (mutable options).
    signal.signal(signal.SIGHUP, lambda signum, frame: reload.reload(conf))
    LOG.info('freezer-api serving on http://%s:%d (auth_strategy=%s, '
             'storage driver=%s, backlog=%d, %d worker threads, queue %d)',
             conf.bind_host, server.port, conf.auth_strategy,
             conf.storage.driver, server.backlog, settings.threads,
             settings.queue_size)
    try:
        server.serve_forever()
    finally:
        service.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
