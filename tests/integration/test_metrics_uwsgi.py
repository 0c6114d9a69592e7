"""Prometheus metrics under uWSGI with two worker processes: with
PROMETHEUS_MULTIPROC_DIR set, a scrape through either worker shows the
sum over both."""

import collections
import concurrent.futures

from prometheus_client import parser
import pytest
import requests

from tests.fixtures import uwsgi as uwsgi_fixture

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

ADMIN = {'X-User-Id': 'root', 'X-Project-Id': 'p1', 'X-Roles': 'admin'}


def _count(text, route):
    total = 0
    for family in parser.text_string_to_metric_families(text):
        if family.name != 'freezer_api_requests':
            continue
        for found in family.samples:
            if (found.name == 'freezer_api_requests_total'
                    and found.labels['route'] == route
                    and found.labels['status'] == '200'):
                total += found.value
    return total


def test_a_scrape_of_any_worker_sums_both(uwsgi_servers, tmp_path):
    prom_dir = tmp_path / 'prometheus'
    prom_dir.mkdir()
    server = uwsgi_servers(lambda port, _: [
        '--http-socket', '127.0.0.1:%d' % port, '--need-app', '--master',
        '--processes', '2', '--lazy-apps', '--thunder-lock',
        '--env', 'PROMETHEUS_MULTIPROC_DIR=%s' % prom_dir,
        '--module', uwsgi_fixture.MODULE], name='uwsgi-metrics')

    def status(_):
        resp = requests.get(server.url + '/status', headers=ADMIN,
                            timeout=30)
        assert resp.status_code == 200, resp.text
        return resp.json()['pid']

    # NOTE: concurrent requests, in rounds until both workers have served
    # some: the sum below is then over two processes.
    workers = set(server.worker_pids())
    assert len(workers) == 2
    answered_by = collections.Counter()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for _ in range(25):
            answered_by.update(pool.map(status, range(16)))
            if set(answered_by) == workers:
                break
    assert set(answered_by) == workers, (answered_by, workers)
    sent = sum(answered_by.values())

    def scrape(_):
        resp = requests.get(server.url + '/metrics', headers=dict(
            ADMIN, Accept='text/plain'), timeout=30)
        assert resp.status_code == 200, resp.text
        return _count(resp.text, '/status')

    # NOTE: concurrent scrapes are answered by both workers too; each sees
    # every request, whichever worker served it.
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert set(pool.map(scrape, range(20))) == {sent}
    assert len(list(prom_dir.iterdir())) >= 2
