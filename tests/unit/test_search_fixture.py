"""The search server fixture and its fetch script fail loudly, never skip:
no Java, no Maven, a server that dies."""

import os
import shutil
import subprocess

import pytest

from tests.fixtures import search


def test_fetch_script_is_shellcheck_clean():
    shellcheck = shutil.which('shellcheck')
    assert shellcheck, 'shellcheck missing (apt-get install shellcheck)'
    result = subprocess.run([shellcheck, search.FETCH], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout


def test_fetch_without_maven_is_a_clear_failure(tmp_path):
    env = {'PATH': str(tmp_path), 'FREEZER_ES_VERSION': '0.0.0-none'}
    for tool in ('dirname', 'mkdir', 'tail'):
        os.symlink(shutil.which(tool), tmp_path / tool)
    result = subprocess.run([shutil.which('bash'), search.FETCH,
                             'elasticsearch'], env=env, capture_output=True,
                            text=True)
    assert result.returncode == 2
    assert 'Maven (mvn) is required' in result.stderr


def test_fetch_refuses_unknown_distributions():
    result = subprocess.run(['bash', search.FETCH, 'solr'],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "unknown distribution 'solr'" in result.stderr


def test_missing_java_is_a_clear_failure(monkeypatch):
    monkeypatch.setattr(search.shutil, 'which', lambda name: None)
    with pytest.raises(search.ServerError, match='Java is required'):
        search._java_home()


def test_a_server_that_failed_to_start_fails_the_wait():
    broken = search.SearchServer('elasticsearch')
    broken.error = 'elasticsearch: no such file'
    with pytest.raises(search.ServerError, match='no such file'):
        broken.wait_ready(timeout=1)


def test_collection_asks_only_for_the_servers_tests_use():
    class Item:
        def __init__(self, fixtures=(), params=None):
            self.fixturenames = list(fixtures)
            if params is not None:
                self.callspec = type('Spec', (), {'params': params})()

    items = [Item(['conf']), Item(params={'backend': 'sql'}),
             Item(params={'backend': 'opensearch', 'doc': {'a': 1}})]
    assert search._wanted(items) == {'opensearch'}
    items.append(Item(['elasticsearch_server']))
    assert search._wanted(items) == {'elasticsearch', 'opensearch'}


def _fake_jdk(root, name, version, java=True):
    home = root / name
    (home / 'bin').mkdir(parents=True)
    (home / 'release').write_text('IMPLEMENTOR="Eclipse Adoptium"\n'
                                  'JAVA_VERSION="%s"\n' % version)
    if java:
        (home / 'bin' / 'java').write_text('#!/bin/sh\n')
        (home / 'bin' / 'java').chmod(0o755)
    return str(home)


def test_es9_runs_on_the_newest_jdk_of_at_least_21(tmp_path, monkeypatch):
    monkeypatch.delenv('FREEZER_ES9_JAVA_HOME', raising=False)
    _fake_jdk(tmp_path, 'temurin-17-jdk', '17.0.9')
    _fake_jdk(tmp_path, 'temurin-21-jdk', '21.0.5')
    newest = _fake_jdk(tmp_path, 'temurin-25-jdk', '25.0.3')
    _fake_jdk(tmp_path, 'temurin-26-jdk', '26', java=False)
    found = search._modern_java_home(pattern=str(tmp_path / 'temurin-*'))
    assert found == newest


def test_es9_without_a_modern_jdk_is_a_clear_failure(tmp_path, monkeypatch):
    monkeypatch.delenv('FREEZER_ES9_JAVA_HOME', raising=False)
    old = _fake_jdk(tmp_path, 'temurin-17-jdk', '17.0.9')
    monkeypatch.setattr(search, 'JDK_GLOB', str(tmp_path / 'temurin-*'))
    with pytest.raises(search.ServerError, match='needs a JDK >= 21') as exc:
        search._java_home('elasticsearch9')
    assert old in str(exc.value)
    broken = search.SearchServer('elasticsearch9')
    broken.start()
    with pytest.raises(search.ServerError, match='needs a JDK >= 21'):
        broken.wait_ready(timeout=1)


def test_the_es9_jdk_lookup_leaves_the_other_servers_alone(monkeypatch):
    monkeypatch.setattr(search, '_modern_java_home', lambda: 1 / 0)
    monkeypatch.setattr(search.shutil, 'which', lambda name: '/usr/bin/java')
    monkeypatch.setattr(search.os.path, 'realpath',
                        lambda path: '/jdk17/bin/java')
    assert search._java_home('elasticsearch') == '/jdk17'
    assert search._java_home('opensearch') == '/jdk17'


def test_collection_asks_for_elasticsearch9_only_when_selected():
    class Item:
        def __init__(self, params):
            self.fixturenames = []
            self.callspec = type('Spec', (), {'params': params})()

    assert search._wanted([Item({'backend': 'elasticsearch'})]) == {
        'elasticsearch'}
    assert search._wanted([Item({'backend': 'elasticsearch9'})]) == {
        'elasticsearch9'}
