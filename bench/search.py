"""Elasticsearch for the benchmark: the server, and its floor.

The server is the test run's own (``tests/fixtures/search.py``: the integ-test
zip from Maven Central, fetched by ``tools/fetch-search-dist.sh``, run as an
unprivileged user on a free loopback port, 256 MiB heap), started and
stopped here by its PID.

The floor: the scenarios' store work straight on elasticsearch-py, one index
with keyword fields for what the operations filter on, JSON documents as
``_source``; writes are not refreshed (``refresh=false``), the searches of
the setup documents see them after one explicit refresh. 16 threads in one
process, like the HTTP clients.
"""

import random
import time
import uuid

from bench import loadgen
from bench import scenarios

INDEX = 'bench-floor'


def start_server(log):
    """Return a running ``SearchServer``; call ``stop_server`` after."""
    from tests.fixtures import search as fixture
    server = fixture.SearchServer('elasticsearch')
    server.start()
    server.wait_ready()
    log('elasticsearch %s ready on %s (pid %d)'
        % (server.version, server.url, server.proc.pid))
    return server


def stop_server(server, log):
    pid = server.proc.pid
    server.stop()
    log('stopped elasticsearch (pid %d)' % pid)
    server.destroy()


class Floor:
    """The scenario list of ``scenarios.Bench`` on one ES index."""

    def __init__(self, url, duration, clients=16):
        from elasticsearch import Elasticsearch
        self.es = Elasticsearch(url, request_timeout=30)
        self.duration = duration
        self.clients = clients

    def insert(self, doc, kind, client_id=None, status=None,
               project=scenarios.PROJECT):
        doc_id = uuid.uuid4().hex
        self.es.index(index=INDEX, id=doc_id, op_type='create', document=dict(
            doc, kind=kind, project_id=project, client_id=client_id,
            status=status, id=doc_id))
        return doc_id

    def setup(self):
        keyword = {'type': 'keyword'}
        if self.es.indices.exists(index=INDEX):
            self.es.indices.delete(index=INDEX)
        self.es.indices.create(index=INDEX, settings={
            'number_of_shards': 1, 'number_of_replicas': 0}, mappings={
            'dynamic': False, 'properties': {
                k: keyword for k in ('kind', 'project_id', 'client_id',
                                     'status', 'id')}})
        self.backup_ids = [self.insert(scenarios.backup_body(i), 'backups')
                           for i in range(500)]
        self.poll_jobs = []
        for k in range(16):
            client_id = 'floor_host-%d' % k
            ids = [self.insert(scenarios.job_body(client_id, j), 'jobs',
                               client_id, '') for j in range(3)]
            self.insert(scenarios.job_body(client_id, 9), 'jobs', client_id,
                        'completed')
            self.poll_jobs.append((client_id, ids))
        self.es.indices.refresh(index=INDEX)

    def _page(self, filters, size):
        found = self.es.search(index=INDEX, size=size, query={
            'bool': {'filter': filters}}, sort=['_doc'])
        return [h['_source'] for h in found['hits']['hits']]

    def _modify(self, doc_id, change):
        got = self.es.get(index=INDEX, id=doc_id)
        self.es.index(index=INDEX, id=doc_id, document=change(got['_source']),
                      if_seq_no=got['_seq_no'],
                      if_primary_term=got['_primary_term'])

    def steps(self):
        ids = self.backup_ids

        def bump(t):
            t.i += 1
            return t.i

        def poll(t):
            found = self.es.search(index=INDEX, size=10, query={'bool': {
                'filter': [{'term': {'client_id': t.client_id}},
                           {'term': {'kind': 'jobs'}}],
                'must_not': [{'term': {'status': 'completed'}}]}})
            return found['hits']['hits']

        def patch(t):
            def change(doc):
                doc.setdefault('job_schedule', {}).update(status='running')
                return doc
            self._modify(t.ids[bump(t) % len(t.ids)], change)

        def session_cycle(t):
            job_id = t.ids[0]
            sid = self.insert({'description': 'bench', 'jobs': {}},
                              'sessions')
            self._modify(job_id, lambda d: dict(d, session_id=sid))
            for status in ('', 'running', 'completed'):
                def change(doc, status=status):
                    doc['jobs'][job_id] = {'status': status}
                    doc['time_start'] = int(time.time())
                    return doc
                self._modify(sid, change)

        return {
            'POST backup': lambda t: self.insert(
                scenarios.backup_body(bump(t)), 'backups'),
            'GET backup by id': lambda t: self.es.get(
                index=INDEX, id=random.choice(ids)),
            'list 100 backups': lambda t: self._page(
                [{'term': {'kind': 'backups'}},
                 {'term': {'project_id': scenarios.PROJECT}}], 100),
            'POST job': lambda t: self.insert(
                scenarios.job_body('floor_post', bump(t)), 'jobs',
                'floor_post', ''),
            'job poll (scheduler)': poll,
            'job PATCH (scheduler)': patch,
            'session cycle (4 req)': session_cycle,
        }

    def run_one(self, name, log):
        """Run scenario ``name`` (a title of ``steps()``); its Result."""
        def make_state(i):
            state = type('S', (), {})()
            state.client_id, state.ids = self.poll_jobs[i % 16]
            state.i = 0
            return state
        result = loadgen.run(name, make_state, self.steps()[name],
                             clients=self.clients, duration=self.duration)
        log('  %-22s %8.1f/s  p50 %7.2f ms  p99 %7.2f ms  errors %d %s'
            % (name, result.rate, result.percentile(50),
               result.percentile(99), result.errors,
               dict(result.error_kinds) or ''))
        return result

    def drop(self):
        """Delete the floor's index."""
        self.es.indices.delete(index=INDEX)
