"""What freezer-scheduler does against the v2 API, for several schedulers at
once, on every store backend: registration, job polling, job_schedule
updates and sessions shared between schedulers.

``Scheduler`` below plays one freezer-scheduler daemon: it registers its
client, polls its jobs every tick with the scheduler's own search filter in
pages of 10, drives each job's ``job_schedule`` through scheduled -> running
-> completed by PATCHing the whole schedule (as the real one does), starts
and ends sessions and uploads the agent's backup metadata. The ticks of all
schedulers run concurrently, in threads, against one in-process API.
"""

import concurrent.futures
import json
import threading
import time

import pytest

from tests.api.conftest import Caller

CAPABILITIES = {
    'supported_actions': ['backup', 'restore', 'info', 'admin', 'exec'],
    'supported_modes': ['fs', 'mongo', 'mysql', 'sqlserver', 'cinder',
                        'glance', 'cindernative', 'nova'],
    'supported_storages': ['local', 'swift', 'ssh', 's3', 'ftp', 'ftps'],
    'supported_engines': ['tar', 'rsync', 'rsyncv2', 'nova', 'osbrick',
                          'glance'],
}
PAGE = 10


class Scheduler:
    """One freezer-scheduler daemon, talking to the API as its project."""

    def __init__(self, api, project, hostname, fail_jobs=()):
        self.api = Caller(api, 'v2', user='svc-' + hostname,
                          project=project)
        self.project = project
        self.hostname = hostname
        self.client_id = '%s_%s' % (project, hostname)
        self.fail_jobs = set(fail_jobs)
        self.patches = 0
        self.polls = 0
        self.seen = set()

    # -- requests, as python-freezerclient sends them ----------------------

    def _call(self, method, path, body=None, query=None):
        headers = {'Content-Type': 'application/json',
                   'Accept': 'application/json'}
        return self.api.request(method, path, headers=headers,
                                query_string=query,
                                body=None if body is None
                                else json.dumps(body))

    def register(self):
        """``do_register``: 201, and 409 taken as "already registered"."""
        resp = self._call('POST', '/clients/', dict(
            client_id=self.client_id, hostname=self.hostname,
            is_central=False, **CAPABILITIES))
        assert resp.status_code in (201, 409), resp.text
        return resp.status_code

    def poll(self):
        """Every job of this client that is not completed, page by page."""
        search = {'match_not': [{'status': 'completed'}],
                  'match': [{'client_id': self.client_id}]}
        jobs, offset = [], 0
        while True:
            resp = self._call('GET', '/jobs/', search,
                              'limit=%d&offset=%d&all_projects=False'
                              % (PAGE, offset))
            assert resp.status_code == 200, resp.text
            page = resp.json['jobs']
            jobs += page
            offset += len(page)
            if len(page) < PAGE:
                break
        self.polls += 1
        return jobs

    def patch(self, job):
        body = {'job_schedule': job['job_schedule'],
                'session_id': job.get('session_id', ''),
                'session_tag': job.get('session_tag', 0)}
        resp = self._call('PATCH', '/jobs/%s' % job['job_id'], body)
        assert resp.status_code == 200, resp.text
        assert isinstance(resp.json['version'], int)
        self.patches += 1

    # -- the per-job state machine (freezer/scheduler/scheduler_job.py) -----

    def tick(self):
        for job in self.poll():
            assert job['client_id'] == self.client_id
            assert job['job_schedule'].get('status') != 'completed'
            self.step(job)

    def step(self, job):
        schedule = job['job_schedule']
        event = schedule.get('event', '')
        if job['job_id'] not in self.seen:
            self.seen.add(job['job_id'])
            if not event:
                event = 'stop' if schedule.get('status') == 'stop' \
                    else 'start'
        status = schedule.get('status', '')
        if event in ('stop', 'abort') and status != 'running':
            schedule.update(status='stop', event='')
            self.patch(job)
        elif event == 'start' and status in ('', 'stop', 'completed'):
            schedule.update(status='scheduled', event='')
            self.patch(job)
        elif status == 'scheduled':
            self.execute(job)

    def execute(self, job):
        schedule = job['job_schedule']
        schedule.update(status='running', result='',
                        time_started=int(time.time()), time_ended=-1)
        self.patch(job)
        if job.get('session_id'):
            self.start_session(job)
        result = 'fail' if job['job_id'] in self.fail_jobs else 'success'
        for job_action in job['job_actions']:
            self.upload_metadata(job, job_action['freezer_action'])
        schedule.update(time_ended=int(time.time()), result=result,
                        current_pid=None)
        if job.get('session_id'):
            self.end_session(job, result)
        # NOTE: these are one-shot jobs (schedule_date): done after one run.
        schedule['status'] = 'completed'
        self.patch(job)

    def start_session(self, job):
        resp = self._call('POST', '/sessions/%s/action' % job['session_id'],
                          {'start': {'job_id': job['job_id'],
                                     'current_tag': job['session_tag']}})
        assert resp.status_code == 202, resp.text
        assert resp.json['result'] == 'success', resp.json
        job['session_tag'] = resp.json['session_tag']

    def end_session(self, job, result):
        resp = self._call('POST', '/sessions/%s/action' % job['session_id'],
                          {'end': {'job_id': job['job_id'],
                                   'current_tag': job['session_tag'],
                                   'result': result}})
        assert resp.status_code == 202, resp.text
        assert resp.json['result'] == 'success'

    def upload_metadata(self, job, freezer_action):
        """What ``freezer-agent --metadata-out -`` prints, plus job_id."""
        metadata = {
            'job_id': job['job_id'], 'action': freezer_action['action'],
            'backup_name': freezer_action['backup_name'],
            'container': freezer_action['container'],
            'hostname': self.hostname, 'mode': 'fs', 'storage': 'swift',
            'time_stamp': int(time.time()), 'curr_backup_level': 0,
            'fs_real_path': freezer_action['path_to_backup'],
            'client_os': 'linux', 'client_version': '19.0.0',
            'backup_size_compressed': 1024, 'encrypted': False,
        }
        resp = self._call('POST', '/backups/', metadata)
        assert resp.status_code == 201, resp.text


