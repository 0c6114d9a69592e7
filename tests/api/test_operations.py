"""/health/live, /health/ready and /status: what load balancers and
operators read, on every store."""

import datetime
import os

from falcon import testing
import pytest

from freezer_api.api import microversion
from freezer_api import app as app_mod
from freezer_api import exception
from freezer_api import lifecycle as lifecycles
from freezer_api.objects import readiness
from freezer_api.storage import base

ADMIN = {'X-User-Id': 'root', 'X-Project-Id': 'p1', 'X-Roles': 'admin'}


class FailingStore:
    """A store that answers reads but refuses every write."""

    def __init__(self, store, reads=True):
        self._store = store
        self._reads = reads

    def __getattr__(self, name):
        if name in ('create', 'replace', 'delete') or (
                not self._reads and name in ('get', 'search')):
            def refuse(*args, **kwargs):
                raise exception.StoreUnavailable('store is read-only')
            return refuse
        return getattr(self._store, name)


@pytest.fixture
def lifecycle():
    return lifecycles.Lifecycle()


@pytest.fixture
def ops(conf, store, lifecycle):
    return testing.TestClient(app_mod.create_app(conf, store,
                                                 lifecycle=lifecycle))


def failing_api(conf, store, reads=True):
    return testing.TestClient(app_mod.create_app(
        conf, FailingStore(store, reads)))


@pytest.mark.parametrize('path', ['/health/live', '/health/ready'])
def test_get_head_options_answer_200_without_identity(ops, path):
    get = ops.simulate_get(path)
    assert get.status_code == 200
    assert get.json['status'] == 'ok'
    assert get.headers['cache-control'] == 'no-store'
    head = ops.simulate_head(path)
    assert head.status_code == 200 and head.content == b''
    assert head.headers['cache-control'] == 'no-store'
    options = ops.simulate_options(path)
    assert options.status_code == 200 and options.content == b''
    assert options.headers['allow'] == 'GET, HEAD, OPTIONS'


def test_ready_writes_and_reads_a_probe_record(ops, store):
    resp = ops.simulate_get('/health/ready')
    assert resp.status_code == 200
    assert resp.json['latency_ms'] >= 0
    probes = [r.doc for r in store.search('services', base.ANY, None, 50, 0)
              if r.doc['binary'] == readiness.PROBE_BINARY]
    assert len(probes) == 1
    assert probes[0]['key'].endswith(':%d' % os.getpid())


def test_ready_is_503_when_the_store_refuses_writes(conf, store):
    client = failing_api(conf, store)
    for path in ('/health/ready',):
        resp = client.simulate_get(path)
        assert resp.status_code == 503
        assert resp.json['status'] == 'degraded'
        assert 'read-only' in resp.json['reason']
        assert client.simulate_head(path).status_code == 503
    # NOTE: liveness never touches the store.
    dead = failing_api(conf, store, reads=False)
    assert dead.simulate_get('/health/live').status_code == 200
    assert dead.simulate_head('/health/live').status_code == 200


def test_draining_refuses_readiness_not_liveness(ops, lifecycle):
    lifecycle.drain()
    resp = ops.simulate_get('/health/ready')
    assert resp.status_code == 503
    assert resp.json == {'status': 'draining'}
    assert ops.simulate_head('/health/ready').status_code == 503
    assert ops.simulate_get('/health/live').status_code == 200
    assert ops.simulate_get('/status', headers=ADMIN).json['state'] == (
        'draining')


def _utc(text):
    parsed = datetime.datetime.fromisoformat(text)
    assert parsed.utcoffset() == datetime.timedelta(0)
    return parsed


def test_status_fields(ops, conf, lifecycle):
    resp = ops.simulate_get('/status', headers=ADMIN)
    assert resp.status_code == 200, resp.text
    body = resp.json
    assert body['state'] == 'running'
    assert _utc(body['start_time']).timestamp() == pytest.approx(
        lifecycle.started_at, abs=0.01)
    assert body['pid'] == os.getpid()
    assert body['host'] == conf.host
    assert body['store']['driver'] == conf.storage.driver
    assert body['store']['state'] == 'ok'
    assert body['store']['latency_ms'] >= 0
    assert (body['min_version'], body['max_version']) == (
        microversion.MIN_VERSION, microversion.MAX_VERSION)
    assert body['version']
    assert resp.headers['cache-control'] == 'no-store'


def test_last_active_ignores_probes_and_status(ops):
    for path in ('/health/live', '/health/ready', '/health', '/healthcheck'):
        ops.simulate_get(path)
        ops.simulate_head(path)
    ops.simulate_get('/status', headers=ADMIN)
    assert 'last_active' not in ops.simulate_get('/status',
                                                 headers=ADMIN).json
    assert ops.simulate_get('/v2/p1/jobs', headers=ADMIN).status_code == 200
    active = ops.simulate_get('/status', headers=ADMIN).json['last_active']
    assert _utc(active) <= datetime.datetime.now(datetime.timezone.utc)
    ops.simulate_get('/health/ready')
    assert ops.simulate_get('/status', headers=ADMIN).json[
        'last_active'] == active


def test_status_degraded_when_the_store_refuses_writes(conf, store):
    resp = failing_api(conf, store).simulate_get('/status', headers=ADMIN)
    assert resp.status_code == 200
    assert resp.json['state'] == 'degraded'
    assert resp.json['store']['state'] == 'degraded'


@pytest.mark.parametrize('roles, status', [
    ('member', 403), ('reader', 403), ('member,reader', 403),
    ('service', 200), ('admin', 200)])
def test_status_policy(ops, roles, status):
    resp = ops.simulate_get('/status', headers={
        'X-User-Id': 'u', 'X-Project-Id': 'p1', 'X-Roles': roles})
    assert resp.status_code == status
    if status == 403:
        assert 'status:get' in resp.json['description']


class _Manager:
    def __init__(self, current):
        self.current = current
        self.calls = 0

    def is_current(self):
        self.calls += 1
        return self.current

    def close(self):
        pass


def test_probe_is_init_while_the_schema_needs_an_upgrade(conf, store):
    manager = _Manager(False)
    probe = readiness.Probe(store, conf, open_manager=lambda c: manager)
    with pytest.raises(readiness.NotReady) as caught:
        probe.check()
    assert caught.value.state == 'init'
    manager.current = True
    # NOTE: the schema's answer is reused for SCHEMA_CHECK_TTL seconds.
    with pytest.raises(readiness.NotReady):
        probe.check()
    assert manager.calls == 1
    probe._schema = (None, None)
    assert probe.check() >= 0
