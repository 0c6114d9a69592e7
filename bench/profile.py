"""Profile one scenario in-process: the WSGI app called directly, no server.

    python -m bench.profile get [-n 3000] [--top 30] [--store sql|es]

Prints the single-thread requests/s (CPU cost per request, free of network
and load-generator noise), the cProfile functions with the most
cumulative time and, at the end, a table of where each scenario's CPU
went (``bench/shares.py``: Falcon, middleware, policy, schema validation,
JSON, store, SQLite, the rest of the service; ``--shares`` prints only the
table). Scenarios: get, list, post_backup, post_job, poll, patch,
session, page_first, page_last, page_marker (the last page after its
marker, at 3.10).

``--store es`` runs the same on an Elasticsearch store (the test run's
Elasticsearch 8, started and stopped here as ``bench.run`` does) and also
counts the requests the store sends to Elasticsearch per step: there the
service's CPU is only part of a step's time, the rest is round trips.
"""

import argparse
import cProfile
import io
import json
from pathlib import Path
import pstats
import sys
import tempfile
import time

from bench import scenarios
from bench import seed
from bench import servers
from bench import shares


def environ(method, path, body, headers):
    raw = json.dumps(body).encode() if body is not None else b''
    path, _, qs = path.partition('?')
    env = {'REQUEST_METHOD': method, 'PATH_INFO': path, 'QUERY_STRING': qs,
           'SERVER_NAME': '127.0.0.1', 'SERVER_PORT': '9090',
           'SERVER_PROTOCOL': 'HTTP/1.1', 'wsgi.url_scheme': 'http',
           'wsgi.input': io.BytesIO(raw), 'wsgi.errors': sys.stderr,
           'wsgi.version': (1, 0), 'wsgi.multithread': True,
           'wsgi.multiprocess': True, 'wsgi.run_once': False,
           'CONTENT_LENGTH': str(len(raw))}
    if raw:
        env['CONTENT_TYPE'] = 'application/json'
    for name, value in headers.items():
        env['HTTP_' + name.upper().replace('-', '_')] = value
    return env


#: The index prefix of the profiled Elasticsearch store.
ES_PREFIX = 'freezer-profile'


class InProcess:
    """The app of a fresh deployment in ``workdir``, called directly."""

    def __init__(self, workdir, driver='sqlalchemy', es_url=None):
        import os
        import subprocess
        self.es_url = es_url
        confdir = servers.write_ours_conf(workdir, driver, es_url, ES_PREFIX)
        os.environ['OS_FREEZER_CONFIG_DIR'] = str(confdir)
        subprocess.run([str(Path(sys.executable).parent / 'freezer-manage'),
                        '--config-file', str(confdir / 'freezer-api.conf'),
                        'db', 'sync'], check=True, capture_output=True)
        from freezer_api import app
        self.app = app.init_application(
            args=[], default_config_files=[str(confdir / 'freezer-api.conf')]
        ).wsgi
        self.db = str(workdir / 'freezer.sqlite')

    def call(self, method, path, body=None, project=scenarios.PROJECT,
             api='v2'):
        out = {}

        def start_response(status, headers, exc_info=None):
            out['status'] = int(status.split()[0])

        headers = scenarios.identity(project)
        if api == 'v3':
            headers.update(scenarios.MARKER_VERSION)
        chunks = self.app(environ(method, '/%s/%s%s' % (api, project, path),
                                  body, headers), start_response)
        data = b''.join(chunks)
        if hasattr(chunks, 'close'):
            chunks.close()
        return out['status'], data


def prepare(ip, big):
    """Seed what the scenarios read; return the ids they use."""
    ids = [json.loads(ip.call('POST', '/backups', scenarios.backup_body(i))[1]
                      )['backup_id'] for i in range(300)]
    client_id = '%s_prof-host' % scenarios.PROJECT
    ip.call('POST', '/clients', scenarios.client_body(client_id, 'prof-host'))
    jobs = [json.loads(ip.call('POST', '/jobs', scenarios.job_body(
        client_id, j))[1])['job_id'] for j in range(3)]
    ip.call('POST', '/backups', scenarios.backup_body(0),
            project=scenarios.BIG_PROJECT)
    if ip.es_url:
        seed.ours_es(ip.es_url, ES_PREFIX, scenarios.BIG_PROJECT, big)
    else:
        seed.ours(ip.db, scenarios.BIG_PROJECT, big)
    return ids, client_id, jobs


def _marker_of_last_page(ip, big):
    """The id of the backup before the big project's last 100."""
    if ip.es_url:
        status, body = ip.call('GET', '/backups?limit=1&offset=%d' % (
            big - 101), project=scenarios.BIG_PROJECT)
        return json.loads(body)['backups'][0]['backup_id']
    import sqlite3
    con = sqlite3.connect(ip.db)
    try:
        return con.execute(
            "SELECT id FROM documents WHERE kind = 'backups' AND owner = ? "
            "ORDER BY seq LIMIT 1 OFFSET ?",
            ('project:' + scenarios.BIG_PROJECT, big - 101)).fetchone()[0]
    finally:
        con.close()


