"""Jobs: create, schedule validation, action_defaults, PATCH, replace,
events."""

import pytest

from tests.api.conftest import job_doc


@pytest.fixture
def job_id(alice, registered):
    resp = alice.post('/jobs', json=job_doc())
    assert resp.status_code == 201, resp.text
    return resp.json['job_id']


def test_create_then_show(alice, job_id):
    job = alice.get('/jobs/%s' % job_id).json
    assert job['job_id'] == job_id
    assert job['user_id'] == 'alice'
    assert job['client_id'] == 'p1_host1'
    assert job['job_actions'] == job_doc()['job_actions']
    schedule = job['job_schedule']
    assert schedule['schedule_interval'] == '1 days'
    assert schedule['time_started'] == -1
    assert schedule['time_ended'] == -1
    assert isinstance(schedule['time_created'], int)


def test_caller_cannot_set_owner(alice, registered):
    resp = alice.post('/jobs', json=job_doc(user_id='blabla'))
    job = alice.get('/jobs/%s' % resp.json['job_id']).json
    assert job['user_id'] == 'alice'


def test_v1_always_makes_a_new_id_v2_keeps_the_given_one(alice, registered):
    resp = alice.post('/jobs', json=job_doc(job_id='myjob'))
    assert resp.status_code == 201
    if alice.version == 'v1':
        assert resp.json['job_id'] != 'myjob'
    else:
        assert resp.json['job_id'] == 'myjob'
        again = alice.post('/jobs', json=job_doc(job_id='myjob'))
        assert again.status_code == 409


def test_action_defaults_fill_every_action(alice, registered):
    doc = job_doc(action_defaults={'log_file': '/tmp/log',
                                   'container': 'shared'})
    doc['job_actions'] = [
        {'freezer_action': {'action': 'backup', 'backup_name': 'one'}},
        {'freezer_action': {'action': 'backup', 'backup_name': 'two',
                            'log_file': '/own/log'}},
    ]
    job_id = alice.post('/jobs', json=doc).json['job_id']
    job = alice.get('/jobs/%s' % job_id).json
    actions = [a['freezer_action'] for a in job['job_actions']]
    assert actions == [
        {'action': 'backup', 'backup_name': 'one', 'log_file': '/tmp/log',
         'container': 'shared'},
        {'action': 'backup', 'backup_name': 'two', 'log_file': '/own/log',
         'container': 'shared'}]
    assert 'action_defaults' not in job


@pytest.mark.parametrize('schedule', [
    {'schedule_date': '2015-06-02T16:20:00'},
    {'schedule_date': '2015-06-02T16:20:00Z'},
    {'schedule_interval': 'continuous'},
    {'schedule_interval': '2 weeks',
     'schedule_start_date': '2015-06-02T16:20:00',
     'schedule_end_date': '2016-06-02T16:20:00'},
    {'schedule_month': '1-6, 9-12', 'schedule_day_of_week': 'mon, wed, fri',
     'schedule_hour': '03', 'schedule_minute': '25'},
    # NOTE: freezer-scheduler ignores the cron fields of a job with a
    # schedule_date or a schedule_interval (upstream's tempest suite sends
    # day names in schedule_day next to a schedule_date).
    {'schedule_date': '2015-06-02T16:20:00', 'schedule_day': 'mon, wed, fri'},
    {'schedule_interval': '2 days', 'schedule_minute': '*/61'},
    {'schedule_day_of_week': 'mon-fri', 'schedule_hour': '*/2',
     'schedule_second': '0,30', 'schedule_year': '2030',
     'schedule_week': '1-53/2', 'schedule_day': 'last fri'},
    {'status': 'stop', 'event': 'start', 'result': ''},
])
def test_valid_schedules_are_accepted(alice, registered, schedule):
    resp = alice.post('/jobs', json=job_doc(job_schedule=schedule))
    assert resp.status_code == 201, resp.text


@pytest.mark.parametrize('schedule', [
    {'schedule_date': 'tomorrow'},
    {'schedule_date': '2015-13-02T16:20:00'},
    {'schedule_interval': 'every day'},
    {'schedule_interval': '3 fortnights'},
    {'schedule_month': '13'},
    {'schedule_month': '6-1'},
    {'schedule_hour': '24'},
    {'schedule_minute': '*/0'},
    {'schedule_day_of_week': 'funday'},
    {'schedule_second': '1,,2'},
    {'status': 'flying'},
    {'event': 'explode'},
    {'unknown_key': 1},
    {'schedule_start_date': '2016-01-01T00:00:00',
     'schedule_end_date': '2015-01-01T00:00:00'},
])
def test_invalid_schedules_are_400_and_store_nothing(alice, registered,
                                                     schedule):
    resp = alice.post('/jobs', json=job_doc(job_schedule=schedule))
    assert resp.status_code == 400, resp.text
    assert resp.json['code'] == 'freezer.document.invalid'
    assert alice.get('/jobs').json == {'jobs': []}


