"""Tenant isolation behind a real Keystone, over every route and method.

Two parts:

* the policy matrix: every (version, route, method) of the route table,
  called by a member of project A, a reader of A, a member of B, the admin
  and a service user, on project A, with an invalid body and unknown ids.
  Whoever policy refuses gets 403 (before the body is looked at); whoever
  it lets through gets past policy (400/404/200, never 401/403/5xx).
* the data matrix: real documents of project B (v2) and of B's member (v1),
  attacked by a member of A through every route: reads of foreign ids are
  404 exactly like unknown ids, nothing of B is listed, changed or deleted.
"""

import copy
import uuid

import pytest

from freezer_api.api import routes

pytestmark = pytest.mark.integration

METHODS = ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')

#: (route below the version prefix, method) -> policy rule that guards it.
RULES = {
    ('/backups', 'GET'): 'backups:get_all',
    ('/backups', 'POST'): 'backups:create',
    ('/backups/{item_id}', 'GET'): 'backups:get',
    ('/backups/{item_id}', 'PATCH'): 'backups:update',
    ('/backups/{item_id}', 'DELETE'): 'backups:delete',
    ('/clients', 'GET'): 'clients:get_all',
    ('/clients', 'POST'): 'clients:create',
    ('/clients/{item_id}', 'GET'): 'clients:get',
    ('/clients/{item_id}', 'PATCH'): 'clients:update',
    ('/clients/{item_id}', 'DELETE'): 'clients:delete',
    ('/jobs', 'GET'): 'jobs:get_all',
    ('/jobs', 'POST'): 'jobs:create',
    ('/jobs/{item_id}', 'GET'): 'jobs:get',
    ('/jobs/{item_id}', 'POST'): 'jobs:create',
    ('/jobs/{item_id}', 'PATCH'): 'jobs:update',
    ('/jobs/{item_id}', 'DELETE'): 'jobs:delete',
    ('/jobs/{item_id}/event', 'POST'): 'jobs:event:create',
    ('/actions', 'GET'): 'actions:get_all',
    ('/actions', 'POST'): 'actions:create',
    ('/actions/{item_id}', 'GET'): 'actions:get',
    ('/actions/{item_id}', 'POST'): 'actions:replace',
    ('/actions/{item_id}', 'PATCH'): 'actions:update',
    ('/actions/{item_id}', 'DELETE'): 'actions:delete',
    ('/sessions', 'GET'): 'sessions:get_all',
    ('/sessions', 'POST'): 'sessions:create',
    ('/sessions/{item_id}', 'GET'): 'sessions:get',
    ('/sessions/{item_id}', 'POST'): 'sessions:replace',
    ('/sessions/{item_id}', 'PATCH'): 'sessions:update',
    ('/sessions/{item_id}', 'DELETE'): 'sessions:delete',
    ('/sessions/{item_id}/action', 'POST'): 'sessions:action:create',
    ('/sessions/{item_id}/jobs/{job_id}', 'PUT'): 'sessions:job:add',
    ('/sessions/{item_id}/jobs/{job_id}', 'DELETE'): 'sessions:job:remove',
    ('/jobs/{item_id}', 'PUT'): 'jobs:create',
    ('/actions/{item_id}', 'PUT'): 'actions:replace',
    ('/sessions/{item_id}', 'PUT'): 'sessions:replace',
    ('/clusters', 'GET'): 'clusters:get_all',
    ('/clusters/detail', 'GET'): 'clusters:get_all',
    ('/clusters/{name}', 'GET'): 'clusters:get',
    ('/clusters/{name}/history', 'GET'): 'clusters:get',
    ('/clusters/{name}/services', 'GET'): 'clusters:get',
    ('/clusters/enable', 'PUT'): 'clusters:update',
    ('/clusters/disable', 'PUT'): 'clusters:update',
}

