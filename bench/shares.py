"""Where the server's CPU goes: a profile's own time by category.

Each function's own time (cProfile's ``tottime``, not including what it
calls) goes to the first category whose rule matches its file or, for a
built-in, its name. The categories follow the layers of a request:
Falcon, our middleware, policy, schema validation, JSON, the
Elasticsearch client (elasticsearch-py, elastic-transport, urllib3,
opensearch-py), the store's Python (ours, SQLAlchemy, oslo.db), SQLite
itself, the rest of the service (resources, objects, errors), and
everything else (the standard library, the benchmark's WSGI glue).
"""

import os

#: (category, rule): a rule is a tuple of path fragments that a function's
#: file must contain, or of name fragments a built-in's name must contain.
CATEGORIES = (
    ('SQLite', (), ('sqlite3.',)),
    ('JSON', ('/freezer_api/jsonutils.py', '/freezer_api/api/body.py',
              '/json/'), ('orjson', '_json')),
    ('schema validation', ('/jsonschema/', '/referencing/',
                           '/jsonschema_specifications/',
                           '/freezer_api/schemas/'),
     ('rpds',)),
    ('policy', ('/oslo_policy/', '/freezer_api/policy.py',
                '/freezer_api/policies/'), ()),
    ('middleware', ('/freezer_api/api/middleware/', '/oslo_context/',
                    '/freezer_api/api/microversion.py',
                    '/microversion_parse/', '/freezer_api/context.py'), ()),
    ('Falcon', ('/falcon/',), ()),
    ('ES client', ('/elasticsearch/', '/elastic_transport/', '/urllib3/',
                   '/opensearchpy/'), ()),
    ('store', ('/freezer_api/storage/', '/sqlalchemy/', '/oslo_db/',
               '/freezer_api/metrics.py'), ()),
    ('service', ('/freezer_api/',), ()),
)
OTHER = 'other'
NAMES = tuple(name for name, _, _ in CATEGORIES) + (OTHER,)


def category(file_name, function_name):
    """Return the category of one profiled function."""
    path = file_name.replace(os.sep, '/')
    builtin = file_name == '~'
    for name, paths, builtins in CATEGORIES:
        if builtin and any(part in function_name for part in builtins):
            return name
        if not builtin and any(part in path for part in paths):
            return name
    return OTHER


def shares(stats):
    """Return {category: share of the profile's own time}, summing to 1.

    :param stats: a ``pstats.Stats``.
    """
    profile = stats.get_stats_profile()
    totals = dict.fromkeys(NAMES, 0.0)
    for function_name, fp in profile.func_profiles.items():
        totals[category(fp.file_name, function_name)] += fp.tottime
    whole = sum(totals.values()) or 1.0
    return {name: value / whole for name, value in totals.items()}


def table(rows):
    """Markdown table of ``[(scenario, shares)]``, percentages."""
    lines = ['| scenario | ' + ' | '.join(NAMES) + ' |',
             '|---' * (len(NAMES) + 1) + '|']
    for scenario, share in rows:
        lines.append('| %s | %s |' % (scenario, ' | '.join(
            '%.0f %%' % (share[name] * 100) for name in NAMES)))
    return '\n'.join(lines)
