"""``freezer-api``: serve the API with a small threaded WSGI server.

For development and small installations; production uses uWSGI or Apache.
"""

import ipaddress
import logging
import socketserver
import sys
from wsgiref import simple_server

from freezer_api import app
from freezer_api import conf as conf_pkg
from freezer_api.storage import driver

LOG = logging.getLogger('freezer_api.cmd.api')


class _Server(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Handler(simple_server.WSGIRequestHandler):
    def log_message(self, fmt, *args):
        LOG.info('%s %s', self.address_string(), fmt % args)


def _is_loopback(host):
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv=None):
    conf = conf_pkg.make_conf(sys.argv[1:] if argv is None else argv)
    app.setup_logging(conf)
    if conf.auth_strategy == 'noauth' and not _is_loopback(conf.bind_host):
        LOG.error('Refusing to serve without authentication on %s: with '
                  'auth_strategy = noauth bind_host must be a loopback '
                  'address.', conf.bind_host)
        return 2
    store = driver.open_store(conf)
    application = app.create_app(conf, store)
    heartbeat = app.start_heartbeat(conf, store)
    server = simple_server.make_server(conf.bind_host, conf.bind_port,
                                       application, server_class=_Server,
                                       handler_class=_Handler)
    LOG.info('freezer-api serving on http://%s:%d (auth_strategy=%s, '
             'storage driver=%s)', conf.bind_host, server.server_port,
             conf.auth_strategy, conf.storage.driver)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        heartbeat.stop()
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
