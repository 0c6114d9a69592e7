"""The store contract: every store driver must pass this suite.

It runs once per backend of tests/fixtures/stores.py (SQLite, and the real
Elasticsearch and OpenSearch servers).
"""

import concurrent.futures

import pytest

from freezer_api import exception
from freezer_api.storage import base
from freezer_api.storage import query as q

P1 = base.Scope(project_id='p1')
P2 = base.Scope(project_id='p2')
U1 = base.Scope(user_id='u1')


def job(n, project='p1', user='u1', status='scheduled', client='c1'):
    return {'job_id': 'j%d' % n, 'project_id': project, 'user_id': user,
            'client_id': client, 'n': n,
            'job_schedule': {'status': status, 'event': ''},
            'job_actions': [{'freezer_action': {'action': 'backup',
                                                'mode': 'fs'}}]}


def test_create_then_get_returns_document_and_version_one(store):
    assert store.create('jobs', 'j1', job(1), P1) == 1
    record = store.get('jobs', 'j1', P1)
    assert record.doc == job(1)
    assert record.version == 1


def test_create_of_an_owners_own_id_again_is_refused(store):
    store.create('jobs', 'j1', job(1), P1)
    with pytest.raises(exception.AlreadyExists):
        store.create('jobs', 'j1', job(2), P1)
    assert store.get('jobs', 'j1', P1).doc == job(1)


def test_same_id_in_two_owners_is_two_documents(store):
    store.create('jobs', 'j1', job(1), P1)
    assert store.create('jobs', 'j1', job(2, project='p2'), P2) == 1
    assert store.create('jobs', 'j1', job(3), U1) == 1
    assert store.get('jobs', 'j1', P1).doc['n'] == 1
    assert store.get('jobs', 'j1', P2).doc['n'] == 2
    assert store.get('jobs', 'j1', U1).doc['n'] == 3
    assert [r.doc['n'] for r in store.search('jobs')] == [1, 2, 3]


def test_ids_are_unique_per_kind_and_owner_only(store):
    store.create('jobs', 'x', job(1), P1)
    store.create('actions', 'x', {'project_id': 'p1', 'a': 1}, P1)
    assert store.get('actions', 'x', P1).doc == {'project_id': 'p1', 'a': 1}
    assert store.get('jobs', 'x', P1).doc == job(1)


def test_ids_compare_exactly(store):
    # NOTE: case and trailing blanks make other ids (a SQL collation that
    # ignores either would make them collide or find each other).
    for n, doc_id in enumerate(('Job-A', 'job-a', 'job-a ', 'job-\u00e1')):
        assert store.create('jobs', doc_id, job(n), P1) == 1
    assert [store.get('jobs', i, P1).doc['n'] for i in (
        'Job-A', 'job-a', 'job-a ', 'job-\u00e1')] == [0, 1, 2, 3]
    with pytest.raises(exception.NotFound):
        store.get('jobs', 'JOB-A', P1)


def test_search_terms_compare_exactly(store):
    store.create('jobs', 'a', job(1, client='Host-1'), P1)
    for value in ('host-1', 'Host-1 ', 'HOST-1'):
        query = q.Query(must=[q.condition_term('client_id', value)])
        assert store.search('jobs', query=query) == []
    query = q.Query(must=[q.condition_term('client_id', 'Host-1')])
    assert len(store.search('jobs', query=query)) == 1


def test_a_document_larger_than_64_kib_round_trips(store):
    # NOTE: the API takes request bodies up to 112 KiB; MySQL's TEXT
    # would end a document at 64 KiB.
    big = dict(job(1), description='\u00e9' * 100000)
    store.create('jobs', 'big', big, P1)
    assert store.get('jobs', 'big', P1).doc == big


def test_get_of_another_owner_is_not_found(store):
    store.create('jobs', 'j1', job(1), P1)
    for other in (P2, U1, base.Scope(user_id='u2')):
        with pytest.raises(exception.NotFound):
            store.get('jobs', 'j1', other)
    with pytest.raises(exception.NotFound):
        store.get('jobs', 'missing', P1)


