"""A real uWSGI (the shipped ini: two lazy-app workers) registers its node
as a ``freezer-api`` service, heartbeats from each worker, shows up in the
cluster API, and goes down once stopped."""

import time

import pytest
import requests

from freezer_api.objects import cluster
from freezer_api.objects import service
from tests.fixtures import deployment as dep
from tests.integration.test_uwsgi import ini_from_sample

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

SETTINGS = ('[DEFAULT]\nhost = node-a\ncluster = api-pool\n'
            'report_interval = 1\nservice_down_time = 3\n')
ADMIN = dict(dep.HEADERS, **{'X-Roles': 'admin',
                             'OpenStack-API-Version': 'backup 3.7'})


def _heartbeat(store):
    return store.get('services', service.doc_id('freezer-api',
                                                'node-a')).doc['heartbeat']


def test_uwsgi_node_heartbeats_and_goes_down_when_stopped(uwsgi_servers):
    server = uwsgi_servers(
        lambda port, workdir: ['--ini', str(ini_from_sample(
            port, workdir, workdir / 'etc'))],
        name='uwsgi-heartbeat', extra=SETTINGS)
    url = '%s/v3/%s/clusters/api-pool' % (server.url,
                                          dep.HEADERS['X-Project-Id'])
    resp = requests.get(url, params={'binary': 'freezer-api'},
                        headers=ADMIN, timeout=10)
    assert resp.status_code == 200, resp.text
    assert resp.headers['OpenStack-API-Version'] == 'backup 3.7'
    shown = resp.json()['cluster']
    assert (shown['state'], shown['num_hosts'], shown['num_down_hosts']) == (
        'up', 1, 0)
    conf = server.deployment.conf()
    store = server.deployment.store()
    try:
        first = _heartbeat(store)
        time.sleep(2.5)
        assert _heartbeat(store) > first, 'no heartbeat from the workers'
        server.stop()
        time.sleep(conf.service_down_time + 1)
        down = cluster.Clusters(store, conf).get('api-pool', 'freezer-api')
        assert (down['state'], down['num_down_hosts']) == ('down', 1)
    finally:
        store.close()
