"""The floor: the scenarios' store work done straight on the store, no HTTP,
no framework, no validation.

SQL: SQLAlchemy Core on a SQLite file with the service's settings (WAL,
synchronous=NORMAL, BEGIN IMMEDIATE for writes), one plain table with the
columns the operations filter on, JSON bodies encoded and decoded as the
service must. Run in 2 processes x 2 threads, the concurrency uWSGI gives
the service.
"""

import json
import multiprocessing
import random
import time
import uuid

import sqlalchemy as sa

from bench import loadgen
from bench import scenarios
from freezer_api.storage.sql import engine as sql_engine

meta = sa.MetaData()
docs = sa.Table(
    'docs', meta,
    sa.Column('seq', sa.Integer, primary_key=True, autoincrement=True),
    sa.Column('kind', sa.String(16), nullable=False),
    sa.Column('id', sa.String(64), nullable=False, unique=True),
    sa.Column('project_id', sa.String(64)),
    sa.Column('client_id', sa.String(255)),
    sa.Column('status', sa.String(32)),
    sa.Column('body', sa.Text, nullable=False),
    sa.Index('ix_docs_kind_project', 'kind', 'project_id', 'seq'),
    sa.Index('ix_docs_client', 'client_id', 'kind'),
)


def engine(path):
    """The service's own SQLite engine (WAL, busy timeout, BEGIN IMMEDIATE
    for connections marked with ``sql_engine.WRITE``).
    """
    return sql_engine.create('sqlite:///%s' % path, busy_timeout=30,
                             pool_size=4)


def _dumps(doc):
    return json.dumps(doc, separators=(',', ':'))


class Sql:
    """Each scenario's operation on the plain table."""

    def __init__(self, path):
        self.eng = engine(path)

    def write(self):
        return self.eng.connect().execution_options(**sql_engine.WRITE)

    def insert(self, kind, doc, project=scenarios.PROJECT, client_id=None,
               status=None):
        doc_id = uuid.uuid4().hex
        with self.write() as conn, conn.begin():
            conn.execute(docs.insert().values(
                kind=kind, id=doc_id, project_id=project, client_id=client_id,
                status=status, body=_dumps(dict(doc, id=doc_id))))
        return doc_id

    def get(self, doc_id):
        with self.eng.connect() as conn:
            return json.loads(conn.execute(sa.select(docs.c.body).where(
                docs.c.id == doc_id)).scalar_one())

    def page(self, kind, project, limit, offset=0):
        with self.eng.connect() as conn:
            rows = conn.execute(
                sa.select(docs.c.body).where(docs.c.kind == kind,
                                             docs.c.project_id == project)
                .order_by(docs.c.seq).limit(limit).offset(offset)).all()
        return [json.loads(r.body) for r in rows]

    def poll(self, client_id):
        with self.eng.connect() as conn:
            rows = conn.execute(
                sa.select(docs.c.body).where(
                    docs.c.client_id == client_id, docs.c.kind == 'jobs',
                    docs.c.status != 'completed')
                .order_by(docs.c.seq).limit(10)).all()
        return [json.loads(r.body) for r in rows]

    def modify(self, conn, doc_id, change):
        body = conn.execute(sa.select(docs.c.body).where(
            docs.c.id == doc_id)).scalar_one()
        doc = change(json.loads(body))
        conn.execute(docs.update().where(docs.c.id == doc_id).values(
            body=_dumps(doc)))
        return doc

    def patch(self, doc_id, change):
        with self.write() as conn, conn.begin():
            return self.modify(conn, doc_id, change)


def _merge_schedule(patch):
    def change(doc):
        doc.setdefault('job_schedule', {}).update(patch)
        return doc
    return change


