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
