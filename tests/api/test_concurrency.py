"""No lost updates: concurrent requests give what applying them one at a
time would give."""

import concurrent.futures

import pytest

from tests.api.conftest import Caller
from tests.api.conftest import client_info
from tests.api.conftest import job_doc


def run_concurrently(count, func):
    with concurrent.futures.ThreadPoolExecutor(min(count, 16)) as pool:
        return list(pool.map(func, range(count)))


@pytest.fixture
def member(api):
    caller = Caller(api, 'v2', user='alice', project='p1')
    assert caller.post('/clients', json=client_info()).status_code == 201
    return caller


def make_jobs(member, count):
    return [member.post('/jobs', json=job_doc()).json['job_id']
            for _ in range(count)]


def test_32_concurrent_starts_of_one_round(member):
    session_id = member.post('/sessions', json={'schedule': {}}).json[
        'session_id']
    jobs = make_jobs(member, 32)
    for job_id in jobs:
        member.put('/sessions/%s/jobs/%s' % (session_id, job_id))

    def start(n):
        return member.post('/sessions/%s/action' % session_id, json={
            'start': {'job_id': jobs[n], 'current_tag': 0}})

    results = run_concurrently(32, start)
    assert all(r.status_code == 202 for r in results)
    assert {r.json['result'] for r in results} == {'success'}
    assert {r.json['session_tag'] for r in results} == {1}
    session = member.get('/sessions/%s' % session_id).json
    assert session['session_tag'] == 1
    assert {e['status'] for e in session['jobs'].values()} == {'running'}
    repeat = start(0)
    assert repeat.json == {'result': 'success', 'session_tag': 1}


def test_32_concurrent_start_events_on_one_job(member):
    job_id = make_jobs(member, 1)[0]

    def start(_):
        return member.post('/jobs/%s/event' % job_id, json={'start': None})

    results = [r.json['result'] for r in run_concurrently(32, start)]
    assert results.count('success') == 1
    assert results.count('start already requested') == 31


def test_concurrent_job_additions_lose_nothing(member):
    session_id = member.post('/sessions', json={'schedule': {}}).json[
        'session_id']
    jobs = make_jobs(member, 16)

    def add(n):
        return member.put('/sessions/%s/jobs/%s' % (session_id, jobs[n]))

    assert {r.status_code for r in run_concurrently(16, add)} == {204}
    session = member.get('/sessions/%s' % session_id).json
    assert set(session['jobs']) == set(jobs)
    for job_id in jobs:
        assert member.get('/jobs/%s' % job_id).json[
            'session_id'] == session_id


def test_concurrent_ends_complete_the_round(member):
    session_id = member.post('/sessions', json={'schedule': {}}).json[
        'session_id']
    jobs = make_jobs(member, 16)
    for job_id in jobs:
        member.put('/sessions/%s/jobs/%s' % (session_id, job_id))
        member.post('/sessions/%s/action' % session_id, json={
            'start': {'job_id': job_id, 'current_tag': 0}})

    def end(n):
        result = 'fail' if n == 7 else 'success'
        return member.post('/sessions/%s/action' % session_id, json={
            'end': {'job_id': jobs[n], 'current_tag': 1, 'result': result}})

    assert {r.status_code for r in run_concurrently(16, end)} == {202}
    session = member.get('/sessions/%s' % session_id).json
    assert {e['status'] for e in session['jobs'].values()} == {'completed'}
    assert session['status'] == 'completed'
    assert session['result'] == 'fail'


def test_concurrent_patches_of_different_fields_all_land(member):
    job_id = make_jobs(member, 1)[0]

    def patch(n):
        return member.patch('/jobs/%s' % job_id, json={
            'job_schedule': {'schedule_%s' % ('hour', 'minute', 'second')[
                n % 3]: str(n)}, 'description': 'd%d' % n})

    results = run_concurrently(12, patch)
    assert {r.status_code for r in results} == {200}
    assert sorted(r.json['version'] for r in results) == list(range(2, 14))