class Floor:
    """The scenario list of ``scenarios.Bench``, on a ``Sql`` store."""

    def __init__(self, path, threads=2, duration=8.0, big=50000):
        self.path = path
        self.threads = threads
        self.duration = duration
        self.big = big

    def setup(self):
        eng = engine(self.path)
        meta.create_all(eng)
        store = Sql(self.path)
        self.backup_ids = [store.insert('backups', scenarios.backup_body(i))
                           for i in range(2000)]
        self.poll_jobs = []
        for k in range(16):
            client_id = 'floor_host-%d' % k
            ids = [store.insert('jobs', scenarios.job_body(client_id, j),
                                client_id=client_id, status='')
                   for j in range(3)]
            store.insert('jobs', scenarios.job_body(client_id, 9),
                         client_id=client_id, status='completed')
            self.poll_jobs.append((client_id, ids))
        body = _dumps(scenarios.backup_body(0))
        with eng.begin() as conn:
            conn.execute(docs.insert(), [
                {'kind': 'backups', 'id': uuid.uuid4().hex,
                 'project_id': scenarios.BIG_PROJECT, 'body': body}
                for _ in range(self.big)])
        eng.dispose()

    def steps(self, store):
        """name -> (step(state), make_state(index))."""
        ids = self.backup_ids

        def thread_state(i):
            state = type('S', (), {})()
            state.client_id, state.ids = self.poll_jobs[i % 16]
            state.i = 0
            return state

        def session_cycle(t):
            job_id = t.ids[0]
            sid = store.insert('sessions', {'description': 'bench',
                                            'hold_off': 60, 'jobs': {}})
            with store.write() as conn, conn.begin():
                job = store.modify(conn, job_id, lambda d: dict(
                    d, session_id=sid))

                def add(doc):
                    doc['jobs'][job_id] = {'client_id': job['client_id'],
                                           'status': ''}
                    return doc
                store.modify(conn, sid, add)
            now = int(time.time())
            for status in ('running', 'completed'):
                def change(doc, status=status):
                    doc['jobs'][job_id]['status'] = status
                    doc.update(status=status, time_start=now)
                    return doc
                store.patch(sid, change)

        def page(offset):
            return lambda t: store.page('backups', scenarios.BIG_PROJECT,
                                        100, offset)

        def bump(t):
            t.i += 1
            return t.i

        return {
            'POST backup': lambda t: store.insert(
                'backups', scenarios.backup_body(bump(t))),
            'GET backup by id': lambda t: store.get(random.choice(ids)),
            'list 100 backups': lambda t: store.page(
                'backups', scenarios.PROJECT, 100),
            'POST job': lambda t: store.insert(
                'jobs', scenarios.job_body('floor_post', bump(t)),
                client_id='floor_post', status=''),
            'job poll (scheduler)': lambda t: store.poll(t.client_id),
            'job PATCH (scheduler)': lambda t: store.patch(
                t.ids[bump(t) % len(t.ids)],
                _merge_schedule({'status': 'running', 'event': ''})),
            'session cycle (4 req)': session_cycle,
            scenarios.page_name('first', self.big): page(0),
            scenarios.page_name('last', self.big): page(self.big - 100),
        }, thread_state


def _child(floor, name, queue):
    store = Sql(floor.path)
    steps, make_state = floor.steps(store)
    result = loadgen.run(name, make_state, steps[name],
                         clients=floor.threads, duration=floor.duration,
                         warmup=0.5)
    queue.put(result)


def run_one(floor, name, log, processes=2):
    """Run floor scenario ``name`` in ``processes`` forked processes (each
    with ``floor.threads`` threads); return one merged ``loadgen.Result``.
    """
    ctx = multiprocessing.get_context('fork')
    queues = [ctx.Queue() for _ in range(processes)]
    procs = [ctx.Process(target=_child, args=(floor, name, q))
             for q in queues]
    for proc in procs:
        proc.start()
    parts = [q.get(timeout=floor.duration + 120) for q in queues]
    for proc in procs:
        proc.join(30)
    merged = loadgen.Result(name)
    merged.seconds = max(p.seconds for p in parts)
    for part in parts:
        merged.latencies.extend(part.latencies)
        merged.errors += part.errors
        merged.error_kinds.update(part.error_kinds)
        merged.total_steps += part.total_steps
    merged.steps = len(merged.latencies)
    log('  %-22s %8.1f/s  p50 %7.2f ms  p99 %7.2f ms  errors %d'
        % (name, merged.rate, merged.percentile(50), merged.percentile(99),
           merged.errors))
    return merged
