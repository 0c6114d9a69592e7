"""``freezer-status upgrade check`` against real config files and stores."""

import json

import pytest

from freezer_api.cmd import discovery
from freezer_api.cmd import status
from freezer_api import conf as conf_pkg
from freezer_api import exception
from freezer_api.storage import driver
from tests.fixtures import metadata


@pytest.fixture
def confdir(tmp_path, monkeypatch):
    """A config dir named by OS_FREEZER_CONFIG_DIR, SQLite store inside."""
    monkeypatch.setenv(discovery.ENV_VAR, str(tmp_path))
    write_conf(tmp_path)
    return tmp_path


def write_conf(directory, extra=''):
    (directory / 'freezer-api.conf').write_text(
        '[DEFAULT]\nstate_path = %s\nauth_strategy = keystone\n%s'
        % (directory, extra))


def sync(directory):
    conf = conf_pkg.make_conf(
        ['--config-file', str(directory / 'freezer-api.conf')])
    driver.open_manager(conf).sync()


def check(capsys):
    """Run the command; return (exit code, {check name: (result, details)})."""
    code = status.main(['upgrade', 'check', '--json'])
    out = json.loads(capsys.readouterr().out)
    return code, {c['check']: (c['result'], c['details'])
                  for c in out['checks']}


def test_fresh_store_fails_until_db_sync(confdir, capsys):
    code, results = check(capsys)
    assert code == 2
    result, details = results['Store reachable and schema current']
    assert result == 2 and 'freezer-manage db sync' in details

    sync(confdir)
    code, results = check(capsys)
    assert code == 0, results
    assert all(result == 0 for result, _ in results.values())


def test_unreachable_store_fails(confdir, capsys):
    (confdir / 'blocker').write_text('a file, not a directory')
    write_conf(confdir, '[database]\nconnection = sqlite:///%s/blocker/x.db\n'
               % confdir)
    code, results = check(capsys)
    assert code == 2
    result, details = results['Store reachable and schema current']
    assert result == 2 and 'not usable' in details


def test_noauth_is_a_warning(confdir, capsys):
    sync(confdir)
    write_conf(confdir, '')
    (confdir / 'freezer-api.conf').write_text(
        (confdir / 'freezer-api.conf').read_text().replace(
            'auth_strategy = keystone', 'auth_strategy = noauth'))
    code, results = check(capsys)
    assert code == 1
    assert results['Authentication'][0] == 1


def test_policy_file_with_unknown_rule_is_a_warning(confdir, capsys):
    sync(confdir)
    (confdir / 'policy.yaml').write_text(
        '"backups:get_all": "role:admin"\n"jobs:craete": "role:admin"\n')
    code, results = check(capsys)
    assert code == 1
    result, details = results['Policy file rules']
    assert result == 1 and 'jobs:craete' in details
    assert 'backups:get_all' not in details


def test_json_policy_file_fails(confdir, capsys):
    sync(confdir)
    (confdir / 'policy.yaml').write_text('{"backups:get_all": "role:admin"}')
    code, results = check(capsys)
    assert code == 2
    assert results['Policy file JSON to YAML migration'][0] == 2


def test_unparsable_policy_file_fails(confdir, capsys):
    sync(confdir)
    (confdir / 'policy.yaml').write_text('"backups:get_all": [unclosed\n')
    code, results = check(capsys)
    assert code == 2
    assert results['Policy file rules'][0] == 2


def test_config_dir_without_config_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(discovery.ENV_VAR, str(tmp_path / 'nowhere'))
    with pytest.raises(exception.ConfigError, match='nowhere'):
        status.main(['upgrade', 'check'])


def test_discovery_defaults_to_etc_freezer():
    assert discovery.config_dir({}) == '/etc/freezer'
    assert discovery.config_dir({discovery.ENV_VAR: '/srv/f'}) == '/srv/f'


def test_console_scripts_keep_upstream_name():
    scripts = metadata.entry_points('console_scripts')
    assert scripts['freezer-status'] == 'freezer_api.cmd.status:main'
    assert scripts['freezer-manager-status'] == 'freezer_api.cmd.status:main'
