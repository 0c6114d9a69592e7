"""The package as operators install it: wheel and sdist in fresh virtualenvs.

Each artifact goes into a new virtualenv (dependencies from PyPI, pinned to
the test environment's versions); then, from a directory outside the source
tree, the installed console scripts do what a new operator does:
``freezer-status upgrade check`` refuses the empty database,
``freezer-manage db sync`` creates it, the check passes, ``freezer-api``
serves requests, and the WSGI script that Apache's ``WSGIScriptAlias`` names
(``freezer_api/cmd/wsgi.py`` in site-packages) answers too.
"""

import json
import subprocess
import textwrap
import time
import zipfile

import pytest
import requests

from tests.fixtures import package
from tests.fixtures.ports import free_port

pytestmark = pytest.mark.integration

#: Files the code reads at run time besides its modules.
RUNTIME_FILES = (
    'freezer_api/storage/sql/migrations/env.py',
    'freezer_api/storage/sql/migrations/script.py.mako',
    'freezer_api/storage/sql/migrations/versions/0001_documents.py',
)

# NOTE: run by the virtualenv's own interpreter. It loads the WSGI script by
# its path, as mod_wsgi does, and calls the application like a server.
WSGI_PROBE = textwrap.dedent('''
    import io, json, runpy, sys
    from wsgiref.util import setup_testing_defaults

    app = runpy.run_path(sys.argv[1],
                         run_name='_mod_wsgi_probe')['application']

    def call(method, path, body=b''):
        environ = {'REQUEST_METHOD': method, 'PATH_INFO': path,
                   'wsgi.input': io.BytesIO(body),
                   'CONTENT_LENGTH': str(len(body)),
                   'CONTENT_TYPE': 'application/json',
                   'HTTP_X_PROJECT_ID': 'proj', 'HTTP_X_USER_ID': 'user'}
        setup_testing_defaults(environ)
        seen = []
        chunks = app(environ, lambda status, headers, exc=None:
                     seen.append(status))
        data = b''.join(chunks)
        return {'status': int(seen[0].split()[0]),
                'body': json.loads(data) if data else None}

    made = call('POST', '/v2/proj/backups', json.dumps(
        {'container': 'c', 'hostname': 'h', 'backup_name': 'b'}).encode())
    read = call('GET', '/v2/proj/backups/%s'
                % (made['body'] or {}).get('backup_id'))
    print(json.dumps({'root': call('GET', '/')['status'], 'made': made,
                      'read': read}))
''')


def write_confs(directory, port):
    """Write the operator's config dir; return (main conf, noauth conf)."""
    confdir = directory / 'etc'
    confdir.mkdir()
    main = confdir / 'freezer-api.conf'
    main.write_text(
        '[DEFAULT]\nbind_host = 127.0.0.1\nbind_port = %d\nstate_path = %s\n'
        'graceful_shutdown_timeout = 0\n'
        '[database]\nconnection = sqlite:///%s\n'
        % (port, directory / 'state', directory / 'state' / 'freezer.db'))
    noauth = directory / 'noauth.conf'
    noauth.write_text('[DEFAULT]\nauth_strategy = noauth\n')
    return main, noauth


def upgrade_check(bindir, conf, cwd):
    proc = subprocess.run(
        [str(bindir / 'freezer-status'), '--config-file', str(conf),
         'upgrade', 'check', '--json'],
        capture_output=True, text=True, timeout=120, cwd=cwd,
        env=package.clean_env())
    checks = {c['check']: c for c in json.loads(proc.stdout)['checks']}
    return proc.returncode, checks['Store reachable and schema current']


