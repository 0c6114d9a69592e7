"""Sessions: create, jobs in a session, start/end rounds."""

import time

import pytest

from tests.api.conftest import job_doc

SCHEDULE = {'schedule_date': '2030-01-01T00:00:00'}


@pytest.fixture
def session_id(alice):
    resp = alice.post('/sessions', json={'description': 'nightly',
                                         'schedule': SCHEDULE,
                                         'session_id': 'ignored',
                                         'jobs': ['ignored']})
    assert resp.status_code == 201, resp.text
    return resp.json['session_id']


@pytest.fixture
def jobs(alice, registered):
    return [alice.post('/jobs', json=job_doc()).json['job_id']
            for _ in range(3)]


def add(alice, session_id, job_id):
    resp = alice.put('/sessions/%s/jobs/%s' % (session_id, job_id))
    assert resp.status_code == 204, resp.text
    assert resp.text == ''


def action(alice, session_id, name, job_id, tag, **extra):
    params = dict(job_id=job_id, current_tag=tag, **extra)
    return alice.post('/sessions/%s/action' % session_id,
                      json={name: params})


def test_create_sets_defaults_and_ignores_given_id(alice, session_id):
    assert session_id != 'ignored'
    session = alice.get('/sessions/%s' % session_id).json
    assert session['session_id'] == session_id
    assert session['session_tag'] == 0
    assert session['hold_off'] == 30
    assert session['status'] == 'active'
    assert session['jobs'] == {}
    assert session['schedule'] == SCHEDULE
    assert session['user_id'] == 'alice'


@pytest.mark.parametrize('body', [{}, {'schedule': {'status': 'x'}},
                                  {'schedule': {'schedule_hour': '25'}},
                                  {'schedule': {}, 'hold_off': -1}])
def test_invalid_sessions_are_400(alice, body):
    assert alice.post('/sessions', json=body).status_code == 400
    assert alice.get('/sessions').json == {'sessions': []}


def test_add_job_copies_schedule_and_tag(alice, session_id, jobs):
    add(alice, session_id, jobs[0])
    job = alice.get('/jobs/%s' % jobs[0]).json
    assert job['session_id'] == session_id
    assert job['session_tag'] == 0
    assert job['job_schedule']['schedule_date'] == SCHEDULE['schedule_date']
    assert job['job_schedule']['schedule_interval'] == '1 days'
    session = alice.get('/sessions/%s' % session_id).json
    assert set(session['jobs']) == {jobs[0]}
    assert session['jobs'][jobs[0]]['client_id'] == 'p1_host1'


def test_add_unknown_job_is_404_and_changes_nothing(alice, session_id):
    resp = alice.put('/sessions/%s/jobs/nope' % session_id)
    assert resp.status_code == 404
    assert alice.get('/sessions/%s' % session_id).json['jobs'] == {}


def test_remove_job_tells_it_to_stop(alice, session_id, jobs):
    add(alice, session_id, jobs[0])
    resp = alice.delete('/sessions/%s/jobs/%s' % (session_id, jobs[0]))
    assert resp.status_code == 204
    assert alice.get('/sessions/%s' % session_id).json['jobs'] == {}
    job = alice.get('/jobs/%s' % jobs[0]).json
    assert job['session_id'] == ''
    assert job['job_schedule']['event'] == 'stop'
    assert job['job_schedule']['schedule_interval'] == '1 days'
    again = alice.delete('/sessions/%s/jobs/%s' % (session_id, jobs[0]))
    assert again.status_code == 404


def test_round_start_join_end(alice, session_id, jobs):
    for job_id in jobs:
        add(alice, session_id, job_id)
    first = action(alice, session_id, 'start', jobs[0], 0)
    assert first.status_code == 202
    assert first.json == {'result': 'success', 'session_tag': 1}
    joined = action(alice, session_id, 'start', jobs[1], 0)
    assert joined.json == {'result': 'success', 'session_tag': 1}
    held = action(alice, session_id, 'start', jobs[2], 1)
    assert held.json == {'result': 'hold-off', 'session_tag': 1}
    session = alice.get('/sessions/%s' % session_id).json
    assert session['status'] == 'running'
    assert session['jobs'][jobs[0]]['status'] == 'running'
    for job_id, result in zip(jobs, ('success', 'fail', 'success')):
        resp = action(alice, session_id, 'end', job_id, 1, result=result)
        assert resp.status_code == 202
        assert resp.json == {'result': 'success', 'session_tag': 1}
    session = alice.get('/sessions/%s' % session_id).json
    assert session['status'] == 'completed'
    assert session['result'] == 'fail'


@pytest.mark.parametrize('order', [(0, 1), (1, 0)])
def test_result_does_not_depend_on_order(alice, session_id, jobs, order):
    for job_id in jobs[:2]:
        add(alice, session_id, job_id)
    action(alice, session_id, 'start', jobs[0], 0)
    action(alice, session_id, 'start', jobs[1], 0)
    results = {jobs[0]: 'fail', jobs[1]: 'success'}
    for index in order:
        action(alice, session_id, 'end', jobs[index], 1,
               result=results[jobs[index]])
    assert alice.get('/sessions/%s' % session_id).json['result'] == 'fail'


