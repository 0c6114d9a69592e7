"""Benchmark freezer-api against its floor and against upstream, in one run.

    python -m bench.run [--duration 8] [--record]

Run from the repository root with freezer-api and bench/requirements.txt
installed (uwsgi, pytest). See bench/README.md. Everything listens on 127.0.0.1; every process started
here is stopped by its PID before the script exits.
"""

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import sys
import time
from pathlib import Path

from bench import floor as floor_mod
from bench import scenarios
from bench import search
from bench import seed
from bench import servers

HERE = Path(__file__).resolve().parent

#: scenario -> minimum steps/s on this machine (from the project guide).
TARGETS = {
    'GET backup by id': 3000, 'list 100 backups': 1000, 'POST backup': 600,
    'POST job': 400, 'session cycle (4 req)': 150,
}
RSS_TARGET_MIB = 60
ES_PREFIX = 'bench-ours'
#: Every scenario, in the order they run (``pages`` last: it seeds 50k).
SCENARIOS = ('post_backup', 'get_by_id', 'list_100', 'post_job', 'job_poll',
             'job_patch', 'session_cycle', 'pages')
#: Last page / first page time: by marker on every store; by offset
#: (kept for python-freezerclient and freezer-scheduler) per column.
PAGE_RATIO_TARGET = 1.5
OFFSET_RATIO_TARGETS = {'ours': 3.0, 'ours-es': 10.0}


def log(msg):
    print('[%s] %s' % (time.strftime('%H:%M:%S'), msg), flush=True)


def bench_service(server, args, seeder):
    bench = scenarios.Bench(server.url, args.clients, args.duration, log,
                            args.big, server.cpu_seconds)
    bench.register_clients()
    wanted = args.scenarios.split(',')
    unknown = set(wanted) - set(SCENARIOS)
    if unknown:
        raise SystemExit('unknown scenarios: %s' % ', '.join(sorted(unknown)))
    if 'post_backup' not in wanted:
        bench.seed_backups(300)
    results = [getattr(bench, name)() for name in SCENARIOS[:-1]
               if name in wanted]
    if 'pages' not in wanted:
        return {'results': [r.summary() for r in results],
                'rss': server.rss()}
    if seeder is None:
        log('  paging scenarios not run: no direct seeding for this store')
        return {'results': [r.summary() for r in results],
                'rss': server.rss()}
    big = bench.thread(scenarios.BIG_PROJECT)
    status, _ = big.call('POST', '/backups', scenarios.backup_body(0))
    big.close()
    if status != 201:
        raise RuntimeError('seeding the big project failed: HTTP %d' % status)
    t0 = time.time()
    seeder(args.big)
    log('  seeded %d backups in %.1f s' % (args.big, time.time() - t0))
    results += bench.pages() + bench.marker_pages()
    rss = server.rss()
    log('  worker MiB (RSS, peak RSS, PSS): %s' % {
        pid: tuple(round(v, 1) for v in values)
        for pid, values in rss.items()})
    return {'results': [r.summary() for r in results], 'rss': rss}


def run_service(name, start, workdir, args, seeder):
    log('== %s' % name)
    server = start(workdir)
    try:
        return bench_service(server, args, seeder(server))
    finally:
        server.stop()
        log('  stopped %s (pid %d)' % (name, server.proc.pid))
        if not args.keep:
            for path in workdir.glob('*.sqlite*'):
                path.unlink()


def run_es_floor(es_server, args):
    log('== floor: elasticsearch-py on Elasticsearch %s, 16 threads'
        % es_server.version)
    floor = search.Floor(es_server.url, args.duration, args.clients)
    return {'results': [r.summary() for r in floor.run(log)], 'rss': {}}


def run_floor(workdir, args):
    log('== floor: SQLAlchemy Core + SQLite, 2 processes x 2 threads')
    results = floor_mod.run(str(workdir / 'floor.sqlite'), log,
                            duration=args.duration, big=args.big)
    return {'results': [r.summary() for r in results], 'rss': {}}


def _cell(row):
    if row is None:
        return 'not run'
    text = '%.0f/s, p50 %.1f ms, p99 %.1f ms' % (row['rate'], row['p50_ms'],
                                                 row['p99_ms'])
    cpu = row.get('server_cpu_ms')
    if cpu == cpu and cpu is not None:
        text += ', server CPU %.2f ms' % cpu
    if row['errors']:
        text += ', **%d errors** %s' % (row['errors'], row['error_kinds'])
    return text


