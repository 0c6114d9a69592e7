"""Backups: create, list, show, delete, in v1 and v2."""

from tests.api.conftest import backup_metadata


def create(caller, name='bk', **extra):
    resp = caller.post('/backups', json=backup_metadata(name, **extra))
    assert resp.status_code == 201, resp.text
    assert list(resp.json) == ['backup_id']
    return resp.json['backup_id']


def test_create_then_show_wraps_metadata(alice):
    backup_id = create(alice)
    resp = alice.get('/backups/%s' % backup_id)
    assert resp.status_code == 200
    expected = {'backup_id': backup_id, 'user_id': 'alice',
                'backup_metadata': backup_metadata()}
    if alice.version == 'v1':
        expected['user_name'] = 'name-alice'
    else:
        expected['project_id'] = 'p1'
        expected['status'] = 'available'
    assert resp.json == expected
    assert alice.get('/backups').json == {'backups': [expected]}


def test_v1_keeps_its_wrapper_without_status(api):
    from tests.api.conftest import Caller
    alice = Caller(api, 'v1', user='alice', project='p1')
    backup_id = create(alice, status='error')
    shown = alice.get('/backups/%s' % backup_id).json
    assert sorted(shown) == ['backup_id', 'backup_metadata', 'user_id',
                             'user_name']
    assert 'status' not in shown['backup_metadata']


def test_v2_status_sent_is_kept_and_patch_changes_it(api):
    from tests.api.conftest import Caller
    alice = Caller(api, 'v2', user='alice', project='p1')
    backup_id = create(alice, status='creating')
    assert alice.get('/backups/%s' % backup_id).json['status'] == 'creating'
    patched = alice.patch('/backups/%s' % backup_id, json={'status': 'error'})
    assert patched.status_code == 200
    assert patched.json['status'] == 'error'
    assert alice.get('/backups').json['backups'][0]['status'] == 'error'


def test_bad_status_is_400_and_stores_nothing(api):
    from tests.api.conftest import Caller
    alice = Caller(api, 'v2', user='alice', project='p1')
    resp = alice.post('/backups', json=backup_metadata(status=None))
    assert resp.status_code == 400
    assert alice.get('/backups').json == {'backups': []}


def test_create_without_content_type_works(alice):
    resp = alice.request('POST', '/backups', json=backup_metadata(),
                         headers={'Content-Type': ''})
    assert resp.status_code == 201


def test_create_missing_container_is_400_and_stores_nothing(alice):
    doc = backup_metadata()
    del doc['container']
    resp = alice.post('/backups', json=doc)
    assert resp.status_code == 400
    assert 'container' in resp.json['description']
    assert alice.get('/backups').json == {'backups': []}


def test_create_empty_name_is_400(alice):
    resp = alice.post('/backups', json=backup_metadata(name=''))
    assert resp.status_code == 400


def test_list_default_limit_is_10_and_pages_are_stable(alice):
    ids = [create(alice, 'b%d' % n) for n in range(12)]
    listed = alice.get('/backups').json['backups']
    assert [b['backup_id'] for b in listed] == ids[:10]
    first = alice.get('/backups', params={'limit': 5}).json['backups']
    second = alice.get('/backups', params={'limit': 5, 'offset': 5}).json
    third = alice.get('/backups', params={'limit': 5, 'offset': 10}).json
    pages = first + second['backups'] + third['backups']
    assert [b['backup_id'] for b in pages] == ids
    assert alice.get('/backups', params={'offset': 12}).json == {
        'backups': []}


def test_list_only_own_backups(alice, mallory):
    create(alice)
    assert mallory.get('/backups').json == {'backups': []}


def test_v1_backups_belong_to_the_user_not_the_project(api):
    from tests.api.conftest import Caller
    alice = Caller(api, 'v1', user='alice', project='p1')
    bob = Caller(api, 'v1', user='bob', project='p1')
    backup_id = create(alice)
    assert bob.get('/backups').json == {'backups': []}
    assert bob.get('/backups/%s' % backup_id).status_code == 404


def test_foreign_backup_is_404_on_every_method(alice, mallory):
    backup_id = create(alice)
    assert mallory.get('/backups/%s' % backup_id).status_code == 404
    assert mallory.delete('/backups/%s' % backup_id).status_code == 404
    assert alice.get('/backups/%s' % backup_id).status_code == 200


def test_delete_removes_and_second_delete_is_404(alice):
    backup_id = create(alice)
    resp = alice.delete('/backups/%s' % backup_id)
    assert resp.status_code == 204
    assert resp.text == ''
    assert alice.get('/backups/%s' % backup_id).status_code == 404
    assert alice.delete('/backups/%s' % backup_id).status_code == 404


def test_unknown_backup_is_404_with_json_error(alice):
    resp = alice.get('/backups/nope')
    assert resp.status_code == 404
    assert resp.json['code'] == 'freezer.backup.not_found'


def test_search_by_name_and_time(alice):
    create(alice, 'alpha', time_stamp=1000)
    create(alice, 'beta', time_stamp=2000)
    create(alice, 'gamma', timestamp=3000)
    found = alice.search('/backups', {'match': [{'backup_name': 'beta'}]})
    assert [b['backup_metadata']['backup_name']
            for b in found.json['backups']] == ['beta']
    found = alice.search('/backups', {'time_after': 1500})
    assert [b['backup_metadata']['backup_name']
            for b in found.json['backups']] == ['beta', 'gamma']
    found = alice.search('/backups', {'time_before': 2000,
                                      'match_not': [{'backup_name':
                                                     'alpha'}]})
    assert [b['backup_metadata']['backup_name']
            for b in found.json['backups']] == ['beta']


def test_v1_has_no_backup_patch(api):
    from tests.api.conftest import Caller
    alice = Caller(api, 'v1', user='alice', project='p1')
    backup_id = create(alice)
    resp = alice.patch('/backups/%s' % backup_id, json={'status': 'error'})
    assert resp.status_code == 405
    assert 'GET' in resp.headers['allow']
