"""Engine creation, with SQLite tuned for several writer processes.

SQLite gets WAL (readers never block the writer), a busy timeout (writers
queue instead of failing with "database is locked") and ``BEGIN IMMEDIATE``
for write transactions (the write lock is taken up front, so two
transactions can never deadlock upgrading a read lock).
"""

import os

import sqlalchemy as sa
from sqlalchemy import event

WRITE = {'freezer_write': True}


def _is_sqlite(url):
    return url.get_backend_name() == 'sqlite'


def _tune_sqlite(engine, busy_timeout):
    @event.listens_for(engine, 'connect')
    def _connect(dbapi_conn, _record):
        # NOTE: take transaction control from pysqlite so that the begin
        # hook below decides between deferred and immediate.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute('PRAGMA journal_mode=WAL')
        cursor.execute('PRAGMA synchronous=NORMAL')
        cursor.execute('PRAGMA foreign_keys=ON')
        cursor.execute('PRAGMA busy_timeout=%d' % (busy_timeout * 1000))
        cursor.close()

    @event.listens_for(engine, 'begin')
    def _begin(conn):
        if conn.get_execution_options().get('freezer_write'):
            conn.exec_driver_sql('BEGIN IMMEDIATE')
        else:
            conn.exec_driver_sql('BEGIN')


def create(url, busy_timeout=30, pool_size=8):
    """Return an engine for ``url``."""
    url = sa.engine.make_url(url)
    kwargs = {}
    if _is_sqlite(url):
        if url.database and url.database != ':memory:':
            os.makedirs(os.path.dirname(os.path.abspath(url.database)),
                        exist_ok=True)
        kwargs['connect_args'] = {'check_same_thread': False,
                                  'timeout': busy_timeout}
        kwargs['pool_size'] = pool_size
    else:
        kwargs['pool_pre_ping'] = True
        kwargs['pool_size'] = pool_size
    engine = sa.create_engine(url, **kwargs)
    if _is_sqlite(url):
        _tune_sqlite(engine, busy_timeout)
    return engine


def from_conf(conf):
    """Return the engine of ``[database]``."""
    db = conf.database
    return create(db.connection, db.busy_timeout, db.pool_size)
