"""Hostile requests for the fuzzing tier (``test_hostile_input.py``): the
routes of the route table, and seeded generators of odd ids, bodies, query
strings and headers. Everything is drawn from a ``random.Random`` so that a
seed names a run exactly.
"""

import json

import falcon

from freezer_api.api.resources import base
from freezer_api.api import routes
from freezer_api import app
from freezer_api.objects import hooks
from tests import conftest

# -- the routes -------------------------------------------------------------


class _Recorder:
    """Stands in for a falcon App: keeps what ``add_routes`` adds."""

    def __init__(self):
        self.routes = []

    def add_route(self, path, resource):
        self.routes.append((path, resource))


def route_methods():
    """Every ``(method, path template, resource)`` of the route table."""
    conf = conftest.make_conf()
    no_hooks = hooks.Hooks()
    # NOTE: resources are built, never called: no store behind them.
    deps = base.Deps(conf, None, app.documents(conf, None, no_hooks), None,
                     no_hooks)
    recorder = _Recorder()
    routes.add_routes(recorder, deps)
    found = []
    for path, resource in recorder.routes:
        for method in falcon.constants.COMBINED_METHODS:
            if hasattr(resource, 'on_' + method.lower()):
                found.append((method, path, resource))
    return found


# -- raw JSON values no encoder would write -----------------------------------

LONE_SURROGATE_BYTES = b'"\xed\xa0\x80"'
HOSTILE_VALUES = [
    LONE_SURROGATE_BYTES, b'"\\ud800"', b'"x\\udfff"', b'"\xff\xfe"',
    b'"\xc0\xaf"', b'1e400', b'-1e400', b'1e-400', b'9' * 5000,
    b'9223372036854775808', b'-9223372036854775809', b'9223372036854775807',
    b'NaN', b'Infinity', b'-0', b'0.1', b'"\xc2\xb2"', b'"\xd9\xa3"',
    b'"' + b'9' * 5000 + b'"', b'[' * 40 + b']' * 40,
    b'{"a":' * 40 + b'1' + b'}' * 40, b'"\\u0000"', b'"a\\nb"', b'""',
    b'null', b'true', b'[]', b'{}', b'"' + b'x' * 70000 + b'"',
    b'"1_0"', b'" 7 "', b'"*/0"', b'"5-1"', b'"mon-sun/2"', b'"last fri"',
    b'"2015-06-02T16:20:00"', b'"2015-06-02T16:20:00\\n"', b'"continuous"',
    b'"\xd9\xa3 days"', b'"<script>"', b'"%s"', b'"\\"\\\\"',
]

WHOLE_BODIES = [
    b'', b' ', b'{', b'}', b'{"a":}', b'[]', b'"text"', b'null', b'1',
    b'\xef\xbb\xbf{}', b'\xff\xfe{\x00}\x00', b'{"a":1}{"b":2}',
    b'[' * 5000 + b']' * 5000, b'{"a":' * 5000 + b'1' + b'}' * 5000,
    b'{"a": NaN}', b'{"a": 1e400}', b'{"a": -Infinity}',
    b'{"container":"\xed\xa0\x80","hostname":"h","backup_name":"b"}',
    b'{"\\ud800": 1}', b'{"a": "\\ud800"}', b'{"a": ' + b'1' * 5000 + b'}',
    b'\x00\x01\x02', b'{"a": 1, "a": 2}',
]

_DEEP_ALL = json.dumps({'match': [{'_all': '[' * 5000}]})
SEARCHES = [
    _DEEP_ALL,
    json.dumps({'match': [{'_all': '[' * 40 + ']' * 40}]}),
    json.dumps({'match': [{'_all': '[{"a": 1e400}]'}]}),
    json.dumps({'match': [{'_all': '[{"a": "\\ud800"}]'}]}),
    json.dumps({'match': [{'_all': '[{"a": ' + '9' * 5000 + '}]'}]}),
    json.dumps({'match': [{'_all': 'x' * 5000}]}),
    json.dumps({'match': [{'_all': 7}]}),
    json.dumps({'match': [{'client_id': 'p1_host1'}]}),
    json.dumps({'match': [{'': 1}]}),
    json.dumps({'match': [{'a' * 300: 1}]}),
    json.dumps({'match': [{'k%d' % i: i} for i in range(40)]}),
    json.dumps({'time_after': '9' * 5000}),
    json.dumps({'time_after': '\u00b2'}),
    json.dumps({'time_after': 1.5}),
    json.dumps({'time_before': -2 ** 63}),
    '{"time_after": 1e400}', '{"match": "x"}', '[1]', 'x' * 10000,
]


