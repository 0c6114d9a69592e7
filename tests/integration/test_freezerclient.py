"""The real python-freezerclient (from PyPI) driving a real freezer-api.

``freezer-api --config-file F`` processes serve on loopback for this
module:

* development-mode ones (``auth_strategy = noauth``), on SQLite and on each
  Elasticsearch/OpenSearch server the run has (tests/fixtures/search.py),
  driven by the client's Python API through a keystoneauth session with the
  ``noauth`` plugin and a fixed endpoint, as reference C says a test can;
* a Keystone-mode one on SQLite, in front of the real Keystone of
  ``tests/fixtures/keystone.py``, driven by the Python API with real
  password sessions and by the ``freezer`` CLI, which finds the API
  through the Keystone catalog (service type ``backup``).
"""

import contextlib
import json
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import time

from keystoneauth1 import noauth
from keystoneauth1 import session as ks_session
import pytest
import requests
import yaml

from freezerclient import exceptions as fc_exceptions
from freezerclient.v2 import client as fc_client
from tests.fixtures import keystone as ks
from tests.fixtures import stores

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent
READY_TIMEOUT = 60
HOST = socket.gethostname()


# -- the freezer-api process --------------------------------------------------

def sqlite_store(workdir):
    """Config sections of a SQLite store in ``workdir``."""
    return ('[storage]\ndriver = sqlalchemy\n[database]\n'
            'connection = sqlite:///%s\n' % (Path(workdir) / 'freezer.sqlite'))


def search_store(server, index):
    """Config sections of an Elasticsearch/OpenSearch store."""
    return ('[storage]\ndriver = elasticsearch\n[elasticsearch]\n'
            'hosts = %s\nindex = %s\nrefresh_interval = 100ms\n'
            'timeout = 10\nretries = 1\n' % (server.url, index))


class ApiProcess:
    """One ``freezer-api`` process serving a config file of its own."""

    def __init__(self, workdir, auth_strategy, store, extra_conf=''):
        self.workdir = Path(workdir)
        self.port = ks.free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.conf = self.workdir / 'freezer-api.conf'
        self.log = self.workdir / 'freezer-api.log'
        self.conf.write_text(
            '[DEFAULT]\nbind_host = 127.0.0.1\nbind_port = %d\n'
            'auth_strategy = %s\nstate_path = %s\n'
            'graceful_shutdown_timeout = 0\n%s%s'
            % (self.port, auth_strategy, self.workdir, store, extra_conf))
        self.proc = None

    def _script(self, name):
        path = BIN / name
        if not path.is_file():
            pytest.fail('%s is missing: pip install -e . into the test '
                        'environment' % path, pytrace=False)
        return str(path)

    def start(self):
        with open(self.log, 'ab') as out:
            sync = subprocess.run(
                [self._script('freezer-manage'), '--config-file',
                 str(self.conf), 'db', 'sync'], stdout=out,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                timeout=120)
            if sync.returncode:
                pytest.fail('freezer-manage db sync failed:\n%s'
                            % self.tail(), pytrace=False)
            self.proc = subprocess.Popen(
                [self._script('freezer-api'), '--config-file',
                 str(self.conf)], stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail('freezer-api exited %s:\n%s'
                            % (self.proc.returncode, self.tail()),
                            pytrace=False)
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + '/', timeout=2
                                ).status_code == 300:
                    return self
            time.sleep(0.1)
        pytest.fail('freezer-api not ready at %s:\n%s'
                    % (self.url, self.tail()), pytrace=False)

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def tail(self, lines=40):
        try:
            text = self.log.read_text(errors='replace')
        except OSError as exc:
            return str(exc)
        return '\n'.join(text.splitlines()[-lines:])


@contextlib.contextmanager
def running(workdir, auth_strategy, store=None, extra_conf=''):
    api = ApiProcess(workdir, auth_strategy, store or sqlite_store(workdir),
                     extra_conf)
    try:
        yield api.start()
    finally:
        api.stop()


#: The stores the development-mode process runs on: SQLite, and the search
#: servers when tests/fixtures/search.py is loaded and FREEZER_TEST_STORES
#: selects them.
PROCESS_STORES = ['sql'] + [name for name in stores.selected_backends()
                            if name in ('elasticsearch', 'opensearch')]