# -- what the tests set up as a user would ------------------------------------

def _owner(api, project):
    return Caller(api, 'v2', user='owner-' + project, project=project)


def _create_job(owner, client_id, name, **extra):
    doc = {
        'description': name,
        'client_id': client_id,
        'job_actions': [{'freezer_action': {
            'action': 'backup', 'mode': 'fs', 'backup_name': name,
            'container': 'c-' + client_id, 'path_to_backup': '/srv/' + name,
            'storage': 'swift', 'engine_name': 'tar'},
            'max_retries': 3, 'max_retries_interval': 1}],
        'job_schedule': {'schedule_date': '2030-01-01T00:00:00'},
    }
    doc.update(extra)
    resp = owner.post('/jobs', json=doc)
    assert resp.status_code == 201, resp.text
    return resp.json['job_id']


def _run_ticks(schedulers, ticks):
    """Run ``ticks`` rounds; in each, every scheduler ticks concurrently."""
    with concurrent.futures.ThreadPoolExecutor(len(schedulers)) as pool:
        for _ in range(ticks):
            barrier = threading.Barrier(len(schedulers))

            def tick(scheduler):
                barrier.wait(timeout=30)
                scheduler.tick()

            for future in [pool.submit(tick, s) for s in schedulers]:
                future.result()


def _all(caller, kind, search=None):
    items, offset = [], 0
    while True:
        resp = caller.request('GET', '/%s?limit=100&offset=%d'
                              % (kind, offset),
                              body=None if search is None
                              else json.dumps(search))
        assert resp.status_code == 200, resp.text
        page = resp.json[kind]
        items += page
        offset += len(page)
        if len(page) < 100:
            return items


# -- tests --------------------------------------------------------------------

def test_several_schedulers_run_all_their_jobs_to_completion(api):
    """Three hosts in two projects, 12 jobs each (more than one page)."""
    schedulers = [Scheduler(api, 'p1', 'alpha'), Scheduler(api, 'p1', 'beta'),
                  Scheduler(api, 'p2', 'alpha')]
    for scheduler in schedulers:
        assert scheduler.register() == 201
    jobs = {}
    for scheduler in schedulers:
        owner = _owner(api, scheduler.project)
        jobs[scheduler.client_id] = {
            _create_job(owner, scheduler.client_id, 'job%02d' % i)
            for i in range(12)}

    _run_ticks(schedulers, 1)
    for scheduler in schedulers:
        # NOTE: first tick: every job seen (two pages) and scheduled.
        assert scheduler.seen == jobs[scheduler.client_id]
        assert scheduler.patches == 12
    _run_ticks(schedulers, 2)

    for scheduler in schedulers:
        assert scheduler.poll() == [], scheduler.client_id
        owner = _owner(api, scheduler.project)
        stored = [j for j in _all(owner, 'jobs')
                  if j['client_id'] == scheduler.client_id]
        assert {j['job_id'] for j in stored} == jobs[scheduler.client_id]
        for job in stored:
            schedule = job['job_schedule']
            assert (schedule['status'], schedule['result'],
                    schedule['event']) == ('completed', 'success', '')
            assert schedule['time_ended'] >= schedule['time_started'] > 0
            assert schedule['schedule_date'] == '2030-01-01T00:00:00'
            assert schedule['time_created'] > 0
            assert job['job_actions'][0]['freezer_action'][
                'backup_name'] == job['description']
        backups = _all(owner, 'backups', {'match': [
            {'hostname': scheduler.hostname}]})
        backups = [b for b in backups
                   if b['backup_metadata']['container']
                   == 'c-' + scheduler.client_id]
        assert sorted(b['backup_metadata']['job_id'] for b in backups) == \
            sorted(jobs[scheduler.client_id])
        assert {b['project_id'] for b in backups} == {scheduler.project}
        assert {b['user_id'] for b in backups} == {
            'svc-' + scheduler.hostname}

    # Each project holds its own jobs, backups and clients only.
    for project, count in (('p1', 24), ('p2', 12)):
        owner = _owner(api, project)
        assert len(_all(owner, 'jobs')) == count
        assert len(_all(owner, 'backups')) == count
        assert {c['client_id'] for c in _all(owner, 'clients')} == {
            s.client_id for s in schedulers if s.project == project}


