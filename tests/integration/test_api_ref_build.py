"""The api-ref builds with os-api-ref and Sphinx, warnings as errors.

os-api-ref fails the build on a parameter missing from parameters.yaml, a
bad status code, a sample that cannot be included or parameters out of
order; ``-W`` turns each of those into a failure here. Sphinx and os-api-ref
live in their own cached virtualenv (``.cache/venvs/api-ref``), installed
from PyPI on first use.
"""

import contextlib
import fcntl
from pathlib import Path
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / '.cache'
VENV = CACHE / 'venvs' / 'api-ref'


def _pins(path):
    """Return the requirement lines of ``path`` (comments left out)."""
    lines = (line.split('#')[0].strip()
             for line in path.read_text().splitlines())
    return tuple(line for line in lines if line)


# NOTE: the pins of tox -e api-ref (doc/requirements.txt), so that a warning
# new in a later Sphinx cannot break the build unannounced and this test
# builds with what tox builds with; the marker holds the pins, new pins
# reinstall.
REQUIREMENTS = _pins(REPO / 'doc' / 'requirements.txt')
MARKER = VENV / '.freezer-install-complete'


@contextlib.contextmanager
def _locked():
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / 'api-ref-venv.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run(cmd, timeout):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True,
                          text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    if proc.returncode:
        pytest.fail('%s exited %d:\n%s%s' % (' '.join(map(str, cmd)),
                                             proc.returncode, proc.stdout,
                                             proc.stderr), pytrace=False)
    return proc


def ensure_venv():
    """Install the doc tools into ``VENV`` unless already done."""
    wanted = '\n'.join(REQUIREMENTS)
    with _locked():
        if MARKER.is_file() and MARKER.read_text() == wanted:
            return VENV / 'bin'
        shutil.rmtree(VENV, ignore_errors=True)
        python = getattr(sys, '_base_executable', sys.executable)
        _run([python, '-m', 'venv', VENV], 120)
        _run([VENV / 'bin' / 'pip', 'install', '--disable-pip-version-check',
              *REQUIREMENTS], 600)
        MARKER.write_text(wanted)
    return VENV / 'bin'


def test_api_ref_builds_without_warnings(tmp_path):
    bindir = ensure_venv()
    out = tmp_path / 'html'
    _run([bindir / 'sphinx-build', '-W', '--keep-going', '-q', '-b', 'html',
          REPO / 'api-ref' / 'source', out], 300)
    for page in ('index.html', 'versions/index.html', 'v1/index.html',
                 'v2/index.html', 'operations/index.html'):
        assert (out / page).is_file(), page
    operations = (out / 'operations' / 'index.html').read_text()
    assert 'graceful_shutdown_timeout' in operations
    assert 'freezer_api_request_duration_seconds_bucket' in operations
    v2 = (out / 'v2' / 'index.html').read_text()
    assert ('sessions/<span class="path_parameter">{session_id}</span>'
            '/action') in v2
    # The samples are included, not just named.
    assert 'mysql-nightly' in v2
    assert 'etc-weekly' in v2
