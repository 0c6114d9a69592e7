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
    cfg.IntOpt('report_interval', default=10, min=1,
               help='Seconds between heartbeats of this API node.'),
    cfg.IntOpt('service_down_time', default=60, min=1,
               help='Seconds without a heartbeat after which a service '
                    'counts as down.'),
]


def register_opts(conf):
    conf.register_opts(OPTS)


def list_opts():
    return [('DEFAULT', OPTS)]
