"""Engines from oslo.db's engine facade, SQLite tuned for several writers.

Every ``[database]`` option of oslo.db reaches the engine (pool sizes and
timeouts, recycle time, ``mysql_sql_mode``, connection retries at start,
debug and trace). On top of that SQLite gets WAL (readers never block the
writer), a busy timeout (writers queue instead of failing with "database
is locked") and ``BEGIN IMMEDIATE`` for write transactions (the write lock
is taken up front, so two transactions can never deadlock upgrading a read
lock).
"""

import os

from oslo_config import cfg
from oslo_db import api as db_api
from oslo_db import options as db_options
import sqlalchemy as sa
from sqlalchemy import event

WRITE = {'freezer_write': True}

#: oslo.db's ``[database]`` options, all of which the facade accepts.
_FACADE_OPTIONS = tuple(opt.dest for opt in db_options.database_opts)


def _tune_sqlite(engine, busy_timeout, synchronous):
    @event.listens_for(engine, 'connect')
    def _connect(dbapi_conn, _record):
        # NOTE: transaction control from pysqlite to the 'begin' hook.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute('PRAGMA journal_mode=WAL')
        cursor.execute('PRAGMA foreign_keys=ON')
        if synchronous:
            # NOTE: NORMAL, not oslo.db's FULL: in WAL mode NORMAL loses
            # no committed transaction when the process dies, only on a
            # power loss, and costs one fsync per checkpoint instead of
            # one per commit. sqlite_synchronous=false still gives OFF.
            cursor.execute('PRAGMA synchronous=NORMAL')
        else:
            cursor.execute('PRAGMA synchronous=OFF')
        cursor.execute('PRAGMA busy_timeout=%d' % (busy_timeout * 1000))
        cursor.close()

    # NOTE: a write needs the write lock up front. Should a deferred BEGIN
    # have been emitted already (oslo.db's 'begin' listener does on the
    # engines it makes), that empty transaction (it holds no lock yet) is
    # ended and an immediate one begun. ``in_transaction`` is the driver's
    # own state, so this holds whoever began one.
    @event.listens_for(engine, 'begin')
    def _begin(conn):
        begun = conn.connection.dbapi_connection.in_transaction
        if conn.get_execution_options().get('freezer_write'):
            if begun:
                conn.connection.dbapi_connection.execute('ROLLBACK')
            conn.exec_driver_sql('BEGIN IMMEDIATE')
        elif not begun:
            conn.exec_driver_sql('BEGIN')


def create(url, busy_timeout=30, pool_size=8, **options):
    """Return a new engine for ``url`` from oslo.db's engine facade.

    :param options: other oslo.db ``[database]`` options by name
        (``max_overflow``, ``mysql_sql_mode``, ...); unset ones keep
        oslo.db's defaults.
    :raises oslo_db.exception.DBConnectionError: the database did not
        answer within ``max_retries`` attempts.
    """
    parsed = sa.engine.make_url(url)
    is_sqlite = parsed.get_backend_name() == 'sqlite'
    if is_sqlite and parsed.database and parsed.database != ':memory:':
        os.makedirs(os.path.dirname(os.path.abspath(parsed.database)),
                    exist_ok=True)
    # NOTE: a context of our own (transaction_context()), not the global
    # enginefacade.writer: each store owns its engine and its
    # configuration, and every value is passed explicitly, so the global
    # cfg.CONF that the facade falls back on for unset values is never
    # what decides. get_engine() is the public way to the engine of a
    # context; the legacy EngineFacade is deprecated.
    if is_sqlite:
        return _sqlite_engine(parsed, busy_timeout, pool_size, options)
    # NOTE: imported here: oslo.db's engine modules import SQLAlchemy's
    # ORM, 8 MiB of every worker's memory that a SQLite store never uses.
    from oslo_db.sqlalchemy import enginefacade
    context = enginefacade.transaction_context()
    context.configure(**dict(options, connection=url,
                             max_pool_size=pool_size))
    return context.writer.get_engine()


def _sqlite_engine(url, busy_timeout, pool_size, options):
    """An engine of a SQLite database that keeps its connections.

    NOTE: oslo.db gives a SQLite file a NullPool: every checkout opens the
    file and runs the PRAGMAs again, 752 us against 51 us for a pooled
    connection here (connect + one query), on every request. oslo.db's pool
    options do nothing on SQLite either way; the ones that mean something
    for it (``max_pool_size``, ``max_overflow``, ``pool_timeout``,
    ``sqlite_synchronous``, ``connection_debug``) are applied here.
    """
    kwargs = {'connect_args': {'check_same_thread': False,
                               'timeout': busy_timeout}}
    if url.database and url.database != ':memory:':
        kwargs.update(poolclass=sa.pool.QueuePool, pool_size=pool_size)
        for name, arg in (('max_overflow', 'max_overflow'),
                          ('pool_timeout', 'pool_timeout')):
            if options.get(name) is not None:
                kwargs[arg] = options[name]
    else:
        kwargs['poolclass'] = sa.pool.StaticPool
    if (options.get('connection_debug') or 0) >= 100:
        kwargs['echo'] = 'debug'
    elif (options.get('connection_debug') or 0) >= 50:
        kwargs['echo'] = True
    engine = sa.create_engine(url, **kwargs)
    _tune_sqlite(engine, busy_timeout,
                 options.get('sqlite_synchronous', True))
    return engine


def _pool_size(conf):
    """``max_pool_size``, or the deprecated ``pool_size`` when only that
    one is set in the configuration.
    """
    db = conf.database
    where = conf.get_location('max_pool_size', group='database')
    if db.pool_size is not None and where.location in (
            cfg.Locations.opt_default, cfg.Locations.set_default):
        return db.pool_size
    return db.max_pool_size


def retry_policy(conf):
    """oslo.db's retry of a whole transaction, as ``[database]`` sets it.

    A deadlock (MySQL, PostgreSQL) is retried up to ``db_max_retries``
    times, ``db_retry_interval`` seconds apart (doubling up to
    ``db_max_retry_interval`` with ``db_inc_retry_interval``); a lost
    connection too when ``use_db_reconnect`` is set. Only errors that
    oslo.db's filters translate are retried: on SQLite, writers queue on
    the busy timeout instead.

    :returns: a decorator for functions that run one whole transaction.
    """
    db = conf.database
    return db_api.wrap_db_retry(
        max_retries=db.db_max_retries, retry_interval=db.db_retry_interval,
        inc_retry_interval=db.db_inc_retry_interval,
        max_retry_interval=db.db_max_retry_interval,
        retry_on_deadlock=True, retry_on_disconnect=db.use_db_reconnect)


def from_conf(conf):
    """Return the engine of ``[database]``."""
    db = conf.database
    options = {name: db[name] for name in _FACADE_OPTIONS}
    del options['connection'], options['max_pool_size']
    return create(db.connection, busy_timeout=db.busy_timeout,
                  pool_size=_pool_size(conf), **options)
