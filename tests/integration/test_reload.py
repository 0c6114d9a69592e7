"""SIGHUP to the real ``freezer-api`` re-reads its configuration files:
mutable options take effect for the next request, a file that no longer
parses is logged and the running configuration kept."""

import os
import signal
import time

import pytest
import requests

from tests.integration import test_process

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

HEADERS = {'X-User-Id': 'u', 'X-Project-Id': 'p'}


@pytest.fixture
def conf_file(tmp_path):
    return test_process.write_conf(
        tmp_path / 'freezer-api.conf', tmp_path / 'db.sqlite',
        test_process.free_port(), **{'[api]\nmax_limit': '5'})


server = test_process.server


def _pid(url):
    return requests.get(url + '/health/live', timeout=5).json()['pid']


def _limit_status(url, limit):
    return requests.get(url + '/v2/p/jobs', params={'limit': limit},
                        headers=HEADERS, timeout=5).status_code


def _eventually(check, deadline=10):
    end = time.time() + deadline
    while time.time() < end:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_sighup_applies_a_new_max_limit(server, conf_file):
    url, log = server
    assert _limit_status(url, 8) == 400
    conf_file.write_text(conf_file.read_text().replace('max_limit = 5',
                                                       'max_limit = 10'))
    os.kill(_pid(url), signal.SIGHUP)
    assert _eventually(lambda: _limit_status(url, 8) == 200), (
        log.read_text()[-3000:])
    assert _limit_status(url, 11) == 400


def test_a_broken_file_keeps_the_running_configuration(server, conf_file):
    url, log = server
    conf_file.write_text(conf_file.read_text().replace(
        'max_limit = 5', 'max_limit = 7') + '\nthis is [not an ini\n')
    pid = _pid(url)
    os.kill(pid, signal.SIGHUP)
    assert _eventually(lambda: 'Configuration not reloaded'
                       in log.read_text()), log.read_text()[-3000:]
    assert _limit_status(url, 5) == 200
    assert _limit_status(url, 7) == 400
    assert _pid(url) == pid


def test_a_changed_immutable_option_is_logged(server, conf_file):
    url, log = server
    conf_file.write_text(conf_file.read_text().replace(
        'auth_strategy = noauth', 'auth_strategy = noauth\nbackend_x = 1')
        .replace('bind_host = 127.0.0.1', 'bind_host = 127.0.0.2'))
    os.kill(_pid(url), signal.SIGHUP)
    assert _eventually(lambda: 'bind_host' in log.read_text()
                       and 'restart' in log.read_text().lower()), (
        log.read_text()[-3000:])
    assert requests.get(url + '/health/live', timeout=5).status_code == 200
