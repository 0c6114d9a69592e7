"""The floor: the scenarios' store work done straight on the store, no HTTP,
no framework, no validation.

SQL: SQLAlchemy Core on a SQLite file with the service's settings (WAL,
synchronous=NORMAL, BEGIN IMMEDIATE for writes), JSON bodies encoded and
decoded as the service must, and the work the store contract requires of
every write, so that the ratio shows only what the service adds:

- an owner column, unique with the kind and the id, and a version per
  document;
- a write indexes the document's search terms (``storage.query``'s
  ``document_terms``: a poll by ``client_id`` or a search on any field is
  an index lookup) in a table of (seq, term);
- a change is compare-and-set: read the current version and body, write
  back where the version is still that one (a lost race is a conflict),
  then replace the terms that changed;
- a poll finds the client's jobs not completed through the terms.

Run in 2 processes x 2 threads, the concurrency uWSGI gives the service.
"""

import json
import multiprocessing
import random
import time
import uuid

import sqlalchemy as sa

from bench import loadgen
from bench import scenarios
from freezer_api.storage import query
from freezer_api.storage.sql import engine as sql_engine

meta = sa.MetaData()
docs = sa.Table(
    'docs', meta,
    sa.Column('seq', sa.Integer, primary_key=True, autoincrement=True),
    sa.Column('kind', sa.String(16), nullable=False),
    sa.Column('id', sa.String(64), nullable=False),
    sa.Column('owner', sa.String(80), nullable=False),
    sa.Column('version', sa.Integer, nullable=False),
    sa.Column('body', sa.Text, nullable=False),
    sa.UniqueConstraint('kind', 'owner', 'id'),
    sa.Index('ix_docs_kind_owner', 'kind', 'owner', 'seq'),
)
terms = sa.Table(
    'terms', meta,
    sa.Column('seq', sa.Integer, sa.ForeignKey('docs.seq'),
              primary_key=True),
    sa.Column('term', sa.String(255), primary_key=True),
    sa.Index('ix_terms_term', 'term', 'seq'),
)


class Conflict(Exception):
    """A compare-and-set lost its race."""


def engine(path):
    """The service's own SQLite engine (WAL, busy timeout, BEGIN IMMEDIATE
    for connections marked with ``sql_engine.WRITE``).
    """
    return sql_engine.create('sqlite:///%s' % path, busy_timeout=30,
                             pool_size=4)


def _dumps(doc):
    return json.dumps(doc, separators=(',', ':'))


def _by_id(kind, owner, doc_id, *columns):
    return sa.select(*columns).where(docs.c.kind == kind,
                                     docs.c.owner == owner,
                                     docs.c.id == doc_id)


def _has_term(term):
    return sa.exists().where(terms.c.seq == docs.c.seq, terms.c.term == term)


