"""Clients: registration, show, PATCH, delete."""

import pytest

from tests.api.conftest import Caller
from tests.api.conftest import client_info


def test_register_then_show(alice):
    resp = alice.post('/clients', json=client_info('p1_host1'))
    assert resp.status_code == 201
    assert resp.json == {'client_id': 'p1_host1'}
    shown = alice.get('/clients/p1_host1')
    assert shown.status_code == 200
    client = shown.json['client']
    assert client['client_id'] == 'p1_host1'
    assert client['hostname'] == 'host1'
    assert client['description'] == 'a test client'
    assert client['uuid']
    assert 'backup' in client['supported_actions']
    assert shown.json['user_id'] == 'alice'


def test_wrapped_client_document_is_accepted(alice):
    resp = alice.post('/clients', json={'client': client_info('p1_h2')})
    assert resp.status_code == 201
    assert alice.get('/clients/p1_h2').json['client']['hostname'] == 'h2'


def test_v1_second_registration_is_409(api):
    alice = Caller(api, 'v1', user='alice', project='p1')
    assert alice.post('/clients', json=client_info()).status_code == 201
    again = alice.post('/clients', json=client_info(description='new'))
    assert again.status_code == 409
    assert again.json['code'] == 'freezer.client.exists'
    assert alice.get('/clients/p1_host1').json['client'][
        'description'] == 'a test client'


def test_v1_users_of_one_project_each_register_their_client(api):
    alice = Caller(api, 'v1', user='alice', project='p1')
    bob = Caller(api, 'v1', user='bob', project='p1')
    assert alice.post('/clients', json=client_info()).status_code == 201
    resp = bob.post('/clients', json=client_info(description='bob\'s'))
    assert resp.status_code == 201, resp.text
    assert resp.json == {'client_id': 'p1_host1'}
    assert alice.get('/clients/p1_host1').json['client'][
        'description'] == 'a test client'
    assert bob.get('/clients/p1_host1').json['user_id'] == 'bob'
    assert [c['user_id'] for c in bob.get('/clients').json['clients']] == [
        'bob']
    assert bob.post('/clients', json=client_info()).status_code == 409
    assert alice.delete('/clients/p1_host1').status_code == 204
    assert bob.get('/clients/p1_host1').json['client'][
        'description'] == "bob's"


def test_v2_projects_each_register_their_client(api):
    alice = Caller(api, 'v2', user='alice', project='p1')
    mallory = Caller(api, 'v2', user='mallory', project='p2')
    assert alice.post('/clients', json=client_info()).status_code == 201
    resp = mallory.post('/clients', json=client_info(description='p2'))
    assert resp.status_code == 201, resp.text
    again = mallory.post('/clients', json=client_info(description='p2 again'))
    assert again.status_code == 201
    assert [c['client']['description'] for c in mallory.get(
        '/clients').json['clients']] == ['p2 again']
    assert alice.get('/clients/p1_host1').json['client'][
        'description'] == 'a test client'


@pytest.mark.parametrize('bad', [
    {'client_id': 'bad%project$id_host.domain.tld'},
    {'client_id': 'p_bad_hostname.bad/domain.b'},
    {'hostname': 'x'},
    {'client_id': 'p1_h', 'supported_actions': ['fly']},
    {'client_id': 'p1_h', 'is_central': 'yes'},
])
def test_invalid_registration_is_400(alice, bad):
    resp = alice.post('/clients', json=bad)
    assert resp.status_code == 400, resp.text
    assert alice.get('/clients').json == {'clients': []}


def test_patch_merges_flat_fields(alice):
    alice.post('/clients', json=client_info())
    resp = alice.patch('/clients/p1_host1',
                       json={'description': 'renamed',
                             'supported_modes': ['fs']})
    assert resp.status_code == 200
    assert resp.json['client_id'] == 'p1_host1'
    assert isinstance(resp.json['version'], int)
    client = alice.get('/clients/p1_host1').json['client']
    assert client['description'] == 'renamed'
    assert client['supported_modes'] == ['fs']
    assert client['hostname'] == 'host1'


def test_patch_cannot_change_client_id(alice):
    alice.post('/clients', json=client_info())
    resp = alice.patch('/clients/p1_host1', json={'client_id': 'p1_other'})
    assert resp.status_code == 400


def test_foreign_client_is_404_on_every_method(alice, mallory):
    alice.post('/clients', json=client_info())
    assert mallory.get('/clients/p1_host1').status_code == 404
    assert mallory.patch('/clients/p1_host1',
                         json={'description': 'x'}).status_code == 404
    assert mallory.delete('/clients/p1_host1').status_code == 404
    assert mallory.get('/clients').json == {'clients': []}
    assert alice.get('/clients/p1_host1').json['client'][
        'description'] == 'a test client'


def test_delete_then_404(alice):
    alice.post('/clients', json=client_info())
    assert alice.delete('/clients/p1_host1').status_code == 204
    assert alice.get('/clients/p1_host1').status_code == 404
    assert alice.delete('/clients/p1_host1').status_code == 404


def test_list_and_search_clients(alice):
    for n in range(3):
        alice.post('/clients', json=client_info('p1_host%d' % n))
    listed = alice.get('/clients', params={'limit': 2}).json['clients']
    assert [c['client']['client_id'] for c in listed] == ['p1_host0',
                                                          'p1_host1']
    found = alice.search('/clients', {'match': [{'hostname': 'host2'}]})
    assert [c['client_id'] for c in found.json['clients']] == ['p1_host2']
