"""The Markdown report of an interleaved run: medians and ratios."""

import datetime
import os
import platform
import statistics

from bench import scenarios

COLUMNS = ('ours', 'floor-sql', 'upstream', 'ours-es', 'floor-es')
#: (numerator, denominator, minimum ratio of throughputs): the targets.
RATIOS = (('ours', 'floor-sql', 0.70), ('ours', 'upstream', 5.0),
          ('ours-es', 'floor-es', 0.70))
#: p99 latency of ours-es at most this many times the floor's.
ES_P99_FACTOR = 2.0
RSS_TARGET_MIB = 60
PAGE_RATIO_TARGET = 1.5
OFFSET_RATIO_TARGETS = {'ours': 3.0, 'ours-es': 10.0}


def _median(values):
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float('nan')


def _cell(rows):
    if not rows:
        return 'not run'
    text = '%.0f/s, p50 %.1f ms, p99 %.1f ms' % (
        _median(r['rate'] for r in rows), _median(r['p50_ms'] for r in rows),
        _median(r['p99_ms'] for r in rows))
    cpu = _median(r.get('server_cpu_ms', float('nan')) for r in rows)
    if cpu == cpu:
        text += ', server CPU %.2f ms' % cpu
    errors = sum(r['errors'] for r in rows)
    if errors:
        kinds = {}
        for r in rows:
            for kind, n in r['error_kinds'].items():
                kinds[kind] = kinds.get(kind, 0) + n
        text += ', **%d errors** %s' % (errors, kinds)
    return text


def ratios(num_rows, den_rows, key='rate'):
    """Per-round ratios ``num/den`` of ``key`` (rounds paired by index)."""
    out = []
    for a, b in zip(num_rows, den_rows):
        if b[key]:
            out.append(a[key] / b[key])
    return out


def _ratio_cell(values, minimum=None):
    if not values:
        return ''
    mid = _median(values)
    text = '%.2f (%.2f-%.2f)' % (mid, min(values), max(values))
    if minimum is not None and mid < minimum:
        text = '**%s**' % text
    return text


def _page_ratios(rows, big, name):
    first = rows.get(name('first', big), [])
    last = rows.get(name('last', big), [])
    return ratios(first, last)


def report(data, args, command):
    """The Markdown text of one run's ``data`` (``rounds.interleave``)."""
    results = data['results']
    columns = [c for c in COLUMNS if c in results]
    titles = []
    for column in columns:
        for title in results[column]:
            if title not in titles:
                titles.append(title)
    rounds = data['rounds']
    out = ['Command: `%s`' % command, '',
           'Date: %s UTC; host: %s, %d CPUs, Python %s; %d clients, %.0f s '
           'per scenario after 1 s warm-up; uWSGI `%s` mode, 2 processes x '
           '2 threads; %d interleaved rounds (each scenario on every target '
           'in turn, order rotated each round).' % (
               datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M'),
               platform.node(), os.cpu_count(), platform.python_version(),
               args.clients, args.duration, args.mode, len(rounds)),
           '', 'Load average (1 min) before / after each round: %s.'
           % ', '.join('%.1f / %.1f' % (r['load_before'][0],
                                        r['load_after'][0]) for r in rounds),
           '',
           '### Ratios of throughput, median of the rounds (min-max)', '',
           'Targets: ours/floor-sql >= 0.70, ours/upstream >= 5 (where '
           'upstream answers without errors), ours-es/floor-es >= 0.70; a '
           'miss is in bold.', '']
    pairs = [(a, b, m) for a, b, m in RATIOS if a in results and b in results]
    out += ['| scenario | %s |' % ' | '.join(
        '%s/%s' % (a, b) for a, b, _ in pairs),
        '|---|%s' % ('---|' * len(pairs))]
    misses = []
    for title in titles:
        cells = []
        for a, b, minimum in pairs:
            num, den = results[a].get(title, []), results[b].get(title, [])
            if b == 'upstream' and any(r['errors'] for r in den):
                minimum = None
            values = ratios(num, den)
            cells.append(_ratio_cell(values, minimum))
            if values and minimum is not None and _median(values) < minimum:
                misses.append('%s %s/%s %.2f < %.2f' % (
                    title, a, b, _median(values), minimum))
        out.append('| %s | %s |' % (title, ' | '.join(cells)))
    if 'ours-es' in results and 'floor-es' in results:
        out += ['', 'p99 latency ours-es / floor-es (target <= %.1f): %s' % (
            ES_P99_FACTOR, ', '.join(
                '%s %s' % (t, _ratio_cell(ratios(
                    results['ours-es'][t], results['floor-es'][t], 'p99_ms')))
                for t in titles if t in results['floor-es']
                and t in results['ours-es']))]
    out += ['', '### What each target did, median of the rounds', '',
            '| scenario | %s |' % ' | '.join(columns),
            '|---|%s' % ('---|' * len(columns))]
    for title in titles:
        out.append('| %s | %s |' % (title, ' | '.join(
            _cell(results[c].get(title)) for c in columns)))
    out.append('')
    for column in columns:
        for label, name, target in (
                ('offset', scenarios.page_name,
                 OFFSET_RATIO_TARGETS.get(column)),
                ('marker', scenarios.marker_name, PAGE_RATIO_TARGET)):
            values = _page_ratios(results[column], args.big, name)
            if not values:
                continue
            out.append('Last page / first page time by %s, %s: %s%s' % (
                label, column, _ratio_cell(values),
                ' (target <= %.1f)' % target if target else ''))
            if target and _median(values) > target:
                misses.append('%s: last page by %s %.2fx the first'
                              % (column, label, _median(values)))
    out += ['', 'Worker memory after each round, MiB (RSS / peak RSS / PSS '
            'per worker; target RSS <= %d for ours):' % RSS_TARGET_MIB]
    for column in columns:
        per_round = [r['rss'].get(column) for r in rounds]
        if not any(per_round):
            continue
        out.append('- %s: %s' % (column, '; '.join(
            'round %d: %s' % (i + 1, ', '.join(
                '%.1f / %.1f / %.1f' % tuple(v) for v in values or []))
            for i, values in enumerate(per_round))))
    last = rounds[-1]['rss'].get('ours') if rounds else None
    if last and any(v[0] > RSS_TARGET_MIB for v in last):
        misses.append('ours worker RSS %s MiB' % ' / '.join(
            '%.0f' % v[0] for v in last))
    out += ['', 'Misses: %s' % ('; '.join(misses) or 'nothing')]
    return '\n'.join(out) + '\n'
