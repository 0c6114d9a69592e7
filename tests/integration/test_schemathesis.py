"""schemathesis (PyPI) against the live freezer-api process, from the
document it serves at /openapi.json (noauth; SQLite, and Elasticsearch 8
when it is among the stores of the run): generated cases on every
operation, with its checks for server errors, status codes, content types
and response schemas; none may fail."""

import os
import re
import subprocess
import sys

import pytest
import requests

from tests.fixtures import stores
from tests.integration import test_process

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

CHECKS = ('not_a_server_error,status_code_conformance,'
          'content_type_conformance,response_schema_conformance')
IDENTITY = ['-H', 'X-User-Id: alice', '-H', 'X-Project-Id: p1',
            '-H', 'X-Roles: admin,member,reader']
#: Path parameters every case uses: the caller's own project, so that
#: v2/v3 cases reach the documents instead of a 403.
CONFIG = '[parameters]\n"path.project_id" = "p1"\n'
MIN_CASES = 1000
#: The stores of the run this runs on: SQLite always; of the search
#: servers only Elasticsearch 8 (one search store is enough, and each
#: run takes a minute or more on a small machine).
STORES = ['sql'] + [s for s in stores.selected_backends()
                    if s == 'elasticsearch']
DRIVERS = {'sql': 'sqlalchemy', 'elasticsearch': 'elasticsearch'}


def schemathesis(*args, cwd):
    binary = os.path.join(os.path.dirname(sys.executable), 'schemathesis')
    env = dict(os.environ, SCHEMATHESIS_HOOKS='', NO_COLOR='1')
    return subprocess.run([binary, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=840)


def test_schemathesis_finds_nothing(request, server, tmp_path):
    url, log = server
    status = requests.get(url + '/status', timeout=10, headers=dict(
        h.split(': ') for h in IDENTITY[1::2])).json()
    assert status['store']['driver'] == DRIVERS[
        request.node.callspec.params['conf_file']]
    workdir = tmp_path / 'schemathesis'
    workdir.mkdir()
    (workdir / 'schemathesis.toml').write_text(CONFIG)
    run = schemathesis(
        'run', url + '/openapi.json', '--checks', CHECKS,
        '--phases', 'examples,fuzzing', '--max-examples', '10',
        '--seed', '7', '--report', 'junit', *IDENTITY, cwd=workdir)
    out = run.stdout + run.stderr
    found = re.search(r'(\d+) generated, (\d+) passed', out)
    assert run.returncode == 0 and found, out[-6000:]
    generated, passed = int(found.group(1)), int(found.group(2))
    assert generated >= MIN_CASES, out[-3000:]
    assert passed == generated, out[-6000:]
    tested = re.search(r'Tested: (\d+)', out)
    selected = re.search(r'Selected: (\d+)/(\d+)', out)
    assert tested and selected and tested.group(1) == selected.group(2)
    assert 'Traceback' not in log.read_text()


server = test_process.server


@pytest.fixture(params=STORES)
def conf_file(request, tmp_path):
    conf = test_process.write_conf(tmp_path / 'freezer-api.conf',
                                   tmp_path / 'db.sqlite',
                                   test_process.free_port())
    if request.param == 'sql':
        return conf
    search = request.getfixturevalue(request.param + '_server')
    text = (conf.read_text()
            .replace('driver = sqlalchemy', 'driver = elasticsearch')
            .replace('backend = sqlalchemy', 'backend = elasticsearch'))
    conf.write_text(text + (
        '[elasticsearch]\nhosts = %s\nindex = freezer-schemathesis-%d\n'
        'refresh_interval = -1\ntimeout = 10\nretries = 1\n'
        % (search.url, os.getpid())))
    return conf