def test_owner_fields_do_not_decide_the_owner(store):
    # NOTE: the scope owns the document, whatever its fields say.
    store.create('jobs', 'j1', job(1, project='p2', user='u1'), P1)
    assert store.get('jobs', 'j1', P1).doc['n'] == 1
    with pytest.raises(exception.NotFound):
        store.get('jobs', 'j1', P2)
    assert store.search('jobs', P2) == []
    assert store.search('jobs', U1) == []


def test_internal_kinds_are_owned_by_any_only(store):
    store.create('services', 's1', {'host': 'h'})
    assert store.get('services', 's1').doc == {'host': 'h'}
    with pytest.raises(exception.AlreadyExists):
        store.create('services', 's1', {'host': 'other'})
    with pytest.raises(ValueError):
        store.create('services', 's2', {'host': 'h'}, P1)
    with pytest.raises(ValueError):
        store.search('clusters', P1)


def test_owned_kinds_need_an_owner(store):
    for call in (lambda: store.create('jobs', 'j1', job(1)),
                 lambda: store.get('jobs', 'j1'),
                 lambda: store.replace('jobs', 'j1', job(1), 1),
                 lambda: store.delete('jobs', 'j1'),
                 lambda: store.get('jobs', 'j1',
                                   base.Scope(project_id='p1',
                                              user_id='u1'))):
        with pytest.raises(ValueError):
            call()
    assert store.search('jobs') == []


def test_replace_at_current_version_bumps_version(store):
    store.create('jobs', 'j1', job(1), P1)
    new = dict(job(1), n=10)
    assert store.replace('jobs', 'j1', new, 1, P1) == 2
    record = store.get('jobs', 'j1', P1)
    assert record == base.Record(new, 2)


def test_replace_at_stale_version_conflicts_and_changes_nothing(store):
    store.create('jobs', 'j1', job(1), P1)
    store.replace('jobs', 'j1', dict(job(1), n=2), 1, P1)
    with pytest.raises(exception.VersionConflict):
        store.replace('jobs', 'j1', dict(job(1), n=3), 1, P1)
    assert store.get('jobs', 'j1', P1) == base.Record(dict(job(1), n=2), 2)


def test_replace_touches_only_the_owners_document(store):
    store.create('jobs', 'j1', job(1), P1)
    with pytest.raises(exception.NotFound):
        store.replace('jobs', 'j1', job(9, project='p2'), 1, P2)
    store.create('jobs', 'j1', job(2, project='p2'), P2)
    assert store.replace('jobs', 'j1', job(9, project='p2'), 1, P2) == 2
    assert store.get('jobs', 'j1', P1) == base.Record(job(1), 1)
    assert store.get('jobs', 'j1', P2) == base.Record(job(9, project='p2'),
                                                      2)


def test_delete_removes_only_the_owners_document(store):
    store.create('jobs', 'j1', job(1), P1)
    with pytest.raises(exception.NotFound):
        store.delete('jobs', 'j1', P2)
    store.create('jobs', 'j1', job(2, project='p2'), P2)
    store.delete('jobs', 'j1', P1)
    with pytest.raises(exception.NotFound):
        store.get('jobs', 'j1', P1)
    with pytest.raises(exception.NotFound):
        store.delete('jobs', 'j1', P1)
    assert store.get('jobs', 'j1', P2).doc['n'] == 2
    assert [r.doc['n'] for r in store.search('jobs')] == [2]
    store.delete('jobs', 'j1', P2)
    assert store.search('jobs') == []


def test_delete_at_stale_version_conflicts(store):
    store.create('jobs', 'j1', job(1), P1)
    store.replace('jobs', 'j1', job(1), 1, P1)
    with pytest.raises(exception.VersionConflict):
        store.delete('jobs', 'j1', P1, version=1)
    store.delete('jobs', 'j1', P1, version=2)


def test_search_is_scoped_and_oldest_first(store):
    for n in range(5):
        project = 'p%d' % (n % 2 + 1)
        store.create('jobs', 'j%d' % n, job(n, project=project),
                     base.Scope(project_id=project))
    assert [r.doc['n'] for r in store.search('jobs', P1)] == [0, 2, 4]
    assert [r.doc['n'] for r in store.search('jobs', P2)] == [1, 3]
    assert [r.doc['n'] for r in store.search('jobs')] == [0, 1, 2, 3, 4]
    assert store.search('actions') == []