#: The secure defaults, spelled out: which kind of caller each rule lets in
#: (on a project that is not theirs only admin and service count).
READERS = {'member', 'reader', 'admin', 'service'}
OWNERS = {'member', 'admin'}
ALLOWED = {rule: {'admin'} if rule.startswith('clusters:')
           else READERS if rule.endswith((':get', ':get_all'))
           else OWNERS | {'service'} if rule.startswith('backups:')
           else OWNERS for rule in RULES.values()}

#: user -> (kind of caller, is project A theirs)
ACTORS = {
    'member_a': ('member', True),
    'reader_a': ('reader', True),
    'member_b': ('member', False),
    'admin': ('admin', False),
    'service': ('service', False),
}

FORBIDDEN_CODES = {'freezer.policy.forbidden', 'freezer.project.forbidden'}


def _methods(cls, api):
    for method in METHODS:
        responder = getattr(cls, 'on_' + method.lower(), None)
        # NOTE: a responder with a minimum microversion exists in v3 only.
        if responder is not None and (
                api == 'v3' or not getattr(responder, 'min_version', None)):
            yield method


def served_routes():
    """Every (version, route, method) the application serves."""
    for api in routes.PREFIXES:
        table = [(path, v1_class if api == 'v1' else later_class)
                 for path, v1_class, later_class in routes.DOCUMENT_ROUTES]
        if api == 'v3':
            table += routes.CLUSTER_ROUTES
        for path, cls in table:
            for method in _methods(cls, api):
                yield api, path, method


SERVED = sorted(served_routes())


def url(api, keystone, path, project='project-a', **ids):
    prefix = routes.PREFIXES[api].format(
        project_id=keystone.project_id(project) if api != 'v1' else None)
    return prefix + path.format(**ids)


def unknown_ids():
    return {'item_id': uuid.uuid4().hex, 'job_id': uuid.uuid4().hex,
            'name': uuid.uuid4().hex}


def headers(api):
    """v3 requests ask for the latest microversion: every route exists."""
    return {'OpenStack-API-Version': 'backup latest'} if api == 'v3' else {}


def expect_allowed(api, user, rule):
    kind, own_project = ACTORS[user]
    if api != 'v1' and not own_project and kind not in ('admin', 'service'):
        return False
    return kind in ALLOWED[rule]


def test_every_served_route_has_a_rule_in_this_matrix():
    missing = {(path, method) for _api, path, method in SERVED} - set(RULES)
    assert not missing
    assert {api for api, _p, _m in SERVED} >= {'v1', 'v2'}
    assert set(ALLOWED) == set(RULES.values())


# -- authentication on every route ----------------------------------------

@pytest.mark.parametrize('api, path, method', SERVED)
def test_every_route_needs_a_token(keystone_api, api, path, method):
    resp = keystone_api.request(
        None, method, url(api, keystone_api.keystone, path, **unknown_ids()),
        json={} if method in ('POST', 'PUT', 'PATCH') else None,
        headers=headers(api))
    assert resp.status_code == 401, resp.text


# -- the policy matrix ------------------------------------------------------

@pytest.mark.parametrize('user', sorted(ACTORS))
@pytest.mark.parametrize('api, path, method', SERVED)
def test_policy_matrix(keystone_api, api, path, method, user):
    rule = RULES[path, method]
    # NOTE: a body that is not even an object: if policy let the caller
    # through, validation answers 400; a 403 proves policy ran first.
    body = [] if method in ('POST', 'PUT', 'PATCH') else None
    resp = keystone_api.request(
        user, method, url(api, keystone_api.keystone, path, **unknown_ids()),
        json=body, headers=headers(api))
    if expect_allowed(api, user, rule):
        assert resp.status_code in (200, 400, 404), (rule, resp.text)
    else:
        assert resp.status_code == 403, (rule, resp.text)
        assert resp.json()['code'] in FORBIDDEN_CODES


# -- documents of project B, attacked from project A -------------------------

SCHEDULE = {'schedule_date': '2030-01-01T00:00:00'}


def client_doc(client_id):
    return {'client_id': client_id, 'hostname': 'host1',
            'description': 'a client'}


