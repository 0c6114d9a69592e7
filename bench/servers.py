"""The services under test, each under uWSGI the same way, on loopback.

``ours``: this repository's ``freezer_api.cmd.wsgi:application`` with
``$OS_FREEZER_CONFIG_DIR/freezer-api.conf`` (noauth, SQLite or
Elasticsearch).

``upstream``: freezer-api from PyPI in its own virtualenv
(``.cache/venvs/upstream``), SQL backend on SQLite, ``freezer_api.wsgi:
application`` with ``--config-file`` as its ``sys.argv``. Upstream's paste
pipeline has no working no-auth mode, so the benchmark writes a copy of its
shipped ``freezer-paste.ini`` whose ``[pipeline:api]`` drops ``authtoken``
and nothing else: ``http_proxy_to_wsgi versionsNegotiator context
backupapp``. Upstream's ``ContextMiddleware`` then reads the identity
headers that auth_token would have set (``X-Identity-Status: Confirmed``,
``X-User-Id``, ``X-Project-Id``, ``X-Roles``); the load generator sends
them on every request, to both services alike.
"""

import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import time

from bench import loadgen

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / '.cache'
UPSTREAM_VENV = CACHE / 'venvs' / 'upstream'


def free_port():
    """A free loopback port below the ephemeral range."""
    for port in range(21000, 32000, 7):
        with socket.socket() as sock:
            try:
                sock.bind(('127.0.0.1', port))
                sock.listen(1)
            except OSError:
                continue
            return port
    raise RuntimeError('no free port below 32000')


def ensure_upstream_venv(log):
    """Create ``.cache/venvs/upstream`` with freezer-api and uwsgi.

    Idempotent.
    """
    marker = UPSTREAM_VENV / '.installed'
    if marker.exists():
        return UPSTREAM_VENV
    log('installing upstream freezer-api from PyPI into %s' % UPSTREAM_VENV)
    subprocess.run([sys.executable, '-m', 'venv', str(UPSTREAM_VENV)],
                   check=True)
    subprocess.run([str(UPSTREAM_VENV / 'bin' / 'pip'), 'install', '-q',
                    'freezer-api', 'uwsgi'], check=True)
    marker.write_text('freezer-api uwsgi\n')
    return UPSTREAM_VENV


def write_ours_conf(workdir, driver='sqlalchemy', es_hosts=None,
                    es_index=None):
    confdir = workdir / 'etc'
    confdir.mkdir(parents=True, exist_ok=True)
    lines = ['[DEFAULT]', 'auth_strategy = noauth',
             'state_path = %s' % workdir, 'use_stderr = true', '',
             '[storage]', 'driver = %s' % driver, '',
             '[database]',
             'connection = sqlite:///%s' % (workdir / 'freezer.sqlite'), '']
    if driver == 'elasticsearch':
        lines += ['[elasticsearch]', 'hosts = %s' % es_hosts,
                  'index = %s' % es_index, '']
    (confdir / 'freezer-api.conf').write_text('\n'.join(lines))
    return confdir


def write_upstream_conf(workdir, venv):
    confdir = workdir / 'etc'
    confdir.mkdir(parents=True, exist_ok=True)
    shipped = (venv / 'etc' / 'freezer' / 'freezer-paste.ini').read_text()
    old = ('pipeline = http_proxy_to_wsgi versionsNegotiator authtoken '
           'context backupapp')
    if old not in shipped:
        raise RuntimeError('upstream freezer-paste.ini changed; cannot '
                           'drop authtoken from [pipeline:api]')
    paste = confdir / 'freezer-paste.ini'
    paste.write_text(shipped.replace(old, old.replace(' authtoken', '')))
    conf = confdir / 'freezer-api.conf'
    conf.write_text('\n'.join([
        '[DEFAULT]', 'use_stderr = true', '',
        '[storage]', 'driver = sqlalchemy', 'backend = sqlalchemy', '',
        '[database]',
        'connection = sqlite:///%s' % (workdir / 'upstream.sqlite'), '',
        '[paste_deploy]', 'config_file = %s' % paste, '']))
    return conf


