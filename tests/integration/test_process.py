"""The real console scripts: freezer-manage and freezer-api over a socket."""

import os
import subprocess
import sys
import time

import pytest
import requests

from tests.fixtures.ports import free_port

BIN = os.path.dirname(sys.executable)


def write_conf(path, db, port, **extra):
    # NOTE: no draining window after SIGTERM (test_drain.py tests it).
    lines = ['[DEFAULT]', 'bind_host = 127.0.0.1', 'bind_port = %d' % port,
             'auth_strategy = noauth', 'graceful_shutdown_timeout = 0',
             '[storage]', 'driver = sqlalchemy',
             'backend = sqlalchemy', '[database]',
             'connection = sqlite:///%s' % db]
    for key, value in extra.items():
        lines.append('%s = %s' % (key, value))
    path.write_text('\n'.join(lines) + '\n')
    return path


def manage(*args, stdin=''):
    return subprocess.run([os.path.join(BIN, 'freezer-manage')] + list(args),
                          input=stdin, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def conf_file(tmp_path):
    return write_conf(tmp_path / 'freezer-api.conf', tmp_path / 'db.sqlite',
                      free_port())


def test_manage_sync_show_remove(conf_file):
    synced = manage('--config-file', str(conf_file), 'db', 'sync')
    assert synced.returncode == 0, synced.stderr
    assert 'upgraded' in synced.stdout
    shown = manage('--config-file', str(conf_file), 'db', 'show')
    assert 'table: documents' in shown.stdout
    refused = manage('--config-file', str(conf_file), 'db', 'remove',
                     stdin='n\n')
    assert refused.returncode == 1
    assert 'table: documents' in manage('--config-file', str(conf_file),
                                        'db', 'show').stdout
    removed = manage('--config-file', str(conf_file), '-y', 'db', 'remove')
    assert removed.returncode == 0, removed.stderr
    assert 'table: documents' not in manage('--config-file', str(conf_file),
                                            'db', 'show').stdout


def test_manage_options_after_db_are_refused(conf_file):
    wrong = manage('--config-file', str(conf_file), 'db', 'sync', '-y')
    assert wrong.returncode != 0
    assert 'unrecognized arguments' in wrong.stderr


def test_manage_usage(conf_file):
    helped = manage('--help')
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith('usage: freezer-manage ')
    assert '--yes, -y' in helped.stdout and '--erase, -e' in helped.stdout
    db = manage('db', '--help')
    assert db.returncode == 0, db.stderr
    assert 'usage: freezer-manage db' in db.stdout
    assert '{sync,update,remove,show,update-settings}' in db.stdout
    for wrong in ([], ['db'], ['db', 'bogus'], ['nodb', 'sync']):
        refused = manage('--config-file', str(conf_file), *wrong)
        assert refused.returncode == 2, wrong
        assert 'usage: freezer-manage' in refused.stderr


def test_manage_update_settings_and_erase(conf_file):
    assert manage('--config-file', str(conf_file), 'db',
                  'sync').returncode == 0
    settings = manage('--config-file', str(conf_file), 'db',
                      'update-settings')
    assert settings.returncode == 0
    erased = manage('--config-file', str(conf_file), '-y', '-e', 'db',
                    'sync')
    assert erased.returncode == 0, erased.stderr
    assert 'removed' in erased.stdout


def test_manage_failures_exit_non_zero(tmp_path):
    missing = manage('--config-file', str(tmp_path / 'nope.conf'), 'db',
                     'sync')
    assert missing.returncode != 0
    assert 'ERROR' in missing.stderr
    bad = write_conf(tmp_path / 'bad.conf', '/proc/forbidden/x.sqlite',
                     free_port())
    failed = manage('--config-file', str(bad), 'db', 'sync')
    assert failed.returncode == 1
    assert 'ERROR' in failed.stderr


def wait_for(url, proc, deadline=30):
    end = time.time() + deadline
    while time.time() < end:
        if proc.poll() is not None:
            raise AssertionError('freezer-api exited with %s'
                                 % proc.returncode)
        try:
            return requests.get(url, timeout=2)
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError('freezer-api did not come up')


@pytest.fixture
def server(tmp_path, conf_file):
    assert manage('--config-file', str(conf_file), 'db',
                  'sync').returncode == 0
    port = int(conf_file.read_text().split('bind_port = ')[1].split()[0])
    log = open(tmp_path / 'api.log', 'w')
    proc = subprocess.Popen([os.path.join(BIN, 'freezer-api'),
                             '--config-file', str(conf_file)],
                            stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = 'http://127.0.0.1:%d' % port
    try:
        wait_for(url + '/', proc)
        yield url, tmp_path / 'api.log'
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def test_freezer_api_serves_over_a_socket(server):
    url, log = server
    root = requests.get(url + '/')
    assert root.status_code == 300
    assert root.json()['versions'][0]['links'][0]['href'].startswith(url)
    with requests.Session() as http:
        headers = {'X-User-Id': 'u', 'X-Project-Id': 'p'}
        created = http.post(url + '/v2/p/backups', headers=headers, json={
            'container': 'c', 'hostname': 'h', 'backup_name': 'b'})
        assert created.status_code == 201
        listed = http.get(url + '/v2/p/backups/', headers=headers)
        assert [b['backup_id'] for b in listed.json()['backups']] == [
            created.json()['backup_id']]
    assert 'WITHOUT AUTHENTICATION' in log.read_text()


def test_noauth_refuses_a_public_address(tmp_path):
    conf = write_conf(tmp_path / 'c.conf', tmp_path / 'db.sqlite',
                      free_port())
    conf.write_text(conf.read_text().replace('bind_host = 127.0.0.1',
                                             'bind_host = 0.0.0.0'))
    proc = subprocess.run([os.path.join(BIN, 'freezer-api'),
                           '--config-file', str(conf)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert 'loopback' in proc.stderr + proc.stdout