def job_doc(client_id):
    return {'client_id': client_id, 'description': 'nightly',
            'job_schedule': {'schedule_interval': '1 days'},
            'job_actions': [{'freezer_action': {
                'action': 'backup', 'mode': 'fs', 'backup_name': 'b',
                'container': 'c', 'path_to_backup': '/srv'}}]}


ACTION = {'freezer_action': {'action': 'backup', 'mode': 'fs',
                             'backup_name': 'b', 'container': 'c',
                             'path_to_backup': '/srv'}}
SESSION = {'description': 'a session', 'schedule': SCHEDULE}
BACKUP = {'container': 'c', 'hostname': 'host1', 'backup_name': 'b'}

#: A valid PATCH per kind, so that only ownership can refuse it.
PATCHES = {'backups': {'status': 'error'}, 'clients': {'description': 'x'},
           'jobs': {'description': 'x'}, 'actions': {'max_retries': 1},
           'sessions': {'description': 'x'}}


class Owner:
    """Creates and reads one user's documents in one API version."""

    def __init__(self, api, user, version, project):
        self.api = api
        self.user = user
        self.version = version
        self.project = project
        self.ids = {}
        self.client_id = None

    def path(self, path):
        return url(self.version, self.api.keystone, path, self.project)

    def call(self, method, path, json=None, user=None):
        return self.api.request(user or self.user, method, self.path(path),
                                json=json, headers=headers(self.version))

    def create(self, kind, body):
        resp = self.call('POST', '/' + kind, body)
        assert resp.status_code == 201, resp.text
        self.ids[kind] = resp.json()[kind[:-1] + '_id']
        return self.ids[kind]

    def populate(self):
        tag = uuid.uuid4().hex[:8]
        self.client_id = '%s_%s' % (
            self.api.keystone.project_id(self.project), tag)
        self.create('clients', client_doc(self.client_id))
        self.create('jobs', job_doc(self.client_id))
        self.create('actions', ACTION)
        self.create('sessions', SESSION)
        self.create('backups', dict(BACKUP, hostname='h-' + tag))
        added = self.call('PUT', '/sessions/%s/jobs/%s'
                          % (self.ids['sessions'], self.ids['jobs']))
        assert added.status_code == 204, added.text
        return self

    def snapshot(self):
        docs = {}
        for kind, doc_id in self.ids.items():
            resp = self.call('GET', '/%s/%s' % (kind, doc_id))
            assert resp.status_code == 200, resp.text
            docs[kind] = resp.json()
        return docs


@pytest.fixture(scope='module')
def world(keystone_api):
    """Documents of member_b (project B) and member_a (project A)."""
    owners = {
        (user, version): Owner(keystone_api, user, version, project)
        for user, project in (('member_a', 'project-a'),
                              ('member_b', 'project-b'))
        for version in routes.PREFIXES}
    for owner in owners.values():
        owner.populate()
    return owners


@pytest.fixture
def victim(world, request):
    """member_b's documents in one version; checked untouched afterwards."""
    version = request.param
    owner = world['member_b', version]
    before = owner.snapshot()
    yield owner
    assert owner.snapshot() == before


@pytest.fixture
def attacker(world, victim):
    """member_a's documents in the victim's version; also left untouched
    by the attacks (they only name the victim's ids).
    """
    owner = world['member_a', victim.version]
    before = owner.snapshot()
    yield owner
    assert owner.snapshot() == before


def attacks(victim):
    """(method, path, body) of every route aimed at the victim's ids."""
    ids = victim.ids
    for kind, doc_id in ids.items():
        item = '/%s/%s' % (kind, doc_id)
        yield 'GET', item, None
        yield 'DELETE', item, None
        if kind != 'backups' or victim.version != 'v1':
            yield 'PATCH', item, PATCHES[kind]
    yield 'POST', '/jobs/%s/event' % ids['jobs'], {'stop': None}
    yield 'POST', '/sessions/%s/action' % ids['sessions'], {
        'start': {'job_id': ids['jobs'], 'current_tag': 0}}
    yield 'PUT', '/sessions/%s/jobs/%s' % (ids['sessions'],
                                           ids['jobs']), None
    yield 'DELETE', '/sessions/%s/jobs/%s' % (ids['sessions'],
                                              ids['jobs']), None


