"""The v2 contract: what python-freezerclient, freezer-scheduler and the
freezer-tempest-plugin API tests rely on (routes and status codes, the
version documents, the requests python-freezerclient sends, sessions, 404
for unknown and foreign ids, project scoping, client registration), and the
upstream bugs we do not reproduce.

Every request here is a v2 request by a *member* of project ``p1`` (or of
``p2``), so policy and project scoping are those of a real tenant.
"""

import json

import pytest

from tests.api.conftest import backup_metadata
from tests.api.conftest import Caller
from tests.api.conftest import client_info
from tests.api.conftest import job_doc

SCHEDULE = {'schedule_interval': '1 days',
            'schedule_start_date': '2015-06-02T16:20:00'}


@pytest.fixture
def alice(api):
    return Caller(api, 'v2', user='alice', project='p1')


@pytest.fixture
def bob(api):
    """Another member of alice's project."""
    return Caller(api, 'v2', user='bob', project='p1')


@pytest.fixture
def mallory(api):
    """A member of another project."""
    return Caller(api, 'v2', user='mallory', project='p2')


def _created(resp, field):
    assert resp.status_code == 201, resp.text
    assert list(resp.json) == [field]
    return resp.json[field]


def _client(caller, client_id='p1_host1', **extra):
    resp = caller.post('/clients', json=client_info(client_id, **extra))
    return _created(resp, 'client_id')


def _job(caller, client_id='p1_host1', **extra):
    return _created(caller.post('/jobs', json=job_doc(client_id, **extra)),
                    'job_id')


def _session(caller, **extra):
    body = {'description': 'nightly', 'hold_off': 0,
            'schedule': dict(SCHEDULE)}
    body.update(extra)
    return _created(caller.post('/sessions', json=body), 'session_id')


def _action(caller, **freezer_action):
    body = {'freezer_action': dict({'action': 'backup', 'mode': 'fs',
                                    'backup_name': 'b', 'container': 'c'},
                                   **freezer_action),
            'max_retries': 2}
    return _created(caller.post('/actions', json=body), 'action_id')


def _backup(caller, name='bk', **extra):
    return _created(caller.post('/backups',
                                json=backup_metadata(name, **extra)),
                    'backup_id')


def _no_body(resp):
    assert resp.text == ''


# -- routes and status codes -------------------------------------------------

def test_backup_routes_and_codes(alice):
    backup_id = _backup(alice, 'daily', status='creating')
    listed = alice.get('/backups')
    assert listed.status_code == 200
    assert [b['backup_id'] for b in listed.json['backups']] == [backup_id]
    shown = alice.get('/backups/%s' % backup_id)
    assert shown.status_code == 200
    assert shown.json['status'] == 'creating'
    assert shown.json['project_id'] == 'p1'
    assert 'status' not in shown.json['backup_metadata']
    patched = alice.patch('/backups/%s' % backup_id, json={
        'status': 'available', 'backup_metadata': {'level': 3,
                                                   'extra': 'x'}})
    assert patched.status_code == 200
    assert patched.json['status'] == 'available'
    meta = patched.json['backup_metadata']
    assert (meta['level'], meta['extra'], meta['backup_name']) == (
        3, 'x', 'daily')
    assert alice.get('/backups/%s' % backup_id).json == patched.json
    deleted = alice.delete('/backups/%s' % backup_id)
    assert deleted.status_code == 204
    _no_body(deleted)
    assert alice.get('/backups').json == {'backups': []}


def test_client_routes_and_codes(alice):
    assert _client(alice) == 'p1_host1'
    assert alice.get('/clients').json['clients'][0]['client_id'] == \
        'p1_host1'
    shown = alice.get('/clients/p1_host1')
    assert shown.status_code == 200
    assert shown.json['client']['hostname'] == 'host1'
    assert shown.json['project_id'] == 'p1'
    deleted = alice.delete('/clients/p1_host1')
    assert deleted.status_code == 204
    _no_body(deleted)
    assert alice.get('/clients/p1_host1').status_code == 404


