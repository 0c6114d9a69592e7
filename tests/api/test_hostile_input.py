"""Hostile input on every route of the route table, on every store of the
run: no 5xx, every error in the one JSON shape, no traceback logged, and
the store holds exactly what the 2xx answers said it accepted (nothing at
all after a 4xx).

The fuzzer is seeded (``FREEZER_FUZZ_SEED``, default 15) and bounded
(``FREEZER_FUZZ_CASES`` requests per route and method, default 12 on
SQLite and 4 on the server-backed stores); a test
id names the route, so a failure is replayed with ``-k``. Each hostile
input once found to get a 500 or to be stored changed follows as a
regression test of its own.
"""

import json
import logging
import os
import random

import pytest

from freezer_api.storage import base as storage
from tests.api.conftest import backup_metadata
from tests.api.conftest import Caller
from tests.api.conftest import client_info
from tests.api.conftest import job_doc
from tests.api import hostile

SEED = os.environ.get('FREEZER_FUZZ_SEED', '15')
# NOTE: every case snapshots the whole store: on the server-backed stores
# (PostgreSQL, Elasticsearch, OpenSearch) fewer cases keep the run short;
# the embedded store gets the full count. FREEZER_FUZZ_CASES sets both.
CASES = {'sql': 12}
OTHER_CASES = 4
ERROR_KEYS = {'title', 'description', 'message', 'code', 'request_id'}
ROUTES = hostile.route_methods()

ID_FIELDS = {'jobs': 'job_id', 'actions': 'action_id',
             'sessions': 'session_id', 'backups': 'backup_id',
             'clients': 'client_id'}
#: Fields a body never sets: the API fills them in.
SERVER_FIELDS = {'user_id', 'project_id', 'user_name', 'jobs',
                 'user_credentials'}
#: ... and those a create stamps into a job's schedule.
STAMPED = {'time_created', 'time_started', 'time_ended'}


class World:
    """One owner's documents in v1 (by user) and v2/v3 (by project)."""

    def __init__(self, api):
        self.api = api
        self.ids = {}
        for version in ('v1', 'v2'):
            self.ids[version] = self._seed(self.caller(version))
        self.ids['v3'] = self.ids['v2']

    def caller(self, version):
        return Caller(self.api, version, user='alice', project='p1',
                      roles='admin,member,reader')

    @staticmethod
    def _seed(caller):
        def made(path, doc, field):
            resp = caller.post(path, json=doc)
            assert resp.status_code == 201, resp.text
            return resp.json[field]

        made('/clients', client_info('p1_host1', cluster='c1'), 'client_id')
        ids = {
            'jobs': made('/jobs', job_doc('p1_host1'), 'job_id'),
            'actions': made('/actions', ACTION, 'action_id'),
            'sessions': made('/sessions', SESSION, 'session_id'),
            'backups': made('/backups', backup_metadata(), 'backup_id'),
            'clients': 'p1_host1', 'clusters': 'c1'}
        return ids


ACTION = {'freezer_action': {'action': 'backup', 'mode': 'fs',
                             'path_to_backup': '/srv', 'backup_name': 'b',
                             'container': 'c'}, 'max_retries': 3}
SESSION = {'description': 's', 'hold_off': 30,
           'schedule': {'schedule_interval': '1 days'}}


def valid_body(method, path, resource, ids):
    """A body the route accepts, to be mutated (None: the route reads none
    or a search filter).
    """
    kind = getattr(resource, 'kind', None)
    name = type(resource).__name__
    if name == 'Event':
        return {'event': 'start'}
    if name == 'Action':
        return {'start': {'job_id': ids['jobs'], 'current_tag': 0}}
    if kind == 'clusters':
        return ({'name': 'c1', 'disabled_reason': 'why'}
                if method == 'PUT' else None)
    full = {'jobs': job_doc('p1_host1'), 'actions': ACTION,
            'sessions': dict(SESSION, session_tag=0),
            'backups': backup_metadata(),
            'clients': client_info('p1_host2')}.get(kind)
    if method == 'PATCH':
        return ({'status': 'error'} if kind == 'backups'
                else {'description': 'patched'})
    if method in ('POST', 'PUT') and name not in ('Job',):
        return full
    return None


