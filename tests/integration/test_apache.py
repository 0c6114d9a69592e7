"""freezer-api under Apache + mod_wsgi, as etc/freezer/apache2-freezer-api.conf
deploys it (only its paths and address changed; see tests/fixtures/apache.py).
"""

import concurrent.futures
import shutil

import pytest
import requests

from tests.fixtures import deployment as dep

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


def post_backup(url, name, session=requests, **kwargs):
    return session.post(url + '/v1/backups', json=dep.backup_body(name),
                        headers=dep.HEADERS, timeout=60, **kwargs)


def test_versions_document(apache_server):
    resp = requests.get(apache_server.url + '/', timeout=30)
    assert resp.status_code == 300
    assert {'v1', 'v2'} <= {v['id'] for v in resp.json()['versions']}
    hrefs = [link['href'] for v in resp.json()['versions']
             for link in v['links']]
    assert all(h.startswith(apache_server.url) for h in hrefs), hrefs


def test_create_and_list_a_backup(apache_server):
    resp = post_backup(apache_server.url, 'through-apache')
    assert resp.status_code == 201, resp.text
    backup_id = resp.json()['backup_id']

    resp = requests.get(apache_server.url + '/v1/backups/' + backup_id,
                        headers=dep.HEADERS, timeout=30)
    assert resp.status_code == 200
    assert resp.json()['backup_metadata']['backup_name'] == 'through-apache'
    assert resp.json()['user_id'] == dep.HEADERS['X-User-Id']

    resp = requests.get(apache_server.url + '/v1/backups',
                        headers=dep.HEADERS, timeout=30)
    assert resp.status_code == 200
    assert backup_id in [b['backup_id'] for b in resp.json()['backups']]
    # The daemons used the store named by $OS_FREEZER_CONFIG_DIR's file.
    assert 'through-apache' in apache_server.stored_backup_names()


def test_body_over_limit_request_body_is_refused_by_apache(apache_server):
    """102400 < body < the application's own limit: Apache says 413."""
    body = dep.backup_body('too-big')
    body['padding'] = 'x' * 104000
    resp = requests.post(apache_server.url + '/v1/backups', json=body,
                         headers=dep.HEADERS, timeout=30)
    assert resp.status_code == 413
    assert 'text/html' in resp.headers['Content-Type']   # Apache's page
    assert 'too-big' not in apache_server.stored_backup_names()

    body['padding'] = 'x' * 90000
    resp = requests.post(apache_server.url + '/v1/backups', json=body,
                         headers=dep.HEADERS, timeout=30)
    assert resp.status_code == 201, resp.text


def test_concurrent_keep_alive_writers(apache_server):
    """Two daemon processes x two threads, SQLite store, reused sockets."""
    def client(index):
        with requests.Session() as session:
            return [post_backup(apache_server.url, 'conc-%d-%d' % (index, n),
                                session).status_code for n in range(10)]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = [c for batch in pool.map(client, range(8)) for c in batch]
    assert codes == [201] * 80
    stored = apache_server.stored_backup_names()
    assert {'conc-%d-%d' % (i, n) for i in range(8) for n in range(10)} <= \
        set(stored)
    errors = apache_server.site_error_log.read_text(errors='replace')
    assert 'database is locked' not in errors
    assert 'Traceback' not in errors


def test_daemons_run_debian_python_with_the_venv(apache_server):
    log = apache_server.error_log.read_text(errors='replace')
    log += apache_server.site_error_log.read_text(errors='replace')
    assert 'mod_wsgi' in log and 'Python/3.' in log
    assert 'Could not find platform independent libraries' not in log


def test_devstack_apache2_mode_output_serves(apache_venv):
    """The site and conf the DevStack plugin writes (its default mode),
    with only the log directory and the listen address changed.
    """
    from tests.fixtures import apache
    from tests.unit import test_devstack

    workdir = apache.prepare_workdir()
    try:
        port = dep.free_port()
        run = test_devstack.run_plugin(
            workdir / 'devstack', 'stack install', 'stack post-config',
            env={'FREEZER_API_PORT': str(port), 'ENABLED_SERVICES': 'key',
                 'HARNESS_DEVSTACK_VENV': str(apache_venv)})
        dep.db_sync(run.conf_path)
        apache.give_to_daemons(run.root / 'data' / 'freezer-api')
        site = run.site.read_text()
        assert 'python-home=%s' % apache_venv in site
        for old, new in [('/var/log/apache2', str(workdir / 'logs')),
                         ('Listen %d' % port, 'Listen 127.0.0.1:%d' % port)]:
            assert old in site
            site = site.replace(old, new)
        with apache.serve_site(workdir, site, run.conf_path.parent,
                               port) as (_proc, url):
            assert requests.get(url + '/', timeout=30).status_code == 300
            health = requests.get(url + '/healthcheck', timeout=30)
            assert health.status_code == 200, health.text
            resp = requests.get(url + '/v1/backups', timeout=30)
            assert resp.status_code == 401      # keystone mode, no token
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
