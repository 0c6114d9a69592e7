"""The DevStack plugin: shellcheck, and each phase run against stand-ins.

``devstack_harness.sh`` defines DevStack's helper functions as stand-ins that
record their calls (and write files where DevStack's would), then sources
``devstack/settings`` and ``devstack/plugin.sh`` once per phase, as
``stack.sh``, ``unstack.sh`` and ``clean.sh`` do.
"""

import configparser
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
HARNESS = pathlib.Path(__file__).with_name('devstack_harness.sh')
SCRIPTS = [REPO / 'devstack' / 'plugin.sh', REPO / 'devstack' / 'settings',
           REPO / 'devstack' / 'lib' / 'freezer-api']
APACHE_MODULES = pathlib.Path('/usr/lib/apache2/modules')

STACK = ['stack install', 'stack post-config', 'stack extra']


class Run:
    """What one harness run left behind."""

    def __init__(self, root, proc):
        self.root = root
        self.proc = proc
        log = root / 'calls.log'
        self.calls = log.read_text().splitlines() if log.exists() else []

    @property
    def conf_path(self):
        return self.root / 'etc' / 'freezer' / 'freezer-api.conf'

    @property
    def site(self):
        return self.root / 'apache2' / 'sites-available' / 'freezer-api.conf'

    @property
    def site_link(self):
        return self.root / 'apache2' / 'sites-enabled' / 'freezer-api.conf'

    @property
    def uwsgi_ini(self):
        return self.root / 'etc' / 'freezer' / 'freezer-api-uwsgi.ini'

    def conf(self, path=None):
        parser = configparser.RawConfigParser(strict=False)
        parser.optionxform = str
        parser.read(path or self.conf_path)
        return parser

    def phase(self, name):
        """Return the calls recorded during one phase."""
        out, current = [], None
        for line in self.calls:
            if line.startswith('# phase '):
                current = line[len('# phase '):]
            elif current == name:
                out.append(line)
        return out


def run_plugin(root, *phases, env=None, localrc=None, check=True):
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith('FREEZER_')}
    environ.update(HARNESS_ROOT=str(root), FREEZER_API_DIR=str(REPO),
                   HARNESS_PYTHON=sys.executable)
    if localrc is not None:
        path = root / 'localrc'
        path.write_text(localrc)
        environ['HARNESS_LOCALRC'] = str(path)
    environ.update(env or {})
    root.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(['bash', str(HARNESS), *phases], env=environ,
                          capture_output=True, text=True, timeout=60)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return Run(root, proc)


def apache_syntax_ok(tmp_path, site):
    """Return ``apache2 -t`` of ``site`` included in a private httpd.conf."""
    httpd_conf = tmp_path / 'httpd-check.conf'
    httpd_conf.write_text(
        f'ServerName 127.0.0.1\n'
        f'PidFile {tmp_path}/httpd.pid\n'
        f'ErrorLog {tmp_path}/error.log\n'
        f'LoadModule mpm_event_module {APACHE_MODULES}/mod_mpm_event.so\n'
        f'LoadModule authz_core_module {APACHE_MODULES}/mod_authz_core.so\n'
        f'LoadModule wsgi_module {APACHE_MODULES}/mod_wsgi.so\n'
        f'User www-data\nGroup www-data\n'
        f'Include {site}\n')
    apache2 = shutil.which('apache2') or '/usr/sbin/apache2'
    assert os.path.exists(apache2), 'apache2 is not installed'
    return subprocess.run([apache2, '-f', str(httpd_conf), '-t'],
                          capture_output=True, text=True, timeout=30)


