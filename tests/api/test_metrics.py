"""GET /metrics (Prometheus text) and /metrics.json: request, store,
compare-and-set and heartbeat figures, store gauges; rule metrics:get
unless [metrics] public."""

from falcon import testing
from prometheus_client import parser
import pytest

from freezer_api import app as app_mod
from freezer_api import exception
from freezer_api import metrics
from tests.api.conftest import Caller
from tests.api.conftest import client_info
from tests import conftest

ADMIN = {'X-User-Id': 'root', 'X-Project-Id': 'p1', 'X-Roles': 'admin'}


def scrape(api, headers=ADMIN):
    resp = api.simulate_get('/metrics', headers=dict(
        headers, Accept='text/plain'))
    assert resp.status_code == 200, resp.text
    assert resp.headers['content-type'].startswith('text/plain')
    return {f.name: f for f in parser.text_string_to_metric_families(
        resp.text)}


def sample(families, name, suffix='_total', **labels):
    for found in families[name].samples:
        if found.name == name + suffix and all(
                found.labels.get(k) == v for k, v in labels.items()):
            return found.value
    return 0


def test_requests_are_labelled_by_route_template(api):
    alice = Caller(api, 'v2', user='alice', project='p1')
    alice.post('/clients', json=client_info())
    route = '/v2/{project_id}/jobs/{item_id}'
    before = sample(scrape(api), 'freezer_api_requests', method='GET',
                    route=route, api_version='v2', status='404')
    for n in range(3):
        assert alice.get('/jobs/missing-%d' % n).status_code == 404
    families = scrape(api)
    assert sample(families, 'freezer_api_requests', method='GET',
                  route=route, api_version='v2', status='404') == before + 3
    labels = {s.labels.get('route') for s in
              families['freezer_api_requests'].samples}
    assert not any('missing-' in (label or '') for label in labels)
    assert sample(families, 'freezer_api_request_duration_seconds',
                  '_count', method='GET', route=route) >= 3


def test_unmatched_paths_share_one_label(api):
    api.simulate_get('/no/such/thing-1', headers=ADMIN)
    labels = {s.labels['route'] for s in
              scrape(api)['freezer_api_requests'].samples}
    assert 'unmatched' in labels
    assert not any('thing-1' in label for label in labels)


def test_store_operations_and_gauges(api):
    alice = Caller(api, 'v2', user='alice', project='p1')
    alice.post('/clients', json=client_info('p1_h1', cluster='c1'))
    families = scrape(api)
    assert sample(families, 'freezer_api_store_operation_duration_seconds',
                  '_count', operation='create') >= 1
    assert sample(families, 'freezer_api_services', '',
                  binary='freezer-scheduler', state='up') == 1
    assert sample(families, 'freezer_api_clusters', '',
                  binary='freezer-scheduler', state='up') == 1
    assert 'freezer_api_cas_retries' in families
    assert 'freezer_api_heartbeats' in families


def test_cas_retries_are_counted(api, store, conf):
    metered = metrics.MeteredStore(store)
    store.create('services', 's1', {'host': 'h'})
    record = store.get('services', 's1')
    store.replace('services', 's1', {'host': 'h2'}, record.version)
    before = sample(scrape(api), 'freezer_api_cas_retries', kind='services')
    with pytest.raises(exception.VersionConflict):
        metered.replace('services', 's1', {'host': 'h3'}, record.version)
    assert sample(scrape(api), 'freezer_api_cas_retries',
                  kind='services') == before + 1


def test_heartbeats_are_counted(api, store, conf):
    before = sample(scrape(api), 'freezer_api_heartbeats')
    beat = metrics.MeteredHeartbeat(store, conf)
    beat.beat()
    beat.beat()
    assert sample(scrape(api), 'freezer_api_heartbeats') == before + 2


def test_metrics_json_gives_the_same_figures(api):
    api.simulate_get('/v1/jobs', headers=ADMIN)
    resp = api.simulate_get('/metrics.json', headers=ADMIN)
    assert resp.status_code == 200
    requests = resp.json['freezer_api_requests']
    assert requests['type'] == 'counter'
    assert any(s['labels'].get('route') == '/v1/jobs'
               for s in requests['samples'])


@pytest.mark.parametrize('path', ['/metrics', '/metrics.json'])
@pytest.mark.parametrize('roles', ['member', 'reader'])
def test_non_admins_are_refused(api, path, roles):
    resp = api.simulate_get(path, headers={
        'X-User-Id': 'u', 'X-Project-Id': 'p1', 'X-Roles': roles})
    assert resp.status_code == 403
    assert 'metrics:get' in resp.json['description']


def test_public_metrics_need_no_token(backend, store):
    conf = conftest.make_conf(backend, metrics__public=True,
                              auth_strategy='keystone')
    client = testing.TestClient(app_mod.create_app(conf, store))
    assert client.simulate_get('/metrics', headers={
        'Accept': 'text/plain'}).status_code == 200
    assert client.simulate_get('/metrics.json').status_code == 200


def test_cas_conflicts_are_counted(backend, store):
    conf = conftest.make_conf(backend, api__max_retries_on_conflict=1)
    client = testing.TestClient(app_mod.create_app(conf, store))
    alice = Caller(client, 'v2', user='alice', project='p1')
    action = alice.post('/actions', json={
        'freezer_action': {'action': 'backup'}}).json['action_id']
    route = '/v2/{project_id}/actions/{item_id}'
    before = sample(scrape(client), 'freezer_api_cas_conflicts', route=route)
    real = store.replace

    def always_loses(*args, **kwargs):
        raise exception.VersionConflict('raced')
    store.replace = always_loses
    try:
        resp = alice.patch('/actions/' + action, json={'max_retries': 1})
    finally:
        store.replace = real
    assert resp.status_code == 409
    assert sample(scrape(client), 'freezer_api_cas_conflicts',
                  route=route) == before + 1
