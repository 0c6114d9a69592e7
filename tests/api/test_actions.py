"""Actions: create, show, replace, PATCH, delete."""

import pytest

ACTION = {'freezer_action': {'action': 'backup', 'mode': 'fs',
                             'backup_name': 'b', 'container': 'c',
                             'path_to_backup': '/x', 'custom': [1, 2],
                             'flag': True},
          'max_retries': 3, 'max_retries_interval': 10, 'mandatory': True}


@pytest.fixture
def action_id(alice):
    resp = alice.post('/actions', json=ACTION)
    assert resp.status_code == 201, resp.text
    return resp.json['action_id']


def test_create_round_trips_with_types(alice, action_id):
    shown = alice.get('/actions/%s' % action_id).json
    assert shown['action_id'] == action_id
    assert shown['user_id'] == 'alice'
    for key, value in ACTION.items():
        assert shown[key] == value


def test_missing_freezer_action_is_400(alice):
    assert alice.post('/actions', json={'max_retries': 1}).status_code == 400
    assert alice.post('/actions', json={
        'freezer_action': {'action': 'fly'}}).status_code == 400
    assert alice.get('/actions').json == {'actions': []}


def test_replace(alice, action_id):
    new = {'freezer_action': {'action': 'restore', 'backup_name': 'r'}}
    resp = alice.post('/actions/%s' % action_id, json=new)
    assert resp.status_code == 201
    assert resp.json == {'action_id': action_id, 'version': 2}
    shown = alice.get('/actions/%s' % action_id).json
    assert shown['freezer_action'] == new['freezer_action']
    assert 'max_retries' not in shown


def test_patch(alice, action_id):
    resp = alice.patch('/actions/%s' % action_id,
                       json={'freezer_action': {'backup_name': 'nb'},
                             'max_retries': 9})
    assert resp.status_code == 200
    assert resp.json['action_id'] == action_id
    shown = alice.get('/actions/%s' % action_id).json
    assert shown['freezer_action']['backup_name'] == 'nb'
    assert shown['freezer_action']['mode'] == 'fs'
    assert shown['max_retries'] == 9


def test_foreign_action_is_404_everywhere(alice, mallory, action_id):
    path = '/actions/%s' % action_id
    assert mallory.get(path).status_code == 404
    assert mallory.patch(path, json={'max_retries': 1}).status_code == 404
    assert mallory.delete(path).status_code == 404
    assert alice.get(path).json['max_retries'] == 3


def test_replace_at_another_owners_id_creates_ones_own(alice, mallory,
                                                       action_id):
    path = '/actions/%s' % action_id
    resp = mallory.post(path, json=dict(ACTION, max_retries=7))
    assert resp.status_code == 201, resp.text
    assert resp.json == {'action_id': action_id, 'version': 1}
    assert mallory.get(path).json['max_retries'] == 7
    assert mallory.get(path).json['user_id'] == 'mallory'
    assert alice.get(path).json['max_retries'] == 3
    assert mallory.delete(path).status_code == 204
    assert alice.get(path).json['max_retries'] == 3
    assert [a['action_id'] for a in alice.get('/actions').json[
        'actions']] == [action_id]


def test_delete(alice, action_id):
    assert alice.delete('/actions/%s' % action_id).status_code == 204
    assert alice.get('/actions/%s' % action_id).status_code == 404
