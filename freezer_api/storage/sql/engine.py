"""Engines from oslo.db's engine facade, SQLite tuned for several writers.

Every ``[database]`` option of oslo.db reaches the engine (pool sizes and
timeouts, recycle time, ``mysql_sql_mode``, connection retries at start,
debug and trace). On top of that SQLite gets WAL (readers never block the
writer), a busy timeout (writers queue instead of failing with "database
is locked") and ``BEGIN IMMEDIATE`` for write transactions (the write lock
is taken up front, so two transactions can never deadlock upgrading a read
lock).
"""

import functools
import os

from oslo_config import cfg
from oslo_db import options as db_options
from oslo_db.sqlalchemy import enginefacade
import sqlalchemy as sa
from sqlalchemy import event

WRITE = {'freezer_write': True}

#: oslo.db's ``[database]`` options, all of which the facade accepts.
_FACADE_OPTIONS = tuple(opt.dest for opt in db_options.database_opts)


def _tune_sqlite(engine, busy_timeout, synchronous):
    @event.listens_for(engine, 'connect')
    def _connect(dbapi_conn, _record):
        cursor = dbapi_conn.cursor()
        cursor.execute('PRAGMA journal_mode=WAL')
        if synchronous:
            # NOTE: NORMAL, not oslo.db's FULL: in WAL mode NORMAL loses
            # no committed transaction when the process dies, only on a
            # power loss, and costs one fsync per checkpoint instead of
            # one per commit. sqlite_synchronous=false still gives OFF.
            cursor.execute('PRAGMA synchronous=NORMAL')
        cursor.execute('PRAGMA busy_timeout=%d' % (busy_timeout * 1000))
        cursor.close()

    # NOTE: oslo.db's SQLite engine takes transaction control from pysqlite
    # and its own 'begin' listener, which runs before this one, emits a
    # deferred BEGIN. A write needs the write lock up front: that empty
    # deferred transaction (it holds no lock yet) is ended and an
    # immediate one begun. ``in_transaction`` is the driver's own state,
    # so this holds whether or not oslo.db began one.
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
    context = enginefacade.transaction_context()
    context.configure(**dict(options, connection=url,
                             max_pool_size=pool_size, sqlite_fk=True))
    if is_sqlite:
        context.append_on_engine_create(functools.partial(
            _tune_sqlite, busy_timeout=busy_timeout,
            synchronous=options.get('sqlite_synchronous', True)))
    return context.writer.get_engine()


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


def from_conf(conf):
    """Return the engine of ``[database]``."""
    db = conf.database
    options = {name: db[name] for name in _FACADE_OPTIONS}
    del options['connection'], options['max_pool_size']
    return create(db.connection, busy_timeout=db.busy_timeout,
                  pool_size=_pool_size(conf), **options)
