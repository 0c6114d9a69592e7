"""``[database]`` is oslo.db's group: upstream's options reach the engine.

A ``freezer-api.conf`` as an upstream deployment writes it is loaded the
way the service loads it, and the engine of the SQL store is checked
through SQLAlchemy's public API and the database's own answers.
"""

import contextlib
import time

from oslo_db import exception as db_exc
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from freezer_api import conf as conf_pkg
from freezer_api import exception
from freezer_api.storage import base
from freezer_api.storage import driver
from freezer_api.storage.sql import engine as sql_engine


def _engine(tmp_path, url, *lines):
    path = tmp_path / 'freezer-api.conf'
    path.write_text('[storage]\ndriver = sqlalchemy\n[database]\n'
                    'connection = %s\n%s\n' % (url, '\n'.join(lines)))
    conf = conf_pkg.make_conf(['--config-file', str(path)])
    return sql_engine.from_conf(conf)


@pytest.fixture
def mysql_url(mysql_backend):
    return mysql_backend.url


def _scalar(conn, sql):
    return conn.exec_driver_sql(sql).scalar()


def test_upstream_pool_options_size_the_pool(tmp_path, mysql_url):
    engine = _engine(tmp_path, mysql_url, 'max_pool_size = 3',
                     'max_overflow = 0', 'pool_timeout = 1',
                     'connection_recycle_time = 600',
                     'mysql_sql_mode = TRADITIONAL',
                     'db_max_retries = 5', 'connection_debug = 0',
                     'no_such_option_of_anyone = 1')
    try:
        assert engine.pool.size() == 3
        held = [engine.connect() for _ in range(3)]
        started = time.monotonic()
        with pytest.raises(sa.exc.TimeoutError):
            engine.connect()
        assert time.monotonic() - started < 10
        for conn in held:
            conn.close()
    finally:
        engine.dispose()


@pytest.mark.parametrize('mode, expected', [('TRADITIONAL', 'TRADITIONAL'),
                                            ('ANSI', 'ANSI_QUOTES')])
def test_mysql_sql_mode_is_the_sessions(tmp_path, mysql_url, mode,
                                        expected):
    engine = _engine(tmp_path, mysql_url, 'mysql_sql_mode = %s' % mode)
    try:
        with engine.connect() as conn:
            found = _scalar(conn, 'SELECT @@SESSION.sql_mode').split(',')
        assert expected in found
    finally:
        engine.dispose()


def test_connection_recycle_time_replaces_old_connections(tmp_path,
                                                          mysql_url):
    engine = _engine(tmp_path, mysql_url, 'max_pool_size = 1',
                     'connection_recycle_time = 1')
    try:
        with engine.connect() as conn:
            first = _scalar(conn, 'SELECT CONNECTION_ID()')
        with engine.connect() as conn:
            assert _scalar(conn, 'SELECT CONNECTION_ID()') == first
        time.sleep(1.5)
        with engine.connect() as conn:
            assert _scalar(conn, 'SELECT CONNECTION_ID()') != first
    finally:
        engine.dispose()


@pytest.mark.parametrize('lines, size', [
    (['pool_size = 2'], 2),
    (['pool_size = 2', 'max_pool_size = 4'], 4),
    ([], 8),
])
def test_pool_size_is_a_deprecated_name_of_max_pool_size(tmp_path,
                                                         mysql_url,
                                                         lines, size):
    engine = _engine(tmp_path, mysql_url, *lines)
    try:
        assert engine.pool.size() == size
    finally:
        engine.dispose()


@pytest.mark.parametrize('lines, synchronous', [
    ([], 1),
    (['sqlite_synchronous = false'], 0),
])
def test_sqlite_gets_wal_and_the_busy_timeout(tmp_path, lines,
                                              synchronous):
    url = 'sqlite:///%s' % (tmp_path / 'freezer.sqlite')
    engine = _engine(tmp_path, url, 'busy_timeout = 7', *lines)
    try:
        with engine.connect() as conn:
            assert _scalar(conn, 'PRAGMA journal_mode') == 'wal'
            assert _scalar(conn, 'PRAGMA busy_timeout') == 7000
            assert _scalar(conn, 'PRAGMA synchronous') == synchronous
            assert _scalar(conn, 'PRAGMA foreign_keys') == 1
    finally:
        engine.dispose()