def serve(bindir, confs, port, cwd):
    """Start the installed ``freezer-api``; return the process."""
    log = open(cwd / 'freezer-api.log', 'w')
    args = [str(bindir / 'freezer-api')]
    for conf in confs:
        args += ['--config-file', str(conf)]
    proc = subprocess.Popen(args, cwd=cwd, stdout=log,
                            stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, env=package.clean_env(),
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, (cwd / 'freezer-api.log').read_text()
        try:
            requests.get('http://127.0.0.1:%d/' % port, timeout=2)
            return proc
        except requests.ConnectionError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail('freezer-api did not answer: %s'
                % (cwd / 'freezer-api.log').read_text())


@pytest.fixture(scope='module')
def constraints(tmp_path_factory):
    return package.frozen_constraints(
        tmp_path_factory.mktemp('pins') / 'constraints.txt')


def test_wheel_ships_every_runtime_file(built_package):
    with zipfile.ZipFile(built_package.wheel) as wheel:
        names = set(wheel.namelist())
    missing = [name for name in RUNTIME_FILES if name not in names]
    assert not missing, missing
    tops = {name.split('/')[0] for name in names
            if not name.split('/')[0].endswith(('.dist-info', '.data'))}
    assert tops == {'freezer_api'}, tops


@pytest.mark.parametrize('artifact', ['wheel', 'sdist'])
def test_fresh_install_creates_and_serves_a_database(
        artifact, built_package, constraints, tmp_path):
    bindir = package.fresh_venv(tmp_path / 'venv')
    package.install(bindir, getattr(built_package, artifact), constraints)
    work = tmp_path / 'operator'
    work.mkdir()
    port = free_port()
    main, noauth = write_confs(work, port)

    code, store = upgrade_check(bindir, main, work)
    assert code == 2, store
    assert 'freezer-manage db sync' in store['details']

    synced = subprocess.run(
        [str(bindir / 'freezer-manage'), '--config-file', str(main), 'db',
         'sync'], capture_output=True, text=True, timeout=120, cwd=work,
        env=package.clean_env())
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert 'upgraded from empty' in synced.stdout

    code, store = upgrade_check(bindir, main, work)
    assert code == 0 and store['result'] == 0, store

    proc = serve(bindir, [main, noauth], port, work)
    try:
        url = 'http://127.0.0.1:%d/v2/proj/backups' % port
        made = requests.post(url, json={'container': 'c', 'hostname': 'h',
                                        'backup_name': 'b'}, timeout=10)
        assert made.status_code == 201, made.text
        read = requests.get('%s/%s' % (url, made.json()['backup_id']),
                            timeout=10)
        assert read.status_code == 200, read.text
        assert read.json()['backup_metadata']['backup_name'] == 'b'
        status = requests.get('http://127.0.0.1:%d/status' % port,
                              headers={'X-Roles': 'admin'}, timeout=10)
        assert status.status_code == 200, status.text
        assert status.json()['version'] == built_package.version, (
            status.json())
    finally:
        proc.terminate()
        proc.wait(timeout=20)

    located = subprocess.run(
        [str(bindir / 'python'), '-c',
         'import importlib.util as u, freezer_api.cmd.wsgi as w; '
         'print(w.__file__); print(u.find_spec("bench"))'],
        capture_output=True, text=True, timeout=60, cwd=work,
        env=package.clean_env(OS_FREEZER_CONFIG_DIR=str(main.parent)))
    script, bench = located.stdout.split()[-2:]
    assert script.startswith(str(tmp_path / 'venv')), located.stdout
    assert bench == 'None', 'the wheel installs a top-level bench package'

    wsgi_dir = work / 'wsgi-etc'
    wsgi_dir.mkdir()
    (wsgi_dir / 'freezer-api.conf').write_text(main.read_text().replace(
        '[DEFAULT]\n', '[DEFAULT]\nauth_strategy = noauth\n', 1))
    probe = subprocess.run(
        [str(bindir / 'python'), '-c', WSGI_PROBE, script],
        capture_output=True, text=True, timeout=60, cwd=work,
        env=package.clean_env(OS_FREEZER_CONFIG_DIR=str(wsgi_dir)))
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout.splitlines()[-1])
    assert result['root'] == 300, result
    assert result['made']['status'] == 201, result
    assert result['read']['status'] == 200, result
    assert result['read']['body']['backup_metadata']['container'] == 'c'
