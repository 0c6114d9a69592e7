"""A store outage mid-run: 503 with a JSON error and Retry-After, never a
500, and the same running service recovers by itself once the store is
back. Runs on the real Elasticsearch and OpenSearch."""

import threading
import time

from falcon import testing
import pytest

from freezer_api import app
from freezer_api.storage import driver
from tests import conftest
from tests.fixtures import search

HEADERS = {'X-User-Id': 'alice', 'X-Project-Id': 'p1',
           'X-Roles': 'member,reader'}
BACKUP = {'container': 'c', 'hostname': 'host1.example.org',
          'backup_name': 'before-outage', 'time_stamp': 1000}


@pytest.fixture(params=search.FLAVOURS)
def outage_backend(request):
    backend = request.getfixturevalue(request.param + '_backend')
    backend.reset()
    yield backend
    # NOTE: the server is shared by the whole session: whatever happened,
    # it must be up again for the tests after this one.
    if backend.server.proc is None:
        backend.server.start()
    backend.server.wait_ready()


@pytest.fixture
def client(outage_backend):
    conf = conftest.make_conf()
    outage_backend.configure(conf, timeout=3, retries=0)
    store = driver.open_store(conf)
    yield testing.TestClient(app.create_app(conf, store))
    store.close()


class Poller(threading.Thread):
    """Lists backups without pause, recording every status."""

    def __init__(self, client):
        super().__init__(daemon=True)
        self.client = client
        self.statuses = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            resp = self.client.simulate_get('/v1/backups', headers=HEADERS)
            self.statuses.append(resp.status_code)
            time.sleep(0.02)


def wait_for_status(client, path, wanted, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        resp = client.simulate_get(path, headers=HEADERS)
        if resp.status_code == wanted:
            return resp
        time.sleep(0.2)
    pytest.fail('%s never answered %d (last %d: %s)' % (
        path, wanted, resp.status_code, resp.text))


def test_outage_gives_503_and_the_service_recovers(outage_backend, client):
    created = client.simulate_post('/v1/backups', json=BACKUP,
                                   headers=HEADERS)
    assert created.status_code == 201, created.text
    assert client.simulate_get('/v1/backups',
                               headers=HEADERS).status_code == 200
    poller = Poller(client)
    poller.start()
    try:
        time.sleep(0.3)
        outage_backend.server.stop()

        down = wait_for_status(client, '/v1/backups', 503, timeout=30)
        assert down.headers.get('Retry-After', '').isdigit()
        assert down.headers['Content-Type'].startswith('application/json')
        assert down.json['code'] == 'freezer.store.unavailable'
        assert down.json['description']
        refused = client.simulate_post(
            '/v1/backups', json=dict(BACKUP, backup_name='during-outage'),
            headers=HEADERS)
        assert refused.status_code == 503, refused.text
        assert 'Retry-After' in refused.headers
        health = client.simulate_get('/health')
        assert health.status_code == 503
        assert health.json['status'] == 'unavailable'

        outage_backend.server.start()
        outage_backend.server.wait_ready()
        back = wait_for_status(client, '/v1/backups', 200)
    finally:
        poller.stop.set()
        poller.join(30)
    names = [b['backup_metadata']['backup_name'] for b in back.json['backups']]
    assert names == ['before-outage']
    assert client.simulate_get('/health').status_code == 200
    statuses = poller.statuses
    assert set(statuses) <= {200, 503}, statuses
    assert 503 in statuses and statuses[0] == 200 and statuses[-1] == 200


def test_hung_store_gives_503_within_the_timeout(outage_backend, client):
    created = client.simulate_post('/v1/backups', json=BACKUP,
                                   headers=HEADERS)
    assert created.status_code == 201, created.text
    outage_backend.server.pause()
    try:
        started = time.monotonic()
        hung = client.simulate_get('/v1/backups', headers=HEADERS)
        waited = time.monotonic() - started
    finally:
        outage_backend.server.resume()
    assert hung.status_code == 503, hung.text
    assert hung.json['code'] == 'freezer.store.unavailable'
    assert 'Retry-After' in hung.headers
    # timeout = 3 s and no retry: the answer does not wait for the store
    assert waited < 10, waited
    back = wait_for_status(client, '/v1/backups', 200)
    assert len(back.json['backups']) == 1