def _unknown(path, victim):
    for doc_id in victim.ids.values():
        path = path.replace(doc_id, uuid.uuid4().hex)
    return path


VERSIONS = [v for v in ('v1', 'v2', 'v3') if v in routes.PREFIXES]


@pytest.mark.parametrize('victim', VERSIONS, indirect=True)
def test_foreign_ids_are_404_exactly_like_unknown_ids(attacker, victim):
    for method, path, body in attacks(victim):
        foreign = attacker.call(method, path, body)
        unknown = attacker.call(method, _unknown(path, victim), body)
        assert foreign.status_code == 404, (method, path, foreign.text)
        assert (foreign.status_code, foreign.json()['code']) == (
            unknown.status_code, unknown.json()['code']), (method, path)


@pytest.mark.parametrize('victim', VERSIONS, indirect=True)
def test_replacing_at_a_foreign_id_makes_the_callers_own_document(attacker,
                                                                  victim):
    # NOTE: ids are unique within their owner: a create-or-replace at an id
    # another owner holds creates the caller's own document, answered
    # exactly like one at an unused id (no existence oracle), and the
    # victim's document stays as it was (the victim fixture checks).
    bodies = {'actions': ACTION, 'sessions': dict(SESSION, session_tag=0),
              'jobs': job_doc(attacker.client_id)}
    methods = ('POST', 'PUT') if victim.version == 'v3' else ('POST',)
    for kind, body in bodies.items():
        for method in methods:
            answers = []
            for doc_id in (victim.ids[kind], uuid.uuid4().hex):
                item = '/%s/%s' % (kind, doc_id)
                resp = attacker.call(method, item, copy.deepcopy(body))
                assert resp.status_code in (200, 201), (kind, method,
                                                        resp.text)
                answers.append(dict(resp.json(), status=resp.status_code))
                mine = attacker.call('GET', item)
                assert mine.status_code == 200, mine.text
                assert_owned_by(mine.json(), attacker)
                assert attacker.call('DELETE', item).status_code == 204
            foreign, unknown = answers
            assert sorted(foreign) == sorted(unknown), (kind, method)
            assert (foreign['status'], foreign.get('version')) == (
                unknown['status'], unknown.get('version')), (kind, method)


@pytest.mark.parametrize('victim', VERSIONS, indirect=True)
def test_sessions_never_take_foreign_jobs(attacker, victim):
    mine, theirs = attacker.ids, victim.ids
    for path in ('/sessions/%s/jobs/%s' % (mine['sessions'], theirs['jobs']),
                 '/sessions/%s/jobs/%s' % (theirs['sessions'], mine['jobs'])):
        assert attacker.call('PUT', path).status_code == 404, path
        assert attacker.call('DELETE', path).status_code == 404, path


@pytest.mark.parametrize('victim', [v for v in VERSIONS if v != 'v1'],
                         indirect=True)
def test_jobs_cannot_use_a_foreign_client(attacker, victim):
    resp = attacker.call('POST', '/jobs', job_doc(victim.client_id))
    assert resp.status_code == 422, resp.text


def assert_owned_by(doc, owner):
    """``doc`` (as the API shows it) belongs to ``owner``'s realm."""
    keystone = owner.api.keystone
    if owner.version == 'v1':
        assert doc['user_id'] == keystone.user(owner.user).id, doc
    else:
        assert doc['project_id'] == keystone.project_id(owner.project), doc