class Server:
    """One uWSGI master with its workers."""

    def __init__(self, name, workdir, proc, port, log_path):
        self.name = name
        self.workdir = workdir
        self.proc = proc
        self.port = port
        self.log_path = log_path

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.port

    def worker_pids(self):
        pids = []
        for line in self.log_path.read_text(errors='replace').splitlines():
            if 'spawned uWSGI worker' in line:
                pids.append(int(line.split('pid: ')[1].split(',')[0]
                                .split(')')[0]))
        return pids

    def rss(self):
        """``{pid: (VmRSS, VmHWM, Pss)}`` of the live workers, in MiB."""
        out = {}
        for pid in self.worker_pids():
            try:
                text = Path('/proc/%d/status' % pid).read_text()
                text += Path('/proc/%d/smaps_rollup' % pid).read_text()
            except OSError:
                continue
            fields = dict(line.split(':', 1) for line in text.splitlines()
                          if ':' in line)
            out[pid] = tuple(int(fields[k].split()[0]) / 1024.0
                             for k in ('VmRSS', 'VmHWM', 'Pss'))
        return out

    def pids(self):
        """The master and every process it spawned (workers, router)."""
        master = self.proc.pid
        try:
            children = Path('/proc/%d/task/%d/children' % (master, master)
                            ).read_text().split()
        except OSError:
            children = []
        return [master] + [int(c) for c in children]

    def cpu_seconds(self):
        """User + system CPU seconds used so far by ``pids()``."""
        tick = os.sysconf('SC_CLK_TCK')
        total = 0.0
        for pid in self.pids():
            try:
                fields = Path('/proc/%d/stat' % pid).read_text().rsplit(
                    ')', 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self):
        if self.proc.poll() is None:
            # NOTE: die-on-term is set, so SIGTERM stops master and workers.
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


def uwsgi_args(port, mode, workdir):
    """The uWSGI options both services get: 2 processes x 2 threads."""
    if mode == 'http':
        # NOTE: the HTTP router keeps the 16 client connections alive and
        # hands each request to a free worker thread.
        listen = ['--http', '127.0.0.1:%d' % port, '--http-keepalive',
                  '--http-timeout', '30']
    else:
        listen = ['--http11-socket', '127.0.0.1:%d' % port]
    return listen + [
        '--master', '--processes', '2', '--threads', '2',
        '--enable-threads', '--lazy-apps', '--thunder-lock',
        '--die-on-term', '--need-app', '--strict', '--buffer-size', '65535',
        '--listen', '128', '--disable-logging',
        '--pidfile', str(workdir / 'uwsgi.pid')]


def _start(name, workdir, argv, env, port, log):
    log_path = workdir / 'uwsgi.log'
    with open(log_path, 'wb') as out:
        proc = subprocess.Popen(argv, cwd=workdir, env=env,
                                stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = Server(name, workdir, proc, port, log_path)
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError('%s exited: see %s' % (name, log_path))
        try:
            conn = loadgen.Connection('127.0.0.1', port, {}, timeout=2)
            conn.request('GET', '/')
            conn.close()
            if len(server.worker_pids()) >= 2:
                log('%s ready on %s (master pid %d, workers %s)'
                    % (name, server.url, proc.pid, server.worker_pids()))
                return server
        except (OSError, loadgen.HttpError):
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError('%s did not answer within 120 s: see %s'
                       % (name, log_path))


def start_ours(workdir, mode, log, driver='sqlalchemy', es_hosts=None,
               es_index=None):
    confdir = write_ours_conf(workdir, driver, es_hosts, es_index)
    py = Path(sys.executable)
    env = dict(os.environ, OS_FREEZER_CONFIG_DIR=str(confdir),
               PYTHONPATH=str(REPO))
    subprocess.run([str(py.parent / 'freezer-manage'), '--config-file',
                    str(confdir / 'freezer-api.conf'), 'db', 'sync'],
                   check=True, env=env, capture_output=True)
    port = free_port()
    argv = [str(py.parent / 'uwsgi'), *uwsgi_args(port, mode, workdir),
            '--module', 'freezer_api.cmd.wsgi:application',
            '--env', 'OS_FREEZER_CONFIG_DIR=%s' % confdir]
    return _start('ours-%s' % driver, workdir, argv, env, port, log)


def start_upstream(workdir, mode, log):
    venv = ensure_upstream_venv(log)
    conf = write_upstream_conf(workdir, venv)
    env = {k: v for k, v in os.environ.items()
           if k not in ('PYTHONPATH', 'VIRTUAL_ENV', 'OS_FREEZER_CONFIG_DIR')}
    subprocess.run([str(venv / 'bin' / 'freezer-manage'), '--config-file',
                    str(conf), 'db', 'sync'], check=True, env=env,
                   capture_output=True)
    port = free_port()
    argv = [str(venv / 'bin' / 'uwsgi'), *uwsgi_args(port, mode, workdir),
            '--virtualenv', str(venv),
            '--module', 'freezer_api.wsgi:application',
            '--pyargv', '--config-file %s' % conf]
    return _start('upstream', workdir, argv, env, port, log)
