"""schemathesis (PyPI) against the live freezer-api process, from the
document it serves at /openapi.json (noauth, SQLite): generated cases on
every operation, with its checks for server errors, status codes, content
types and response schemas; none may fail."""

import os
import re
import subprocess
import sys

import pytest

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


def schemathesis(*args, cwd):
    binary = os.path.join(os.path.dirname(sys.executable), 'schemathesis')
    env = dict(os.environ, SCHEMATHESIS_HOOKS='', NO_COLOR='1')
    return subprocess.run([binary, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=840)


def test_schemathesis_finds_nothing(server, tmp_path):
    url, log = server
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
conf_file = test_process.conf_file
