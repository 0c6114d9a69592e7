"""Clusters (v3, 3.7; history 3.8): services, heartbeats, enable/disable,
per microversion and per role, on every store."""

import threading
import time

import pytest

from freezer_api import app
from freezer_api.objects import service
from freezer_api.storage import base as storage_base
from tests.api.conftest import Caller
from tests.api.conftest import client_info
from tests.api.conftest import job_doc
from tests.api.test_microversion import labelled
from tests.api.test_microversion import V3

SUMMARY = {'name', 'binary', 'state', 'status', 'replication_status'}
DETAIL = SUMMARY | {'num_hosts', 'num_down_hosts', 'last_heartbeat',
                    'created_at', 'updated_at', 'disabled_reason', 'frozen',
                    'active_backend_id'}


@pytest.fixture
def admin(api):
    return V3(api, '3.7', user='root', project='p1', roles='admin')


@pytest.fixture
def agent(api):
    """A member of p1 registering clients, in v2 as schedulers do."""
    return Caller(api, 'v2', user='agent', project='p1')


def register(agent, host, cluster=None, project='p1'):
    extra = {'cluster': cluster} if cluster else {}
    resp = agent.post('/clients', json=client_info('%s_%s' % (project, host),
                                                   **extra))
    assert resp.status_code == 201, resp.text
    return '%s_%s' % (project, host)


def sid_of(binary, key, project='p1'):
    """Store id of a service record: a scheduler's by its client's id in
    ``project``, an API node's by its host.
    """
    if binary == service.SCHEDULER_BINARY:
        key = service.scheduler_key(storage_base.Scope(project_id=project),
                                    key)
    return service.doc_id(binary, key)


def age(store, binary, key, seconds):
    """Make a service's last heartbeat ``seconds`` old."""
    sid = sid_of(binary, key)
    record = store.get('services', sid)
    doc = dict(record.doc, heartbeat=time.time() - seconds)
    store.replace('services', sid, doc, record.version)


def by_name(resp):
    return {c['name']: c for c in resp.json['clusters']}


# -- microversions and roles -------------------------------------------------

ROUTES = [('GET', '/clusters'), ('GET', '/clusters/detail'),
          ('GET', '/clusters/c1'), ('PUT', '/clusters/enable'),
          ('PUT', '/clusters/disable'), ('GET', '/clusters/c1/history')]


@pytest.mark.parametrize('method, path', ROUTES)
@pytest.mark.parametrize('version', [None, '3.0', '3.6'])
def test_cluster_routes_do_not_exist_below_3_7(admin, agent, method, path,
                                               version):
    register(agent, 'h1', 'c1')
    resp = admin.at(version).request(method, path, json={'name': 'c1'})
    assert resp.status_code == 404
    assert resp.json['code'] == 'freezer.route.not_found'
    labelled(resp, version or '3.0')


def test_history_needs_3_8(admin, agent):
    register(agent, 'h1', 'c1')
    assert admin.at('3.7').get('/clusters/c1/history').status_code == 404
    assert admin.at('3.8').get('/clusters/c1/history').status_code == 200


def test_no_cluster_routes_in_v2(agent):
    admin_v2 = agent.other(roles='admin')
    assert admin_v2.get('/clusters').status_code == 404


@pytest.mark.parametrize('method, path', ROUTES)
@pytest.mark.parametrize('roles', ['member', 'reader', 'member,reader',
                                   'service'])
def test_non_admins_are_403_before_the_body_is_read(api, agent, method, path,
                                                    roles):
    register(agent, 'h1', 'c1')
    caller = V3(api, '3.8', user='u', project='p1', roles=roles)
    resp = caller.request(method, path, body='{not json',
                          params={'bogus': 'x'})
    assert resp.status_code == 403
    assert resp.json['code'] == 'freezer.policy.forbidden'
    assert 'clusters:' in resp.json['description']


def test_admin_of_another_project_may_use_any_url_project(api, agent):
    register(agent, 'h1', 'c1')
    other = V3(api, '3.7', user='root', project='admin-project',
               roles='admin')
    other.url_project = 'p1'
    assert other.get('/clusters').status_code == 200


def test_put_with_another_method_is_405(admin):
    resp = admin.post('/clusters/enable', json={'name': 'c1'})
    assert resp.status_code == 405
    assert resp.headers['allow'].startswith('PUT')
    labelled(resp, '3.7')


# -- services, heartbeats, computed state -------------------------------------