def test_sqlite_writes_take_the_write_lock_at_begin(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'freezer.sqlite')
    engine = _engine(tmp_path, url, 'busy_timeout = 1')
    try:
        writer = engine.connect().execution_options(**sql_engine.WRITE)
        with writer.begin():
            other = engine.connect().execution_options(**sql_engine.WRITE)
            # NOTE: the first writer has run no statement yet: only an
            # immediate BEGIN makes the second one wait for its lock.
            with pytest.raises(sa.exc.OperationalError, match='locked'):
                other.begin()
            other.close()
        writer.close()
    finally:
        engine.dispose()


def test_sqlite_keeps_its_connections(tmp_path):
    """A pooled SQLite engine: a checkout reuses an open connection."""
    url = 'sqlite:///%s' % (tmp_path / 'freezer.sqlite')
    engine = sql_engine.create(url, busy_timeout=5, pool_size=2)
    with engine.connect() as conn:
        first = conn.connection.dbapi_connection
    with engine.connect() as conn:
        assert conn.connection.dbapi_connection is first
    assert engine.pool.size() == 2
    engine.dispose()


class _Deadlocks:
    """Fail the next ``count`` inserts of a document as the database
    reports a deadlock (oslo.db's ``DBDeadlock``), before they run.
    """

    def __init__(self, count):
        self.left = count
        self.raised = 0

    def __call__(self, conn, cursor, statement, parameters, context,
                 executemany):
        if self.left and statement.lstrip().upper().startswith(
                'INSERT INTO DOCUMENTS'):
            self.left -= 1
            self.raised += 1
            raise db_exc.DBDeadlock()


@pytest.fixture(params=['sqlite', 'mysql'])
def database_url(request, tmp_path):
    if request.param == 'sqlite':
        return 'sqlite:///%s' % (tmp_path / 'freezer.sqlite')
    return request.getfixturevalue('mysql_backend').url


@contextlib.contextmanager
def _store(tmp_path, url, *lines):
    path = tmp_path / 'freezer-api.conf'
    path.write_text('[storage]\ndriver = sqlalchemy\n[database]\n'
                    'connection = %s\n%s\n' % (url, '\n'.join(lines)))
    conf = conf_pkg.make_conf(['--config-file', str(path)])
    manager = driver.open_manager(conf)
    manager.sync()
    manager.close()
    store = driver.open_store(conf)
    try:
        yield store
    finally:
        store.close()
        if url.startswith('mysql'):
            manager = driver.open_manager(conf)
            manager.remove()
            manager.close()


@contextlib.contextmanager
def _deadlocking(count):
    deadlocks = _Deadlocks(count)
    event.listen(sa.engine.Engine, 'before_cursor_execute', deadlocks)
    try:
        yield deadlocks
    finally:
        event.remove(sa.engine.Engine, 'before_cursor_execute', deadlocks)


P1 = base.Scope(project_id='p1')


@pytest.mark.parametrize('retries, deadlocks', [(2, 2), (5, 1)])
def test_db_max_retries_runs_a_deadlocked_write_again(tmp_path, database_url,
                                                      retries, deadlocks):
    with _store(tmp_path, database_url, 'db_max_retries = %d' % retries,
                'db_retry_interval = 0') as store:
        with _deadlocking(deadlocks) as failed:
            assert store.create('backups', 'b1', {'project_id': 'p1',
                                                  'n': 1}, P1) == 1
        assert failed.raised == deadlocks
        assert store.get('backups', 'b1', P1).doc == {'project_id': 'p1',
                                                      'n': 1}
        assert [r.doc['n'] for r in store.search('backups', P1)] == [1]


@pytest.mark.parametrize('retries', [0, 2])
def test_a_write_deadlocked_past_db_max_retries_is_unavailable(
        tmp_path, database_url, retries):
    with _store(tmp_path, database_url, 'db_max_retries = %d' % retries,
                'db_retry_interval = 0') as store:
        with _deadlocking(retries + 1) as failed:
            with pytest.raises(exception.StoreUnavailable):
                store.create('backups', 'b1', {'project_id': 'p1'}, P1)
        assert failed.raised == retries + 1
        with pytest.raises(exception.NotFound):
            store.get('backups', 'b1', P1)
        assert store.search('backups', P1) == []