def fill(path, kind, ids, rng):
    """The path with its parameters: mostly real ids, else hostile ones."""
    real = {'{project_id}': 'p1', '{job_id}': ids['jobs'],
            '{name}': ids['clusters'], '{item_id}': ids.get(kind, 'x')}
    for template, value in real.items():
        if template in path:
            if rng.random() < 0.3:
                value = rng.choice(hostile.HOSTILE_IDS)
            path = path.replace(template, value)
    return path


def snapshot(store):
    """Every stored document, as (kind, canonical JSON, version)."""
    found = set()
    for kind in storage.KINDS:
        for record in store.search(kind, storage.ANY, None, 10000, 0):
            found.add((kind, json.dumps(record.doc, sort_keys=True),
                       record.version))
    return found


def contains(stored, sent):
    """True when everything ``sent`` says is what ``stored`` holds (dicts
    may hold more keys: PATCH merges).
    """
    if isinstance(sent, dict):
        return isinstance(stored, dict) and all(
            k in stored and contains(stored[k], v) for k, v in sent.items())
    if isinstance(sent, list):
        return (isinstance(stored, list) and len(stored) == len(sent)
                and all(contains(a, b) for a, b in zip(stored, sent)))
    return type(stored) is type(sent) and stored == sent


def accepted(kind, method, sent):
    """What a 2xx create, replace or PATCH says the store now holds."""
    sent = {k: v for k, v in sent.items() if k not in SERVER_FIELDS}
    if kind == 'backups' and method == 'POST':
        meta = {k: v for k, v in sent.items() if k != 'status'}
        return dict({'backup_metadata': meta},
                    **({'status': sent['status']} if 'status' in sent
                       else {}))
    if kind == 'clients':
        return {'client': sent}
    if kind == 'jobs' and isinstance(sent.get('job_schedule'), dict):
        sent['job_schedule'] = {k: v for k, v in sent['job_schedule'].items()
                                if k not in STAMPED}
        sent.pop('job_actions', None)   # action_defaults expand into them
    return sent


def check_answer(resp, what):
    assert resp.status_code < 500, (what, resp.status_code, resp.text)
    if resp.status_code >= 400:
        assert resp.headers['content-type'].startswith('application/json'), (
            what, resp.text)
        assert ERROR_KEYS <= set(resp.json), (what, resp.text)
        assert resp.json['request_id'] == resp.headers[
            'x-openstack-request-id'], what


def check_store(before, after, resp, what, kind, method, path, body):
    if resp.status_code >= 400:
        assert after == before, (what, 'a refused request changed the store',
                                 after ^ before)
        return
    if method == 'GET':
        changed = {entry[0] for entry in after ^ before}
        assert changed <= {'services', 'clusters'}, (what, changed)
        return
    sent = _decoded(body)
    id_field = ID_FIELDS.get(kind)
    if not isinstance(sent, dict) or id_field is None or method not in (
            'POST', 'PUT', 'PATCH') or not _is_document_route(path, method):
        return
    doc_id = resp.json.get(id_field) if resp.json else None
    expected = accepted(kind, method, sent)
    expected.pop(id_field, None)
    docs = [json.loads(doc) for k, doc, _v in after if k == kind]
    mine = [d for d in docs if _stored_id(kind, d) == doc_id]
    assert mine, (what, 'a 2xx write stored nothing')
    assert any(contains(d, expected) for d in mine), (
        what, 'stored is not what was accepted', expected, mine)


def _stored_id(kind, doc):
    if kind == 'clients':
        return doc.get('client', {}).get('client_id')
    return doc.get(ID_FIELDS[kind])


def _is_document_route(path, method):
    parts = path.rstrip('/').split('/')
    depth = len(parts) - (2 if path.startswith('/v1') else 3)
    return depth == 1 and method == 'POST' or depth == 2 and method in (
        'PUT', 'PATCH', 'POST')


def _decoded(body):
    try:
        return json.loads(body)
    except (TypeError, ValueError, RecursionError):
        return None


@pytest.fixture
def world(api):
    return World(api)