def test_job_routes_and_codes(alice):
    _client(alice)
    job_id = _job(alice)
    assert alice.get('/jobs').json['jobs'][0]['job_id'] == job_id
    shown = alice.get('/jobs/%s' % job_id)
    assert shown.status_code == 200
    assert shown.json['job_schedule']['time_started'] == -1
    patched = alice.patch('/jobs/%s' % job_id,
                          json={'description': 'patched'})
    assert patched.status_code == 200
    assert set(patched.json) == {'job_id', 'version'}
    assert patched.json['job_id'] == job_id
    replaced = alice.post('/jobs/%s' % job_id,
                          json=job_doc(description='replaced'))
    assert replaced.status_code == 201
    assert set(replaced.json) == {'job_id', 'version'}
    assert alice.get('/jobs/%s' % job_id).json['description'] == 'replaced'
    for event, result in [('start', 'success'),
                          ('start', 'start already requested'),
                          ('stop', 'success'), ('abort', 'success')]:
        resp = alice.post('/jobs/%s/event' % job_id, json={event: None})
        assert resp.status_code == 202, resp.text
        assert resp.json == {'result': result}
    assert alice.get('/jobs/%s' % job_id).json['job_schedule'][
        'event'] == 'abort'
    deleted = alice.delete('/jobs/%s' % job_id)
    assert deleted.status_code == 204
    _no_body(deleted)
    assert alice.get('/jobs/%s' % job_id).status_code == 404


def test_action_routes_and_codes(alice):
    action_id = _action(alice)
    assert alice.get('/actions').json['actions'][0]['action_id'] == \
        action_id
    patched = alice.patch('/actions/%s' % action_id,
                          json={'max_retries': 9})
    assert patched.status_code == 200
    assert set(patched.json) == {'action_id', 'version'}
    replaced = alice.post('/actions/%s' % action_id, json={
        'freezer_action': {'action': 'restore', 'backup_name': 'r'}})
    assert replaced.status_code == 201
    assert set(replaced.json) == {'action_id', 'version'}
    shown = alice.get('/actions/%s' % action_id).json
    assert shown['freezer_action'] == {'action': 'restore',
                                       'backup_name': 'r'}
    deleted = alice.delete('/actions/%s' % action_id)
    assert deleted.status_code == 204
    _no_body(deleted)


def test_session_routes_and_codes(alice):
    _client(alice)
    job_id = _job(alice)
    session_id = _session(alice)
    assert alice.get('/sessions').json['sessions'][0]['session_id'] == \
        session_id
    added = alice.put('/sessions/%s/jobs/%s' % (session_id, job_id))
    assert added.status_code == 204
    _no_body(added)
    started = alice.post('/sessions/%s/action' % session_id,
                         json={'start': {'job_id': job_id,
                                         'current_tag': 0}})
    assert started.status_code == 202
    assert started.json == {'result': 'success', 'session_tag': 1}
    ended = alice.post('/sessions/%s/action' % session_id,
                       json={'end': {'job_id': job_id, 'current_tag': 1,
                                     'result': 'success'}})
    assert ended.status_code == 202
    assert ended.json == {'result': 'success', 'session_tag': 1}
    patched = alice.patch('/sessions/%s' % session_id,
                          json={'description': 'weekly'})
    assert patched.status_code == 200
    assert set(patched.json) == {'session_id', 'version'}
    replaced = alice.post('/sessions/%s' % session_id,
                          json={'schedule': dict(SCHEDULE),
                                'session_tag': 1, 'description': 'r'})
    assert replaced.status_code == 201
    assert set(replaced.json) == {'session_id', 'version'}
    shown = alice.get('/sessions/%s' % session_id).json
    assert shown['description'] == 'r'
    assert set(shown['jobs']) == {job_id}
    removed = alice.delete('/sessions/%s/jobs/%s' % (session_id, job_id))
    assert removed.status_code == 204
    _no_body(removed)
    assert alice.get('/sessions/%s' % session_id).json['jobs'] == {}
    job = alice.get('/jobs/%s' % job_id).json
    assert job['session_id'] == ''
    assert job['job_schedule']['event'] == 'stop'
    deleted = alice.delete('/sessions/%s' % session_id)
    assert deleted.status_code == 204
    _no_body(deleted)


def test_root_lists_current_v2_first_and_deprecated_v1(api):
    resp = api.simulate_get('/')
    assert resp.status_code == 300
    versions = resp.json['versions']
    # NOTE: the tempest plugin reads versions[0] as the current version.
    assert versions[0]['id'] == 'v2'
    assert versions[0]['status'] == 'CURRENT'
    assert set(versions[0]) == {'id', 'status', 'updated', 'links'}
    assert versions[0]['links'][0]['rel'] == 'self'
    assert '/v2/' in versions[0]['links'][0]['href']
    assert {v['id']: v['status'] for v in versions}['v1'] == 'DEPRECATED'


