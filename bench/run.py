"""Benchmark freezer-api against its floor and against upstream, in one run.

    python -m bench.run [--rounds 3] [--duration 8] [--record]

Run from the repository root with freezer-api and bench/requirements.txt
installed (uwsgi, pytest), or with ``tox -e bench``. See bench/README.md.
Everything listens on 127.0.0.1; every process started here is stopped by
its PID before the script exits.
"""

import argparse
import json
from pathlib import Path
import shlex
import shutil
import sys
import time

from bench import report
from bench import rounds
from bench import search

HERE = Path(__file__).resolve().parent


def log(msg):
    print('[%s] %s' % (time.strftime('%H:%M:%S'), msg), flush=True)


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
    parser.add_argument('--rounds', type=int, default=3,
                        help='interleaved rounds (at least 1; 3 or more '
                             'for the spread)')
    parser.add_argument('--scenarios', default=','.join(rounds.SCENARIOS),
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
    wanted = args.scenarios.split(',')
    unknown = set(wanted) - set(rounds.SCENARIOS)
    if unknown:
        raise SystemExit('unknown scenarios: %s' % ', '.join(sorted(unknown)))
    wanted = [s for s in rounds.SCENARIOS if s in wanted]
    root = Path(args.out) / time.strftime('%Y%m%d-%H%M%S')
    root.mkdir(parents=True)
    names = args.targets.split(',')
    es_server = None
    targets = {}
    try:
        if {'ours-es', 'floor-es'} & set(names):
            es_server = search.start_server(log)
        for name in names:
            log('== starting %s' % name)
            targets[name] = rounds.start(name, root, args, log, es_server)
            targets[name].setup(wanted)

        def save(data):
            (root / 'data.json').write_text(json.dumps(data, indent=1))
        data = rounds.interleave(targets, wanted, max(args.rounds, 1), log,
                                 save)
    finally:
        for target in targets.values():
            target.stop()
        if es_server is not None:
            search.stop_server(es_server, log)
    text = report.report(data, args, command)
    print('\n' + text)
    (root / 'report.md').write_text(text)
    if args.record:
        results = HERE / 'RESULTS.md'
        results.write_text('# Benchmark results\n\nHow to run and what '
                           'is measured: see [README.md](README.md).\n\n'
                           + text)
        log('wrote %s' % results)
    if not args.keep:
        for path in root.glob('*/*.sqlite*'):
            path.unlink()
    shutil.rmtree(root / 'floor-sql', ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
