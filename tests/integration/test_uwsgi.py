"""freezer-api under uWSGI from PyPI, started the ways the README shows.

* the command line: ``uwsgi --http :PORT --need-app --master --module
  freezer_api.cmd.wsgi:application`` (and the ``--https`` form);
* ``etc/freezer/uwsgi.ini`` with only its addresses and paths changed
  (two processes, two threads each).

Writes go to the SQLite store of each server's deployment; the tests check
the HTTP answers and what the store holds.
"""

import collections
import concurrent.futures
import re
import sqlite3
import subprocess
import time

import pytest
import requests

from tests.fixtures import deployment as dep
from tests.fixtures import uwsgi as uwsgi_fixture

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

SHIPPED_INI = dep.REPO / 'etc' / 'freezer' / 'uwsgi.ini'


def readme_args(option, address):
    return [option, address, '--need-app', '--master',
            '--module', uwsgi_fixture.MODULE]


@pytest.fixture(scope='module')
def cli_server(uwsgi_servers):
    """The README's first uwsgi command, on a loopback port."""
    return uwsgi_servers(
        lambda port, _: readme_args('--http', '127.0.0.1:%d' % port),
        name='uwsgi-cli')


@pytest.fixture(scope='module')
def keepalive_server(uwsgi_servers):
    """The README command with the router keeping connections alive."""
    return uwsgi_servers(
        lambda port, _: readme_args('--http', '127.0.0.1:%d' % port) + [
            '--http-keepalive', '--processes', '2'],
        name='uwsgi-keepalive')


def ini_from_sample(port, workdir, confdir):
    """Return the shipped ini with only its addresses and paths changed."""
    text = SHIPPED_INI.read_text()
    for old, new in [('0.0.0.0:9090', '127.0.0.1:%d' % port),
                     ('/run/freezer-api/uwsgi.pid', '%s/uwsgi.pid' % workdir),
                     ('/etc/freezer', str(confdir))]:
        assert old in text, 'uwsgi.ini no longer says %s' % old
        text = text.replace(old, new)
    path = workdir / 'uwsgi.ini'
    path.write_text(text)
    return path


@pytest.fixture(scope='module')
def ini_server(uwsgi_servers):
    """uwsgi --ini etc/freezer/uwsgi.ini (addresses and paths changed)."""
    def args(port, workdir):
        # The deployment's confdir is fixed by the fixture: <workdir>/etc.
        return ['--ini', str(ini_from_sample(port, workdir, workdir / 'etc'))]
    return uwsgi_servers(args, name='uwsgi-ini')


def create_backup(session, url, name, timestamp=1700000000, **kwargs):
    return session.post(url + '/v1/backups', json=dep.backup_body(
        name, timestamp), headers=dep.HEADERS, timeout=60, **kwargs)


def stored_backups(deployment):
    """Return the backup names the server's SQLite file holds."""
    store = deployment.store()
    try:
        docs = store.search('backups', limit=100000)
    finally:
        store.close()
    return [doc.doc['backup_metadata']['backup_name'] for doc in docs]


def stored_count(deployment):
    with sqlite3.connect(deployment.database) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")]
        assert tables, 'db sync left no tables'
    return len(stored_backups(deployment))


def test_readme_command_line_serves_the_api(cli_server):
    session = requests.Session()
    resp = session.get(cli_server.url + '/', timeout=10)
    assert resp.status_code == 300
    assert {'v1', 'v2'} <= {v['id'] for v in resp.json()['versions']}

    resp = create_backup(session, cli_server.url, 'cli-backup')
    assert resp.status_code == 201, resp.text
    backup_id = resp.json()['backup_id']
    resp = session.get(cli_server.url + '/v1/backups', headers=dep.HEADERS,
                       timeout=10)
    assert resp.status_code == 200
    assert [b['backup_id'] for b in resp.json()['backups']] == [backup_id]
    assert stored_backups(cli_server.deployment) == ['cli-backup']
    # The worker built its own app after the fork: it registered itself as
    # a freezer-api service from its heartbeat (a thread started in the
    # master would not have survived the fork).
    store = cli_server.deployment.store()
    try:
        services = [r.doc for r in store.search('services')]
    finally:
        store.close()
    assert [s['binary'] for s in services] == ['freezer-api']


def test_server_command_line_is_not_parsed_as_config(uwsgi_servers):
    """uWSGI hands --pyargv to the app as sys.argv; the app ignores it."""
    server = uwsgi_servers(
        lambda port, _: readme_args('--http', '127.0.0.1:%d' % port) + [
            '--pyargv', '--config-file /nonexistent --no-such-option'],
        name='uwsgi-pyargv')
    resp = create_backup(requests.Session(), server.url, 'argv')
    assert resp.status_code == 201, resp.text
    assert stored_backups(server.deployment) == ['argv']


