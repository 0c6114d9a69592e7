"""Interleaved rounds: every scenario runs on every target in turn.

All targets are started and set up first and stay warm for the whole run.
Then, round after round, each scenario runs once on each target, the
targets' order rotated every round, so that whatever else loads the
machine at that moment weighs on every column alike; the ratios between
columns of one round are what the report compares.
"""

import os

from bench import floor as floor_mod
from bench import scenarios
from bench import search
from bench import seed
from bench import servers

ES_PREFIX = 'bench-ours'
#: Every scenario key, in the order a round runs them.
SCENARIOS = tuple(scenarios.TITLES) + ('pages',)


class Service:
    """A uWSGI-served freezer-api (ours or upstream) and its Bench."""

    def __init__(self, name, server, args, log, seeder=None):
        self.name = name
        self.server = server
        self.args = args
        self.log = log
        self.seeder = seeder
        self.bench = scenarios.Bench(server.url, args.clients, args.duration,
                                     log, args.big, server.cpu_seconds)

    def setup(self, wanted):
        self.bench.register_clients()
        self.bench.seed_backups(300)
        if 'pages' in wanted and self.seeder:
            big = self.bench.thread(scenarios.BIG_PROJECT)
            status, _ = big.call('POST', '/backups', scenarios.backup_body(0))
            big.close()
            if status != 201:
                raise RuntimeError('seeding the big project failed: HTTP %d'
                                   % status)
            self.seeder(self.args.big)
            self.log('  %s: seeded %d backups' % (self.name, self.args.big))

    def supports(self, scenario):
        return scenario != 'pages' or self.seeder is not None

    def run(self, scenario):
        if scenario == 'pages':
            # NOTE: pages after a marker are v3 at 3.10: upstream has no v3.
            if self.name == 'upstream':
                return self.bench.pages()
            return self.bench.pages() + self.bench.marker_pages()
        return [getattr(self.bench, scenario)()]

    def rss(self):
        return self.server.rss()

    def stop(self):
        self.server.stop()
        self.log('  stopped %s (pid %d)' % (self.name, self.server.proc.pid))


class SqlFloor:
    """The scenarios straight on SQLAlchemy Core + SQLite (bench/floor.py),
    2 processes x 2 threads.
    """

    name = 'floor-sql'

    def __init__(self, workdir, args, log):
        self.log = log
        self.floor = floor_mod.Floor(str(workdir / 'floor.sqlite'), 2,
                                     args.duration, args.big)
        self.big = args.big

    def setup(self, wanted):
        self.floor.setup()

    def supports(self, scenario):
        return True

    def run(self, scenario):
        if scenario == 'pages':
            names = [scenarios.page_name(w, self.big)
                     for w in ('first', 'last')]
        else:
            names = [scenarios.TITLES[scenario]]
        return [floor_mod.run_one(self.floor, n, self.log) for n in names]

    def rss(self):
        return {}

    def stop(self):
        pass


class EsFloor:
    """The scenarios straight on elasticsearch-py (bench/search.py)."""

    name = 'floor-es'

    def __init__(self, es_server, args, log):
        self.log = log
        self.floor = search.Floor(es_server.url, args.duration, args.clients)

    def setup(self, wanted):
        self.floor.setup()

    def supports(self, scenario):
        return scenario != 'pages'

    def run(self, scenario):
        return [self.floor.run_one(scenarios.TITLES[scenario], self.log)]

    def rss(self):
        return {}

    def stop(self):
        self.floor.drop()


def start(name, root, args, log, es_server):
    """Start target ``name`` with its work directory under ``root``."""
    workdir = root / name
    workdir.mkdir()
    if name == 'ours':
        server = servers.start_ours(workdir, args.mode, log)
        return Service(name, server, args, log, lambda n: seed.ours(
            str(workdir / 'freezer.sqlite'), scenarios.BIG_PROJECT, n))
    if name == 'upstream':
        server = servers.start_upstream(workdir, args.mode, log)
        return Service(name, server, args, log, lambda n: seed.upstream(
            str(workdir / 'upstream.sqlite'), scenarios.BIG_PROJECT, n))
    if name == 'ours-es':
        server = servers.start_ours(workdir, args.mode, log, 'elasticsearch',
                                    es_server.url, ES_PREFIX)
        return Service(name, server, args, log, lambda n: seed.ours_es(
            es_server.url, ES_PREFIX, scenarios.BIG_PROJECT, n))
    if name == 'floor-sql':
        return SqlFloor(workdir, args, log)
    if name == 'floor-es':
        return EsFloor(es_server, args, log)
    raise SystemExit('unknown target %r' % name)


def rotated(names, round_index):
    """``names`` starting at position ``round_index`` (mod its length)."""
    k = round_index % len(names)
    return names[k:] + names[:k]


def interleave(targets, wanted, rounds, log, on_round=None):
    """Run ``wanted`` scenarios on every target, ``rounds`` times.

    Returns ``{'results': {target: {title: [summary per round]}},
    'rounds': [{'order', 'load_before', 'load_after', 'rss'}]}``;
    ``on_round(data)`` is called after each round (to save partial data).
    """
    names = list(targets)
    data = {'results': {n: {} for n in names}, 'rounds': []}
    for r in range(rounds):
        order = rotated(names, r)
        info = {'order': order, 'load_before': os.getloadavg()}
        log('== round %d of %d: %s' % (r + 1, rounds, ', '.join(order)))
        for scenario in wanted:
            for name in order:
                target = targets[name]
                if not target.supports(scenario):
                    continue
                log('  [%s] %s' % (name, scenario))
                for result in target.run(scenario):
                    data['results'][name].setdefault(
                        result.name, []).append(result.summary())
        info['load_after'] = os.getloadavg()
        info['rss'] = {n: list(t.rss().values()) for n, t in targets.items()
                       if t.rss()}
        for name, values in info['rss'].items():
            log('  %s worker MiB (RSS, peak RSS, PSS): %s' % (name, [
                tuple(round(v, 1) for v in value) for value in values]))
        data['rounds'].append(info)
        if on_round:
            on_round(data)
    return data