def test_v2_json_home_lists_jobs_and_backups(api):
    resp = api.simulate_get('/v2')
    assert resp.status_code == 200
    assert resp.headers['content-type'] == 'application/json-home'
    resources = json.loads(resp.text)['resources']
    assert resources['rel/backups']['hints']['allow'][0] == 'GET'
    assert resources['rel/job']['href-template'] == \
        '/v2/{project_id}/jobs/{job_id}'
    assert set(resources['rel/job']['hints']['allow']) == {
        'GET', 'PATCH', 'POST', 'DELETE'}


# -- what python-freezerclient sends ----------------------------------------

def test_client_style_urls_with_trailing_slashes(alice):
    _created(alice.post('/clients/', json=client_info()), 'client_id')
    job_id = _created(alice.post('/jobs/', json=job_doc()), 'job_id')
    assert alice.get('/jobs/?limit=100&offset=0&all_projects=False'
                     ).status_code == 200
    assert alice.get('/jobs/%s/' % job_id).status_code == 200
    assert alice.post('/jobs/%s/event/' % job_id,
                      json={'start': None}).status_code == 202
    session_id = _created(alice.post('/sessions/', json={
        'schedule': {}}), 'session_id')
    assert alice.put('/sessions/%s/jobs/%s/' % (session_id, job_id)
                     ).status_code == 204
    assert alice.post('/sessions/%s/action/' % session_id, json={
        'start': {'job_id': job_id, 'current_tag': 0}}).status_code == 202
    assert alice.delete('/jobs/%s/' % job_id).status_code == 204


def test_item_post_with_id_in_url_creates_with_that_id(alice):
    """FC posts ``.../jobs/<job_id>`` when the body carries a job_id."""
    _client(alice)
    resp = alice.post('/jobs/my-job-1', json=job_doc(job_id='my-job-1'))
    assert resp.status_code == 201
    assert resp.json['job_id'] == 'my-job-1'
    assert alice.get('/jobs/my-job-1').json['client_id'] == 'p1_host1'
    action = alice.post('/actions/my-action', json={
        'action_id': 'my-action', 'freezer_action': {'action': 'info'}})
    assert action.status_code == 201
    assert alice.get('/actions/my-action').status_code == 200


@pytest.mark.parametrize('headers', [
    {}, {'Content-Type': 'text/plain'}, {'Accept': '*/*'}])
def test_post_without_json_content_type_is_accepted(api, headers):
    body = json.dumps(backup_metadata('plain'))
    resp = api.simulate_post('/v2/p1/backups', body=body, headers=dict(
        {'X-User-Id': 'alice', 'X-Project-Id': 'p1', 'X-Roles': 'member'},
        **headers))
    assert resp.status_code == 201, resp.text
    assert 'backup_id' in resp.json


def test_accept_without_json_is_406(alice):
    resp = alice.get('/backups', headers={'Accept': 'text/html'})
    assert resp.status_code == 406


def test_search_filter_in_get_body(alice):
    _client(alice, 'p1_host1')
    _client(alice, 'p1_host2')
    mine = _job(alice, 'p1_host1', description='one')
    _job(alice, 'p1_host2', description='two')
    found = alice.search('/jobs', {'match': [{'client_id': 'p1_host1'}]})
    assert found.status_code == 200
    assert [j['job_id'] for j in found.json['jobs']] == [mine]
    negated = alice.search('/jobs', {'match_not': [{'description': 'two'}]})
    assert [j['job_id'] for j in negated.json['jobs']] == [mine]


def test_cli_all_form_of_search(alice):
    """``freezer job-list --search '[{"client_id": X}]'`` sends _all."""
    _client(alice, 'p1_host1')
    _client(alice, 'p1_host2')
    mine = _job(alice, 'p1_host1')
    _job(alice, 'p1_host2')
    found = alice.search('/jobs', {'match': [
        {'_all': json.dumps([{'client_id': 'p1_host1'}])}]})
    assert [j['job_id'] for j in found.json['jobs']] == [mine]


def test_malformed_search_is_400(alice):
    assert alice.search('/jobs', {'match': 'x'}).status_code == 400
    bad = alice.request('GET', '/jobs', body='{not json')
    assert bad.status_code == 400


# -- upstream freezer-api bugs we do not reproduce ---------------------------

