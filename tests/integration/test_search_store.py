"""What only the Elasticsearch store has to get right, on the real
Elasticsearch and OpenSearch: flavour detection, unsynced indices, deep
offsets, odd ids, refresh policies, write blocks."""

import uuid

import pytest

from freezer_api import exception
from freezer_api.storage import base
from freezer_api.storage import driver
from freezer_api.storage.elasticsearch import mappings
from freezer_api.storage.elasticsearch import store as es_store
from tests import conftest
from tests.fixtures import search

P1 = base.Scope(project_id='p1')


@pytest.fixture(params=search.FLAVOURS)
def search_backend(request):
    found = request.getfixturevalue(request.param + '_backend')
    found.reset()
    return found


def open_store(search_backend, **options):
    conf = conftest.make_conf()
    search_backend.configure(conf, **options)
    return driver.open_store(conf)


@pytest.fixture
def store(search_backend):
    opened = open_store(search_backend)
    yield opened
    opened.close()


def test_flavour_is_detected(search_backend, store):
    # NOTE: elasticsearch9 is Elasticsearch to the store (same client).
    assert store.conn.flavour == search.PRODUCTS[search_backend.name]


def test_wrong_flavour_is_a_config_error(opensearch_backend):
    wrong = open_store(opensearch_backend, flavour='elasticsearch')
    with pytest.raises(exception.ConfigError, match='not Elasticsearch'):
        wrong.search('jobs')
    wrong.close()


def test_unsynced_store_is_unavailable_and_creates_no_index(search_backend):
    prefix = 'unsynced-%s' % uuid.uuid4().hex[:8]
    unsynced = open_store(search_backend, index=prefix)
    for call in (lambda: unsynced.create('jobs', 'j', {}, P1),
                 lambda: unsynced.get('jobs', 'j', P1),
                 lambda: unsynced.search('jobs'),
                 unsynced.check):
        with pytest.raises(exception.StoreUnavailable, match='db sync'):
            call()
    url = search_backend.server.url
    status, _found = search.http('GET', '%s/%s-jobs' % (url, prefix))
    assert status == 404
    unsynced.close()


@pytest.mark.parametrize('doc_id', ['a/b', 'x y?z=1#f', 'ünï', '..', '_doc'])
def test_odd_ids_and_owners_round_trip(store, doc_id):
    odd = base.Scope(project_id='p1/' + doc_id)
    store.create('backups', doc_id, {'project_id': 'p1'}, P1)
    store.create('backups', doc_id, {'project_id': 'odd'}, odd)
    assert store.get('backups', doc_id, P1).doc == {'project_id': 'p1'}
    assert store.replace('backups', doc_id, {'project_id': 'p1', 'x': 1},
                         1, P1) == 2
    store.delete('backups', doc_id, P1, version=2)
    with pytest.raises(exception.NotFound):
        store.get('backups', doc_id, P1)
    assert store.get('backups', doc_id, odd) == base.Record(
        {'project_id': 'odd'}, 1)
    assert [r.doc for r in store.search('backups', odd)] == [
        {'project_id': 'odd'}]


def test_offsets_past_the_result_window_use_search_after(store,
                                                         monkeypatch):
    for n in range(23):
        store.create('backups', 'b%02d' % n, {'project_id': 'p1', 'n': n},
                     P1)
    expected = [r.doc['n'] for r in store.search('backups', limit=100)]
    assert expected == list(range(23))
    monkeypatch.setattr(es_store, 'WINDOW', 4)
    for offset, limit in ((0, 4), (3, 2), (4, 1), (5, 7), (9, 10),
                          (20, 10), (22, 5), (23, 1), (40, 3)):
        found = [r.doc['n'] for r in store.search('backups', limit=limit,
                                                  offset=offset)]
        assert found == expected[offset:offset + limit], (offset, limit)


def test_a_page_after_a_marker_is_one_search_after_request(store,
                                                           monkeypatch):
    for n in range(30):
        store.create('backups', 'b%02d' % n, {'project_id': 'p1', 'n': n},
                     P1)
    # NOTE: a tiny window: a deep offset would walk, a marker must not.
    monkeypatch.setattr(es_store, 'WINDOW', 4)
    sent = []
    request = store.conn.request

    def record(method, path, *args, **kwargs):
        sent.append((method, path.rsplit('/', 1)[-1], args))
        return request(method, path, *args, **kwargs)

    monkeypatch.setattr(store.conn, 'request', record)
    found = store.search('backups', P1, limit=3, marker='b25')
    assert [r.doc['n'] for r in found] == [26, 27, 28]
    searches = [args for method, what, args in sent if what == '_search']
    assert len(searches) == 1
    body = searches[0][1]
    assert body['from'] == 0 and body['size'] == 3
    assert body['search_after'][1:] == ['b25', 'project:p1']
    # the marker itself: one realtime GET of its entry, no search
    assert [m for m, what, _ in sent if what not in ('_search',
                                                     '_refresh')] == ['GET']


@pytest.mark.parametrize('policy', ['write', 'wait_for'])
def test_other_refresh_policies_also_read_your_writes(search_backend,
                                                      policy):
    url = search_backend.server.url
    pattern = '%s-*/_settings' % search_backend.prefix
    interval = '-1' if policy == 'write' else '200ms'
    search.http('PUT', '%s/%s' % (url, pattern),
                {'index': {'refresh_interval': interval}})
    other = open_store(search_backend, refresh_policy=policy,
                       refresh_interval=interval)
    try:
        for n in range(3):
            other.create('jobs', 'j%d' % n, {'project_id': 'p1'}, P1)
            assert len(other.search('jobs')) == n + 1
    finally:
        other.close()
        search.http('PUT', '%s/%s' % (url, pattern),
                    {'index': {'refresh_interval': '-1'}})


def test_wait_for_without_scheduled_refresh_is_refused(search_backend):
    with pytest.raises(exception.ConfigError, match='wait forever'):
        open_store(search_backend, refresh_policy='wait_for',
                   refresh_interval='-1')


def test_write_blocked_index_fails_the_check_and_writes(search_backend, store):
    url = search_backend.server.url
    index = '%s-jobs-v%d' % (search_backend.prefix,
                             mappings.version('jobs'))
    block = {'index': {'blocks': {'write': True}}}
    assert search.http('PUT', '%s/%s/_settings' % (url, index),
                       block)[0] == 200
    try:
        with pytest.raises(exception.StoreUnavailable, match='write'):
            store.check()
        with pytest.raises(exception.StoreUnavailable):
            store.create('jobs', 'j1', {'project_id': 'p1'}, P1)
    finally:
        search.http('PUT', '%s/%s/_settings' % (url, index),
                    {'index': {'blocks': {'write': None}}})
    store.check()
