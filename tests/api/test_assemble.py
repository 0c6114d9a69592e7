"""``app.assemble()``: the service one serving process runs.

``cmd/wsgi.py`` (uWSGI, mod_wsgi), ``cmd/api.py`` and the benchmark all get
their application from it; the real processes are driven in
tests/integration/test_process.py and test_apache.py.
"""

import threading

from falcon import testing

from freezer_api import app
from freezer_api import lifecycle as lifecycles
from freezer_api.objects import service as service_mod
from freezer_api.storage import base
from tests.api.conftest import backup_metadata

HEADERS = {'X-User-Id': 'u1', 'X-Project-Id': 'p1', 'X-Roles': 'member'}


def _beating(name):
    return any(t.name == name and t.is_alive()
               for t in threading.enumerate())


def test_the_assembled_app_serves_from_the_store_it_opened(conf):
    conf.set_override('host', 'node-b')
    service = app.assemble(conf)
    try:
        client = testing.TestClient(service.wsgi)
        resp = client.simulate_post('/v2/p1/backups', headers=HEADERS,
                                    json=backup_metadata('assembled'))
        assert resp.status_code == 201, resp.text
        stored = service.store.get('backups', resp.json['backup_id'],
                                   base.Scope(project_id='p1')).doc
        assert stored['backup_metadata']['backup_name'] == 'assembled'
        assert stored['project_id'] == 'p1'
        shown = client.simulate_get('/v2/p1/backups/%s'
                                    % resp.json['backup_id'], headers=HEADERS)
        assert shown.status_code == 200
        assert shown.json['backup_metadata']['backup_name'] == 'assembled'
    finally:
        service.stop()
        service.store.close()


def test_assembling_registers_the_process_and_stop_ends_its_heartbeat(conf):
    conf.set_override('host', 'node-c')
    conf.set_override('cluster', 'pool-c')
    service = app.assemble(conf)
    try:
        registered = service.store.get('services', service_mod.doc_id(
            service_mod.API_BINARY, 'node-c')).doc
        assert registered['cluster'] == 'pool-c'
        assert _beating('freezer-api-heartbeat')
    finally:
        service.stop()
        service.store.close()
    assert not _beating('freezer-api-heartbeat')


def test_the_servers_lifecycle_is_what_status_reports(conf):
    lifecycle = lifecycles.Lifecycle()
    service = app.assemble(conf, lifecycle=lifecycle)
    try:
        client = testing.TestClient(service.wsgi)
        assert client.simulate_get('/health/ready').status_code == 200
        lifecycle.drain()
        ready = client.simulate_get('/health/ready')
        assert ready.status_code == 503
        assert ready.headers['Content-Type'].startswith('application/json')
    finally:
        service.stop()
        service.store.close()