def test_search_keeps_owners_apart_when_ids_are_shared(store):
    for n, owner in enumerate((P1, P2, U1, P1)):
        store.create('jobs', 'shared' if n < 3 else 'own', job(n), owner)
    assert [r.doc['n'] for r in store.search('jobs', P1)] == [0, 3]
    assert [r.doc['n'] for r in store.search('jobs', P2)] == [1]
    assert [r.doc['n'] for r in store.search('jobs', U1)] == [2]
    assert [r.doc['n'] for r in store.search('jobs', limit=2, offset=1)] \
        == [1, 2]
    assert [r.doc['n'] for r in store.search('jobs')] == [0, 1, 2, 3]


def test_search_pages_never_overlap_or_skip(store):
    for n in range(23):
        store.create('jobs', 'j%02d' % n, job(n), P1)
    seen = []
    for offset in range(0, 30, 7):
        seen += [r.doc['n'] for r in store.search('jobs', P1, limit=7,
                                                  offset=offset)]
    assert seen == list(range(23))


def test_search_order_survives_replace(store):
    for n in range(3):
        store.create('jobs', 'j%d' % n, job(n), P1)
    store.replace('jobs', 'j0', dict(job(0), touched=True), 1, P1)
    assert [r.doc['n'] for r in store.search('jobs')] == [0, 1, 2]


def test_search_returns_versions(store):
    store.create('jobs', 'j1', job(1), P1)
    store.replace('jobs', 'j1', job(1), 1, P1)
    assert store.search('jobs') == [base.Record(job(1), 2)]


def test_search_terms_bare_key_matches_any_depth(store):
    store.create('jobs', 'a', job(1, status='completed'), P1)
    store.create('jobs', 'b', job(2, status='scheduled'), P1)
    query = q.Query(must=[q.condition_term('status', 'completed')])
    assert [r.doc['n'] for r in store.search('jobs', query=query)] == [1]


def test_search_terms_dotted_key_matches_exact_path(store):
    store.create('jobs', 'a', job(1, status='completed'), P1)
    store.create('jobs', 'b', dict(job(2), status='completed'), P1)
    query = q.Query(must=[q.condition_term('job_schedule.status',
                                           'completed')])
    assert [r.doc['n'] for r in store.search('jobs', query=query)] == [1]


def test_search_must_not_excludes(store):
    store.create('jobs', 'a', job(1, status='completed', client='c1'),
                 P1)
    store.create('jobs', 'b', job(2, status='running', client='c1'), P1)
    store.create('jobs', 'c', job(3, status='running', client='c2'), P1)
    query = q.Query(must=[q.condition_term('client_id', 'c1')],
                    must_not=[q.condition_term('status', 'completed')])
    assert [r.doc['n'] for r in store.search('jobs', P1, query)] == [2]


def test_search_values_compare_exactly(store):
    store.create('jobs', 'a', job(1), P1)
    for value in ('1', 1.5, True):
        query = q.Query(must=[q.condition_term('n', value)])
        assert store.search('jobs', query=query) == []
    query = q.Query(must=[q.condition_term('n', 1)])
    assert len(store.search('jobs', query=query)) == 1


def test_search_follows_replaced_terms(store):
    store.create('jobs', 'a', job(1, status='running'), P1)
    store.replace('jobs', 'a', job(1, status='completed'), 1, P1)
    running = q.Query(must=[q.condition_term('status', 'running')])
    done = q.Query(must=[q.condition_term('status', 'completed')])
    assert store.search('jobs', query=running) == []
    assert len(store.search('jobs', query=done)) == 1


