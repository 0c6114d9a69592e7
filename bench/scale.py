"""How reads grow with the catalogue: 10,000 to 1,000,000 backups.

    python -m bench.scale [--sizes 10000,100000,1000000] [--store sql|es]

One service (ours, uWSGI 2 processes x 2 threads, as ``bench.run``); one
project filled step by step to each size with backups cloned straight
into the store as the store writes them (``bench/seed.py``), each clone
with its own ``time_stamp`` and one of 100 ``client_id`` values. At
each size, 16 clients run each query for ``--duration`` seconds:

- first page: ``GET /v2/{p}/backups?limit=100``;
- marker page: v3 at 3.10, the 100 backups after the one in the middle;
- search by ``client_id``: the scheduler's body form, ``{"match":
  [{"client_id": ...}]}``, limit 100 (1 backup in 100 matches);
- time range: ``{"time_after": t, "time_before": t + 999}``, 1,000
  backups in the range, limit 100;
- GET by id, over ids spread across the whole project.

The report gives each rate per size and the growth from the smallest size
to each larger one (its time per step over the smallest size's).
"""

import argparse
import json
import os
from pathlib import Path
import random
import shlex
import sqlite3
import sys
import time
import uuid

from bench import loadgen
from bench.loadgen import expect
from bench import scenarios
from bench import search
from bench import seed
from bench import servers

HERE = Path(__file__).resolve().parent
PROJECT = 'scale' + uuid.uuid4().hex[:27]
CLIENTS = 100
ES_PREFIX = 'bench-scale'


def log(msg):
    print('[%s] %s' % (time.strftime('%H:%M:%S'), msg), flush=True)


def _vary(doc, i, base_time):
    """Clone ``i`` of the template: its own time and client."""
    meta = doc['backup_metadata']
    meta['time_stamp'] = base_time + i
    meta['client_id'] = 'scale-client-%d' % (i % CLIENTS)


class SqlFiller:
    """Adds clones to our SQLite store (same rows as ``seed.ours``)."""

    def __init__(self, db_path, template, base_time):
        self.db_path = db_path
        self.template = template
        self.base_time = base_time

    def add(self, start, ids):
        con = sqlite3.connect(self.db_path, timeout=60)
        try:
            for k in range(0, len(ids), 5000):
                chunk = [(start + k + j, doc_id)
                         for j, doc_id in enumerate(ids[k:k + 5000])]
                seed.insert_ours(con, PROJECT, self.template, chunk,
                                 lambda doc, i: _vary(doc, i, self.base_time))
        finally:
            con.close()


class EsFiller:
    """Adds clones to our Elasticsearch store (as ``seed.ours_es``)."""

    def __init__(self, url, template, base_time):
        self.url = url
        self.template = template
        self.base_time = base_time

    def add(self, start, ids):
        seed.bulk_ours_es(self.url, ES_PREFIX, PROJECT, self.template, [
            (start + j, doc_id) for j, doc_id in enumerate(ids)],
            lambda doc, i: _vary(doc, i, self.base_time))