@pytest.mark.parametrize('schedule, says', [
    ({'schedule_minute': '*/61'},
     "schedule_minute: Error validating expression '*/61'"),
    ({'schedule_hour': '3', 'schedule_day': 'mon, wed, fri'},
     'schedule_day: Unrecognized expression "mon" for field "day"; '
     'day names belong in schedule_day_of_week'),
])
def test_a_cron_field_the_scheduler_refuses_is_400_naming_it(
        alice, registered, schedule, says):
    resp = alice.post('/jobs', json=job_doc(job_schedule=schedule))
    assert resp.status_code == 400, resp.text
    assert says in resp.json['description']
    assert alice.get('/jobs').json == {'jobs': []}


@pytest.mark.parametrize('change', [
    {'client_id': 'bad%project$id_host.domain.tld'},
    {'client_id': 'p_bad_hostname.bad/domain.b'},
    {'job_actions': 'nope'},
    {'job_actions': [{'freezer_action': {'action': 'dance'}}]},
    {'unexpected': True},
])
def test_invalid_jobs_are_400(alice, registered, change):
    resp = alice.post('/jobs', json=job_doc(**change))
    assert resp.status_code == 400, resp.text


@pytest.mark.parametrize('missing', ['job_actions', 'job_schedule',
                                     'client_id'])
def test_required_fields(alice, registered, missing):
    doc = job_doc()
    del doc[missing]
    assert alice.post('/jobs', json=doc).status_code == 400


def test_patch_merges_schedule_and_keeps_the_rest(alice, job_id):
    resp = alice.patch('/jobs/%s' % job_id,
                       json={'job_schedule': {'status': 'scheduled'}})
    assert resp.status_code == 200
    assert resp.json['job_id'] == job_id
    assert resp.json['version'] == 2
    job = alice.get('/jobs/%s' % job_id).json
    assert job['job_schedule']['status'] == 'scheduled'
    assert job['job_schedule']['schedule_interval'] == '1 days'
    resp = alice.patch('/jobs/%s' % job_id, json={'description': 'x'})
    job = alice.get('/jobs/%s' % job_id).json
    assert job['description'] == 'x'
    assert job['job_schedule']['status'] == 'scheduled'


def test_patch_invalid_changes_nothing(alice, registered):
    resp = alice.post('/jobs', json=job_doc(
        job_schedule={'schedule_hour': '3'}))
    job_id = resp.json['job_id']
    before = alice.get('/jobs/%s' % job_id).json
    resp = alice.patch('/jobs/%s' % job_id,
                       json={'job_schedule': {'schedule_hour': '99'}})
    assert resp.status_code == 400
    assert alice.get('/jobs/%s' % job_id).json == before


def test_patch_cannot_change_owner_or_id(alice, job_id):
    alice.patch('/jobs/%s' % job_id, json={'user_id': 'eve',
                                           'job_id': 'other'})
    job = alice.get('/jobs/%s' % job_id).json
    assert job['user_id'] == 'alice'
    assert job['job_id'] == job_id


def test_post_on_item_replaces_or_creates(alice, registered, job_id):
    replacement = job_doc(description='replaced')
    resp = alice.post('/jobs/%s' % job_id, json=replacement)
    assert resp.status_code == 201
    assert resp.json['job_id'] == job_id
    assert resp.json['version'] == 2
    assert alice.get('/jobs/%s' % job_id).json['description'] == 'replaced'
    resp = alice.post('/jobs/newjob', json=job_doc())
    assert resp.status_code == 201
    assert resp.json == {'job_id': 'newjob', 'version': 1}
    assert alice.get('/jobs/newjob').status_code == 200


def test_replace_at_a_foreign_id_creates_ones_own_job(alice, mallory,
                                                      job_id):
    if mallory.version != 'v1':
        mallory.post('/clients', json={'client_id': 'p2_h',
                                       'hostname': 'h'})
    resp = mallory.post('/jobs/%s' % job_id, json=job_doc('p2_h'))
    assert resp.status_code == 201, resp.text
    assert resp.json == {'job_id': job_id, 'version': 1}
    assert mallory.get('/jobs/%s' % job_id).json['client_id'] == 'p2_h'
    assert alice.get('/jobs/%s' % job_id).json['client_id'] == 'p1_host1'
    again = mallory.post('/jobs/%s' % job_id, json=job_doc('p2_h'))
    assert again.json == {'job_id': job_id, 'version': 2}
    assert alice.get('/jobs/%s' % job_id).json['client_id'] == 'p1_host1'
    assert [j['job_id'] for j in mallory.get('/jobs').json['jobs']] == [
        job_id]