def test_clients_with_a_cluster_make_a_scheduler_cluster(admin, agent):
    register(agent, 'h1', 'c1')
    register(agent, 'h2', 'c1')
    register(agent, 'h3')
    listed = admin.get('/clusters')
    assert listed.status_code == 200
    assert listed.json == {'clusters': [{
        'name': 'c1', 'binary': 'freezer-scheduler', 'state': 'up',
        'status': 'enabled', 'replication_status': 'not-capable'}]}
    (detail,) = admin.get('/clusters/detail').json['clusters']
    assert set(detail) == DETAIL
    assert detail['num_hosts'] == 2
    assert detail['num_down_hosts'] == 0
    assert detail['frozen'] is False
    assert detail['active_backend_id'] is None
    assert detail['disabled_reason'] is None
    assert detail['updated_at'] is None
    assert detail['created_at'] <= detail['last_heartbeat']


def test_state_and_counters_follow_heartbeats(admin, agent, store):
    register(agent, 'h1', 'c1')
    register(agent, 'h2', 'c1')
    age(store, 'freezer-scheduler', 'p1_h1', 600)
    shown = admin.get('/clusters/c1').json['cluster']
    assert set(shown) == DETAIL
    assert (shown['state'], shown['num_hosts'], shown['num_down_hosts']) == (
        'up', 2, 1)
    age(store, 'freezer-scheduler', 'p1_h2', 120)
    shown = admin.get('/clusters/c1').json['cluster']
    assert (shown['state'], shown['num_down_hosts']) == ('down', 2)
    # the latest heartbeat is h2's, two minutes old
    h2 = store.get('services', sid_of('freezer-scheduler',
                                      'p1_h2')).doc['heartbeat']
    assert shown['last_heartbeat'] == service.iso(h2)


def test_polling_jobs_is_a_heartbeat(admin, agent, store):
    client_id = register(agent, 'h1', 'c1')
    age(store, 'freezer-scheduler', client_id, 600)
    assert admin.get('/clusters/c1').json['cluster']['state'] == 'down'
    polled = agent.search('/jobs', {'match': [{'client_id': client_id}]})
    assert polled.status_code == 200
    assert admin.get('/clusters/c1').json['cluster']['state'] == 'up'


def test_polls_write_one_heartbeat_per_report_interval(agent, store):
    client_id = register(agent, 'h1', 'c1')
    sid = sid_of('freezer-scheduler', client_id)
    before = store.get('services', sid).version
    for _ in range(3):
        agent.search('/jobs', {'match': [{'client_id': client_id}]})
    assert store.get('services', sid).version == before


def test_a_patched_cluster_is_joined_at_the_next_heartbeat(admin, agent,
                                                           store):
    client_id = register(agent, 'h1', 'c1')
    assert agent.patch('/clients/%s' % client_id,
                       json={'cluster': 'c2'}).status_code == 200
    age(store, 'freezer-scheduler', client_id, 30)
    agent.search('/jobs', {'match': [{'client_id': client_id}]})
    clusters = by_name(admin.get('/clusters/detail'))
    assert (clusters['c1']['num_hosts'], clusters['c2']['num_hosts']) == (
        0, 1)


def test_polling_another_projects_client_is_no_heartbeat(admin, agent, api,
                                                         store):
    client_id = register(agent, 'h1', 'c1')
    age(store, 'freezer-scheduler', client_id, 600)
    mallory = Caller(api, 'v2', user='mallory', project='p2')
    mallory.search('/jobs', {'match': [{'client_id': client_id}]})
    assert admin.get('/clusters/c1').json['cluster']['state'] == 'down'


def test_reregistering_moves_a_client_to_another_cluster(admin, agent):
    register(agent, 'h1', 'c1')
    register(agent, 'h1', 'c2')
    clusters = by_name(admin.at('3.7').get('/clusters/detail'))
    assert clusters['c1']['num_hosts'] == 0
    assert clusters['c1']['state'] == 'down'
    assert clusters['c2']['num_hosts'] == 1


def test_deleted_clients_leave_their_cluster(admin, agent, store):
    register(agent, 'h1', 'c1')
    register(agent, 'h2', 'c1')
    assert agent.delete('/clients/p1_h2').status_code == 204
    shown = admin.get('/clusters/c1').json['cluster']
    assert (shown['num_hosts'], shown['num_down_hosts']) == (1, 0)
    assert [r.doc['client_id'] for r in store.search('services')] == ['p1_h1']


