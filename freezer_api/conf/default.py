"""Options of the [DEFAULT] group: where the API listens and who it is."""

import os
import socket

from oslo_config import cfg

OPTS = [
    cfg.HostAddressOpt('bind_host', default='127.0.0.1',
                       help='Address the simple `freezer-api` server binds '
                            'to. Keep it on loopback with auth_strategy = '
                            'noauth; in production use a WSGI server.'),
    cfg.PortOpt('bind_port', default=9090,
                help='Port the simple `freezer-api` server listens on.'),
    cfg.StrOpt('auth_strategy', default='keystone',
               choices=[('keystone', 'Validate tokens with Keystone '
                                     '(keystonemiddleware auth_token).'),
                        ('noauth', 'Development only: trust the identity '
                                   'headers, no Keystone.')],
               help='How requests are authenticated.'),
    cfg.StrOpt('state_path',
               default=os.path.join(os.path.expanduser('~'), '.local',
                                    'state', 'freezer-api'),
               sample_default='~/.local/state/freezer-api',
               help='Directory for local state (the default SQLite file).'),
    cfg.StrOpt('host', default=socket.gethostname(), sample_default='<host>',
               help='Name of this API node as a service record.'),
    cfg.StrOpt('cluster', default='',
               help='Cluster this API node belongs to (empty: none).'),
    cfg.IntOpt('report_interval', default=10, min=1, mutable=True,
               help='Seconds between heartbeats of this API node.'),
    cfg.IntOpt('service_down_time', default=60, min=1, mutable=True,
               help='Seconds without a heartbeat after which a service '
                    'counts as down.'),
]

# NOTE: the built-in `freezer-api` server only; uWSGI and Apache have their
# own settings. Names follow oslo.service's wsgi options where one exists.
SERVER_OPTS = [
    cfg.IntOpt('backlog', default=4096, min=1,
               help='Listen backlog of the `freezer-api` server: how many '
                    'connections the kernel queues before the server '
                    'accepts them. Capped by the kernel limit '
                    'net.core.somaxconn (/proc/sys/net/core/somaxconn).'),
    cfg.IntOpt('server_threads', default=16, min=1,
               help='Worker threads of the `freezer-api` server: requests '
                    'handled at the same time. Idle keep-alive connections '
                    'hold no thread.'),
    cfg.IntOpt('server_queue_size', default=256, min=1,
               help='Connections with a request that may wait for a free '
                    'worker thread of the `freezer-api` server; when this '
                    'many wait, further requests are answered 503 with '
                    'Retry-After.'),
    cfg.BoolOpt('wsgi_keep_alive', default=True,
                help='Whether the `freezer-api` server keeps connections '
                     'open for further requests (HTTP keep-alive). If '
                     'false, it closes each connection after one '
                     'response.'),
    cfg.IntOpt('keepalive_timeout', default=30, min=1,
               help='Seconds an idle keep-alive connection of the '
                    '`freezer-api` server stays open waiting for its next '
                    'request.'),
    cfg.IntOpt('client_socket_timeout', default=30, min=1,
               help='Seconds a request may take to arrive whole (head '
                    'and body) at the `freezer-api` server, and longest '
                    'wait for a client to take a response; a late request '
                    'is answered 408, and a new connection that sends '
                    'nothing in that time is closed.'),
    cfg.IntOpt('graceful_shutdown_timeout', default=60, min=0,
               help='Seconds the `freezer-api` server drains after '
                    'SIGTERM: it answers /health/ready (and /status) '
                    'with 503 and state "draining" so that load '
                    'balancers take it out, while it keeps answering '
                    'every request, the ones in flight at SIGTERM '
                    'included. When the time is up it stops accepting '
                    'connections, lets the requests in flight finish '
                    '(at most 10 more seconds) and exits 0, even if it '
                    'was idle earlier. 0: no window, stop at once (the '
                    'requests in flight still finish). A second SIGTERM '
                    'or SIGINT ends the window. Under uWSGI and Apache '
                    'their own shutdown applies.'),
    cfg.IntOpt('max_header_line', default=16384, min=256,
               help='Longest request line and header line, in bytes, the '
                    '`freezer-api` server accepts: a longer request line '
                    'is answered 414, a longer header line 431 (as are '
                    'more than 100 header fields).'),
]


def register_opts(conf):
    conf.register_opts(OPTS + SERVER_OPTS)


def list_opts():
    return [('DEFAULT', OPTS + SERVER_OPTS)]
