"""``freezer-status upgrade check`` against a real Elasticsearch store."""

import json
import uuid

import pytest

from freezer_api.cmd import discovery
from freezer_api.cmd import status
from freezer_api import conf as conf_pkg
from freezer_api.storage import driver
from tests.fixtures import deployment as dep

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


def write_conf(directory, hosts, index):
    path = directory / 'freezer-api.conf'
    path.write_text(
        '[DEFAULT]\nauth_strategy = keystone\nstate_path = %s\n'
        '[storage]\ndriver = elasticsearch\n'
        '[elasticsearch]\nhosts = %s\nindex = %s\ntimeout = 5\nretries = 0\n'
        % (directory, hosts, index))
    return path


def check(capsys):
    code = status.main(['upgrade', 'check', '--json'])
    out = json.loads(capsys.readouterr().out)
    return code, {c['check']: (c['result'], c['details'])
                  for c in out['checks']}


def test_elasticsearch_store_checked_before_and_after_db_sync(
        elasticsearch_server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(discovery.ENV_VAR, str(tmp_path))
    index = 'status-%s' % uuid.uuid4().hex[:8]
    path = write_conf(tmp_path, elasticsearch_server.url, index)

    code, results = check(capsys)
    assert code == 2
    result, details = results['Store reachable and schema current']
    assert result == 2 and 'freezer-manage db sync' in details

    manager = driver.open_manager(
        conf_pkg.make_conf(['--config-file', str(path)]))
    try:
        manager.sync()
        code, results = check(capsys)
        assert code == 0, results
    finally:
        manager.remove()
        manager.close()


def test_unreachable_elasticsearch_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(discovery.ENV_VAR, str(tmp_path))
    write_conf(tmp_path, 'http://127.0.0.1:%d' % dep.free_port(), 'nowhere')
    code, results = check(capsys)
    assert code == 2
    result, details = results['Store reachable and schema current']
    assert result == 2 and 'not usable' in details