def steps(ip, ids, client_id, jobs, big):
    state = {'i': 0}
    marker = _marker_of_last_page(ip, big)

    def session():
        sid = json.loads(ip.call('POST', '/sessions', {
            'description': 'p', 'hold_off': 60,
            'schedule': {'schedule_interval': '1 days'}})[1])['session_id']
        ip.call('PUT', '/sessions/%s/jobs/%s' % (sid, jobs[0]))
        ip.call('POST', '/sessions/%s/action' % sid,
                {'start': {'job_id': jobs[0], 'current_tag': 0}})
        return ip.call('POST', '/sessions/%s/action' % sid, {
            'end': {'job_id': jobs[0], 'current_tag': 1,
                    'result': 'success'}})

    def bump():
        state['i'] += 1
        return state['i']

    return {
        'get': lambda: ip.call('GET', '/backups/%s' % ids[bump() % 300]),
        'list': lambda: ip.call('GET', '/backups?limit=100'),
        'post_backup': lambda: ip.call('POST', '/backups',
                                       scenarios.backup_body(bump())),
        'post_job': lambda: ip.call('POST', '/jobs', scenarios.job_body(
            client_id, bump())),
        'poll': lambda: ip.call('GET', '/jobs?limit=10', {
            'match_not': [{'status': 'completed'}],
            'match': [{'client_id': client_id}]}),
        'patch': lambda: ip.call('PATCH', '/jobs/%s' % jobs[bump() % 3], {
            'job_schedule': {'status': 'running', 'event': ''}}),
        'session': session,
        'page_first': lambda: ip.call(
            'GET', '/backups?limit=100&offset=0',
            project=scenarios.BIG_PROJECT),
        'page_last': lambda: ip.call(
            'GET', '/backups?limit=100&offset=%d' % (big - 100),
            project=scenarios.BIG_PROJECT),
        'page_marker': lambda: ip.call(
            'GET', '/backups?limit=100&marker=%s' % marker,
            project=scenarios.BIG_PROJECT, api='v3'),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('scenario', nargs='+')
    parser.add_argument('-n', type=int, default=2000)
    parser.add_argument('--top', type=int, default=30)
    parser.add_argument('--big', type=int, default=50000)
    parser.add_argument('--sort', default='cumulative')
    parser.add_argument('--no-profile', action='store_true')
    parser.add_argument('--shares', action='store_true',
                        help='print only the table of CPU shares')
    parser.add_argument('--store', choices=['sql', 'es'], default='sql')
    args = parser.parse_args(argv)
    es_server = None
    if args.store == 'es':
        from bench import search
        es_server = search.start_server(print)
    try:
        return _profile(args, es_server)
    finally:
        if es_server is not None:
            search.stop_server(es_server, print)


class _RoundTrips:
    """Counts the requests the Elasticsearch store sends."""

    def __init__(self):
        from freezer_api.storage.elasticsearch import client
        self.count = 0
        self.paths = {}
        real = client.Connection.request

        def counted(conn, method, path, *args, **kwargs):
            self.count += 1
            what = '%s %s' % (method, path.rsplit('/', 1)[-1]
                              if path.count('/') < 3 else
                              path.split('/')[2])
            self.paths[what] = self.paths.get(what, 0) + 1
            return real(conn, method, path, *args, **kwargs)
        client.Connection.request = counted

    def reset(self):
        self.count = 0
        self.paths = {}


def _profile(args, es_server):
    rows = []
    trips = _RoundTrips() if es_server is not None else None
    with tempfile.TemporaryDirectory() as tmp:
        if es_server is not None:
            ip = InProcess(Path(tmp), 'elasticsearch', es_server.url)
        else:
            ip = InProcess(Path(tmp))
        table = steps(ip, *prepare(ip, args.big), args.big)
        for name in args.scenario:
            step = table[name]
            for _ in range(50):
                status, body = step()
            print('%s: last status %d' % (name, status))
            # NOTE: the best of three rounds: on a shared machine CPU time
            # per step grows with the other load (caches, steal).
            cpu = float('inf')
            for _ in range(3):
                t0 = time.process_time()
                for _ in range(args.n):
                    step()
                cpu = min(cpu, time.process_time() - t0)
            print('%s: %.0f steps/s on one thread (%.3f ms CPU per step, '
                  'best of 3)' % (name, args.n / cpu, cpu * 1000 / args.n))
            if trips is not None:
                trips.reset()
                wall = time.perf_counter()
                for _ in range(100):
                    step()
                wall = time.perf_counter() - wall
                print('%s: %.2f Elasticsearch requests per step (%s); '
                      '%.2f ms wall per step' % (
                          name, trips.count / 100, ', '.join(
                              '%s %.2f' % (k, v / 100) for k, v in sorted(
                                  trips.paths.items())), wall * 10))
            if args.no_profile:
                continue
            # NOTE: CPU time, not wall time: waiting for the other load on
            # a shared machine would otherwise show up as cost.
            prof = cProfile.Profile(time.process_time)
            prof.enable()
            for _ in range(args.n):
                step()
            prof.disable()
            out = io.StringIO()
            stats = pstats.Stats(prof, stream=out)
            rows.append((name, shares.shares(stats)))
            if not args.shares:
                stats.sort_stats(args.sort).print_stats(args.top)
                print(out.getvalue())
    if rows:
        print(shares.table(rows))
    return 0


if __name__ == '__main__':
    sys.exit(main())