def test_a_got_document_is_the_callers_to_change(store):
    store.create('jobs', 'j1', job(1, status='running'), P1)
    record = store.get('jobs', 'j1', P1)
    record.doc['job_schedule']['status'] = 'completed'
    record.doc['job_actions'].append({'long': 'y' * 500})
    assert store.get('jobs', 'j1', P1) == base.Record(
        job(1, status='running'), 1)
    assert store.replace('jobs', 'j1', record.doc, 1, P1) == 2
    assert store.get('jobs', 'j1', P1) == base.Record(record.doc, 2)
    running = q.Query(must=[q.condition_term('status', 'running')])
    done = q.Query(must=[q.condition_term('status', 'completed'),
                         q.condition_term('long', 'y' * 500)])
    assert store.search('jobs', query=running) == []
    assert [r.doc['n'] for r in store.search('jobs', query=done)] == [1]


def test_search_list_elements_and_long_values(store):
    long_value = 'x' * 500
    store.create('backups', 'b1', {'project_id': 'p1', 'backup_metadata': {
        'excluded_files': ['a', 'b'], 'cli': long_value}}, P1)
    for key, value in (('excluded_files', 'b'), ('cli', long_value),
                       ('backup_metadata.cli', long_value)):
        query = q.Query(must=[q.condition_term(key, value)])
        assert len(store.search('backups', query=query)) == 1, key
    query = q.Query(must=[q.condition_term('cli', long_value + 'y')])
    assert store.search('backups', query=query) == []


def test_search_time_range_on_backup_time_stamp(store):
    for n, key in enumerate(('time_stamp', 'timestamp', 'time_stamp')):
        store.create('backups', 'b%d' % n, {
            'project_id': 'p1', 'n': n,
            'backup_metadata': {key: 1000 + n * 100}}, P1)
    store.create('backups', 'none', {'project_id': 'p1', 'n': 9,
                                     'backup_metadata': {}}, P1)
    found = store.search('backups', query=q.Query(time_after=1100))
    assert [r.doc['n'] for r in found] == [1, 2]
    found = store.search('backups', query=q.Query(time_before=1100))
    assert [r.doc['n'] for r in found] == [0, 1]
    found = store.search('backups', query=q.Query(time_after=1050,
                                                  time_before=1150))
    assert [r.doc['n'] for r in found] == [1]


def test_write_is_visible_to_next_search(store):
    for n in range(10):
        store.create('jobs', 'j%d' % n, job(n), P1)
        assert len(store.search('jobs', P1, limit=100)) == n + 1


def test_concurrent_compare_and_set_loses_no_update(store):
    store.create('sessions', 's', {'project_id': 'p1', 'count': 0}, P1)

    def increment(_):
        while True:
            record = store.get('sessions', 's', P1)
            doc = dict(record.doc, count=record.doc['count'] + 1)
            try:
                return store.replace('sessions', 's', doc, record.version,
                                     P1)
            except exception.VersionConflict:
                continue

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        versions = list(pool.map(increment, range(24)))
    assert sorted(versions) == list(range(2, 26))
    assert store.get('sessions', 's', P1).doc['count'] == 24


def test_concurrent_creates_of_one_id_make_one_per_owner(store):
    def create(n):
        project = 'p%d' % (n % 2)
        try:
            store.create('clients', 'same', {'project_id': project, 'n': n},
                         base.Scope(project_id=project))
            return project
        except exception.AlreadyExists:
            return None

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(create, range(16)))
    assert sorted(r for r in results if r) == ['p0', 'p1']
    assert len(store.search('clients')) == 2
    for project in ('p0', 'p1'):
        found = store.search('clients', base.Scope(project_id=project))
        assert [r.doc['project_id'] for r in found] == [project]


def test_check_passes_on_a_working_store(store):
    store.check()


# -- pages after a marker -----------------------------------------------------

def _walk(store, kind, scope=base.ANY, query=None, limit=7, between=None,
          id_field='job_id'):
    """Every page after the previous page's last id, until a short one."""
    seen, marker = [], None
    while True:
        page = store.search(kind, scope, query, limit=limit, marker=marker)
        seen += [r.doc['n'] for r in page]
        if len(page) < limit:
            return seen
        marker = page[-1].doc[id_field]
        if between:
            between()


def test_marker_pages_never_overlap_or_skip(store):
    for n in range(23):
        store.create('jobs', 'j%d' % n, job(n), P1)
    store.create('jobs', 'other', job(99, project='p2'), P2)
    assert _walk(store, 'jobs', P1) == list(range(23))
    assert _walk(store, 'jobs', P1, limit=23) == list(range(23))