class Sql:
    """Each scenario's operation on the plain tables."""

    def __init__(self, path, owner=scenarios.PROJECT):
        self.eng = engine(path)
        self.owner = owner

    def write(self):
        return self.eng.connect().execution_options(**sql_engine.WRITE)

    def insert(self, kind, doc, owner=None):
        doc_id = uuid.uuid4().hex
        doc = dict(doc, id=doc_id)
        with self.write() as conn, conn.begin():
            seq = conn.execute(docs.insert().values(
                kind=kind, id=doc_id, owner=owner or self.owner, version=1,
                body=_dumps(doc))).inserted_primary_key[0]
            conn.execute(terms.insert(), [
                {'seq': seq, 'term': t} for t in query.document_terms(doc)])
        return doc_id

    def get(self, kind, doc_id):
        with self.eng.connect() as conn:
            row = conn.execute(_by_id(kind, self.owner, doc_id, docs.c.body,
                                      docs.c.version)).one()
        return json.loads(row.body), row.version

    def page(self, kind, owner, limit, offset=0):
        with self.eng.connect() as conn:
            rows = conn.execute(
                sa.select(docs.c.body).where(docs.c.kind == kind,
                                             docs.c.owner == owner)
                .order_by(docs.c.seq).limit(limit).offset(offset)).all()
        return [json.loads(r.body) for r in rows]

    def poll(self, client_id):
        with self.eng.connect() as conn:
            rows = conn.execute(
                sa.select(docs.c.body).where(
                    docs.c.kind == 'jobs', docs.c.owner == self.owner,
                    _has_term(query.condition_term('client_id', client_id)),
                    ~_has_term(query.condition_term('status', 'completed')))
                .order_by(docs.c.seq).limit(10)).all()
        return [json.loads(r.body) for r in rows]

    def modify(self, conn, kind, doc_id, change):
        """Compare-and-set ``change(doc)`` of one document, its terms
        replaced; raises ``Conflict`` when another write got there first.
        """
        row = conn.execute(_by_id(kind, self.owner, doc_id, docs.c.seq,
                                  docs.c.version, docs.c.body)).one()
        doc = change(json.loads(row.body))
        done = conn.execute(docs.update().where(
            docs.c.seq == row.seq, docs.c.version == row.version).values(
                body=_dumps(doc), version=row.version + 1))
        if done.rowcount != 1:
            raise Conflict(doc_id)
        new = query.document_terms(doc)
        old = {t for t, in conn.execute(sa.select(terms.c.term).where(
            terms.c.seq == row.seq))}
        if old - new:
            conn.execute(terms.delete().where(
                terms.c.seq == row.seq, terms.c.term.in_(old - new)))
        if new - old:
            conn.execute(terms.insert(), [
                {'seq': row.seq, 'term': t} for t in new - old])
        return doc

    def patch(self, kind, doc_id, change):
        with self.write() as conn, conn.begin():
            return self.modify(conn, kind, doc_id, change)


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
            ids = [store.insert('jobs', scenarios.job_body(client_id, j))
                   for j in range(3)]
            done = scenarios.job_body(client_id, 9)
            done['job_schedule']['status'] = 'completed'
            store.insert('jobs', done)
            self.poll_jobs.append((client_id, ids))
        # NOTE: the paging project's rows without terms: a page reads
        # neither the terms nor their index.
        with eng.begin() as conn:
            conn.execute(docs.insert(), [
                {'kind': 'backups', 'id': uuid.uuid4().hex, 'version': 1,
                 'owner': scenarios.BIG_PROJECT,
                 'body': _dumps(scenarios.backup_body(i))}
                for i in range(self.big)])
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
                job = store.modify(conn, 'jobs', job_id, lambda d: dict(
                    d, session_id=sid))

                def add(doc):
                    doc['jobs'][job_id] = {'client_id': job['client_id'],
                                           'status': ''}
                    return doc
                store.modify(conn, 'sessions', sid, add)
            now = int(time.time())
            for status in ('running', 'completed'):
                def change(doc, status=status):
                    doc['jobs'][job_id]['status'] = status
                    doc.update(status=status, time_start=now)
                    return doc
                store.patch('sessions', sid, change)

        def page(offset):
            return lambda t: store.page('backups', scenarios.BIG_PROJECT,
                                        100, offset)

        def bump(t):
            t.i += 1
            return t.i

        return {
            'POST backup': lambda t: store.insert(
                'backups', scenarios.backup_body(bump(t))),
            'GET backup by id': lambda t: store.get('backups',
                                                    random.choice(ids)),
            'list 100 backups': lambda t: store.page(
                'backups', scenarios.PROJECT, 100),
            'POST job': lambda t: store.insert(
                'jobs', scenarios.job_body('floor_post', bump(t))),
            'job poll (scheduler)': lambda t: store.poll(t.client_id),
            'job PATCH (scheduler)': lambda t: store.patch(
                'jobs', t.ids[bump(t) % len(t.ids)],
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