@pytest.fixture(scope='module', params=PROCESS_STORES)
def noauth_api(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp('fc-noauth-%s' % request.param)
    store = None
    if request.param != 'sql':
        server = request.getfixturevalue('%s_server' % request.param)
        store = search_store(server, 'freezer-fc-%s' % os.getpid())
    with running(workdir, 'noauth', store) as api:
        yield api


@contextlib.contextmanager
def _backup_endpoint(keystone, url):
    """Point the catalog's ``backup`` service at ``url``; restore after."""
    before = keystone._get('/endpoints',
                           service_id=keystone.backup_service_id)
    previous = {e['url'] for e in before['endpoints']}
    keystone.add_backup_endpoint(url)
    try:
        yield
    finally:
        if len(previous) == 1:
            keystone.add_backup_endpoint(previous.pop())


@pytest.fixture(scope='module')
def ks_freezer_api(keystone, tmp_path_factory):
    options = ''.join('%s = %s\n' % item
                      for item in keystone.authtoken_options().items())
    with running(tmp_path_factory.mktemp('fc-keystone'), 'keystone',
                 extra_conf='[keystone_authtoken]\n' + options) as api:
        with _backup_endpoint(keystone, api.url):
            yield api


# -- documents a user would write ---------------------------------------------

def client_info(client_id, hostname=HOST, **extra):
    doc = {'client_id': client_id, 'hostname': hostname,
           'description': 'freezerclient test client'}
    doc.update(extra)
    return doc


def job_doc(name, client_id=None, **extra):
    doc = {'description': name,
           'job_actions': [{'freezer_action': {
               'action': 'backup', 'mode': 'fs', 'backup_name': name,
               'container': 'box', 'path_to_backup': '/srv/' + name,
               'storage': 'swift'}, 'max_retries': 2,
               'max_retries_interval': 5}],
           'job_schedule': {'schedule_interval': '1 days',
                            'schedule_start_date': '2030-01-01T00:00:00'}}
    if client_id:
        doc['client_id'] = client_id
    doc.update(extra)
    return doc


def backup_metadata(name, job_id='', **extra):
    doc = {'container': 'box', 'hostname': HOST, 'backup_name': name,
           'time_stamp': int(time.time()), 'curr_backup_level': 0,
           'path_to_backup': '/srv/' + name, 'job_id': job_id,
           'mode': 'fs', 'storage': 'swift'}
    doc.update(extra)
    return doc


# -- the Python API in development mode (no Keystone) -------------------------

def test_python_api_with_noauth_session_and_fixed_endpoint(noauth_api):
    session = ks_session.Session(auth=noauth.NoAuth())
    client = fc_client.Client(session=session, endpoint=noauth_api.url,
                              project_id='dev-project')
    client_id = 'dev-project_' + HOST
    assert client.clients.create(client_info(client_id)) == client_id
    # A restarting scheduler registers again: success, one record.
    assert client.clients.create(client_info(
        client_id, description='restarted')) == client_id
    (listed,) = client.clients.list()
    assert listed['client']['description'] == 'restarted'

    job_id = client.jobs.create(job_doc('dev-job', client_id))
    job = client.jobs.get(job_id)
    assert job['project_id'] == 'dev-project'
    assert [j['job_id'] for j in client.jobs.list(client_id=client_id)] == \
        [job_id]
    assert client.jobs.start_job(job_id) == {'result': 'success'}
    assert client.jobs.start_job(job_id) == {
        'result': 'start already requested'}
    backup_id = client.backups.create(backup_metadata('dev', job_id))
    assert client.backups.get(backup_id)['backup_metadata']['job_id'] == \
        job_id
    client.backups.delete(backup_id)
    assert client.backups.get(backup_id) is None
    client.jobs.delete(job_id)
    assert client.jobs.get(job_id) is None
    client.clients.delete(client_id)
    assert client.clients.list() == []
    # The documents lived in the URL's project, nowhere else.
    other = fc_client.Client(session=session, endpoint=noauth_api.url,
                             project_id='another-project')
    assert other.jobs.list_all() == []


def test_python_api_endpoint_with_v2_prefix_is_not_supported_silently(
        noauth_api):
    """An endpoint ending in /v2 makes the client drop the project id;
    the service answers 404 rather than guessing a project.
    """
    session = ks_session.Session(auth=noauth.NoAuth())
    client = fc_client.Client(session=session,
                              endpoint=noauth_api.url + '/v2',
                              project_id='dev-project')
    with pytest.raises(fc_exceptions.ApiClientException) as err:
        client.backups.list()
    assert err.value.status_code == 404


# -- the Python API with real Keystone sessions -------------------------------

def _client(keystone, api, user):
    return fc_client.Client(session=keystone.session(user), endpoint=api.url)


def test_python_api_full_round_as_a_project_member(keystone, ks_freezer_api):
    client = _client(keystone, ks_freezer_api, 'member_a')
    project = keystone.project_id('project-a')
    assert client.project_id == project
    assert client.client_id == '%s_%s' % (project, HOST)
    assert client.clients.create(client_info(client.client_id)) == \
        client.client_id

    # jobs.create fills in the caller's own client_id.
    job_id = client.jobs.create(job_doc('ks-job'))
    job = client.jobs.get(job_id)
    assert job['client_id'] == client.client_id
    assert job['user_id'] == keystone.user('member_a').id
    assert job['project_id'] == project
    assert job_id in [j['job_id'] for j in client.jobs.list()]
    assert client.jobs.update(job_id, {'description': 'renamed'}) >= 0
    job = client.jobs.get(job_id)
    assert job['description'] == 'renamed'
    assert job['job_schedule']['schedule_interval'] == '1 days'
    for call, event in [(client.jobs.start_job, 'start'),
                        (client.jobs.stop_job, 'stop'),
                        (client.jobs.abort_job, 'abort')]:
        assert call(job_id) == {'result': 'success'}
        assert client.jobs.get(job_id)['job_schedule']['event'] == event

    action_id = client.actions.create({'freezer_action': {
        'action': 'backup', 'mode': 'fs', 'backup_name': 'a',
        'container': 'c'}, 'max_retries': 3})
    assert client.actions.update(action_id, {'max_retries': 4}) >= 0
    assert client.actions.get(action_id)['max_retries'] == 4

    session_id = client.sessions.create({'description': 's',
                                         'hold_off': 60, 'schedule': {}})
    client.sessions.add_job(session_id, job_id)
    started = client.sessions.start_session(session_id, job_id, 0)
    assert started == {'result': 'success', 'session_tag': 1}
    ended = client.sessions.end_session(session_id, job_id, 1, 'success')
    assert ended['result'] == 'success'
    session = client.sessions.get(session_id)
    assert (session['status'], session['result']) == ('completed',
                                                      'success')
    client.sessions.remove_job(session_id, job_id)
    assert client.sessions.get(session_id)['jobs'] == {}

    backup_id = client.backups.create(backup_metadata('ks', job_id,
                                                      status='creating'))
    updated = client.backups.update(backup_id, {
        'status': 'available', 'backup_metadata': {'level': 1}})
    assert updated['status'] == 'available'
    assert updated['backup_metadata']['level'] == 1
    assert updated['backup_metadata']['backup_name'] == 'ks'
    assert [b['backup_id'] for b in client.backups.list(
        search={'match': [{'job_id': job_id}]})] == [backup_id]

    # A teammate sees the project's documents; another project does not.
    teammate = _client(keystone, ks_freezer_api, 'member_a2')
    assert teammate.jobs.get(job_id)['description'] == 'renamed'
    outsider = _client(keystone, ks_freezer_api, 'member_b')
    assert outsider.jobs.get(job_id) is None
    assert outsider.backups.get(backup_id) is None
    assert job_id not in [j['job_id'] for j in outsider.jobs.list_all()]
    with pytest.raises(fc_exceptions.ApiClientException) as err:
        outsider.jobs.delete(job_id)
    assert err.value.status_code == 404
    # Another project registering the same client_id gets its own client;
    # this project's registration is untouched.
    mine = client.clients.get(client.client_id)
    assert outsider.clients.create(
        dict(client_info(client.client_id), description='theirs')
    ) == client.client_id
    assert outsider.clients.get(client.client_id)['client'][
        'description'] == 'theirs'
    assert client.clients.get(client.client_id) == mine
    outsider.clients.delete(client.client_id)
    assert client.clients.get(client.client_id) == mine

    client.backups.delete(backup_id)
    client.sessions.delete(session_id)
    client.actions.delete(action_id)
    client.jobs.delete(job_id)
    client.clients.delete(client.client_id)
    assert client.jobs.get(job_id) is None
    assert client.clients.get(client.client_id) is None


def test_python_api_reports_errors_with_their_description(keystone,
                                                          ks_freezer_api):
    client = _client(keystone, ks_freezer_api, 'member_a')
    with pytest.raises(fc_exceptions.ApiClientException) as err:
        client.jobs.create(job_doc('orphan', 'no-such-client'))
    assert err.value.status_code == 422
    assert 'no-such-client' in str(err.value)
    reader = _client(keystone, ks_freezer_api, 'reader_a')
    with pytest.raises(fc_exceptions.ApiClientException) as err:
        reader.backups.create(backup_metadata('nope'))
    assert err.value.status_code == 403


def test_python_api_on_another_projects_url_is_403(keystone,
                                                   ks_freezer_api):
    intruder = fc_client.Client(session=keystone.session('member_b'),
                                endpoint=ks_freezer_api.url,
                                project_id=keystone.project_id('project-a'))
    with pytest.raises(fc_exceptions.ApiClientException) as err:
        intruder.backups.list()
    assert err.value.status_code == 403
    with pytest.raises(fc_exceptions.ApiClientException) as err:
        intruder.backups.create(backup_metadata('intruder'))
    assert err.value.status_code == 403
    owner = _client(keystone, ks_freezer_api, 'member_a')
    assert 'intruder' not in [b['backup_metadata']['backup_name']
                              for b in owner.backups.list(limit=100)]


def test_python_api_finds_the_endpoint_in_the_catalog(keystone,
                                                      ks_freezer_api):
    client = fc_client.Client(session=keystone.session('member_b'))
    assert client.endpoint == ks_freezer_api.url
    assert isinstance(client.backups.list(), list)


# -- the freezer CLI ----------------------------------------------------------

class Cli:
    """Runs ``freezer`` as a user would, with OS_* settings for a user."""

    def __init__(self, keystone, user, workdir):
        account = keystone.user(user)
        self.workdir = Path(workdir)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith('OS_')}
        self.env.update(
            OS_AUTH_URL=keystone.auth_url, OS_USERNAME=account.name,
            OS_PASSWORD=account.password, OS_PROJECT_NAME=account.project,
            OS_USER_DOMAIN_ID=ks.DOMAIN, OS_PROJECT_DOMAIN_ID=ks.DOMAIN,
            OS_IDENTITY_API_VERSION='3', OS_BACKUP_API_VERSION='2')
        self.binary = str(BIN / 'freezer')
        if not Path(self.binary).is_file():
            pytest.fail('%s is missing: python-freezerclient is in '
                        'test-requirements.txt' % self.binary,
                        pytrace=False)
        self.timings = []

    def run(self, *args, expect=0):
        started = time.monotonic()
        proc = subprocess.run([self.binary, *map(str, args)], env=self.env,
                              capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
        self.timings.append((args[0], time.monotonic() - started))
        assert proc.returncode == expect, (args, proc.stdout, proc.stderr)
        # NOTE: on failure cliff prints the error on stderr.
        return proc.stdout if expect == 0 else proc.stdout + proc.stderr

    def json(self, *args):
        return json.loads(self.run(*args, '-f', 'json'))

    def yaml(self, *args):
        """For listings holding datetimes, which cliff's JSON formatter
        cannot print (a client bug: ``backup-list -f json`` exits 1).
        """
        return yaml.safe_load(self.run(*args, '-f', 'yaml'))

    def file(self, name, doc):
        path = self.workdir / name
        path.write_text(json.dumps(doc))
        return path


@pytest.fixture(scope='module')
def cli(keystone, ks_freezer_api, tmp_path_factory):
    runner = Cli(keystone, 'member_a', tmp_path_factory.mktemp('fc-cli'))
    yield runner
    total = sum(t for _, t in runner.timings)
    sys.stderr.write('\nfreezer CLI: %d commands in %.1fs\n'
                     % (len(runner.timings), total))


def _by_id(rows, column, value):
    found = [r for r in rows if r[column] == value]
    assert len(found) == 1, (value, rows)
    return found[0]


def test_cli_clients(cli, keystone):
    client_id = '%s_cli-clients' % keystone.project_id('project-a')
    shown = cli.json('client-register', '--file',
                     cli.file('client.json',
                              client_info(client_id, 'cli-clients')))
    assert shown['Client ID'] == client_id
    assert shown['hostname'] == 'cli-clients'
    assert shown['Client UUID']
    row = _by_id(cli.json('client-list'), 'Client ID', client_id)
    assert row['hostname'] == 'cli-clients'
    assert cli.json('client-show', client_id)['description'] == \
        'freezerclient test client'
    cli.run('client-delete', client_id)
    assert client_id not in [r['Client ID']
                             for r in cli.json('client-list')]
    assert 'not found' in cli.run('client-show', client_id, expect=1)


def test_cli_actions(cli):
    created = cli.json('action-create', '--file', cli.file(
        'action.json', {'freezer_action': {
            'action': 'backup', 'mode': 'fs', 'backup_name': 'cli-action',
            'container': 'cli-box', 'path_to_backup': '/etc',
            'storage': 'local'}, 'max_retries': 4}))
    action_id = created['Action ID']
    assert created['Name'] == 'cli-action'
    assert created['Max_retries'] == 4
    row = _by_id(cli.json('action-list'), 'Action ID', action_id)
    assert row['Storage'] == 'local'
    assert cli.json('action-show', action_id)['Container'] == 'cli-box'
    updated = cli.json('action-update', action_id, cli.file(
        'action-patch.json', {'freezer_action': {'backup_name': 'renamed'},
                              'max_retries': 7}))
    assert updated['Name'] == 'renamed'
    assert updated['Max_retries'] == 7
    assert updated['Container'] == 'cli-box'
    cli.run('action-delete', action_id)
    assert action_id not in [r['Action ID']
                             for r in cli.json('action-list')]


@pytest.fixture(scope='module')
def cli_client(cli, keystone):
    client_id = '%s_cli-jobs' % keystone.project_id('project-a')
    cli.json('client-register', '--file', cli.file(
        'jobs-client.json', client_info(client_id, 'cli-jobs')))
    return client_id


def _job_event(cli, job_id):
    return cli.json('job-show', job_id)['Event']


def test_cli_jobs(cli, cli_client):
    shown = cli.json('job-create', '--file',
                     cli.file('job.json', job_doc('cli-job')),
                     '--client', cli_client)
    job_id = shown['Job ID']
    assert shown['Client ID'] == cli_client
    assert shown['Interval'] == '1 days'
    row = _by_id(cli.json('job-list'), 'Job ID', job_id)
    assert row['Description'] == 'cli-job'
    assert row['# Actions'] == 1
    assert [r['Job ID'] for r in cli.json('job-list', '--client',
                                          cli_client)] == [job_id]
    assert cli.json('job-list', '--client', 'nobody_else') == [
        {'Job ID': '', 'Description': '', '# Actions': '', 'Result': '',
         'Status': '', 'Event': '', 'Session ID': ''}]
    for command, event in [('job-start', 'start'), ('job-stop', 'stop'),
                           ('job-abort', 'abort')]:
        assert cli.run(command, job_id) == ''
        assert _job_event(cli, job_id) == event
    # job-get prints the whole document (Python repr, pretty-printed).
    got = cli.run('job-get', job_id, '--no-format')
    assert "'job_id': '%s'" % job_id in got
    assert "'client_id': '%s'" % cli_client in got
    updated = cli.json('job-update', job_id, cli.file(
        'job-patch.json', {'description': 'cli-job-renamed'}))
    assert updated['Description'] == 'cli-job-renamed'
    # NOTE: upstream's SQL store lost the schedule on such a PATCH.
    assert updated['Interval'] == '1 days'
    assert updated['Event'] == 'abort'
    cli.run('job-delete', job_id)
    assert job_id not in [r['Job ID'] for r in cli.json('job-list')]
    cli.run('job-show', job_id, expect=1)


def test_cli_sessions(cli, cli_client):
    job_id = cli.json('job-create', '--file',
                      cli.file('session-job.json', job_doc('sess-job')),
                      '--client', cli_client)['Job ID']
    created = cli.json('session-create', '--file', cli.file(
        'session.json', {'description': 'cli-session', 'hold_off': 60,
                         'schedule': {'schedule_interval': '2 days'}}))
    session_id = created['Session ID']
    assert created['Session tag'] == 0
    assert created['Status'] == 'active'
    cli.run('session-add-job', '--session-id', session_id,
            '--job-id', job_id)
    row = _by_id(cli.json('session-list'), 'Session ID', session_id)
    assert row['# Jobs'] == 1
    job = cli.json('job-show', job_id)
    assert job['Session ID'] == session_id
    assert job['Interval'] == '2 days'
    updated = cli.json('session-update', session_id, cli.file(
        'session-patch.json', {'description': 'cli-session-renamed'}))
    assert updated['Description'] == 'cli-session-renamed'
    assert updated['Hold off'] == 60
    cli.run('session-start', '--session-id', session_id, '--job-id', job_id,
            '--job-tag', 0)
    shown = cli.json('session-show', session_id)
    assert shown['Session tag'] == 1
    assert shown['Status'] == 'running'
    cli.run('session-remove-job', '--session-id', session_id,
            '--job-id', job_id)
    assert _by_id(cli.json('session-list'), 'Session ID',
                  session_id)['# Jobs'] == 0
    assert cli.json('job-show', job_id)['Event'] == 'stop'
    cli.run('session-delete', session_id)
    assert session_id not in [r['Session ID']
                              for r in cli.json('session-list')]
    cli.run('job-delete', job_id)


def test_cli_backups(cli, keystone, ks_freezer_api):
    client = _client(keystone, ks_freezer_api, 'member_a')
    ids = [client.backups.create(backup_metadata(
        'cli-backup-%d' % i, curr_backup_level=i)) for i in range(2)]
    created = cli.json('backup-create', '--file', cli.file(
        'backup.json', backup_metadata('cli-backup-2', curr_backup_level=2,
                                       status='creating')))
    assert created['Status'] == 'creating'
    assert created['Project ID'] == keystone.project_id('project-a')
    ids.append(next(b['backup_id'] for b in client.backups.list(
        search={'match': [{'backup_name': 'cli-backup-2'}]})))
    rows = cli.yaml('backup-list')
    for level, backup_id in enumerate(ids):
        row = _by_id(rows, 'Backup ID', backup_id)
        assert row['Hostname'] == HOST
        assert row['Level'] == level
        assert row['Path'] == '/srv/cli-backup-%d' % level
    shown = cli.json('backup-show', ids[0])
    assert shown['Project ID'] == keystone.project_id('project-a')
    assert shown['User ID'] == keystone.user('member_a').id
    assert 'cli-backup-0' in shown['Metadata']
    for backup_id in ids:
        cli.run('backup-delete', backup_id)
    remaining = [r['Backup ID'] for r in cli.yaml('backup-list')]
    assert not set(ids) & set(remaining)
    cli.run('backup-show', ids[0], expect=1)


def test_cli_delete_of_an_unknown_document_fails_with_the_404(cli):
    """Upstream answered 204 for any id; here an unknown id is 404, which
    the CLI reports with the API's description and exit status 1.
    """
    out = cli.run('client-delete', 'nobody_nowhere', expect=1)
    assert 'Error 404' in out
    assert 'nobody_nowhere' in out
    out = cli.run('job-delete', 'f' * 32, expect=1)
    assert 'Error 404' in out


def test_cli_with_wrong_password_fails_cleanly(cli):
    bad = dict(cli.env, OS_PASSWORD='wrong')
    proc = subprocess.run([cli.binary, 'client-list'], env=bad,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
