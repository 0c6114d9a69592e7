"""The WSGI entry point.

Config discovery, never sys.argv, Connection: close.
"""

import importlib
import os
import sqlite3
import sys

from falcon import testing
import pytest

from freezer_api.cmd import discovery
from freezer_api import conf as conf_pkg
from freezer_api import exception
from freezer_api.storage import driver


@pytest.fixture
def confdir(tmp_path, monkeypatch):
    (tmp_path / 'freezer-api.conf').write_text(
        '[DEFAULT]\nauth_strategy = noauth\nstate_path = %s\n'
        '[database]\nconnection = sqlite:///%s/found.sqlite\n'
        % (tmp_path, tmp_path))
    monkeypatch.setenv(discovery.ENV_VAR, str(tmp_path))
    conf = conf_pkg.make_conf(
        ['--config-file', str(tmp_path / 'freezer-api.conf')])
    driver.open_manager(conf).sync()
    return tmp_path


@pytest.fixture
def load_wsgi():
    """Import the WSGI module afresh; stop the heartbeats it started."""
    built = []

    def load():
        sys.modules.pop('freezer_api.cmd.wsgi', None)
        module = importlib.import_module('freezer_api.cmd.wsgi')
        built.append(module.application)
        return module

    yield load
    for application in built:
        application.stop()


def test_reads_config_dir_and_ignores_server_argv(confdir, monkeypatch,
                                                  load_wsgi):
    monkeypatch.setattr(sys, 'argv', ['uwsgi', '--config-file', '/nope',
                                      '--no-such-option'])
    wsgi = load_wsgi()
    client = testing.TestClient(wsgi.application)
    resp = client.simulate_get('/v1/backups', headers={'X-User-Id': 'u'})
    assert resp.status_code == 200
    assert resp.json == {'backups': []}
    # The store named by the discovered file is the one in use.
    with sqlite3.connect(confdir / 'found.sqlite') as conn:
        names = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")}
    assert names


def test_missing_config_file_in_named_dir_stops_the_import(
        tmp_path, monkeypatch, load_wsgi):
    monkeypatch.setenv(discovery.ENV_VAR, str(tmp_path / 'typo'))
    with pytest.raises(exception.ConfigError, match='typo'):
        load_wsgi()


def test_default_dir_is_etc_freezer():
    assert discovery.config_dir({}) == '/etc/freezer'
    default = '/etc/freezer/freezer-api.conf'
    expected = [default] if os.path.isfile(default) else []
    assert discovery.config_files({discovery.ENV_VAR: ''}) == expected


def test_connection_close_only_where_uwsgi_drops_connections(confdir,
                                                             load_wsgi):
    wsgi = load_wsgi()
    assert wsgi.uwsgi_closes_connections() is False     # not under uWSGI
    assert wsgi.uwsgi_closes_connections({'http': b':9090'}) is True
    assert wsgi.uwsgi_closes_connections(
        {'http': b':9090', 'http-keepalive': True}) is False
    assert wsgi.uwsgi_closes_connections(
        {'http11-socket': b':9090'}) is False


def test_connection_close_header_added_once(confdir, load_wsgi):
    def inner(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'ok']

    def inner_closing(environ, start_response):
        start_response('200 OK', [('connection', 'close')])
        return [b'ok']

    wsgi = load_wsgi()
    seen = []
    body = wsgi.ConnectionClose(inner)(
        {}, lambda status, headers, exc_info=None: seen.append(headers))
    assert body == [b'ok']
    assert ('Connection', 'close') in seen[0]
    wsgi.ConnectionClose(inner_closing)(
        {}, lambda status, headers, exc_info=None: seen.append(headers))
    assert [h for h in seen[1] if h[0].lower() == 'connection'] == [
        ('connection', 'close')]


def test_app_is_built_per_process_when_uwsgi_forks_after_import(confdir,
                                                                load_wsgi):
    wsgi = load_wsgi()
    assert wsgi.imported_before_fork() is False          # not under uWSGI
    assert wsgi.imported_before_fork({'master': True}) is True
    assert wsgi.imported_before_fork({'lazy-apps': True}) is False

    per_process = wsgi.PerProcess(wsgi.application.conf)
    first = per_process.build()
    assert per_process.build() is first                  # same process
    per_process.stop()
    per_process._pid = -1                                # as if forked
    second = per_process.build()
    assert second is not first
    resp = testing.TestClient(per_process).simulate_get(
        '/v1/backups', headers={'X-User-Id': 'u'})
    assert resp.status_code == 200
    per_process.stop()
