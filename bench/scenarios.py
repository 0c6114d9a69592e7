"""The scenarios, over HTTP on the v2 API that both services speak.

Every scenario is a closed loop of *steps* on 16 threads; a step is one
request, except the session cycle (create, add job, start, end: four
requests, counted as one cycle). Identity goes in the headers that
keystonemiddleware would set (see ``servers``).
"""

import random
import time
import uuid

from bench import loadgen
from bench.loadgen import expect

PROJECT = 'bench' + uuid.uuid4().hex[:27]
BIG_PROJECT = 'big' + uuid.uuid4().hex[:29]
USER = 'benchuser' + uuid.uuid4().hex[:23]


#: Scenario key (``--scenarios``) -> the title its results carry.
TITLES = {
    'post_backup': 'POST backup', 'get_by_id': 'GET backup by id',
    'list_100': 'list 100 backups', 'post_job': 'POST job',
    'job_poll': 'job poll (scheduler)', 'job_patch': 'job PATCH (scheduler)',
    'session_cycle': 'session cycle (4 req)',
}


def page_name(which, big):
    """Name of the paging scenario: 'page first of 50k'."""
    size = '%dk' % (big // 1000) if big % 1000 == 0 else str(big)
    return 'page %s of %s' % (which, size)


#: The microversion whose lists take ``marker`` (the v3 requests).
MARKER_VERSION = {'OpenStack-API-Version': 'backup 3.10'}


def marker_name(which, big):
    """Name of a marker paging scenario: 'page last of 50k by marker'."""
    return page_name(which, big) + ' by marker'


def identity(project):
    return {'X-Identity-Status': 'Confirmed', 'X-User-Id': USER,
            'X-User-Name': 'bench', 'X-Project-Id': project,
            'X-Roles': 'admin,member,reader', 'Accept': 'application/json'}


def backup_body(i, host='bench-host'):
    """Backup metadata as freezer-agent posts it (about 0.5 KiB)."""
    now = int(time.time())
    return {
        'container': 'freezer_backups', 'hostname': host,
        'backup_name': 'bench-backup-%d' % (i % 50),
        'time_stamp': now - i, 'level': i % 5, 'max_level': 5,
        'mode': 'fs', 'fs_real_path': '/var/lib/data',
        'vol_snap_path': '/var/lib/data', 'total_broken_links': 0,
        'total_fs_files': 1200 + i % 100, 'total_directories': 40,
        'backup_size_uncompressed': 12345678, 'backup_size_compressed':
        2345678, 'compression': 'gzip', 'encrypted': False,
        'client_os': 'linux', 'client_version': '19.0.0',
        'storage': 'swift', 'engine_name': 'tar', 'curr_backup_level': 0,
        'consistency_checksum': uuid.uuid4().hex, 'status': 'available',
        'job_id': 'bench-job',
    }


def client_body(client_id, host):
    return {'client_id': client_id, 'hostname': host,
            'description': 'benchmark agent',
            'supported_actions': ['backup', 'restore', 'info', 'admin'],
            'supported_modes': ['fs', 'mysql', 'mongo', 'sqlserver',
                                'cinder', 'cindernative', 'nova', 'glance'],
            'supported_storages': ['swift', 'local', 'ssh', 's3'],
            'supported_engines': ['tar', 'rsync', 'rsyncv2', 'nova',
                                  'osbrick', 'glance']}


def job_body(client_id, i):
    return {
        'client_id': client_id, 'description': 'bench job %d' % i,
        'job_schedule': {'schedule_interval': '1 days'},
        'job_actions': [
            {'freezer_action': {'action': 'backup', 'mode': 'fs',
                                'path_to_backup': '/var/lib/data',
                                'backup_name': 'bench-%d' % (i % 50),
                                'container': 'freezer_backups',
                                'storage': 'swift'},
             'max_retries': 3, 'max_retries_interval': 60,
             'mandatory': False}],
    }


class Thread:
    """Per-thread state: a connection and whatever ids the thread owns."""

    def __init__(self, url, project=PROJECT):
        host, port = url.split('//')[1].split(':')
        self.conn = loadgen.Connection(host, int(port), identity(project))
        self.project = project
        self.ids = []
        self.i = 0

    def close(self):
        self.conn.close()

    def call(self, method, path, body=None):
        return self.conn.request(method, '/v2/%s%s' % (self.project, path),
                                 body)

    def call_v3(self, path):
        """GET ``path`` of v3 at the marker microversion; the decoded
        body.
        """
        return expect(self.conn.request(
            'GET', '/v3/%s%s' % (self.project, path),
            headers=MARKER_VERSION), 200)


class Bench:
    """Runs every scenario against one service at ``url``."""

    def __init__(self, url, clients, duration, log, big_backups=50000,
                 server_cpu=None):
        self.server_cpu = server_cpu
        self.url = url
        self.clients = clients
        self.duration = duration
        self.log = log
        self.big_backups = big_backups
        self.backup_ids = []
        self.poll_clients = []   # (client_id, [job ids]) per thread
        self.walked = None       # the big project's ids, in marker order

    def thread(self, project=PROJECT):
        return Thread(self.url, project)

    def run(self, name, make_state, step, **kw):
        kw.setdefault('clients', self.clients)
        kw.setdefault('duration', self.duration)
        server_before = self.server_cpu() if self.server_cpu else 0.0
        client_before = time.process_time()
        result = loadgen.run(name, make_state, step, **kw)
        steps = max(result.total_steps, 1)
        result.client_cpu_ms = (time.process_time() - client_before
                                ) * 1000 / steps
        if self.server_cpu:
            result.server_cpu_ms = (self.server_cpu() - server_before
                                    ) * 1000 / steps
        self.log('  %-22s %8.1f/s  p50 %7.2f ms  p99 %7.2f ms  errors %d %s'
                 ' CPU ms/step server %.2f client %.2f'
                 % (name, result.rate, result.percentile(50),
                    result.percentile(99), result.errors,
                    dict(result.error_kinds) or '', result.server_cpu_ms,
                    result.client_cpu_ms))
        return result

    # -- setup ------------------------------------------------------------

    def register_clients(self):
        one = self.thread()
        for k in range(self.clients):
            host = 'poll-host-%d' % k
            client_id = '%s_%s' % (PROJECT, host)
            expect(one.call('POST', '/clients', client_body(client_id,
                                                            host)), 201)
            jobs = [expect(one.call('POST', '/jobs', job_body(client_id, j)),
                           201)['job_id'] for j in range(4)]
            # NOTE: one completed job per client, which the poll excludes.
            expect(one.call('PATCH', '/jobs/%s' % jobs[-1], {
                'job_schedule': {'status': 'completed', 'result':
                                 'success', 'event': ''}}), 200)
            self.poll_clients.append((client_id, jobs[:-1]))
        host = 'post-host'
        self.post_client = '%s_%s' % (PROJECT, host)
        expect(one.call('POST', '/clients', client_body(self.post_client,
                                                        host)), 201)
        one.close()

    def seed_backups(self, n):
        """Create ``n`` backups for the scenarios that read them."""
        one = self.thread()
        for i in range(n):
            self.backup_ids.append(expect(one.call(
                'POST', '/backups', backup_body(i)), 201)['backup_id'])
        one.close()

    # -- scenarios --------------------------------------------------------

    def post_backup(self):
        ids = self.backup_ids

        def step(t):
            t.i += 1
            ids.append(expect(t.call('POST', '/backups', backup_body(t.i)),
                              201)['backup_id'])
        return self.run(TITLES['post_backup'], lambda i: self.thread(), step)

    def get_by_id(self):
        ids = self.backup_ids[:5000]

        def step(t):
            expect(t.call('GET', '/backups/%s' % random.choice(ids)), 200)
        return self.run(TITLES['get_by_id'], lambda i: self.thread(), step)

    def list_100(self):
        def step(t):
            found = expect(t.call('GET', '/backups?limit=100'), 200)
            if len(found['backups']) != 100:
                raise loadgen.StepFailed('short page')
        return self.run(TITLES['list_100'], lambda i: self.thread(), step)

    def post_job(self):
        def step(t):
            t.i += 1
            expect(t.call('POST', '/jobs', job_body(self.post_client, t.i)),
                   201)
        return self.run(TITLES['post_job'], lambda i: self.thread(), step)

    def _poll_state(self, i):
        t = self.thread()
        t.client_id, t.ids = self.poll_clients[i % len(self.poll_clients)]
        return t

    def job_poll(self):
        def step(t):
            found = expect(t.call('GET', '/jobs?limit=10&offset=0', {
                'match_not': [{'status': 'completed'}],
                'match': [{'client_id': t.client_id}]}), 200)
            if len(found['jobs']) != len(t.ids):
                raise loadgen.StepFailed('poll found %d jobs, not %d'
                                         % (len(found['jobs']), len(t.ids)))
        return self.run(TITLES['job_poll'], self._poll_state, step)

    def job_patch(self):
        def step(t):
            t.i += 1
            expect(t.call('PATCH', '/jobs/%s' % t.ids[t.i % len(t.ids)], {
                'job_schedule': {'status': ('scheduled', 'running')[t.i % 2],
                                 'event': '', 'result': ''}}), 200)
        return self.run(TITLES['job_patch'], self._poll_state, step)

    def session_cycle(self):
        def step(t):
            job_id = t.ids[0]
            sid = expect(t.call('POST', '/sessions', {
                'description': 'bench', 'hold_off': 60,
                'schedule': {'schedule_interval': '1 days'}}),
                201)['session_id']
            expect(t.call('PUT', '/sessions/%s/jobs/%s' % (sid, job_id)),
                   204, 200)
            started = expect(t.call('POST', '/sessions/%s/action' % sid, {
                'start': {'job_id': job_id, 'current_tag': 0}}), 202)
            if started.get('result') != 'success':
                raise loadgen.StepFailed('start: %s' % started.get('result'))
            expect(t.call('POST', '/sessions/%s/action' % sid, {
                'end': {'job_id': job_id, 'current_tag':
                        started.get('session_tag', 1), 'result': 'success'}}),
                   202)
        return self.run(TITLES['session_cycle'], self._poll_state, step)

    def pages(self):
        last = max(self.big_backups - 100, 0)
        results = []
        for name, offset in ((page_name('first', self.big_backups), 0),
                             (page_name('last', self.big_backups), last)):
            def step(t, offset=offset):
                found = expect(t.call('GET', '/backups?limit=100&offset=%d'
                                      % offset), 200)
                if len(found['backups']) != 100:
                    raise loadgen.StepFailed('short page')
            results.append(self.run(name,
                                    lambda i: self.thread(BIG_PROJECT),
                                    step))
        return results

    def _walk(self, t):
        """Every backup id of the big project, walking the next links of
        pages of 1000; checks none is seen twice and none is missing.
        """
        ids, path = [], '/backups?limit=1000'
        while path:
            found = t.call_v3(path)
            ids += [b['backup_id'] for b in found['backups']]
            links = found['backups_links']
            path = links and links[0]['href'].split(t.project, 1)[1]
        if len(ids) != self.big_backups or len(set(ids)) != len(ids):
            raise RuntimeError('walk by marker: %d ids, %d distinct, not %d'
                               % (len(ids), len(set(ids)),
                                  self.big_backups))
        return ids

    def marker_pages(self):
        """The first page at 3.10 and the last 100 after its marker (the
        big project is walked once, the first time).
        """
        if self.walked is None:
            walker = self.thread(BIG_PROJECT)
            t0 = time.time()
            self.walked = self._walk(walker)
            walker.close()
            self.log('  walked %d backups by marker in %.1f s'
                     % (len(self.walked), time.time() - t0))
        ids = self.walked
        last = max(len(ids) - 100, 0)
        results = []
        for name, query, want in (
                (marker_name('first', self.big_backups), '', ids[:100]),
                (marker_name('last', self.big_backups),
                 '&marker=%s' % ids[last - 1] if last else '', ids[last:])):
            def step(t, query=query, want=want):
                found = t.call_v3('/backups?limit=100' + query)['backups']
                if [b['backup_id'] for b in (found[0], found[-1])] != [
                        want[0], want[-1]] or len(found) != len(want):
                    raise loadgen.StepFailed('wrong page')
            results.append(self.run(name,
                                    lambda i: self.thread(BIG_PROJECT),
                                    step))
        return results

    def all(self):
        """Every scenario, in a fixed order; returns a list of Results."""
        self.register_clients()
        out = [self.post_backup(), self.get_by_id(), self.list_100(),
               self.post_job(), self.job_poll(), self.job_patch(),
               self.session_cycle()]
        return out + self.pages() + self.marker_pages()