def test_shellcheck_is_clean():
    shellcheck = shutil.which('shellcheck')
    assert shellcheck, ('shellcheck is not installed '
                        '(apt-get install shellcheck)')
    proc = subprocess.run(
        [shellcheck, '--shell=bash', '--external-sources',
         *map(str, SCRIPTS), str(HARNESS)],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_scripts_never_kill_by_name():
    pattern = re.compile(r'\b(killall|pkill|kill\s+-9)\b')
    for script in SCRIPTS:
        assert not pattern.search(script.read_text()), script


def test_stack_with_defaults_serves_through_apache_on_9090(tmp_path):
    run = run_plugin(tmp_path, *STACK)

    install = run.phase('stack install')
    assert f'setup_develop {REPO}' in install
    assert 'install_apache_wsgi ' in install
    assert not any(c.startswith('pip_install uwsgi') for c in install)

    conf = run.conf()
    assert conf.get('storage', 'driver') == 'sqlalchemy'
    assert conf.get('database', 'connection') == (
        'mysql+pymysql://root:secret@127.0.0.1/freezer?charset=utf8')
    assert conf.get('DEFAULT', 'auth_strategy') == 'keystone'
    assert conf.get('keystone_authtoken', 'username') == 'freezer'

    site = run.site.read_text()
    assert 'Listen 9090\n' in site
    assert '<VirtualHost *:9090>' in site
    assert 'LimitRequestBody 102400' in site
    assert not re.search(r'%[A-Z_]+%', site), site
    script = re.search(r'WSGIScriptAlias / (\S+)', site).group(1)
    assert script == str(REPO / 'freezer_api' / 'cmd' / 'wsgi.py')
    assert os.path.isfile(script), 'the site points at a missing WSGI file'
    assert f'python-home={tmp_path}/venv' in site
    syntax = apache_syntax_ok(tmp_path, run.site)
    assert syntax.returncode == 0, syntax.stderr

    post = run.phase('stack post-config')
    assert 'create_service_user freezer admin' in post
    assert ('get_or_create_service freezer backup Freezer Backup Service'
            in post)
    url = 'http://127.0.0.1:9090'
    assert (f'get_or_create_endpoint backup RegionOne {url} {url} {url}'
            in post)

    extra = run.phase('stack extra')
    sync = (f'freezer-manage --config-file {run.conf_path} db sync')
    assert extra.index('recreate_database freezer') < extra.index(sync)
    assert extra.index(sync) < extra.index('enable_apache_site freezer-api')
    assert f'wait_for_service 60 {url}' in extra
    assert run.site_link.resolve() == run.site.resolve()


@pytest.mark.parametrize('how', ['environment', 'localrc'])
def test_port_can_be_overridden(tmp_path, how):
    if how == 'environment':
        run = run_plugin(tmp_path, *STACK, env={'FREEZER_API_PORT': '19090'})
    else:
        run = run_plugin(tmp_path, *STACK, localrc='FREEZER_API_PORT=19090\n')
    site = run.site.read_text()
    assert 'Listen 19090\n' in site and '<VirtualHost *:19090>' in site
    url = 'http://127.0.0.1:19090'
    assert (f'get_or_create_endpoint backup RegionOne {url} {url} {url}'
            in run.phase('stack post-config'))
    assert f'wait_for_service 60 {url}' in run.phase('stack extra')


def test_stack_with_uwsgi_runs_the_shipped_ini(tmp_path):
    run = run_plugin(tmp_path, *STACK, env={
        'FREEZER_API_SERVER_TYPE': 'uwsgi', 'FREEZER_API_PORT': '19191'})

    assert 'pip_install uwsgi' in run.phase('stack install')
    assert 'install_apache_wsgi ' not in run.phase('stack install')
    assert not run.site.exists()

    ini = run.conf(run.uwsgi_ini)
    assert ini.get('uwsgi', 'http-socket') == '127.0.0.1:19191'
    assert ini.get('uwsgi', 'module') == 'freezer_api.cmd.wsgi:application'
    assert not ini.has_option('uwsgi', 'callable')
    assert ini.get('uwsgi', 'env') == (
        f'OS_FREEZER_CONFIG_DIR={tmp_path}/etc/freezer')
    assert ini.get('uwsgi', 'pidfile') == (
        f'{tmp_path}/data/freezer-api/uwsgi.pid')
    shipped = run.conf(REPO / 'etc' / 'freezer' / 'uwsgi.ini')
    changed = {'http-socket', 'processes', 'threads', 'pidfile', 'env'}
    for key, value in shipped.items('uwsgi'):
        if key not in changed:
            assert ini.get('uwsgi', key) == value, key

    extra = run.phase('stack extra')
    assert (f'run_process freezer-api {tmp_path}/bin/uwsgi --ini '
            f'{run.uwsgi_ini}') in extra
    assert 'wait_for_service 60 http://127.0.0.1:19191' in extra
    assert not any('apache' in c for c in extra)


def test_elasticsearch_store_needs_no_database(tmp_path):
    run = run_plugin(tmp_path, *STACK, env={
        'FREEZER_BACKEND': 'elasticsearch',
        'FREEZER_ES_HOSTS': 'http://10.0.0.5:9200'})
    conf = run.conf()
    assert conf.get('storage', 'driver') == 'elasticsearch'
    assert conf.get('elasticsearch', 'hosts') == 'http://10.0.0.5:9200'
    assert not conf.has_option('database', 'connection')
    extra = run.phase('stack extra')
    assert not any(c.startswith('recreate_database') for c in extra)
    assert (f'freezer-manage --config-file {run.conf_path} db sync'
            in extra)


def test_sqlite_file_when_devstack_runs_no_database(tmp_path):
    run = run_plugin(tmp_path, *STACK, env={'ENABLED_SERVICES': 'key'})
    assert run.conf().get('database', 'connection') == (
        f'sqlite:///{tmp_path}/data/freezer-api/freezer.sqlite')
    assert not any(c.startswith('recreate_database') for c in run.calls)


def test_bad_settings_stop_the_install(tmp_path):
    run = run_plugin(tmp_path, 'stack install', check=False,
                     env={'FREEZER_API_SERVER_TYPE': 'gunicorn'})
    assert run.proc.returncode != 0
    assert any(c.startswith('die ') and 'gunicorn' in c for c in run.calls)


def test_plugin_does_nothing_when_service_disabled(tmp_path):
    run = run_plugin(tmp_path, 'stack install', localrc=(
        'function enable_service { :; }\n'))
    assert run.calls == ['# phase stack install']


def _decoy(tmp_path):
    """Start a process named uwsgi that the plugin did not start."""
    decoy = tmp_path / 'decoy' / 'uwsgi'
    decoy.parent.mkdir()
    shutil.copy('/bin/sleep', decoy)
    return subprocess.Popen([str(decoy), '300'], start_new_session=True)


@pytest.mark.parametrize('server', ['apache2', 'uwsgi'])
def test_unstack_stops_only_what_it_started(tmp_path, server):
    env = {'FREEZER_API_SERVER_TYPE': server}
    run_plugin(tmp_path, *STACK, env=env)
    decoy = _decoy(tmp_path)
    try:
        run = run_plugin(tmp_path, 'unstack', env=env)
        time.sleep(0.2)
        assert decoy.poll() is None, (
            'unstack killed a process it did not start')
    finally:
        decoy.kill()
        decoy.wait()
    calls = run.phase('unstack')
    assert not any(c.split()[0] in ('kill', 'killall', 'pkill')
                   for c in calls), calls
    if server == 'uwsgi':
        assert calls == ['stop_process freezer-api']
    else:
        assert calls == ['disable_apache_site freezer-api',
                         'restart_apache_server ']
        assert run.site.exists() and not run.site_link.exists()


def test_clean_removes_what_the_plugin_wrote(tmp_path):
    env = {'FREEZER_API_SERVER_TYPE': 'uwsgi'}
    run_plugin(tmp_path, *STACK, env=env)
    other = tmp_path / 'etc' / 'freezer' / 'freezer-scheduler.conf'
    other.write_text('[DEFAULT]\n')
    (tmp_path / 'data' / 'freezer-api' / 'freezer.sqlite').write_text('x')
    run = run_plugin(tmp_path, 'unstack', 'clean', env=env)
    assert not run.conf_path.exists()
    assert not run.uwsgi_ini.exists()
    assert not (tmp_path / 'data' / 'freezer-api').exists()
    assert other.exists(), 'clean removed a file it did not write'

    run = run_plugin(tmp_path / 'apache', *STACK, 'unstack', 'clean')
    assert not run.site.exists() and not run.conf_path.exists()
    assert not (tmp_path / 'apache' / 'etc' / 'freezer').exists()


def test_shipped_apache_site_passes_apache_syntax_check(tmp_path):
    """etc/freezer/apache2-freezer-api.conf with only its paths changed."""
    text = (REPO / 'etc' / 'freezer' / 'apache2-freezer-api.conf').read_text()
    for old, new in [('/opt/freezer-api/.venv', str(tmp_path / 'venv')),
                     ('/var/log/apache2', str(tmp_path))]:
        assert old in text
        text = text.replace(old, new)
    site = tmp_path / 'site.conf'
    site.write_text(text)
    syntax = apache_syntax_ok(tmp_path, site)
    assert syntax.returncode == 0, syntax.stderr
