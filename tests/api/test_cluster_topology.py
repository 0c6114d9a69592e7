"""GET /v3/{project_id}/clusters/{name}/services (3.9, admin only): the
members of a cluster, as Patroni's /cluster lists its topology."""

import time

import pytest

from freezer_api.objects import service
from freezer_api.storage import base
from tests.api.conftest import Caller
from tests.api.test_clusters import register
from tests.api.test_microversion import labelled
from tests.api.test_microversion import V3

PATH = '/clusters/c1/services'


def age(store, host, seconds):
    """Make the last heartbeat of the service on ``host`` that old."""
    for record in store.search('services', base.ANY, None, 100, 0):
        if record.doc['host'] == host:
            sid = service.doc_id(record.doc['binary'], record.doc['key'])
            doc = dict(record.doc, heartbeat=time.time() - seconds)
            store.replace('services', sid, doc, record.version)
            return
    raise AssertionError('no service on %s' % host)


@pytest.fixture
def admin(api):
    return V3(api, '3.9', user='root', project='p1', roles='admin')


@pytest.fixture
def agent(api):
    return Caller(api, 'v2', user='agent', project='p1')


def test_members_with_state_and_client_id(admin, agent, store):
    register(agent, 'h1', 'c1')
    register(agent, 'h2', 'c1')
    register(agent, 'h3', 'c2')
    age(store, 'h2', 3600)
    resp = admin.get(PATH)
    assert resp.status_code == 200, resp.text
    labelled(resp, '3.9')
    members = {m['client_id']: m for m in resp.json['services']}
    assert set(members) == {'p1_h1', 'p1_h2'}
    assert members['p1_h1']['state'] == 'up'
    assert members['p1_h2']['state'] == 'down'
    assert members['p1_h1']['host'] == 'h1'
    assert members['p1_h1']['binary'] == 'freezer-scheduler'
    assert set(members['p1_h1']) == {'host', 'binary', 'state', 'client_id',
                                     'last_heartbeat', 'created_at'}
    assert members['p1_h1']['last_heartbeat'].endswith('+00:00')


def test_state_agrees_with_the_cluster(admin, agent, store):
    register(agent, 'h1', 'c1')
    age(store, 'h1', 3600)
    cluster = admin.get('/clusters/c1').json['cluster']
    members = admin.get(PATH).json['services']
    assert cluster['state'] == 'down'
    assert [m['state'] for m in members] == ['down']
    assert cluster['num_down_hosts'] == 1


@pytest.mark.parametrize('version', [None, '3.7', '3.8'])
def test_404_below_3_9(api, agent, version):
    register(agent, 'h1', 'c1')
    caller = V3(api, version, user='root', project='p1', roles='admin')
    resp = caller.get(PATH)
    assert resp.status_code == 404
    assert resp.json['code'] == 'freezer.route.not_found'


@pytest.mark.parametrize('roles', ['member', 'reader', 'service'])
def test_403_for_non_admins_before_the_query_is_read(api, agent, roles):
    register(agent, 'h1', 'c1')
    caller = V3(api, '3.9', user='u', project='p1', roles=roles)
    resp = caller.get(PATH, params={'bogus': 'x'})
    assert resp.status_code == 403
    assert 'clusters:get' in resp.json['description']


def test_unknown_cluster_and_binary_are_404(admin, agent):
    register(agent, 'h1', 'c1')
    resp = admin.get('/clusters/nope/services')
    assert resp.status_code == 404
    assert resp.json['code'] != 'freezer.route.not_found'
    resp = admin.get(PATH, params={'binary': 'freezer-api'})
    assert resp.status_code == 404


def test_unknown_query_parameter_is_400(admin, agent):
    register(agent, 'h1', 'c1')
    assert admin.get(PATH, params={'host': 'h1'}).status_code == 400


def test_api_processes_of_a_cluster(admin, store, conf):
    services = service.Services(store, conf)
    services.heartbeat(service.API_BINARY, 'api1', 'api1', 'apis')
    resp = admin.get('/clusters/apis/services',
                     params={'binary': 'freezer-api'})
    assert resp.status_code == 200, resp.text
    assert resp.json['services'][0]['host'] == 'api1'
    assert 'client_id' not in resp.json['services'][0]