def test_https_form_serves_the_api(uwsgi_servers, tmp_path_factory):
    binary = uwsgi_servers.binary
    assert uwsgi_fixture.has_ssl(binary), (
        'this uwsgi was built without SSL: install libssl-dev, then '
        'pip install --no-cache-dir --force-reinstall uwsgi')
    cert, key = uwsgi_fixture.self_signed_cert(tmp_path_factory.mktemp('tls'))
    server = uwsgi_servers(
        lambda port, _: readme_args(
            '--https', '127.0.0.1:%d,%s,%s' % (port, cert, key)),
        scheme='https', verify=str(cert), name='uwsgi-https')
    # NOTE: verify= on every call: REQUESTS_CA_BUNDLE in the environment
    # would override a Session's verify attribute.
    session = requests.Session()
    resp = create_backup(session, server.url, 'over-tls', verify=str(cert))
    assert resp.status_code == 201, resp.text
    resp = session.get(server.url + '/v1/backups', headers=dep.HEADERS,
                       timeout=10, verify=str(cert))
    assert [b['backup_metadata']['backup_name']
            for b in resp.json()['backups']] == ['over-tls']
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(server.url + '/', timeout=10)   # not trusted by default
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(server.url.replace('https', 'http') + '/', timeout=10)


def test_shipped_ini_runs_two_workers_and_writes_its_pidfile(ini_server):
    pidfile = ini_server.workdir / 'uwsgi.pid'
    assert int(pidfile.read_text()) == ini_server.proc.pid
    deadline = time.monotonic() + 30
    while len(ini_server.worker_pids()) < 2 and time.monotonic() < deadline:
        requests.get(ini_server.url + '/', timeout=10)   # lazy-apps spawn
        time.sleep(0.2)
    assert len(set(ini_server.worker_pids())) == 2
    resp = requests.get(ini_server.url + '/', timeout=10)
    assert resp.status_code == 300
    assert resp.headers['Connection'] == 'close'


def _hammer(url, clients, per_client, pause=0.0, prefix='w'):
    """POST backups from ``clients`` keep-alive sessions concurrently.

    Returns (Counter of status codes, list of errors, names posted).
    """
    def client(index):
        codes, errors, names = collections.Counter(), [], []
        session = requests.Session()
        for n in range(per_client):
            name = '%s-%d-%d' % (prefix, index, n)
            try:
                resp = create_backup(session, url, name, 1700000000 + n)
                codes[resp.status_code] += 1
                if resp.status_code == 201:
                    names.append(name)
                else:
                    errors.append(resp.text[:300])
            except requests.RequestException as exc:
                errors.append(repr(exc))
            time.sleep(pause)
        return codes, errors, names

    codes, errors, names = collections.Counter(), [], []
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for c, e, n in pool.map(client, range(clients)):
            codes.update(c)
            errors += e
            names += n
    return codes, errors, names


@pytest.mark.parametrize('server_name',
                         ['ini_server', 'cli_server', 'keepalive_server'])
def test_concurrent_writes_on_sqlite_all_succeed(request, server_name):
    server = request.getfixturevalue(server_name)
    before = stored_count(server.deployment)
    codes, errors, names = _hammer(server.url, clients=12, per_client=15,
                                   prefix='conc-' + server_name)
    assert errors == [] and codes == {201: 180}, (codes, errors[:5])
    stored = stored_backups(server.deployment)
    assert set(names) <= set(stored)
    assert len(stored) == before + 180
    log = server.log.read_text(errors='replace')
    assert 'database is locked' not in log
    assert not re.search(r'" 5\d\d ', log)


@pytest.mark.parametrize('server_name',
                         ['ini_server', 'cli_server', 'keepalive_server'])
def test_keep_alive_clients_lose_no_request(request, server_name):
    """Clients reuse connections across idle gaps, as freezerclient does."""
    server = request.getfixturevalue(server_name)
    codes, errors, names = _hammer(server.url, clients=4, per_client=6,
                                   pause=0.7, prefix='ka-' + server_name)
    assert errors == [] and codes == {201: 24}, (codes, errors[:5])
    assert set(names) <= set(stored_backups(server.deployment))


def test_connections_close_only_where_uwsgi_drops_them(
        cli_server, keepalive_server):
    resp = requests.get(cli_server.url + '/', timeout=10)
    assert resp.headers.get('Connection') == 'close'
    resp = requests.get(keepalive_server.url + '/', timeout=10)
    assert 'Connection' not in resp.headers


