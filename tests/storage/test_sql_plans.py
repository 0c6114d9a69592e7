"""The SQL store's searches are index walks that stop at the limit: the
plans SQLite chooses for them (EXPLAIN QUERY PLAN on the store's own
engine and statements), and the same answers whichever plan runs."""

import random

import pytest

from freezer_api.storage import base
from freezer_api.storage import driver
from freezer_api.storage import query as q
from tests import conftest

P1 = base.Scope(project_id='p1')
P2 = base.Scope(project_id='p2')


@pytest.fixture
def sqlite_store(sql_backend):
    sql_backend.reset()
    opened = driver.open_store(conftest.make_conf(sql_backend))
    yield opened
    opened.close()


class _Plans:
    """Records the SQL the store runs; ``last()`` is the plan of the last
    statement, one detail line per step.
    """

    def __init__(self, store, monkeypatch):
        self._store = store
        self._seen = []
        run = store._sql.run

        def recording(shape, build, values):
            self._seen.append(store._sql.prepare(shape, build, values))
            return run(shape, build, values)
        monkeypatch.setattr(store._sql, 'run', recording)

    def last(self):
        sql, params = self._seen[-1]
        raw = self._store._engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute('EXPLAIN QUERY PLAN ' + sql, params)
            return [row[-1] for row in cursor.fetchall()]
        finally:
            raw.close()


@pytest.fixture
def plans(sqlite_store, monkeypatch):
    return _Plans(sqlite_store, monkeypatch)


def backup(n, client='c%d', stamp=None):
    return {'project_id': 'p1', 'backup_id': 'b%d' % n, 'n': n,
            'backup_metadata': {'client_id': client % (n % 3),
                                'time_stamp': 1000 + n if stamp is None
                                else stamp}}


def _fill(store, count, stamps=None):
    for n in range(count):
        store.create('backups', 'b%d' % n, backup(
            n, stamp=None if stamps is None else stamps[n]), P1)


def test_client_id_search_walks_the_terms_index_in_seq_order(
        sqlite_store, plans):
    _fill(sqlite_store, 9)
    found = sqlite_store.search('backups', P1, q.Query(must=[
        q.condition_term('client_id', 'c1')]), limit=2)
    assert [r.doc['n'] for r in found] == [1, 4]
    plan = plans.last()
    assert ('SEARCH must0 USING COVERING INDEX ix_document_terms_term '
            '(term=?)' in plan), plan
    assert 'SEARCH documents USING INTEGER PRIMARY KEY (rowid=?)' in plan
    # no list of every document of the term, no scan of the owner's
    assert not [step for step in plan if 'LIST SUBQUERY' in step
                or 'ix_documents_kind_owner ' in step + ' '], plan


def test_terms_that_must_not_match_are_probed_by_primary_key(
        sqlite_store, plans):
    _fill(sqlite_store, 9)
    found = sqlite_store.search('backups', P1, q.Query(
        must=[q.condition_term('client_id', 'c1')],
        must_not=[q.condition_term('n', 4)]))
    assert [r.doc['n'] for r in found] == [1, 7]
    plan = plans.last()
    assert ('SEARCH not0 USING COVERING INDEX sqlite_autoindex_document_'
            'terms_1 (seq=? AND term=?)' in plan), plan
    assert not [step for step in plan if 'LIST SUBQUERY' in step], plan


def test_time_range_search_reads_the_range_from_the_time_index(
        sqlite_store, plans):
    _fill(sqlite_store, 9)
    found = sqlite_store.search('backups', P1, q.Query(
        time_after=1003, time_before=1007), limit=3)
    assert [r.doc['n'] for r in found] == [3, 4, 5]
    plan = plans.last()
    assert ('SEARCH documents USING COVERING INDEX '
            'ix_documents_kind_owner_time (kind=? AND owner=? AND '
            'time_stamp>? AND time_stamp<?)' in plan), plan


def test_a_range_holding_more_than_the_cap_walks_in_seq_order(
        sqlite_store, plans):
    _fill(sqlite_store, 9)
    sqlite_store.by_time_cap = 4
    found = sqlite_store.search('backups', P1, q.Query(time_after=1001),
                                limit=2)
    assert [r.doc['n'] for r in found] == [1, 2]
    plan = plans.last()
    assert ('SEARCH documents USING COVERING INDEX ix_documents_kind_owner '
            '(kind=? AND owner=?)' in plan
            or 'SEARCH documents USING INDEX ix_documents_kind_owner '
            '(kind=? AND owner=?)' in plan), plan
    assert 'USE TEMP B-TREE FOR ORDER BY' in plan[-1]
    assert not [step for step in plan[:-1] if 'TEMP B-TREE' in step], plan


def _pages(store, query, limit, **kwargs):
    return [[r.doc['n'] for r in store.search(
        'backups', P1, query, limit=limit, offset=offset, **kwargs)]
        for offset in range(0, 12, limit)]


@pytest.mark.parametrize('query', [
    q.Query(time_after=1010),
    q.Query(time_before=1030),
    q.Query(time_after=1005, time_before=1025),
    q.Query(time_after=1005, time_before=1025,
            must_not=[q.condition_term('client_id', 'c0')]),
], ids=['after', 'before', 'between', 'between-not'])
def test_by_time_or_in_seq_order_the_answer_is_the_same(
        sqlite_store, query):
    # time stamps in no order of their own: the order is still seq's
    stamps = random.Random(7).sample(range(1000, 1040), 30)
    _fill(sqlite_store, 30, stamps)
    sqlite_store.create('backups', 'other', dict(backup(99), project_id='p2'),
                        P2)
    by_time = _pages(sqlite_store, query, 3)
    marked = sqlite_store.search('backups', P1, query, limit=4, marker='b9')
    sqlite_store.by_time_cap = 1
    assert _pages(sqlite_store, query, 3) == by_time
    assert sqlite_store.search('backups', P1, query, limit=4,
                               marker='b9') == marked
    expected = [n for n in range(30)
                if (query.time_after or 0) <= stamps[n]
                <= (query.time_before or 2000)
                and not (query.must_not and n % 3 == 0)]
    assert sum(by_time, []) == expected[:12]
    assert [r.doc['n'] for r in marked] == [n for n in expected
                                            if n > 9][:4]