def test_api_nodes_heartbeat_as_freezer_api(admin, conf, store):
    conf.set_override('cluster', 'api-pool')
    conf.set_override('host', 'node-a')
    conf.set_override('report_interval', 1)
    beating = app.start_heartbeat(conf, store)
    try:
        first = store.get('services', service.doc_id('freezer-api',
                                                     'node-a')).doc
        deadline = time.time() + 10
        while time.time() < deadline:
            doc = store.get('services', service.doc_id('freezer-api',
                                                       'node-a')).doc
            if doc['heartbeat'] > first['heartbeat']:
                break
            time.sleep(0.1)
        assert doc['heartbeat'] > first['heartbeat']
    finally:
        beating.stop()
    assert doc['host'] == 'node-a' and doc['cluster'] == 'api-pool'
    resp = admin.get('/clusters/api-pool', params={'binary': 'freezer-api'})
    assert resp.status_code == 200
    assert resp.json['cluster']['binary'] == 'freezer-api'
    assert resp.json['cluster']['num_hosts'] == 1
    # show defaults to freezer-scheduler, honours binary, exact names only
    assert admin.get('/clusters/api-pool').status_code == 404


# -- show and filters ---------------------------------------------------------

def test_show_matches_the_exact_name_and_binary(admin, agent):
    register(agent, 'h1', 'c1@lvm')
    assert admin.get('/clusters/c1').status_code == 404
    resp = admin.get('/clusters/c1@lvm',
                     params={'binary': 'freezer-scheduler'})
    assert resp.status_code == 200
    assert resp.json['cluster']['name'] == 'c1@lvm'
    missing = admin.get('/clusters/c1@lvm', params={'binary': 'freezer-api'})
    assert missing.status_code == 404
    assert missing.json['code'] == 'freezer.cluster.not_found'


@pytest.mark.parametrize('params, names', [
    ({}, ['c1@lvm', 'c1@ceph', 'c2']),
    ({'name': 'c1'}, ['c1@lvm', 'c1@ceph']),
    ({'name': 'c1@lvm'}, ['c1@lvm']),
    ({'binary': 'freezer-scheduler'}, ['c1@lvm', 'c1@ceph', 'c2']),
    ({'binary': 'freezer-api'}, []),
    ({'is_up': 'True'}, ['c1@lvm', 'c1@ceph']),
    ({'is_up': 'n'}, ['c2']),
    ({'disabled': 'false'}, ['c1@lvm', 'c1@ceph', 'c2']),
    ({'disabled': '1'}, []),
    ({'num_hosts': '2'}, ['c1@lvm']),
    ({'num_down_hosts': '1'}, ['c2']),
    ({'num_hosts': '1', 'is_up': 'yes'}, ['c1@ceph']),
    ({'replication_status': 'not-capable'}, ['c1@lvm', 'c1@ceph', 'c2']),
    ({'frozen': 'false'}, ['c1@lvm', 'c1@ceph', 'c2']),
    ({'frozen': 'true'}, []),
])
def test_list_filters(admin, agent, store, params, names):
    register(agent, 'h1', 'c1@lvm')
    register(agent, 'h2', 'c1@lvm')
    register(agent, 'h3', 'c1@ceph')
    register(agent, 'h4', 'c2')
    age(store, 'freezer-scheduler', 'p1_h4', 3600)
    for path in ('/clusters', '/clusters/detail'):
        resp = admin.get(path, params=params)
        assert resp.status_code == 200, resp.text
        assert [c['name'] for c in resp.json['clusters']] == names


@pytest.mark.parametrize('query', [
    'is_up=maybe', 'disabled=2', 'frozen=nope', 'num_hosts=abc',
    'num_hosts=-1', 'num_down_hosts=1.5', 'limit=5', 'sort=name',
    'is_up=true&is_up=false', 'name=' + 'x' * 256,
])
def test_bad_filters_are_400(admin, query):
    for path in ('/clusters', '/clusters/detail'):
        resp = admin.get(path, query_string=query)
        assert resp.status_code == 400, query
        assert resp.json['code'] == 'freezer.cluster.invalid_filter'


def test_show_accepts_only_binary(admin, agent):
    register(agent, 'h1', 'c1')
    resp = admin.get('/clusters/c1', params={'name': 'c2'})
    assert resp.status_code == 400


# -- enable / disable ---------------------------------------------------------

