"""Options of the [database] group: the SQL store."""

from oslo_config import cfg

GROUP = 'database'

OPTS = [
    cfg.StrOpt('connection', secret=True,
               default='sqlite:///$state_path/freezer.sqlite',
               help='SQLAlchemy URL of the database (SQLite file by default;'
                    ' PostgreSQL and MySQL URLs work too).'),
    cfg.IntOpt('busy_timeout', default=30, min=1,
               help='Seconds a SQLite writer waits for the write lock.'),
    cfg.IntOpt('pool_size', default=8, min=1,
               help='Connections kept per process.'),
]


def register_opts(conf):
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return [(GROUP, OPTS)]
