"""The committed samples match what the code generates.

``etc/freezer/freezer-api.conf.sample`` (``tox -e genconfig``) and
``etc/freezer/policy.yaml.sample`` (``tox -e genpolicy``) are regenerated in
a temporary directory with the pinned versions of the libraries that
contribute options and rules (``tools/samples-constraints.txt``) and
compared with the committed files. When the test environment has other
versions installed, a virtualenv with the pinned ones is built once under
``.cache/venvs/samples``.
"""

import contextlib
import difflib
import fcntl
import hashlib
import importlib.metadata
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys

import pytest

from tests.fixtures import metadata

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / '.cache'
PINS = REPO / 'tools' / 'samples-constraints.txt'
VENV = CACHE / 'venvs' / 'samples'
ETC = REPO / 'etc' / 'freezer'

SAMPLES = [
    # (generator: "module:function", its config file, the committed sample)
    ('oslo_config.generator:main', ETC / 'freezer-config-generator.conf',
     ETC / 'freezer-api.conf.sample'),
    ('oslo_policy.generator:generate_sample',
     ETC / 'freezer-policy-generator.conf', ETC / 'policy.yaml.sample'),
]


def pins():
    """Return {distribution name: pinned version}."""
    out = {}
    for line in PINS.read_text().splitlines():
        line = line.split('#')[0].strip()
        if line:
            name, version = line.split('==')
            out[name.strip()] = version.strip()
    return out


def installed_matches_pins():
    for name, version in pins().items():
        try:
            if importlib.metadata.version(name) != version:
                return False
        except importlib.metadata.PackageNotFoundError:
            return False
    return True


@contextlib.contextmanager
def _locked(name):
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ('%s.lock' % name), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def pinned_python():
    """Return an interpreter that has the pinned versions installed."""
    if installed_matches_pins():
        return sys.executable
    requirements = metadata.requirements()
    wanted = hashlib.sha256(
        (PINS.read_text() + '\n'.join(requirements)).encode()).hexdigest()
    marker = VENV / '.freezer-install-complete'
    with _locked('samples-venv'):
        if not (marker.is_file() and marker.read_text() == wanted):
            shutil.rmtree(VENV, ignore_errors=True)
            base = getattr(sys, '_base_executable', sys.executable)
            subprocess.run([base, '-m', 'venv', str(VENV)], check=True,
                           timeout=300)
            env = dict(os.environ, PIP_CACHE_DIR=str(CACHE / 'pip'))
            proc = subprocess.run(
                [str(VENV / 'bin' / 'pip'), 'install',
                 '--disable-pip-version-check', '-c', str(PINS),
                 *requirements, *pins()],
                env=env, capture_output=True, text=True, timeout=1800)
            assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
            marker.write_text(wanted)
    return str(VENV / 'bin' / 'python')


def entry_points_dir(tmp_path):
    """A dist-info exposing setup.cfg's entry points, for the generators.

    The generators find namespaces through entry points; this makes the
    checkout's current ones visible without installing the project.
    """
    dist = tmp_path / 'eps' / 'freezer_api-0.0.0.dist-info'
    dist.mkdir(parents=True)
    (dist / 'METADATA').write_text(
        'Metadata-Version: 2.1\nName: freezer-api\nVersion: 0.0.0\n')
    text = ''
    for group in ('oslo.config.opts', 'oslo.policy.policies',
                  'oslo.policy.enforcer'):
        text += '[%s]\n%s\n' % (group, '\n'.join(
            '%s = %s' % entry
            for entry in metadata.entry_points(group).items()))
    (dist / 'entry_points.txt').write_text(text)
    return dist.parent


@pytest.fixture(scope='module')
def generate(tmp_path_factory):
    python = pinned_python()
    tmp_path = tmp_path_factory.mktemp('samples')
    eps = entry_points_dir(tmp_path)

    def run(generator, config):
        module, function = generator.split(':')
        out = tmp_path / (config.stem + '.out')
        env = dict(os.environ,
                   PYTHONPATH=os.pathsep.join([str(eps), str(REPO)]))
        code = 'import sys; from %s import %s as g; sys.exit(g())' % (
            module, function)
        proc = subprocess.run(
            [python, '-c', code, '--config-file', str(config),
             '--output-file', str(out)],
            # NOTE: not cwd=REPO: a freezer_api.egg-info left there by an
            # editable install would shadow the entry points above.
            cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return out.read_text()
    return run


@pytest.mark.parametrize('generator,config,sample', SAMPLES,
                         ids=[s[2].name for s in SAMPLES])
def test_committed_sample_is_current(generate, generator, config, sample):
    assert sample.exists(), '%s is missing: run tox -e %s' % (
        sample, 'genconfig' if 'conf' in sample.name else 'genpolicy')
    fresh = generate(generator, config)
    diff = ''.join(difflib.unified_diff(
        sample.read_text().splitlines(True), fresh.splitlines(True),
        str(sample.relative_to(REPO)), 'generated'))
    assert not diff, ('stale sample; regenerate with tox -e genconfig / '
                      'genpolicy:\n' + diff[:4000])


def _registered_options():
    """Return {group: {option names}} the service registers itself."""
    from oslo_config import cfg

    from freezer_api import conf as conf_pkg
    from freezer_api import policy

    conf = conf_pkg.register_all(cfg.ConfigOpts())
    policy.get_enforcer(conf)              # registers [oslo_policy]
    out = {'DEFAULT': set()}
    for name in conf:
        value = conf[name] if name != 'config_file' else None
        if isinstance(value, cfg.ConfigOpts.GroupAttr):
            out[name] = set(value)
        else:
            out['DEFAULT'].add(name)
    # oslo.config's own command line options
    out['DEFAULT'] -= {'config_file', 'config_dir', 'config_source',
                       'shell_completion'}
    return out


def _sample_options():
    """Return {group: {option names}} of the committed config sample."""
    out, group = {}, None
    for line in (ETC / 'freezer-api.conf.sample').read_text().splitlines():
        header = re.match(r'^\[(\w+)\]$', line)
        if header:
            group = out.setdefault(header.group(1), set())
        option = re.match(r'^#(\w+) =', line)
        if option and group is not None:
            group.add(option.group(1))
    return out


def test_config_sample_has_every_option_the_service_reads():
    sample = _sample_options()
    assert {'DEFAULT', 'api', 'storage', 'database', 'elasticsearch',
            'keystone_authtoken', 'oslo_policy',
            'oslo_middleware'} <= set(sample)
    for group, options in _registered_options().items():
        assert group in sample, group
        assert options <= sample[group], (group, options - sample[group])
    for option in ('www_authenticate_uri', 'auth_type', 'memcached_servers'):
        assert option in sample['keystone_authtoken'], option


def test_policy_sample_has_every_rule_with_upstream_names():
    from freezer_api import policies

    text = (ETC / 'policy.yaml.sample').read_text()
    in_sample = set(re.findall(r'^#"([^"]+)":', text, re.M))
    assert {rule.name for rule in policies.list_rules()} == in_sample
    assert {'backups:get_all', 'backups:create', 'jobs:create',
            'sessions:create', 'clients:delete'} <= in_sample