@pytest.mark.parametrize('victim', VERSIONS, indirect=True)
def test_lists_never_show_foreign_documents(attacker, victim):
    for kind in victim.ids:
        listed = attacker.call('GET', '/%s?limit=1000' % kind)
        assert listed.status_code == 200, listed.text
        shown = {d[kind[:-1] + '_id'] for d in listed.json()[kind]}
        assert attacker.ids[kind] in shown
        # NOTE: the attacker may hold a document of its own under the
        # victim's id (ids are unique per owner): ownership is what counts.
        for doc in listed.json()[kind]:
            assert_owned_by(doc, attacker)
    keystone = attacker.api.keystone
    for search in ({'match': [{'client_id': victim.client_id}]},
                   {'match': [{'project_id': keystone.project_id(
                       victim.project)}]},
                   {'match': [{'user_id': keystone.user(victim.user).id}]},
                   {'match_not': [{'project_id': keystone.project_id(
                       attacker.project)}]}):
        for kind in victim.ids:
            searched = attacker.call('GET', '/%s?limit=1000' % kind, search)
            assert searched.status_code == 200, searched.text
            # NOTE: the attacker's own documents may match (a bare key
            # matches at any depth, in backup metadata too): only they.
            for doc in searched.json()[kind]:
                assert_owned_by(doc, attacker)


@pytest.mark.parametrize('victim', [v for v in VERSIONS if v != 'v1'],
                         indirect=True)
def test_foreign_project_in_the_url_is_403_for_every_route(attacker, victim):
    for method, path, body in attacks(victim):
        resp = attacker.api.request('member_a', method, victim.path(path),
                                    json=body, headers=headers(victim.version))
        assert resp.status_code == 403, (method, path, resp.text)
    listed = attacker.api.request('member_a', 'GET', victim.path('/jobs'),
                                  headers=headers(victim.version))
    assert listed.status_code == 403


# -- what readers, project members, admins and services may do --------------

LATER = [v for v in VERSIONS if v != 'v1']


@pytest.fixture
def project_a(world, request):
    """member_a's documents in one version, checked untouched afterwards."""
    owner = world['member_a', request.param]
    before = owner.snapshot()
    yield owner
    assert owner.snapshot() == before


@pytest.mark.parametrize('project_a', LATER, indirect=True)
def test_reader_reads_the_project_but_cannot_write(project_a):
    for kind, doc_id in project_a.ids.items():
        item = '/%s/%s' % (kind, doc_id)
        assert project_a.call('GET', item, user='reader_a').status_code == 200
        for method, body in (('PATCH', PATCHES[kind]), ('DELETE', None)):
            resp = project_a.call(method, item, body, user='reader_a')
            assert resp.status_code == 403, (method, item, resp.text)
    started = project_a.call('POST', '/jobs/%s/event' % project_a.ids['jobs'],
                             {'start': None}, user='reader_a')
    assert started.status_code == 403


@pytest.mark.parametrize('project_a', VERSIONS, indirect=True)
def test_v2_documents_are_the_projects_v1_documents_the_users(project_a):
    for kind, doc_id in project_a.ids.items():
        resp = project_a.call('GET', '/%s/%s' % (kind, doc_id),
                              user='member_a2')
        expected = 404 if project_a.version == 'v1' else 200
        assert resp.status_code == expected, (kind, resp.text)


@pytest.mark.parametrize('user,project', [
    ('member_a', 'project-a'), ('reader_a', 'project-a'),
    ('member_b', 'project-b')])
def test_all_projects_is_ignored_for_project_users(keystone_api, world, user,
                                                   project):
    """As upstream: the flag without jobs:get_all_projects lists the URL
    project's jobs (200), never another project's.
    """
    keystone = keystone_api.keystone
    resp = keystone_api.request(user, 'GET', url(
        'v2', keystone, '/jobs?all_projects=true&limit=1000', project))
    assert resp.status_code == 200, resp.text
    shown = {j['job_id'] for j in resp.json()['jobs']}
    owner, other = (('member_a', 'member_b') if project == 'project-a'
                    else ('member_b', 'member_a'))
    assert world[owner, 'v2'].ids['jobs'] in shown
    assert world[other, 'v2'].ids['jobs'] not in shown
    assert {j['project_id'] for j in resp.json()['jobs']} == {
        keystone.project_id(project)}