def _rows(data, column):
    return {r['name']: r for r in data.get(column, {}).get('results', [])}


def _page_ratio(rows, big, name=scenarios.page_name):
    first = rows.get(name('first', big))
    last = rows.get(name('last', big))
    if not first or not last or not first['rate']:
        return None
    # NOTE: a last page that never answered within the scenario's time is
    # infinitely slower, not a ratio left out.
    return first['rate'] / last['rate'] if last['rate'] else float('inf')


def report(data, args, command):
    """The Markdown report of one run."""
    columns = [c for c in ('ours', 'floor-sql', 'upstream', 'ours-es',
                           'floor-es') if c in data]
    names = []
    for column in columns:
        for name in _rows(data, column):
            if name not in names:
                names.append(name)
    out = ['Command: `%s`' % command, '',
           'Date: %s UTC; host: %s, %d CPUs, Python %s; %d clients, %.0f s '
           'per scenario after 1 s warm-up; uWSGI `%s` mode, 2 processes x '
           '2 threads.' % (
               datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M'),
               platform.node(), os.cpu_count(), platform.python_version(),
               args.clients, args.duration, args.mode),
           'Load average (1, 5, 15 min) before the run %s, after %s: the '
           'machine is shared; read the columns side by side.' % (
               ' / '.join('%.1f' % v for v in args.load_before),
               ' / '.join('%.1f' % v for v in args.load_after)), '',
           '| scenario | target | %s |' % ' | '.join(columns),
           '|---|---|%s' % ('---|' * len(columns))]
    for name in names:
        target = TARGETS.get(name)
        cells = [_cell(_rows(data, c).get(name)) for c in columns]
        out.append('| %s | %s | %s |' % (
            name, '>= %d/s' % target if target else '', ' | '.join(cells)))
    out += ['', 'Projected steps/s with the CPUs to themselves (%d CPUs / '
            '(server + load generator CPU per step); the CPU time a step '
            'costs, measured in the run, without the waiting caused by '
            'other load on the machine):' % os.cpu_count(), '',
            '| scenario | %s |' % ' | '.join(columns),
            '|---|%s' % ('---|' * len(columns))]
    for name in names:
        cells = []
        for column in columns:
            row = _rows(data, column).get(name)
            cpu = row and (row.get('server_cpu_ms', float('nan'))
                           + row.get('client_cpu_ms', float('nan')))
            cells.append('%.0f/s' % (os.cpu_count() * 1000 / cpu)
                         if cpu and cpu == cpu else '')
        out.append('| %s | %s |' % (name, ' | '.join(cells)))
    ratios = ['%s %.2f' % (c, _page_ratio(_rows(data, c), args.big))
              for c in columns if _page_ratio(_rows(data, c), args.big)]
    out += ['', 'Last page / first page time by offset (first rate / last '
            'rate; targets %s): %s' % (', '.join(
                '%s <= %.0f' % kv for kv in OFFSET_RATIO_TARGETS.items()),
                ', '.join(ratios))]
    ratios = ['%s %.2f' % (c, _page_ratio(_rows(data, c), args.big,
                                          scenarios.marker_name))
              for c in columns
              if _page_ratio(_rows(data, c), args.big, scenarios.marker_name)]
    out += ['Last page / first page time by marker (3.10; target <= %.1f): '
            '%s' % (PAGE_RATIO_TARGET, ', '.join(ratios) or 'not run')]
    for column in columns:
        rss = data[column].get('rss')
        if rss:
            out.append('Worker memory of %s at the end, MiB (RSS / peak '
                       'RSS / PSS; target RSS <= %d): %s' % (
                           column, RSS_TARGET_MIB, ', '.join(
                               '%.1f / %.1f / %.1f' % tuple(v)
                               for v in rss.values())))
    misses = []
    ours = _rows(data, 'ours')
    for name, target in TARGETS.items():
        row = ours.get(name)
        if row and (row['rate'] < target or row['errors']):
            misses.append('%s %.0f/s < %d/s' % (name, row['rate'], target)
                          if row['rate'] < target else
                          '%s has errors' % name)
    for column in ('ours', 'ours-es'):
        rows = _rows(data, column)
        ratio = _page_ratio(rows, args.big)
        if ratio and ratio > OFFSET_RATIO_TARGETS[column]:
            misses.append('%s: last page by offset %.2fx the first'
                          % (column, ratio))
        ratio = _page_ratio(rows, args.big, scenarios.marker_name)
        if ratio and ratio > PAGE_RATIO_TARGET:
            misses.append('%s: last page by marker %.2fx the first'
                          % (column, ratio))
    rss = data.get('ours', {}).get('rss') or {}
    if any(v[0] > RSS_TARGET_MIB for v in rss.values()):
        misses.append('worker RSS %s MiB' % ' / '.join(
            '%.0f' % v[0] for v in rss.values()))
    out += ['', 'Ours misses: %s' % (', '.join(misses) or 'nothing')]
    return '\n'.join(out) + '\n'


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--targets', default='ours,floor-sql,upstream',
                        help='comma list of ours, floor-sql, upstream, '
                             'ours-es, floor-es')
    parser.add_argument('--duration', type=float, default=8.0,
                        help='measured seconds per scenario')
    parser.add_argument('--clients', type=int, default=16)
    parser.add_argument('--big', type=int, default=50000,
                        help='backups in the paging project')
    parser.add_argument('--mode', choices=['http', 'http-socket'],
                        default='http',
                        help='uWSGI front: the HTTP router with keep-alive '
                             '(--http --http-keepalive) or HTTP/1.1 on the '
                             'workers (--http11-socket)')
    parser.add_argument('--scenarios', default=','.join(SCENARIOS),
                        help='comma list of scenarios to run (services '
                             'only; default all): %(default)s')
    parser.add_argument('--out', default=str(HERE / 'out'),
                        help='work directory (databases, logs, JSON)')
    parser.add_argument('--keep', action='store_true',
                        help='keep the databases in the work directory')
    parser.add_argument('--record', action='store_true',
                        help='write the report to bench/RESULTS.md')
    return parser.parse_args(argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    command = 'python -m bench.run ' + ' '.join(shlex.quote(a) for a in argv)
    stamp = time.strftime('%Y%m%d-%H%M%S')
    root = Path(args.out) / stamp
    root.mkdir(parents=True)
    data = {}
    args.load_before = os.getloadavg()
    targets = args.targets.split(',')
    es_server = None
    if {'ours-es', 'floor-es'} & set(targets):
        es_server = search.start_server(log)
    try:
        for target in targets:
            data[target] = run_target(target, root, args, es_server)
            (root / 'data.json').write_text(json.dumps(data, indent=1))
    finally:
        if es_server is not None:
            search.stop_server(es_server, log)
    args.load_after = os.getloadavg()
    text = report(data, args, command)
    print('\n' + text)
    (root / 'report.md').write_text(text)
    if args.record:
        results = HERE / 'RESULTS.md'
        results.write_text('# Benchmark results\n\nHow to run and what '
                           'is measured: see [README.md](README.md).\n\n'
                           + text)
        log('wrote %s' % results)
    shutil.rmtree(root / 'floor-sql', ignore_errors=True)
    return 0


def run_target(target, root, args, es_server):
    """Run one column of the report; return its data."""
    workdir = root / target
    workdir.mkdir()
    if target == 'ours':
        return run_service(
            target, lambda w: servers.start_ours(w, args.mode, log), workdir,
            args, lambda s: lambda n: seed.ours(
                str(workdir / 'freezer.sqlite'), scenarios.BIG_PROJECT, n))
    if target == 'upstream':
        return run_service(
            target, lambda w: servers.start_upstream(w, args.mode, log),
            workdir, args, lambda s: lambda n: seed.upstream(
                str(workdir / 'upstream.sqlite'), scenarios.BIG_PROJECT, n))
    if target == 'floor-sql':
        return run_floor(workdir, args)
    if target == 'ours-es':
        return run_service(
            target, lambda w: servers.start_ours(
                w, args.mode, log, 'elasticsearch', es_server.url,
                ES_PREFIX), workdir, args, lambda s: lambda n: seed.ours_es(
                    es_server.url, ES_PREFIX, scenarios.BIG_PROJECT, n))
    if target == 'floor-es':
        return run_es_floor(es_server, args)
    raise SystemExit('unknown target %r' % target)


if __name__ == '__main__':
    sys.exit(main())