def test_marker_after_the_last_document_is_an_empty_page(store):
    for n in range(3):
        store.create('jobs', 'j%d' % n, job(n), P1)
    assert store.search('jobs', P1, marker='j2') == []
    assert [r.doc['n'] for r in store.search('jobs', P1, marker='j0')] \
        == [1, 2]


def test_marker_pages_stay_stable_while_documents_are_added(store):
    for n in range(20):
        store.create('jobs', 'j%d' % n, job(n), P1)
    added = iter(range(100, 200))

    def add_two():
        for _ in range(2):
            n = next(added)
            store.create('jobs', 'j%d' % n, job(n), P1)

    seen = _walk(store, 'jobs', P1, limit=5, between=add_two)
    assert len(seen) == len(set(seen))
    assert seen[:20] == list(range(20))
    # NOTE: documents added while walking come after the first ones (oldest
    # first), so the walk reaches every one of them too.
    assert seen[20:] == list(range(100, next(added)))


def test_marker_of_an_unknown_or_foreign_id_is_refused_alike(store):
    store.create('jobs', 'mine', job(1), P1)
    store.create('jobs', 'theirs', job(2, project='p2'), P2)
    store.create('jobs', 'gone', job(3), P1)
    store.delete('jobs', 'gone', P1)
    errors = {}
    for marker in ('never', 'theirs', 'gone'):
        with pytest.raises(exception.InvalidMarker) as caught:
            store.search('jobs', P1, marker=marker)
        errors[marker] = str(caught.value).replace(repr(marker), 'M')
    assert len(set(errors.values())) == 1
    # a user's documents are another owner than the project's
    with pytest.raises(exception.InvalidMarker):
        store.search('jobs', U1, marker='mine')
    with pytest.raises(exception.InvalidMarker):
        store.search('backups', P1, marker='mine')


def test_marker_pages_keep_search_filters(store):
    for n in range(12):
        store.create('jobs', 'j%d' % n,
                     job(n, status=('done', 'todo')[n % 2]), P1)
    todo = q.Query(must=[q.condition_term('status', 'todo')])
    assert _walk(store, 'jobs', P1, todo, limit=2) == [1, 3, 5, 7, 9, 11]
    # a marker that no longer matches still marks its place in the order
    store.replace('jobs', 'j5', job(5, status='done'), 1, P1)
    found = store.search('jobs', P1, todo, limit=2, marker='j5')
    assert [r.doc['n'] for r in found] == [7, 9]
    # and a marker that never matched the filter does too
    found = store.search('jobs', P1, todo, limit=2, marker='j4')
    assert [r.doc['n'] for r in found] == [7, 9]


def test_marker_pages_keep_time_filters(store):
    for n in range(10):
        store.create('backups', 'b%d' % n, {
            'project_id': 'p1', 'n': n, 'backup_id': 'b%d' % n,
            'backup_metadata': {'time_stamp': 1000 + n}}, P1)
    window = q.Query(time_after=1002, time_before=1008)
    assert _walk(store, 'backups', P1, window, limit=3,
                 id_field='backup_id') == list(range(2, 9))
    found = store.search('backups', P1, q.Query(time_before=1004), limit=3,
                         marker='b2')
    assert [r.doc['n'] for r in found] == [3, 4]


def test_marker_in_a_search_of_every_owner(store):
    for n, owner in enumerate((P1, P2, P1, P2)):
        store.create('jobs', 'j%d' % n, job(n), owner)
    assert [r.doc['n'] for r in store.search('jobs', marker='j1')] == [2, 3]
    assert _walk(store, 'jobs', limit=1) == [0, 1, 2, 3]
    # an id two owners hold marks no single place
    store.create('jobs', 'j1', job(9), P1)
    with pytest.raises(exception.InvalidMarker):
        store.search('jobs', marker='j1')
    assert [r.doc['n'] for r in store.search('jobs', P1, marker='j1')] == []


def test_marker_and_offset_are_not_combined(store):
    store.create('jobs', 'j1', job(1), P1)
    with pytest.raises(ValueError):
        store.search('jobs', P1, marker='j1', offset=1)