def test_patch_without_job_schedule_keeps_the_schedule(alice):
    _client(alice)
    job_id = _job(alice)
    before = alice.get('/jobs/%s' % job_id).json['job_schedule']
    assert alice.patch('/jobs/%s' % job_id,
                       json={'description': 'x'}).status_code == 200
    after = alice.get('/jobs/%s' % job_id).json
    assert after['job_schedule'] == before
    assert after['job_schedule']['schedule_interval'] == '1 days'
    assert after['description'] == 'x'


def test_patch_job_schedule_merges_into_the_stored_one(alice):
    _client(alice)
    job_id = _job(alice)
    alice.patch('/jobs/%s' % job_id, json={'job_schedule': {
        'status': 'scheduled', 'event': ''}})
    schedule = alice.get('/jobs/%s' % job_id).json['job_schedule']
    assert schedule['status'] == 'scheduled'
    assert schedule['schedule_interval'] == '1 days'


def _session_with_jobs(alice, count):
    _client(alice)
    jobs = [_job(alice) for _ in range(count)]
    session_id = _session(alice)
    for job_id in jobs:
        assert alice.put('/sessions/%s/jobs/%s' % (session_id, job_id)
                         ).status_code == 204
    for job_id in jobs:
        resp = alice.post('/sessions/%s/action' % session_id, json={
            'start': {'job_id': job_id, 'current_tag': 0}})
        assert resp.status_code == 202
    return session_id, jobs


def _end(alice, session_id, job_id, result, tag=1):
    return alice.post('/sessions/%s/action' % session_id, json={
        'end': {'job_id': job_id, 'current_tag': tag, 'result': result}})


@pytest.mark.parametrize('order', [('fail', 'success'),
                                   ('success', 'fail')])
def test_session_result_does_not_depend_on_order(alice, order):
    session_id, jobs = _session_with_jobs(alice, 2)
    assert alice.get('/sessions/%s' % session_id).json['status'] == \
        'running'
    first = _end(alice, session_id, jobs[0], order[0])
    assert first.status_code == 202
    assert alice.get('/sessions/%s' % session_id).json['status'] == \
        'running'
    assert _end(alice, session_id, jobs[1], order[1]).status_code == 202
    session = alice.get('/sessions/%s' % session_id).json
    assert session['status'] == 'completed'
    assert session['result'] == 'fail'
    assert {session['jobs'][j]['result'] for j in jobs} == {'fail',
                                                            'success'}


def test_session_all_success_is_success(alice):
    session_id, jobs = _session_with_jobs(alice, 2)
    for job_id in jobs:
        _end(alice, session_id, job_id, 'success')
    session = alice.get('/sessions/%s' % session_id).json
    assert (session['status'], session['result']) == ('completed',
                                                      'success')


def test_end_with_a_wrong_tag_is_refused(alice):
    session_id, jobs = _session_with_jobs(alice, 1)
    before = alice.get('/sessions/%s' % session_id).json
    resp = _end(alice, session_id, jobs[0], 'success', tag=7)
    assert resp.status_code == 400
    assert 'tag' in resp.json['description']
    assert alice.get('/sessions/%s' % session_id).json == before


def test_start_with_a_tag_too_high_is_400(alice):
    session_id, jobs = _session_with_jobs(alice, 1)
    resp = alice.post('/sessions/%s/action' % session_id, json={
        'start': {'job_id': jobs[0], 'current_tag': 5}})
    assert resp.status_code == 400
    assert 'too high' in resp.json['description']


@pytest.mark.parametrize('body', [
    {'start': {}},
    {'start': {'job_id': 'j'}},
    {'start': {'current_tag': 0}},
    {'end': {'job_id': 'j', 'current_tag': 0}},
    {'end': {'current_tag': 0, 'result': 'success'}},
    {'end': {'job_id': 'j', 'current_tag': 'abc', 'result': 'success'}},
    {'start': None},
    {'start': {'job_id': 'j', 'current_tag': 0},
     'end': {'job_id': 'j', 'current_tag': 0, 'result': 'success'}},
    {},
    [],
])
def test_session_action_with_missing_params_is_400(alice, body):
    session_id = _session(alice)
    resp = alice.post('/sessions/%s/action' % session_id, json=body)
    assert resp.status_code == 400, resp.text
    assert resp.json['description']


def test_session_action_without_body_is_400(alice):
    session_id = _session(alice)
    resp = alice.post('/sessions/%s/action' % session_id)
    assert resp.status_code == 400