@pytest.fixture
def no_tracebacks(caplog):
    caplog.set_level(logging.ERROR)
    yield
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not logged, [r.getMessage() for r in logged]


def _route_id(route):
    return '%s %s' % (route[0], route[1])


@pytest.mark.parametrize('route', ROUTES, ids=_route_id)
def test_hostile_requests_on_every_route(api, store, world, no_tracebacks,
                                         backend, route):
    method, template, resource = route
    cases = int(os.environ.get('FREEZER_FUZZ_CASES')
                or CASES.get(backend.name, OTHER_CASES))
    rng = random.Random('%s %s %s' % (SEED, method, template))
    version = template.split('/')[1] if template.startswith('/v') else 'v2'
    ids = world.ids.get(version, world.ids['v2'])
    valid = valid_body(method, template, resource, ids)
    before = snapshot(store)
    for case in range(cases):
        path = fill(template, getattr(resource, 'kind', None), ids, rng)
        body = None
        if method in ('POST', 'PUT', 'PATCH') or (
                method == 'GET' and rng.random() < 0.3):
            body = (hostile.body(rng, valid) if method != 'GET'
                    else rng.choice(hostile.SEARCHES).encode('utf-8'))
        query = hostile.query_string(rng, method == 'GET')
        headers = dict(world.caller('v1').headers,
                       **hostile.headers(rng, version))
        what = (case, method, path[:80], (body or b'')[:120], query[:80],
                headers)
        resp = api.simulate_request(method, path, body=body, headers=headers,
                                    query_string=query)
        check_answer(resp, what)
        after = snapshot(store)
        check_store(before, after, resp, what, getattr(resource, 'kind', None),
                    method, path,
                    body)
        before = after


def test_the_fuzzer_covers_the_route_table():
    """New routes are fuzzed without a change here: the list is derived."""
    paths = {path for _m, path, _r in ROUTES}
    assert '/v3/{project_id}/clusters/{name}/history' in paths
    assert '/v1/sessions/{item_id}/jobs/{job_id}' in paths
    assert len(ROUTES) > 100


# -- regression tests: one per input once answered 500 or stored changed ----

def refused(caller, store, method, path, body=None, **kwargs):
    """Send a request that must be refused with a 400 changing nothing;
    return the error description.
    """
    before = snapshot(store)
    resp = caller.request(method, path, body=body, **kwargs)
    assert resp.status_code == 400, resp.text
    check_answer(resp, (method, path))
    assert snapshot(store) == before
    return resp.json['description']


def item_paths(world, version):
    ids = world.ids[version]
    return ['/clients/p1_host1', '/actions/' + ids['actions'],
            '/sessions/' + ids['sessions']]


@pytest.mark.parametrize('version', ['v1', 'v2', 'v3'])
def test_an_encoded_lone_surrogate_is_400(store, world, no_tracebacks,
                                          version):
    caller = world.caller(version)
    body = b'{"container":"\xed\xa0\x80","hostname":"h","backup_name":"b"}'
    assert 'surrogates' in refused(caller, store, 'POST', '/backups', body)
    for path in item_paths(world, version):
        assert 'surrogates' in refused(caller, store, 'PATCH', path,
                                       b'{"description":"\xed\xa0\x80"}')


@pytest.mark.parametrize('version', ['v1', 'v2', 'v3'])
def test_an_escaped_lone_surrogate_is_400(store, world, no_tracebacks,
                                          version):
    caller = world.caller(version)
    body = b'{"container":"\\ud800","hostname":"h","backup_name":"b"}'
    assert 'surrogates' in refused(caller, store, 'POST', '/backups', body)
    for path in item_paths(world, version):
        assert 'surrogates' in refused(caller, store, 'PATCH', path,
                                       b'{"description":"x\\udc00"}')


@pytest.mark.parametrize('version', ['v1', 'v2', 'v3'])
def test_a_number_beyond_a_double_is_400_not_null(store, world,
                                                  no_tracebacks, version):
    caller = world.caller(version)
    create = (b'{"freezer_action": {"action": "backup"}, "a": 1e400}')
    assert 'finite' in refused(caller, store, 'POST', '/actions', create)
    for path in item_paths(world, version):
        assert 'finite' in refused(caller, store, 'PATCH', path,
                                   b'{"a": 1e400}')