def test_restarted_scheduler_registers_again_and_keeps_its_jobs(api):
    first = Scheduler(api, 'p1', 'gamma')
    assert first.register() == 201
    owner = _owner(api, 'p1')
    job_id = _create_job(owner, first.client_id, 'nightly')
    _run_ticks([first], 1)
    restarted = Scheduler(api, 'p1', 'gamma')
    assert restarted.register() == 201
    assert len(_all(owner, 'clients')) == 1
    # The restarted daemon finds the job already scheduled and runs it.
    (job,) = restarted.poll()
    assert job['job_id'] == job_id
    assert job['job_schedule']['status'] == 'scheduled'
    _run_ticks([restarted], 1)
    assert restarted.poll() == []
    assert owner.get('/jobs/%s' % job_id).json['job_schedule'][
        'status'] == 'completed'


def test_user_events_reach_the_scheduler(api):
    scheduler = Scheduler(api, 'p1', 'delta')
    scheduler.register()
    owner = _owner(api, 'p1')
    job_id = _create_job(owner, scheduler.client_id, 'held',
                         job_schedule={'status': 'stop',
                                       'schedule_date':
                                       '2030-01-01T00:00:00'})
    _run_ticks([scheduler], 2)
    stored = owner.get('/jobs/%s' % job_id).json['job_schedule']
    assert (stored['status'], stored['event']) == ('stop', '')

    started = owner.post('/jobs/%s/event' % job_id, json={'start': None})
    assert started.json == {'result': 'success'}
    _run_ticks([scheduler], 1)
    assert owner.get('/jobs/%s' % job_id).json['job_schedule'][
        'status'] == 'scheduled'
    stopped = owner.post('/jobs/%s/event' % job_id, json={'stop': None})
    assert stopped.json == {'result': 'success'}
    _run_ticks([scheduler], 1)
    stored = owner.get('/jobs/%s' % job_id).json['job_schedule']
    assert (stored['status'], stored['event']) == ('stop', '')
    owner.post('/jobs/%s/event' % job_id, json={'start': None})
    _run_ticks([scheduler], 2)
    stored = owner.get('/jobs/%s' % job_id).json['job_schedule']
    assert (stored['status'], stored['result']) == ('completed', 'success')
    assert scheduler.poll() == []


@pytest.mark.parametrize('failing, expected', [(0, 'success'),
                                               (1, 'fail')])
def test_schedulers_share_a_session(api, failing, expected):
    """Three hosts of one project run the jobs of one session together."""
    owner = _owner(api, 'p1')
    hosts = ['h1', 'h2', 'h3']
    job_ids = {}
    for host in hosts:
        Scheduler(api, 'p1', host).register()
        job_ids[host] = _create_job(owner, 'p1_' + host, 'sess-' + host)
    resp = owner.post('/sessions', json={
        'description': 'all hosts', 'hold_off': 120,
        'schedule': {'schedule_date': '2030-01-01T00:00:00'}})
    assert resp.status_code == 201
    session_id = resp.json['session_id']
    for job_id in job_ids.values():
        assert owner.put('/sessions/%s/jobs/%s' % (session_id, job_id)
                         ).status_code == 204
    schedulers = [Scheduler(api, 'p1', host,
                            fail_jobs={job_ids[host]} if i < failing
                            else ())
                  for i, host in enumerate(hosts)]
    _run_ticks(schedulers, 3)

    session = owner.get('/sessions/%s' % session_id).json
    assert session['session_tag'] == 1
    assert session['status'] == 'completed'
    assert session['result'] == expected
    assert set(session['jobs']) == set(job_ids.values())
    for entry in session['jobs'].values():
        assert entry['status'] == 'completed'
        assert entry['time_ended'] >= entry['time_started'] > 0
    results = sorted(e['result'] for e in session['jobs'].values())
    assert results == sorted(['fail'] * failing
                             + ['success'] * (3 - failing))
    for job_id in job_ids.values():
        job = owner.get('/jobs/%s' % job_id).json
        assert job['session_id'] == session_id
        assert job['session_tag'] == 1
        assert job['job_schedule']['status'] == 'completed'