def test_session_action_for_a_job_not_in_the_session_is_400(alice):
    session_id = _session(alice)
    resp = alice.post('/sessions/%s/action' % session_id, json={
        'start': {'job_id': 'nope', 'current_tag': 0}})
    assert resp.status_code == 400
    assert 'not found in session' in resp.json['description']


# -- unknown and foreign ids: 404 on every method ----------------------------

def _one_of_each(caller, host):
    client_id = _client(caller, '%s_%s' % (caller.project, host))
    return {
        'backups': _backup(caller),
        'clients': client_id,
        'jobs': _job(caller, client_id),
        'actions': _action(caller),
        'sessions': _session(caller),
    }


_ID_FIELDS = {'jobs': 'job_id', 'actions': 'action_id',
              'sessions': 'session_id'}

REPLACE_BODIES = {
    'jobs': lambda: job_doc('p1_host1'),
    'actions': lambda: {'freezer_action': {'action': 'info'}},
    'sessions': lambda: {'schedule': {}, 'session_tag': 0},
}


def _item_requests(kind, doc_id, job_id='anyjob'):
    """(method, path, body) of every request on one document; ``job_id``
    is the job session requests name.
    """
    path = '/%s/%s' % (kind, doc_id)
    requests = [('GET', path, None), ('DELETE', path, None)]
    if kind == 'backups':
        requests.append(('PATCH', path, {'status': 'error'}))
    else:
        requests.append(('PATCH', path, {'description': 'x'}))
    if kind == 'jobs':
        requests.append(('POST', path + '/event', {'start': None}))
    if kind == 'sessions':
        requests += [
            ('POST', path + '/action',
             {'start': {'job_id': job_id, 'current_tag': 0}}),
            ('PUT', path + '/jobs/%s' % job_id, None),
            ('DELETE', path + '/jobs/%s' % job_id, None),
        ]
    return requests


KINDS = ['backups', 'clients', 'jobs', 'actions', 'sessions']


@pytest.mark.parametrize('kind', KINDS)
def test_unknown_ids_are_404_on_every_method(alice, kind):
    _client(alice)
    for method, path, body in _item_requests(kind, 'no-such-id'):
        resp = alice.request(method, path,
                             body=None if body is None else json.dumps(body))
        assert resp.status_code == 404, (method, path, resp.text)
        assert resp.json['code'].endswith('not_found'), resp.json
        assert resp.json['description']


@pytest.mark.parametrize('kind', KINDS)
def test_foreign_ids_are_404_on_every_method_and_untouched(
        alice, mallory, kind):
    _client(alice)
    own_job = _job(alice)
    theirs = _one_of_each(mallory, 'host9')
    stored = mallory.get('/%s/%s' % (kind, theirs[kind])).json
    for method, path, body in _item_requests(kind, theirs[kind], own_job):
        resp = alice.request(method, path,
                             body=None if body is None else json.dumps(body))
        assert resp.status_code == 404, (method, path, resp.text)
    assert mallory.get('/%s/%s' % (kind, theirs[kind])).json == stored


@pytest.mark.parametrize('kind', ['jobs', 'actions', 'sessions'])
def test_replace_at_a_foreign_id_creates_ones_own(alice, mallory, kind):
    _client(alice)
    theirs = _one_of_each(mallory, 'host9')
    path = '/%s/%s' % (kind, theirs[kind])
    stored = mallory.get(path).json
    resp = alice.post(path, json=REPLACE_BODIES[kind]())
    assert resp.status_code == 201, resp.text
    assert resp.json == {_ID_FIELDS[kind]: theirs[kind], 'version': 1}
    assert mallory.get(path).json == stored
    mine = alice.get(path).json
    assert (mine['project_id'], mine['user_id']) == ('p1', 'alice')
    assert [d[_ID_FIELDS[kind]] for d in alice.get('/' + kind).json[
        kind]] == [theirs[kind]]
    assert alice.delete(path).status_code == 204
    assert mallory.get(path).json == stored


def test_session_job_add_with_foreign_job_is_404(alice, mallory):
    theirs = _one_of_each(mallory, 'host9')
    session_id = _session(alice)
    resp = alice.put('/sessions/%s/jobs/%s' % (session_id, theirs['jobs']))
    assert resp.status_code == 404
    assert alice.get('/sessions/%s' % session_id).json['jobs'] == {}
    assert mallory.get('/jobs/%s' % theirs['jobs']).json.get(
        'session_id') in (None, '')