@pytest.mark.parametrize('version', ['v1', 'v2', 'v3'])
@pytest.mark.parametrize('kind', ['backups', 'clients', 'jobs', 'actions',
                                  'sessions'])
def test_a_deeply_nested_all_search_is_400(store, world, no_tracebacks,
                                           version, kind):
    caller = world.caller(version)
    search = json.dumps({'match': [{'_all': '[' * 5000}]})
    assert 'limit' in refused(caller, store, 'GET', '/' + kind, search)
    assert 'limit' in refused(caller, store, 'GET', '/' + kind,
                              params={'search': search})
    nested = json.dumps({'match': [{'_all': '[' * 1000}]})
    assert 'nest at most 32' in refused(caller, store, 'GET', '/' + kind,
                                        nested)


@pytest.mark.parametrize('digit', ['\u00b2', '\u0663', '\uff11'])
def test_a_cron_field_with_a_non_ascii_digit_is_400(store, world,
                                                    no_tracebacks, digit):
    caller = world.caller('v2')
    ids = world.ids['v2']
    refused(caller, store, 'POST', '/jobs', json.dumps(job_doc(
        job_schedule={'schedule_hour': digit})))
    refused(caller, store, 'PATCH', '/jobs/' + ids['jobs'], json.dumps(
        {'job_schedule': {'schedule_hour': digit}}))
    refused(caller, store, 'PATCH', '/sessions/' + ids['sessions'],
            json.dumps({'schedule': {'schedule_minute': '1-' + digit}}))


def test_a_replace_with_a_5000_digit_version_is_400(store, world,
                                                    no_tracebacks):
    caller = world.caller('v3')
    caller.headers['OpenStack-API-Version'] = 'backup 3.3'
    job_id = world.ids['v3']['jobs']
    body = json.dumps(job_doc())[:-1] + ', "version": %s}' % ('9' * 5000)
    for method in ('PUT', 'POST'):
        message = refused(caller, store, method, '/jobs/' + job_id, body)
        assert '64 bits' in message


@pytest.mark.parametrize('method, path, kwargs, named', [
    ('GET', '/jobs', {'params': {'search': '{"match": []}' + ' ' * 9000}},
     'limit is 8192'),
    ('GET', '/jobs', {'body': json.dumps({'match': [{'_all': 'x' * 5000}]})},
     'limit is 4096'),
    ('GET', '/jobs', {'params': {'limit': '\u0663'}}, 'ASCII digits'),
    ('GET', '/jobs', {'params': {'offset': '1_0'}}, 'ASCII digits'),
    ('GET', '/jobs', {'params': {'limit': '9' * 5000}}, 'from 1 to'),
    ('GET', '/jobs/' + 'x' * 256, {}, 'limit is 255'),
    ('GET', '/jobs/a%00b', {}, 'control character'),
    ('POST', '/actions', {'body': '{"freezer_action": {}, "n": %s}'
                          % ('9' * 20)}, '64 bits'),
    ('POST', '/actions', {'body': '{"freezer_action": {}, "n": %s}'
                          % ('[' * 33 + ']' * 33)}, 'nest at most 32'),
    ('GET', '/jobs', {'headers': {'OpenStack-API-Version': 'backup ' * 100}},
     'limit is 512'),
    ('GET', '/jobs', {'headers': {'OpenStack-API-Version': 'backup 3.\u0663'
                                  .encode('utf-8').decode('latin-1')}},
     'ASCII digits'),
    ('PATCH', '/sessions/{session}', {'body': json.dumps(
        {'schedule': {'schedule_day': ','.join(['1'] * 200)}})},
     'limit is 256'),
    ('PUT', '/jobs/a.b', {'body': json.dumps(job_doc())}, 'id in the path'),
])
def test_each_limit_is_a_400_that_names_it(store, world, no_tracebacks,
                                           method, path, kwargs, named):
    caller = world.caller('v3')
    caller.headers['OpenStack-API-Version'] = 'backup latest'
    path = path.format(session=world.ids['v3']['sessions'])
    assert named in refused(caller, store, method, path, **kwargs)