@pytest.mark.parametrize('user', ['admin', 'service'])
def test_all_projects_shows_every_project_to_admin_and_service(
        keystone_api, world, user):
    keystone = keystone_api.keystone
    wanted = {world[owner, 'v2'].ids['jobs'] for owner in ('member_a',
                                                           'member_b')}
    every = keystone_api.request(user, 'GET', url(
        'v2', keystone, '/jobs?all_projects=true&limit=1000'))
    assert every.status_code == 200, every.text
    assert wanted <= {j['job_id'] for j in every.json()['jobs']}
    # NOTE: unlike upstream, all_projects is never forced on for admins.
    one = keystone_api.request(user, 'GET', url(
        'v2', keystone, '/jobs?limit=1000', 'project-b'))
    shown = {j['job_id'] for j in one.json()['jobs']}
    assert world['member_b', 'v2'].ids['jobs'] in shown
    assert world['member_a', 'v2'].ids['jobs'] not in shown


def test_admin_reads_changes_and_deletes_in_any_project(keystone_api):
    victim = Owner(keystone_api, 'member_b', 'v2', 'project-b').populate()
    for kind, doc_id in victim.ids.items():
        shown = victim.call('GET', '/%s/%s' % (kind, doc_id), user='admin')
        assert shown.status_code == 200, (kind, shown.text)
    job = '/jobs/' + victim.ids['jobs']
    patched = victim.call('PATCH', job, {'description': 'by admin'},
                          user='admin')
    assert patched.status_code == 200, patched.text
    assert victim.call('GET', job).json()['description'] == 'by admin'
    action = '/actions/' + victim.ids['actions']
    assert victim.call('DELETE', action, user='admin').status_code == 204
    assert victim.call('GET', action).status_code == 404
    created = victim.call('POST', '/backups', BACKUP, user='admin')
    assert created.status_code == 201, created.text
    backup = victim.call('GET', '/backups/' + created.json()['backup_id'])
    assert backup.json()['project_id'] == keystone_api.keystone.project_id(
        'project-b')


def test_service_writes_backups_but_not_jobs_in_any_project(keystone_api):
    keystone = keystone_api.keystone
    victim = Owner(keystone_api, 'member_b', 'v2', 'project-b').populate()
    created = victim.call('POST', '/backups', BACKUP, user='service')
    assert created.status_code == 201, created.text
    backup = victim.call('GET', '/backups/' + created.json()['backup_id'])
    assert backup.json()['project_id'] == keystone.project_id('project-b')
    assert backup.json()['user_id'] == keystone.user('service').id
    job = victim.call('POST', '/jobs', job_doc(victim.client_id),
                      user='service')
    assert job.status_code == 403, job.text
    listed = victim.call('GET', '/jobs', user='service')
    assert victim.ids['jobs'] in {j['job_id'] for j in listed.json()['jobs']}


@pytest.mark.parametrize('user, status', [('member_a', 403),
                                          ('reader_a', 403),
                                          ('service', 403),
                                          ('admin', 201)])
def test_central_clients_need_admin(keystone_api, user, status):
    central = dict(client_doc('central-' + uuid.uuid4().hex[:8]),
                   is_central=True)
    resp = keystone_api.request(user, 'POST', url(
        'v2', keystone_api.keystone, '/clients'), json=central)
    assert resp.status_code == status, resp.text


def test_clusters_answer_admin_only(keystone_api):
    keystone = keystone_api.keystone
    for user, project, status in (('admin', 'admin', 200),
                                  ('member_a', 'project-a', 403),
                                  ('service', 'service', 403)):
        resp = keystone_api.request(
            user, 'GET', url('v3', keystone, '/clusters', project),
            headers=headers('v3'))
        assert resp.status_code == status, (user, resp.text)