def test_session_job_remove_of_a_job_not_in_it_is_404(alice):
    _client(alice)
    job_id = _job(alice)
    session_id = _session(alice)
    resp = alice.delete('/sessions/%s/jobs/%s' % (session_id, job_id))
    assert resp.status_code == 404


# -- project scoping ---------------------------------------------------------

@pytest.mark.parametrize('method, path', [
    ('GET', '/backups'), ('POST', '/backups'), ('GET', '/jobs'),
    ('POST', '/clients'), ('GET', '/sessions/x'), ('DELETE', '/actions/x'),
    ('POST', '/jobs/x/event'), ('PUT', '/sessions/x/jobs/y'),
])
def test_member_of_another_project_gets_403(api, method, path):
    intruder = Caller(api, 'v2', user='mallory', project='p2',
                      url_project='p1')
    body = json.dumps(backup_metadata()) if method == 'POST' else None
    resp = intruder.request(method, path, body=body)
    assert resp.status_code == 403, resp.text
    assert resp.json['description']


def test_nothing_is_written_by_a_refused_foreign_request(api, alice):
    intruder = Caller(api, 'v2', user='mallory', project='p2',
                      url_project='p1')
    intruder.post('/backups', json=backup_metadata())
    intruder.post('/clients', json=client_info('p1_evil'))
    assert alice.get('/backups').json == {'backups': []}
    assert alice.get('/clients').json == {'clients': []}


@pytest.mark.parametrize('roles', ['admin', 'service'])
def test_admin_and_service_may_act_on_any_project(api, alice, roles):
    backup_id = _backup(alice)
    operator = Caller(api, 'v2', user='op', project='ops', roles=roles,
                      url_project='p1')
    listed = operator.get('/backups')
    assert listed.status_code == 200
    assert [b['backup_id'] for b in listed.json['backups']] == [backup_id]


def test_reader_may_read_but_not_write(api, alice):
    _backup(alice)
    reader = Caller(api, 'v2', user='rita', project='p1', roles='reader')
    assert reader.get('/backups').status_code == 200
    assert reader.post('/backups',
                       json=backup_metadata()).status_code == 403


def test_projects_see_only_their_own_documents(alice, bob, mallory):
    _backup(alice, 'a')
    _backup(mallory, 'm')
    # NOTE: v2 documents belong to the project: bob sees alice's backup.
    assert [b['backup_metadata']['backup_name']
            for b in bob.get('/backups').json['backups']] == ['a']
    assert [b['backup_metadata']['backup_name']
            for b in mallory.get('/backups').json['backups']] == ['m']


# -- client registration -----------------------------------------------------

def test_client_registration_is_idempotent(alice):
    _client(alice, description='first')
    uuid = alice.get('/clients/p1_host1').json['client']['uuid']
    again = alice.post('/clients', json=client_info(
        description='after restart', supported_actions=['backup']))
    assert again.status_code == 201
    assert again.json == {'client_id': 'p1_host1'}
    clients = alice.get('/clients').json['clients']
    assert len(clients) == 1
    info = clients[0]['client']
    assert info['description'] == 'after restart'
    assert info['supported_actions'] == ['backup']
    assert info['uuid'] == uuid


def test_another_project_registers_its_own_client_of_that_id(alice,
                                                             mallory):
    _client(alice, description='mine')
    resp = mallory.post('/clients', json=client_info(description='theirs'))
    assert resp.status_code == 201, resp.text
    assert resp.json == {'client_id': 'p1_host1'}
    assert alice.get('/clients/p1_host1').json['client'][
        'description'] == 'mine'
    shown = mallory.get('/clients/p1_host1').json
    assert (shown['project_id'], shown['client']['description']) == (
        'p2', 'theirs')
    assert [c['client']['description'] for c in mallory.get(
        '/clients').json['clients']] == ['theirs']
    assert mallory.delete('/clients/p1_host1').status_code == 204
    assert alice.get('/clients/p1_host1').json['client'][
        'description'] == 'mine'


def test_member_may_not_register_a_central_client(api, alice):
    resp = alice.post('/clients', json=client_info(is_central=True))
    assert resp.status_code == 403
    admin = Caller(api, 'v2', user='root', project='p1',
                   roles='admin,member')
    assert admin.post('/clients', json=client_info(
        is_central=True)).status_code == 201


# -- jobs need a client that can run them (422) ------------------------------

def test_job_for_an_unknown_client_is_422(alice):
    resp = alice.post('/jobs', json=job_doc('p1_nowhere'))
    assert resp.status_code == 422
    assert 'p1_nowhere' in resp.json['description']
    assert alice.get('/jobs').json == {'jobs': []}