def _queries(ids, base_time, size):
    """title -> (path, body, headers, check) of each query at ``size``."""
    middle = ids[size // 2]
    sample = random.Random(size).sample(ids[:size], min(size, 5000))

    def page(found):
        if len(found['backups']) != 100:
            raise loadgen.StepFailed('short page')

    def client_page(found):
        if len(found['backups']) != min(100, size // CLIENTS):
            raise loadgen.StepFailed('short page')
        if any(b['backup_metadata'].get('client_id') != 'scale-client-7'
               for b in found['backups']):
            raise loadgen.StepFailed('wrong client')

    t = base_time + size // 2
    return {
        'first page': ('/v2/%s/backups?limit=100', None, None, page),
        'marker page': ('/v3/%%s/backups?limit=100&marker=%s' % middle,
                        None, scenarios.MARKER_VERSION, page),
        'search by client_id': (
            '/v2/%s/backups?limit=100',
            {'match': [{'client_id': 'scale-client-7'}]}, None, client_page),
        'time range': ('/v2/%s/backups?limit=100',
                       {'time_after': t, 'time_before': t + 999}, None, page),
        'GET by id': (None, sample, None, None),
    }


def _measure(url, title, query, args):
    path, body, headers, check = query
    host, port = url.split('//')[1].split(':')

    def make_state(i):
        conn = loadgen.Connection(host, int(port),
                                  scenarios.identity(PROJECT))
        return conn

    def step(conn):
        if path is None:
            expect(conn.request('GET', '/v2/%s/backups/%s' % (
                PROJECT, random.choice(body))), 200)
            return
        found = expect(conn.request('GET', path % PROJECT, body,
                                    headers=headers), 200)
        check(found)
    result = loadgen.run(title, make_state, step, clients=args.clients,
                         duration=args.duration)
    log('  %-20s %8.1f/s  p50 %7.2f ms  p99 %7.2f ms  errors %d %s' % (
        title, result.rate, result.percentile(50), result.percentile(99),
        result.errors, dict(result.error_kinds) or ''))
    return result.summary()


def report(data, args, command, loads):
    sizes = sorted(int(s) for s in data)
    titles = list(data[str(sizes[0])])
    out = ['Command: `%s`' % command, '',
           '%s store; %d clients, %.0f s per query after 1 s warm-up.' % (
               args.store, args.clients, args.duration), '',
           'Load average (1 min) before and after each size: %s.' % (
               '; '.join('%d: %.1f -> %.1f' % (s, *loads[s])
                         for s in sizes if s in loads)), '',
           '| query | %s | growth %s |' % (
               ' | '.join('%d' % s for s in sizes),
               ' | '.join('%d->%d' % (sizes[0], s) for s in sizes[1:])),
           '|---|%s' % ('---|' * (2 * len(sizes) - 1))]
    for title in titles:
        rows = [data[str(s)][title] for s in sizes]
        cells = ['%.0f/s, p99 %.1f ms%s' % (
            r['rate'], r['p99_ms'],
            ', **%d errors**' % r['errors'] if r['errors'] else '')
            for r in rows]
        growth = ['%.2fx' % (rows[0]['rate'] / r['rate']) if r['rate']
                  else 'inf' for r in rows[1:]]
        out.append('| %s | %s | %s |' % (title, ' | '.join(cells),
                                         ' | '.join(growth)))
    return '\n'.join(out) + '\n'


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sizes', default='10000,100000,1000000')
    parser.add_argument('--store', choices=['sql', 'es'], default='sql')
    parser.add_argument('--duration', type=float, default=5.0)
    parser.add_argument('--clients', type=int, default=16)
    parser.add_argument('--out', default=str(HERE / 'out'))
    return parser.parse_args(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    command = 'python -m bench.scale ' + ' '.join(shlex.quote(a)
                                                  for a in argv)
    sizes = sorted(int(s) for s in args.sizes.split(','))
    workdir = Path(args.out) / ('scale-' + time.strftime('%Y%m%d-%H%M%S'))
    workdir.mkdir(parents=True)
    es_server = server = None
    data = {}
    loads = {}
    try:
        if args.store == 'es':
            es_server = search.start_server(log)
            server = servers.start_ours(workdir, 'http', log,
                                        'elasticsearch', es_server.url,
                                        ES_PREFIX)
        else:
            server = servers.start_ours(workdir, 'http', log)
        one = scenarios.Thread(server.url, PROJECT)
        body = scenarios.backup_body(0)
        body['client_id'] = 'scale-client-0'
        first = expect(one.call('POST', '/backups', body), 201)['backup_id']
        one.close()
        base_time = int(time.time())
        if args.store == 'es':
            template = seed.template_ours_es(es_server.url, ES_PREFIX,
                                             PROJECT)
            filler = EsFiller(es_server.url, template, base_time)
        else:
            db = str(workdir / 'freezer.sqlite')
            template = seed.template_ours(db, PROJECT)
            filler = SqlFiller(db, template, base_time)
        ids = [first]
        for size in sizes:
            new = [uuid.uuid4().hex for _ in range(size - len(ids))]
            t0 = time.time()
            filler.add(len(ids), new)
            ids += new
            before = os.getloadavg()[0]
            log('== %d backups (added %d in %.0f s), load average %.1f' % (
                size, len(new), time.time() - t0, before))
            data[str(size)] = {
                title: _measure(server.url, title, query, args)
                for title, query in _queries(ids, base_time, size).items()}
            # NOTE: the machine may be shared; the load says how much.
            loads[size] = (before, os.getloadavg()[0])
            (workdir / 'data.json').write_text(json.dumps(data, indent=1))
    finally:
        if server is not None:
            server.stop()
        if es_server is not None:
            search.stop_server(es_server, log)
    text = report(data, args, command, loads)
    print('\n' + text)
    (workdir / 'report.md').write_text(text)
    for path in workdir.glob('*.sqlite*'):
        path.unlink()
    return 0


if __name__ == '__main__':
    sys.exit(main())