# -- ids, query strings, headers -------------------------------------------

HOSTILE_IDS = [
    '%00', '%0A', 'x%0A', '%ED%A0%80', '%FF', '%C2%B2', 'x' * 300,
    'x' * 256, 'x' * 255, '..', '.', '%2E%2E', 'a%2Fb', '%20', 'a%20b',
    '%E2%80%AE', 'null', 'None', '0', '-1', '1e400', '%25', '*', '%3F',
    'admin', 'p2', '%F0%9F%94%A7', 'A' * 64, 'A' * 65,
]

NUMBERS = ['0', '-1', '1', '1000', '1001', '10', '\u00b2', '\u0663', '1_0',
           ' 5', '5 ', '1e3', '0x10', '9' * 5000, '99999999999', '', '%00',
           '%ED%A0%80', 'ten', '2.5']

EXTRA_PARAMS = ['foo=bar', 'all_projects=yes', 'all_projects=%00',
                'binary=%ED%A0%80', 'binary=' + 'b' * 300, 'limit=1&limit=2',
                'search=&search=', 'name=' + 'n' * 300, 'disabled=maybe',
                'num_hosts=' + '9' * 30]

VERSION_HEADERS = [
    'backup latest', 'backup 3.0', 'backup 3.3', 'backup 3.8', 'backup 3.9',
    'backup 3.\u0663', 'backup 3.' + '9' * 5000, 'backup 3.3-3.1',
    'backup 3.1-latest', 'backup', 'backup x', 'backup 3.07',
    'compute 2.1', 'backup 3.3, backup 3.1', 'backup ' * 200, '',
    'backup 4.0', 'backup 3.3-3.9', 'backup %00',
]

ACCEPTS = ['application/json', '*/*', 'text/html', 'application/xml',
           'application/json;q=0', '', 'x' * 1000]

REQUEST_IDS = ['req-00000000-0000-0000-0000-000000000000', 'x' * 2000,
               '\x7f', '']


def query_string(rng, is_list):
    """A hostile query string (text, already percent-encoded)."""
    parts = []
    if is_list:
        if rng.random() < 0.5:
            parts.append('limit=%s' % rng.choice(NUMBERS))
        if rng.random() < 0.4:
            parts.append('offset=%s' % rng.choice(NUMBERS))
        if rng.random() < 0.4:
            from urllib import parse
            parts.append('search=%s' % parse.quote(rng.choice(SEARCHES)))
    if rng.random() < 0.3:
        parts.append(rng.choice(EXTRA_PARAMS))
    return '&'.join(parts)


def headers(rng, version):
    """Extra headers: now and then an odd microversion, Accept or id."""
    found = {}
    if version == 'v3':
        found['OpenStack-API-Version'] = (
            rng.choice(VERSION_HEADERS) if rng.random() < 0.3
            else 'backup latest')
    if rng.random() < 0.15:
        found['Accept'] = rng.choice(ACCEPTS)
    if rng.random() < 0.1:
        found['X-OpenStack-Request-ID'] = rng.choice(REQUEST_IDS)
    return found


# -- bodies -------------------------------------------------------------

_MARK = '\u0001hostile\u0001'


def _paths(value, prefix=()):
    """Every path of a key in nested dicts (lists not entered)."""
    if isinstance(value, dict):
        for key, sub in value.items():
            yield prefix + (key,)
            yield from _paths(sub, prefix + (key,))


def mutated(rng, doc):
    """``doc`` as JSON bytes, with one key's value (or a new key) replaced by
    a raw hostile value.
    """
    doc = json.loads(json.dumps(doc))
    paths = list(_paths(doc)) or [('x',)]
    path = rng.choice(paths)
    if rng.random() < 0.2:
        path = path[:-1] + ('added_%d' % rng.randrange(10),)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = _MARK
    raw = json.dumps(doc).encode('utf-8')
    return raw.replace(json.dumps(_MARK).encode('utf-8'),
                       rng.choice(HOSTILE_VALUES))


def body(rng, valid):
    """A hostile body: broken JSON, or ``valid`` (when given) mutated."""
    if valid is None or rng.random() < 0.25:
        return rng.choice(WHOLE_BODIES)
    if rng.random() < 0.05:
        return json.dumps(valid).encode('utf-8')
    return mutated(rng, valid)