def test_disable_then_enable(admin, agent):
    register(agent, 'h1', 'c1')
    resp = admin.put('/clusters/disable', json={
        'name': 'c1', 'binary': 'freezer-scheduler',
        'disabled_reason': '  for testing '})
    assert resp.status_code == 200
    assert resp.json == {'cluster': {
        'name': 'c1', 'binary': 'freezer-scheduler', 'state': 'up',
        'status': 'disabled', 'replication_status': 'not-capable',
        'disabled_reason': 'for testing'}}
    shown = admin.get('/clusters/c1').json['cluster']
    assert (shown['status'], shown['disabled_reason']) == (
        'disabled', 'for testing')
    assert shown['updated_at'] is not None
    assert [c['name'] for c in admin.get(
        '/clusters', params={'disabled': 'true'}).json['clusters']] == ['c1']
    enabled = admin.put('/clusters/enable', json={'name': 'c1'})
    assert enabled.status_code == 200
    assert enabled.json['cluster']['status'] == 'enabled'
    assert enabled.json['cluster']['disabled_reason'] is None
    assert admin.get('/clusters/c1').json['cluster'][
        'disabled_reason'] is None


def test_disable_without_a_reason_clears_the_old_one(admin, agent):
    register(agent, 'h1', 'c1')
    admin.put('/clusters/disable', json={'name': 'c1',
                                         'disabled_reason': 'old'})
    resp = admin.put('/clusters/disable', json={'name': 'c1',
                                                'binary': None})
    assert resp.json['cluster']['disabled_reason'] is None


@pytest.mark.parametrize('path, body', [
    ('/clusters/enable', {}),
    ('/clusters/enable', {'name': ''}),
    ('/clusters/enable', {'name': '   '}),
    ('/clusters/enable', {'name': 5}),
    ('/clusters/enable', {'name': 'c1', 'disabled_reason': 'x'}),
    ('/clusters/enable', {'name': 'c1', 'binary': ''}),
    ('/clusters/disable', {'name': 'c1', 'disabled_reason': 'x' * 256}),
    ('/clusters/disable', {'name': 'c1', 'disabled_reason': '   '}),
    ('/clusters/disable', {'name': 'c1', 'extra': 1}),
    ('/clusters/disable', ['c1']),
    ('/clusters/disable', None),
])
def test_invalid_bodies_are_400(admin, agent, path, body):
    register(agent, 'h1', 'c1')
    resp = admin.put(path, json=body) if body is not None else admin.put(
        path, body='')
    assert resp.status_code == 400, resp.text
    assert admin.get('/clusters/c1').json['cluster']['status'] == 'enabled'


@pytest.mark.parametrize('raw', ['{"name": ', 'not json', '\xff'])
def test_malformed_bodies_are_400_not_500(admin, raw):
    resp = admin.put('/clusters/disable', body=raw,
                     headers={'Content-Type': 'application/json'})
    assert resp.status_code == 400


def test_disable_accepts_the_longest_reason(admin, agent):
    register(agent, 'h1', 'c1')
    resp = admin.put('/clusters/disable', json={
        'name': 'c1', 'disabled_reason': 'r' * 255})
    assert resp.status_code == 200
    assert resp.json['cluster']['disabled_reason'] == 'r' * 255


@pytest.mark.parametrize('body', [{'name': 'nope'},
                                  {'name': 'c1', 'binary': 'freezer-api'},
                                  {'name': 'c'}])
def test_enable_unknown_cluster_is_404(admin, agent, body):
    register(agent, 'h1', 'c1')
    resp = admin.put('/clusters/enable', json=body)
    assert resp.status_code == 404
    assert resp.json['code'] == 'freezer.cluster.not_found'
    assert '{' not in resp.json['description']


# -- disabling means something ------------------------------------------------

@pytest.fixture
def member_job(agent):
    client_id = register(agent, 'h1', 'c1')
    resp = agent.post('/jobs', json=job_doc(client_id))
    assert resp.status_code == 201, resp.text
    return resp.json['job_id']


def test_disabled_cluster_refuses_job_start(admin, agent, member_job):
    admin.put('/clusters/disable', json={'name': 'c1',
                                         'disabled_reason': 'patching'})
    refused = agent.post('/jobs/%s/event' % member_job, json={'start': None})
    assert refused.status_code == 409
    assert refused.json['code'] == 'freezer.cluster.disabled'
    assert 'patching' in refused.json['description']
    assert agent.get('/jobs/%s' % member_job).json['job_schedule'].get(
        'event') != 'start'
    # running work can still be stopped and report
    assert agent.post('/jobs/%s/event' % member_job,
                      json={'stop': None}).status_code == 202
    patched = agent.patch('/jobs/%s' % member_job, json={
        'job_schedule': {'status': 'completed', 'result': 'success'}})
    assert patched.status_code == 200
    v3 = V3(agent.api, '3.0', user='agent', project='p1')
    assert v3.post('/jobs/%s/event' % member_job,
                   json={'start': None}).status_code == 409
    admin.put('/clusters/enable', json={'name': 'c1'})
    assert agent.post('/jobs/%s/event' % member_job,
                      json={'start': None}).status_code == 202