def test_job_for_another_projects_client_is_422(alice, mallory):
    _client(mallory, 'p2_host1')
    resp = alice.post('/jobs', json=job_doc('p2_host1'))
    assert resp.status_code == 422


@pytest.mark.parametrize('field, value, capability', [
    ('action', 'restore', 'supported_actions'),
    ('mode', 'mysql', 'supported_modes'),
    ('storage', 'ssh', 'supported_storages'),
    ('engine', 'rsync', 'supported_engines'),
    ('engine_name', 'rsync', 'supported_engines'),
])
def test_job_with_an_unsupported_action_is_422(alice, field, value,
                                               capability):
    limited = {'supported_actions': ['backup'], 'supported_modes': ['fs'],
               'supported_storages': ['swift'],
               'supported_engines': ['tar']}
    _client(alice, **limited)
    doc = job_doc()
    doc['job_actions'][0]['freezer_action'][field] = value
    resp = alice.post('/jobs', json=doc)
    assert resp.status_code == 422, resp.text
    assert value in resp.json['description']
    ok = job_doc()
    ok['job_actions'][0]['freezer_action'].update(storage='swift',
                                                  engine_name='tar')
    job_id = _job(alice, **{k: v for k, v in ok.items()
                            if k != 'client_id'})
    patched = alice.patch('/jobs/%s' % job_id,
                          json={'job_actions': doc['job_actions']})
    assert patched.status_code == 422


# -- lists: paging and time filters ------------------------------------------

def test_backup_paging_is_stable(alice):
    ids = [_backup(alice, 'b%d' % i) for i in range(8)]
    assert len(alice.get('/backups').json['backups']) == 8
    counts = {offset: len(alice.get('/backups?offset=%d' % offset
                                    ).json['backups'])
              for offset in (0, 5, 8, 10)}
    assert counts == {0: 8, 5: 3, 8: 0, 10: 0}
    first = alice.get('/backups?limit=5').json['backups']
    second = alice.get('/backups?limit=3&offset=5').json['backups']
    every = alice.get('/backups').json['backups']
    assert first + second == every
    assert sorted(b['backup_id'] for b in every) == sorted(ids)


def test_default_limit_is_10(alice):
    for i in range(12):
        _backup(alice, 'b%d' % i)
    assert len(alice.get('/backups').json['backups']) == 10


@pytest.mark.parametrize('query', ['limit=0', 'limit=-1', 'limit=x',
                                   'offset=-1', 'offset=-2'])
def test_bad_paging_is_400(alice, query):
    for kind in ('backups', 'actions', 'sessions', 'jobs', 'clients'):
        resp = alice.get('/%s?%s' % (kind, query))
        assert resp.status_code == 400, (kind, query)


def test_time_filters_select_backups_by_time_stamp(alice):
    old = _backup(alice, 'old', time_stamp=1000)
    mid = _backup(alice, 'mid', time_stamp=2000)
    new = _backup(alice, 'new', time_stamp=3000)

    def ids(search):
        resp = alice.search('/backups', search)
        assert resp.status_code == 200
        return {b['backup_id'] for b in resp.json['backups']}

    assert ids({'time_after': 2000}) == {mid, new}
    assert ids({'time_before': 2000}) == {old, mid}
    assert ids({'time_after': 1500, 'time_before': 2500}) == {mid}
    assert ids({'time_after': 4000}) == set()
    assert ids({'time_after': 1500,
                'match': [{'backup_name': 'new'}]}) == {new}


# -- what the tempest plugin's API tests check -------------------------------

def test_missing_container_is_400(alice):
    metadata = backup_metadata()
    del metadata['container']
    resp = alice.post('/backups', json=metadata)
    assert resp.status_code == 400
    assert alice.get('/backups').json == {'backups': []}


def test_backup_is_shown_with_owner_and_metadata(alice):
    metadata = {'curr_backup_level': 0, 'container': 'c',
                'hostname': 'localhost', 'backup_name': 'minimal',
                'time_stamp': 1459349846}
    backup_id = _backup(alice, **{k: v for k, v in metadata.items()
                                  if k != 'backup_name'},
                        name='minimal')
    shown = alice.get('/backups/%s' % backup_id).json
    assert shown['user_id'] == 'alice'
    assert shown['project_id'] == 'p1'
    assert shown['backup_metadata']['time_stamp'] == 1459349846
    assert shown['backup_metadata']['backup_name'] == 'minimal'