def test_oversized_body_is_refused(ini_server):
    body = dep.backup_body('big')
    body['padding'] = 'x' * 200000
    resp = requests.post(ini_server.url + '/v1/backups', json=body,
                         headers=dep.HEADERS, timeout=30)
    assert resp.status_code == 413
    assert resp.json()['code'] == 'freezer.request.too_large'
    assert 'big' not in stored_backups(ini_server.deployment)


def test_uwsgi_comes_from_pypi(uwsgi_servers):
    version = subprocess.run([uwsgi_servers.binary, '--version'],
                             capture_output=True, text=True, timeout=30)
    assert re.match(r'2\.\d+\.\d+', version.stdout.strip())


def test_freezerclient_with_keystone_through_the_shipped_ini(uwsgi_servers,
                                                             keystone):
    """The real python-freezerclient, Keystone tokens, two workers."""
    from freezerclient.v2 import client as fc_client

    authtoken = '[keystone_authtoken]\n' + ''.join(
        '%s = %s\n' % item for item in keystone.authtoken_options().items())

    def args(port, workdir):
        return ['--ini', str(ini_from_sample(port, workdir, workdir / 'etc'))]

    server = uwsgi_servers(args, name='uwsgi-keystone',
                           auth_strategy='keystone', extra=authtoken)
    resp = requests.get(server.url + '/v2/%s/backups'
                        % keystone.project_id('project-a'), timeout=30)
    assert resp.status_code == 401

    def agent(index):
        client = fc_client.Client(session=keystone.session('member_a'),
                                  endpoint=server.url)
        return [client.backups.create(dep.backup_body(
            'fc-%d-%d' % (index, n), 1700000000 + n)) for n in range(8)]

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        created = [i for ids in pool.map(agent, range(4)) for i in ids]
    assert len(set(created)) == 32
    client = fc_client.Client(session=keystone.session('member_a2'),
                              endpoint=server.url)
    listed = {b['backup_id'] for b in client.backups.list(limit=100)}
    assert set(created) <= listed          # same project, another member
    other = fc_client.Client(session=keystone.session('member_b'),
                             endpoint=server.url)
    assert not set(created) & {b['backup_id']
                               for b in other.backups.list(limit=100)}


def test_devstack_uwsgi_mode_output_serves(uwsgi_servers):
    """The ini and conf the DevStack plugin writes, run as its unit would."""
    from tests.unit import test_devstack

    generated = {}

    def args(port, workdir):
        run = test_devstack.run_plugin(
            workdir / 'devstack', 'stack install', 'stack post-config',
            env={'FREEZER_API_SERVER_TYPE': 'uwsgi',
                 'FREEZER_API_PORT': str(port), 'ENABLED_SERVICES': 'key'})
        dep.db_sync(run.conf_path)
        generated['run'] = run
        return ['--ini', str(run.uwsgi_ini)]

    server = uwsgi_servers(args, name='uwsgi-devstack')
    run = generated['run']
    assert run.conf().get('DEFAULT', 'auth_strategy') == 'keystone'
    assert requests.get(server.url + '/', timeout=30).status_code == 300
    health = requests.get(server.url + '/healthcheck', timeout=30)
    assert health.status_code == 200, health.text
    # Keystone mode: no token, no documents.
    resp = requests.get(server.url + '/v1/backups', timeout=30)
    assert resp.status_code == 401
    assert (run.root / 'data' / 'freezer-api' / 'freezer.sqlite').exists()


def test_shipped_ini_with_its_tls_socket(uwsgi_servers, tmp_path_factory):
    """The ini's documented TLS variant: https-socket instead of http."""
    cert, key = uwsgi_fixture.self_signed_cert(
        tmp_path_factory.mktemp('tls-ini'))

    def args(port, workdir):
        path = ini_from_sample(port, workdir, workdir / 'etc')
        text = path.read_text()
        plain = 'http-socket = 127.0.0.1:%d' % port
        assert plain in text
        path.write_text(text.replace(plain, 'https-socket = 127.0.0.1:%d,%s,%s'
                                     % (port, cert, key)))
        return ['--ini', str(path)]

    server = uwsgi_servers(args, scheme='https', verify=str(cert),
                           name='uwsgi-ini-tls')
    resp = create_backup(requests.Session(), server.url, 'ini-tls',
                         verify=str(cert))
    assert resp.status_code == 201, resp.text
    assert stored_backups(server.deployment) == ['ini-tls']