def test_disabled_cluster_refuses_session_start(admin, agent, member_job):
    session_id = agent.post('/sessions', json={
        'schedule': {'schedule_date': '2030-01-01T00:00:00'}}).json[
            'session_id']
    agent.put('/sessions/%s/jobs/%s' % (session_id, member_job))
    admin.put('/clusters/disable', json={'name': 'c1'})
    start = {'start': {'job_id': member_job, 'current_tag': 0}}
    refused = agent.post('/sessions/%s/action' % session_id, json=start)
    assert refused.status_code == 409
    assert refused.json['code'] == 'freezer.cluster.disabled'
    assert agent.get('/sessions/%s' % session_id).json['session_tag'] == 0
    admin.put('/clusters/enable', json={'name': 'c1'})
    started = agent.post('/sessions/%s/action' % session_id, json=start)
    assert started.status_code == 202
    assert started.json['session_tag'] == 1


def test_jobs_outside_the_disabled_cluster_still_start(admin, agent):
    register(agent, 'h1', 'c1')
    other = register(agent, 'h2', 'c2')
    job_id = agent.post('/jobs', json=job_doc(other)).json['job_id']
    admin.put('/clusters/disable', json={'name': 'c1'})
    assert agent.post('/jobs/%s/event' % job_id,
                      json={'start': None}).status_code == 202


# -- history and concurrency --------------------------------------------------

def test_history_lists_every_change_oldest_first(api, agent):
    register(agent, 'h1', 'c1')
    root = V3(api, '3.8', user='root', project='p1', roles='admin')
    ops = V3(api, '3.8', user='ops', project='p1', roles='admin')
    assert root.get('/clusters/c1/history').json == {'history': []}
    root.put('/clusters/disable', json={'name': 'c1',
                                        'disabled_reason': 'upgrade'})
    ops.put('/clusters/enable', json={'name': 'c1'})
    history = root.get('/clusters/c1/history',
                       params={'binary': 'freezer-scheduler'}).json[
                           'history']
    assert [(h['user_id'], h['status'], h['disabled_reason'])
            for h in history] == [('root', 'disabled', 'upgrade'),
                                  ('ops', 'enabled', None)]
    assert history[0]['at'] <= history[1]['at']
    assert set(history[0]) == {'at', 'user_id', 'status', 'disabled_reason'}
    assert root.get('/clusters/c1/history',
                    params={'binary': 'freezer-api'}).status_code == 404


def test_concurrent_enable_disable_loses_no_update(api, agent):
    register(agent, 'h1', 'c1')
    admins = [V3(api, '3.8', user='a%d' % n, project='p1', roles='admin')
              for n in range(6)]
    statuses = []

    def toggle(caller, n):
        for i in range(4):
            path = '/clusters/disable' if (n + i) % 2 else '/clusters/enable'
            resp = caller.put(path, json={'name': 'c1'})
            statuses.append(resp.status_code)

    threads = [threading.Thread(target=toggle, args=(c, n))
               for n, c in enumerate(admins)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 24
    history = admins[0].get('/clusters/c1/history').json['history']
    assert len(history) == 24
    final = admins[0].get('/clusters/c1').json['cluster']['status']
    assert final == history[-1]['status']


def test_one_client_id_in_two_projects_is_two_services(admin, agent, api,
                                                       store):
    other = Caller(api, 'v2', user='agent2', project='p2')
    register(agent, 'h1', 'c1')
    resp = other.post('/clients', json=client_info('p1_h1', cluster='c2'))
    assert resp.status_code == 201, resp.text
    age(store, 'freezer-scheduler', 'p1_h1', 600)
    clusters = by_name(admin.get('/clusters/detail'))
    assert (clusters['c1']['num_down_hosts'],
            clusters['c2']['num_down_hosts']) == (1, 0)
    assert other.delete('/clients/p1_h1').status_code == 204
    kept = store.get('services', sid_of('freezer-scheduler', 'p1_h1')).doc
    assert (kept['client_id'], kept['cluster']) == ('p1_h1', 'c1')
    clusters = by_name(admin.get('/clusters/detail'))
    assert (clusters['c1']['num_hosts'], clusters['c2']['num_hosts']) == (
        1, 0)