def test_foreign_job_is_404_on_every_method(alice, mallory, job_id):
    path = '/jobs/%s' % job_id
    assert mallory.get(path).status_code == 404
    assert mallory.patch(path, json={'description': 'x'}).status_code == 404
    assert mallory.delete(path).status_code == 404
    assert mallory.post(path + '/event',
                        json={'start': None}).status_code == 404
    assert mallory.get('/jobs').json == {'jobs': []}
    assert alice.get(path).json['description'] == 'daily backup'


def test_delete_job(alice, job_id):
    assert alice.delete('/jobs/%s' % job_id).status_code == 204
    assert alice.get('/jobs/%s' % job_id).status_code == 404
    assert alice.delete('/jobs/%s' % job_id).status_code == 404


@pytest.mark.parametrize('event', ['start', 'stop', 'abort'])
def test_events(alice, job_id, event):
    path = '/jobs/%s/event' % job_id
    resp = alice.post(path, json={event: None})
    assert resp.status_code == 202
    assert resp.json == {'result': 'success'}
    assert alice.get('/jobs/%s' % job_id).json['job_schedule'][
        'event'] == event
    again = alice.post(path, json={event: None})
    assert again.json == {'result': '%s already requested' % event}


def test_start_event_clears_status_and_result(alice, job_id):
    alice.patch('/jobs/%s' % job_id, json={'job_schedule': {
        'status': 'completed', 'result': 'fail', 'event': 'stop'}})
    alice.post('/jobs/%s/event' % job_id, json={'start': None})
    schedule = alice.get('/jobs/%s' % job_id).json['job_schedule']
    assert (schedule['event'], schedule['status'], schedule['result']) == (
        'start', '', '')


@pytest.mark.parametrize('body', [{}, {'remove': None}, {'start': None,
                                                         'stop': None},
                                  ['start'], 'start'])
def test_bad_events_are_400(alice, job_id, body):
    resp = alice.post('/jobs/%s/event' % job_id, json=body)
    assert resp.status_code == 400, resp.text


def test_search_jobs_like_the_scheduler(alice, registered):
    ids = []
    for status in ('completed', 'scheduled', 'running'):
        doc = job_doc(job_schedule={'status': status})
        ids.append(alice.post('/jobs', json=doc).json['job_id'])
    found = alice.search('/jobs', {'match_not': [{'status': 'completed'}],
                                   'match': [{'client_id': 'p1_host1'}]})
    assert [j['job_id'] for j in found.json['jobs']] == ids[1:]
    found = alice.search('/jobs', {'match': [
        {'job_schedule.status': 'running'}]})
    assert [j['job_id'] for j in found.json['jobs']] == ids[2:]
    cli_form = {'match': [{'_all': '[{"status": "scheduled"}]'}]}
    found = alice.search('/jobs', cli_form)
    assert [j['job_id'] for j in found.json['jobs']] == ids[1:2]


# -- all_projects ------------------------------------------------------------

@pytest.fixture
def two_projects_jobs(api):
    """One job in p1 (alice's) and one in p2 (mallory's), on v2."""
    from tests.api.conftest import Caller
    from tests.api.conftest import client_info
    ids = {}
    for user, project in (('alice', 'p1'), ('mallory', 'p2')):
        owner = Caller(api, 'v2', user=user, project=project)
        client_id = '%s_host1' % project
        assert owner.post('/clients', json=client_info(
            client_id)).status_code == 201
        ids[project] = owner.post('/jobs', json=job_doc(
            client_id)).json['job_id']
    return ids


def _listed(caller, **query):
    resp = caller.get('/jobs', params=dict(query, limit=100))
    assert resp.status_code == 200, resp.text
    return {job['job_id'] for job in resp.json['jobs']}


@pytest.mark.parametrize('flag', ['True', 'true', '1'])
def test_all_projects_without_the_right_lists_the_url_projects_jobs(
        api, two_projects_jobs, flag):
    from tests.api.conftest import Caller
    member = Caller(api, 'v2', user='alice', project='p1')
    assert _listed(member, all_projects=flag) == {two_projects_jobs['p1']}
    reader = Caller(api, 'v2', user='rita', project='p1', roles='reader')
    assert _listed(reader, all_projects=flag) == {two_projects_jobs['p1']}


def test_all_projects_with_the_right_lists_every_projects_jobs(
        api, two_projects_jobs):
    from tests.api.conftest import Caller
    for roles in ('admin', 'service'):
        caller = Caller(api, 'v2', user='root', project='p1', roles=roles)
        assert _listed(caller, all_projects='True') == set(
            two_projects_jobs.values())


def test_without_all_projects_admin_sees_the_url_projects_jobs_only(
        api, two_projects_jobs):
    from tests.api.conftest import Caller
    admin = Caller(api, 'v2', user='root', project='p1', roles='admin')
    assert _listed(admin) == {two_projects_jobs['p1']}
    assert _listed(admin, all_projects='False') == {two_projects_jobs['p1']}
    elsewhere = admin.other(project='p1', url_project='p2')
    assert _listed(elsewhere) == {two_projects_jobs['p2']}