def test_action_document_keeps_every_freezer_action_key_and_type(alice):
    freezer_action = {
        'action': 'backup', 'mode': 'fs', 'src_file': '/dev/null',
        'backup_name': 'with spaces', 'container': 'c',
        'max_backup_level': 1, 'always_backup_level': 0,
        'no_incremental': True, 'encrypt_pass_file': '/dev/null',
        'log_file': '/dev/null', 'hostname': False,
        'max_cpu_priority': False}
    action_id = _created(alice.post('/actions', json={
        'freezer_action': freezer_action}), 'action_id')
    shown = alice.get('/actions/%s' % action_id).json
    assert shown['freezer_action'] == freezer_action
    assert shown['action_id'] == action_id
    assert shown['user_id'] == 'alice'


def test_job_with_extra_job_action_keys_and_cron_schedule(alice):
    _client(alice, 'p1_myhost.mydomain.mytld')
    doc = {
        'job_actions': [{'freezer_action': {'action': 'backup',
                                            'mode': 'fs',
                                            'src_file': '/srv',
                                            'backup_name': 'b',
                                            'container': 'c'},
                         'exit_status': 'success', 'max_retries': 1,
                         'max_retries_interval': 1, 'mandatory': True}],
        'job_schedule': {'time_created': 1234, 'time_started': 1234,
                         'time_ended': 0, 'status': 'stop',
                         'schedule_date': '2015-06-02T16:20:00',
                         'schedule_month': '1-6, 9-12',
                         'schedule_day': 'mon, wed, fri',
                         'schedule_hour': '03', 'schedule_minute': '25'},
        'job_id': 'blabla', 'client_id': 'p1_myhost.mydomain.mytld',
        'user_id': 'blabla', 'description': 'scheduled one shot'}
    job_id = _created(alice.post('/jobs', json=doc), 'job_id')
    shown = alice.get('/jobs/%s' % job_id).json
    assert shown['user_id'] == 'alice'
    assert shown['job_actions'][0]['exit_status'] == 'success'
    assert shown['job_schedule']['schedule_day'] == 'mon, wed, fri'
    assert shown['job_schedule']['time_started'] == -1


@pytest.mark.parametrize('client_id, status', [
    ('bad%project$id_host.domain.tld', 400),
    ('p1_bad_hostname.bad/domain.b', 400),
    ('padawan-ccp-c1-m1-mgmt', 201),
])
def test_job_client_id_format(alice, client_id, status):
    if status == 201:
        _client(alice, client_id)
    assert alice.post('/jobs', json=job_doc(client_id)).status_code == status


def test_session_create_ignores_body_id_and_jobs_list(alice):
    body = {'session_id': 'test-session', 'session_tag': 1,
            'description': 'a test session', 'hold_off': 5,
            'schedule': {'time_created': 1234, 'status': 'stop',
                         'schedule_date': '2015-06-02T16:20:00'},
            'jobs': [{'job_id_1': {'client_id': 'c', 'status': 'stop'}}],
            'status': 'completed', 'result': 'success',
            'project_id': 'p1', 'user_id': 'user-id-1'}
    session_id = _created(alice.post('/sessions', json=body), 'session_id')
    assert session_id != 'test-session'
    shown = alice.get('/sessions/%s' % session_id).json
    assert shown['jobs'] == {}
    assert shown['user_id'] == 'alice'
    assert shown['hold_off'] == 5
    assert alice.delete('/sessions/%s' % session_id).status_code == 204


def test_session_defaults(alice):
    session_id = _created(alice.post('/sessions', json={'schedule': {}}),
                          'session_id')
    shown = alice.get('/sessions/%s' % session_id).json
    assert (shown['session_tag'], shown['hold_off'], shown['status'],
            shown['jobs']) == (0, 30, 'active', {})


@pytest.mark.parametrize('kind', ['backups', 'clients', 'actions',
                                  'sessions'])
def test_post_without_body_is_400(alice, kind):
    resp = alice.post('/%s' % kind)
    assert resp.status_code == 400
    assert resp.json['description'] == 'Missing request body'


def test_error_body_has_description_and_request_id(alice):
    resp = alice.get('/jobs/nope')
    assert resp.status_code == 404
    assert set(resp.json) >= {'title', 'description', 'code', 'request_id'}
    assert resp.json['request_id'] == resp.headers['x-openstack-request-id']