def test_tag_too_high_and_out_of_sync(alice, session_id, jobs):
    add(alice, session_id, jobs[0])
    resp = action(alice, session_id, 'start', jobs[0], 5)
    assert resp.status_code == 400
    assert 'too high' in resp.json['description']
    alice.patch('/sessions/%s' % session_id,
                json={'session_tag': 3, 'time_start': int(time.time()) - 99})
    late = action(alice, session_id, 'start', jobs[0], 2)
    assert late.json == {'result': 'out-of-sync', 'session_tag': 3}


def test_end_with_wrong_tag_is_refused(alice, session_id, jobs):
    add(alice, session_id, jobs[0])
    action(alice, session_id, 'start', jobs[0], 0)
    resp = action(alice, session_id, 'end', jobs[0], 7, result='success')
    assert resp.status_code == 400
    session = alice.get('/sessions/%s' % session_id).json
    assert session['jobs'][jobs[0]]['status'] == 'running'


def test_end_without_tag_is_accepted_as_upstream_does(alice, session_id,
                                                      jobs):
    for job_id in jobs[:2]:
        add(alice, session_id, job_id)
    action(alice, session_id, 'start', jobs[0], 0)
    action(alice, session_id, 'start', jobs[1], 0)
    for job_id, end in zip(jobs, ({'result': 'success'},
                                  {'result': 'success', 'current_tag': None})):
        resp = alice.post('/sessions/%s/action' % session_id, json={
            'end': dict(end, job_id=job_id)})
        assert resp.status_code == 202, resp.text
        assert resp.json == {'result': 'success', 'session_tag': 1}
    session = alice.get('/sessions/%s' % session_id).json
    assert session['jobs'][jobs[0]]['status'] == 'completed'
    assert (session['status'], session['result']) == ('completed', 'success')


def test_end_without_tag_of_job_not_in_session_is_400(alice, session_id,
                                                      jobs):
    resp = alice.post('/sessions/%s/action' % session_id, json={
        'end': {'job_id': jobs[0], 'result': 'success'}})
    assert resp.status_code == 400
    assert alice.get('/sessions/%s' % session_id).json['jobs'] == {}


@pytest.mark.parametrize('body', [
    {'end': {'job_id': 'x'}},
    {'end': {'result': 'success'}},
    {'end': {'job_id': 'x', 'current_tag': 'one', 'result': 'success'}},
    {'start': {'job_id': 'x'}},
    {'start': {'current_tag': 0}},
    {'end': {'job_id': 'x', 'current_tag': 0}},
    {'end': {'job_id': 'x', 'current_tag': 0, 'result': 'meh'}},
    {'start': {'job_id': 'x', 'current_tag': 'abc'}},
    {'jump': {}},
    {},
    [],
])
def test_bad_actions_are_400(alice, session_id, body):
    resp = alice.post('/sessions/%s/action' % session_id, json=body)
    assert resp.status_code == 400, resp.text


def test_start_for_job_not_in_session_is_400(alice, session_id, jobs):
    resp = action(alice, session_id, 'start', jobs[0], 0)
    assert resp.status_code == 400
    assert alice.get('/sessions/%s' % session_id).json['session_tag'] == 0


def test_patch_and_replace(alice, session_id, jobs):
    add(alice, session_id, jobs[0])
    resp = alice.patch('/sessions/%s' % session_id,
                       json={'description': 'renamed', 'jobs': {}})
    assert resp.status_code == 200
    session = alice.get('/sessions/%s' % session_id).json
    assert session['description'] == 'renamed'
    assert set(session['jobs']) == {jobs[0]}
    resp = alice.post('/sessions/%s' % session_id,
                      json={'schedule': {}, 'session_tag': 4})
    assert resp.status_code == 201
    assert resp.json['session_id'] == session_id
    session = alice.get('/sessions/%s' % session_id).json
    assert session['session_tag'] == 4
    assert set(session['jobs']) == {jobs[0]}
    missing_tag = alice.post('/sessions/%s' % session_id,
                             json={'schedule': {}})
    assert missing_tag.status_code == 400


def test_foreign_session_is_404_everywhere(alice, mallory, session_id):
    path = '/sessions/%s' % session_id
    assert mallory.get(path).status_code == 404
    assert mallory.patch(path, json={'description': 'x'}).status_code == 404
    assert mallory.delete(path).status_code == 404
    assert mallory.post(path + '/action', json={'start': {
        'job_id': 'j', 'current_tag': 0}}).status_code == 404
    assert mallory.put(path + '/jobs/j').status_code == 404
    assert mallory.delete(path + '/jobs/j').status_code == 404
    assert alice.get(path).json['description'] == 'nightly'


def test_delete_session(alice, session_id):
    assert alice.delete('/sessions/%s' % session_id).status_code == 204
    assert alice.get('/sessions/%s' % session_id).status_code == 404
