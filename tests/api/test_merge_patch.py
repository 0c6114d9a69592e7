"""PATCH with Content-Type application/merge-patch+json (RFC 7386): objects
merge recursively, arrays replace, null removes; the result is validated
like any write; application/json keeps its semantics; other types are 415.
"""

import concurrent.futures
import json

import pytest

from tests.api.conftest import backup_metadata
from tests.api.conftest import Caller
from tests.api.conftest import client_info
from tests.api.conftest import job_doc

MERGE = {'Content-Type': 'application/merge-patch+json'}


@pytest.fixture(params=['v1', 'v2', 'v3'])
def member(api, request):
    caller = Caller(api, request.param, user='alice', project='p1')
    assert caller.post('/clients', json=client_info()).status_code == 201
    return caller


def merge_patch(caller, path, patch, content_type=MERGE['Content-Type']):
    return caller.request('PATCH', path, body=json.dumps(patch),
                          headers={'Content-Type': content_type})


def make_job(member, **extra):
    doc = job_doc(**extra)
    resp = member.post('/jobs', json=doc)
    assert resp.status_code == 201, resp.text
    return '/jobs/' + resp.json['job_id']


def test_null_removes_nested_and_top_level_keys(member):
    path = make_job(member)
    resp = merge_patch(member, path, {
        'description': None,
        'job_schedule': {'schedule_start_date': None,
                         'schedule_interval': '2 days'}})
    assert resp.status_code == 200, resp.text
    job = member.get(path).json
    assert 'description' not in job
    assert job['job_schedule']['schedule_interval'] == '2 days'
    assert 'schedule_start_date' not in job['job_schedule']


def test_arrays_are_replaced(member):
    path = make_job(member)
    action = {'freezer_action': {'action': 'backup', 'mode': 'fs',
                                 'path_to_backup': '/etc',
                                 'backup_name': 'etc', 'container': 'c'}}
    resp = merge_patch(member, path, {'job_actions': [action]})
    assert resp.status_code == 200, resp.text
    actions = member.get(path).json['job_actions']
    assert len(actions) == 1
    assert actions[0]['freezer_action']['path_to_backup'] == '/etc'


def test_removing_a_required_field_is_400_and_changes_nothing(member):
    path = make_job(member)
    before = member.get(path).json
    resp = merge_patch(member, path, {'job_actions': None,
                                      'description': 'changed'})
    assert resp.status_code == 400
    assert resp.json['code'] == 'freezer.document.invalid' or (
        'job_actions' in resp.json['description'])
    assert member.get(path).json == before


def test_application_json_keeps_null_as_a_value(member):
    path = make_job(member)
    resp = member.patch(path, json={'description': None})
    assert resp.status_code == 200, resp.text
    job = member.get(path).json
    assert 'description' in job and job['description'] is None


@pytest.mark.parametrize('content_type', [
    'text/plain', 'application/x-www-form-urlencoded',
    'application/json-patch+json', 'application/xml'])
def test_other_content_types_are_415_and_change_nothing(member,
                                                        content_type):
    path = make_job(member)
    before = member.get(path).json
    resp = merge_patch(member, path, {'description': 'x'}, content_type)
    assert resp.status_code == 415
    assert resp.json['code'] == 'freezer.media_type.unsupported'
    assert resp.json['request_id'].startswith('req-')
    assert member.get(path).json == before


def test_merge_patch_with_charset_parameter(member):
    path = make_job(member)
    resp = merge_patch(member, path, {'description': None},
                       'application/merge-patch+json; charset=utf-8')
    assert resp.status_code == 200, resp.text
    assert 'description' not in member.get(path).json


def test_actions_and_sessions(member):
    action = member.post('/actions', json={
        'freezer_action': {'action': 'backup', 'mode': 'fs',
                           'backup_name': 'b'},
        'max_retries': 3}).json['action_id']
    resp = merge_patch(member, '/actions/' + action, {
        'max_retries': None, 'freezer_action': {'backup_name': None}})
    assert resp.status_code == 200, resp.text
    doc = member.get('/actions/' + action).json
    assert 'max_retries' not in doc
    assert doc['freezer_action'] == {'action': 'backup', 'mode': 'fs'}
    session = member.post('/sessions', json={
        'schedule': {'schedule_interval': '1 days'},
        'description': 'd'}).json['session_id']
    resp = merge_patch(member, '/sessions/' + session,
                       {'description': None, 'schedule': {
                           'schedule_interval': None}})
    assert resp.status_code == 200, resp.text
    doc = member.get('/sessions/' + session).json
    assert 'description' not in doc
    assert doc['schedule'] == {}
    resp = merge_patch(member, '/sessions/' + session, {'schedule': None})
    assert resp.status_code == 400


def test_clients(member):
    resp = merge_patch(member, '/clients/p1_host1', {
        'description': None, 'supported_modes': ['fs']})
    assert resp.status_code == 200, resp.text
    client = member.get('/clients/p1_host1').json['client']
    assert client['description'] == ''  # shown as the default
    assert client['supported_modes'] == ['fs']
    resp = merge_patch(member, '/clients/p1_host1', {'hostname': 'a b'})
    assert resp.status_code == 400


def test_backups(api):
    member = Caller(api, 'v2', user='alice', project='p1')
    backup = member.post('/backups', json=backup_metadata(
        level=3)).json['backup_id']
    path = '/backups/' + backup
    resp = merge_patch(member, path, {
        'status': 'error', 'backup_metadata': {'level': None,
                                               'note': 'disk full'}})
    assert resp.status_code == 200, resp.text
    meta = member.get(path).json['backup_metadata']
    assert 'level' not in meta and meta['note'] == 'disk full'
    assert member.get(path).json['status'] == 'error'
    before = member.get(path).json
    for patch in ({'backup_metadata': None},
                  {'backup_metadata': {'container': None}}):
        assert merge_patch(member, path, patch).status_code == 400
    assert member.get(path).json == before


def test_concurrent_merge_patches_lose_none(api):
    member = Caller(api, 'v2', user='alice', project='p1')
    path = '/actions/' + member.post('/actions', json={
        'freezer_action': {'action': 'backup', 'drop': 1}}).json['action_id']
    keys = ['k%02d' % n for n in range(24)]

    def patch(key):
        return merge_patch(member, path, {'freezer_action': {
            key: key, 'drop': None}})

    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        results = list(pool.map(patch, keys))
    assert [r.status_code for r in results] == [200] * len(keys)
    action = member.get(path).json['freezer_action']
    assert action == dict({k: k for k in keys}, action='backup')
