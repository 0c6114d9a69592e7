"""Options of the [database] group: oslo.db's, plus the SQLite lock wait.

Every option oslo.db defines (``max_pool_size``, ``max_overflow``,
``pool_timeout``, ``connection_recycle_time``, ``mysql_sql_mode``,
``connection_debug``, ``sqlite_synchronous``, ``max_retries``, ...) is
registered as oslo.db registers it, with this service's defaults for the
connection URL and the pool; ``storage/sql/engine.py`` hands them all to
oslo.db's engine facade.
"""

import copy

from oslo_config import cfg
from oslo_db import options as db_options

GROUP = 'database'

#: This service's defaults for oslo.db's options.
#: NOTE: the pool keeps the sizes the service had before it used oslo.db
#: (8 kept, SQLAlchemy's 10 more on demand), not oslo.db's 5 and 50: 58
#: connections per worker process would exhaust a PostgreSQL server's
#: default 100 with two API nodes.
DEFAULTS = {
    'connection': 'sqlite:///$state_path/freezer.sqlite',
    'max_pool_size': 8,
    'max_overflow': 10,
}

OPTS = [
    # NOTE: oslo.db has no busy timeout: its SQLite engine waits for the
    # write lock only pysqlite's 5 s default, and several API worker
    # processes share one SQLite file.
    cfg.IntOpt('busy_timeout', default=30, min=1,
               help='Seconds a SQLite writer waits for the write lock.'),
    # NOTE: the name this service used before oslo.db's max_pool_size;
    # operators' files written from the older sample still carry it.
    cfg.IntOpt('pool_size', min=1, deprecated_for_removal=True,
               deprecated_reason='Use oslo.db\'s max_pool_size, which '
                                 'takes precedence when both are set.',
               help='Connections kept per process (max_pool_size).'),
]


def register_opts(conf):
    db_options.set_defaults(conf, **DEFAULTS)
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    """Return oslo.db's options (with this service's defaults) and ours.

    NOTE: ``set_defaults`` on a ``ConfigOpts`` does not change the option
    objects the sample generator reads, and changing oslo.db's own objects
    would change them for every other user in the process: the sample gets
    copies carrying ``DEFAULTS``.
    """
    opts = [copy.deepcopy(opt) for opt in db_options.database_opts]
    cfg.set_defaults(opts, **DEFAULTS)
    return [(GROUP, opts + OPTS)]
