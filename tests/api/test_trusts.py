"""Central clients and the trusts of their jobs, through the HTTP API.

Central clients in noauth mode (no Keystone: no trust, and the log says
so); then the trust rules with ``auth_strategy = keystone`` behind a
stand-in for Keystone's trust API (``freezer_api.keystone.Keystone``),
which records what the service asked for. The real Keystone answers the
same calls in tests/integration/test_trusts.py.
"""

import logging

from falcon import testing
import pytest

from freezer_api import app as app_mod
from freezer_api import exception
from freezer_api import keystone
from tests.api.conftest import Caller
from tests.api.conftest import client_info
from tests.api.conftest import job_doc
from tests import conftest

TRUSTEE = 'freezer-service-user'


def _admin(api, project='admin-project'):
    return Caller(api, 'v2', user='root', project=project,
                  roles='admin,member')


def _central(api, client_id='central_host'):
    resp = _admin(api).post('/clients', json=client_info(
        client_id, is_central=True))
    assert resp.status_code == 201, resp.text
    return client_id


# -- central clients (noauth) -------------------------------------------------

def test_member_may_not_register_a_central_client(api):
    member = Caller(api, 'v2', user='alice', project='p1')
    resp = member.post('/clients', json=client_info(is_central=True))
    assert resp.status_code == 403, resp.text
    assert member.get('/clients').json == {'clients': []}
    wrapped = member.post('/clients', json={'client': client_info(
        is_central=True)})
    assert wrapped.status_code == 403, wrapped.text


@pytest.mark.parametrize('version', ['v2', 'v3'])
def test_member_may_not_make_a_client_central(api, version):
    member = Caller(api, version, user='alice', project='p1')
    assert member.post('/clients', json=client_info(
        'p1_host1')).status_code == 201
    for body in ({'is_central': True}, {'client': {'is_central': True}},
                 {'client_id': 'p1_host1', 'is_central': True,
                  'client': {}}):
        resp = member.patch('/clients/p1_host1', json=body)
        assert resp.status_code == 403, resp.text
        again = member.post('/clients', json=dict(
            client_info('p1_host1'), **body))
        assert again.status_code == 403, again.text
    shown = member.get('/clients/p1_host1').json['client']
    assert shown['is_central'] is False
    admin = _admin(api, project='p1')
    assert admin.patch('/clients/p1_host1', json={
        'is_central': True}).status_code == 200
    assert member.get('/clients/p1_host1').json['client']['is_central']


def test_every_project_creates_jobs_on_a_central_client(api, caplog):
    central = _central(api)
    for user, project in (('alice', 'p1'), ('mallory', 'p2')):
        caller = Caller(api, 'v2', user=user, project=project)
        with caplog.at_level(logging.WARNING, 'freezer_api.objects.trust'):
            resp = caller.post('/jobs', json=job_doc(central))
        assert resp.status_code == 201, resp.text
        job = caller.get('/jobs/' + resp.json['job_id']).json
        assert job['client_id'] == central
        assert job['project_id'] == project
        # NOTE: noauth has no Keystone: the job has no trust, and the log
        # says so in words an operator reads.
        assert 'user_credentials' not in job
        assert 'stored without a Keystone trust' in caplog.text
        assert resp.json['job_id'] in caplog.text


def test_central_client_is_not_listed_or_shown_to_other_projects(api):
    central = _central(api)
    member = Caller(api, 'v2', user='alice', project='p1')
    assert member.get('/clients').json == {'clients': []}
    assert member.get('/clients/' + central).status_code == 404
    assert member.patch('/clients/' + central, json={
        'description': 'mine now'}).status_code == 404
    assert member.delete('/clients/' + central).status_code == 404
    listed = _admin(api).get('/clients').json['clients']
    assert [c['client_id'] for c in listed] == [central]
    assert listed[0]['client']['description'] == 'a test client'


def test_capabilities_of_a_central_client_are_checked(api):
    resp = _admin(api).post('/clients', json=client_info(
        'central_tar', is_central=True, supported_actions=['backup']))
    assert resp.status_code == 201, resp.text
    member = Caller(api, 'v2', user='alice', project='p1')
    doc = job_doc('central_tar')
    doc['job_actions'][0]['freezer_action']['action'] = 'restore'
    resp = member.post('/jobs', json=doc)
    assert resp.status_code == 422, resp.text
    assert resp.json['code'] == 'freezer.job.unsupported_action'
    assert member.get('/jobs').json == {'jobs': []}


def test_the_projects_own_client_wins_over_a_central_one(api):
    assert _admin(api).post('/clients', json=client_info(
        'shared_host', is_central=True,
        supported_actions=['backup'])).status_code == 201
    alice = Caller(api, 'v2', user='alice', project='p1')
    assert alice.post('/clients', json=client_info(
        'shared_host', supported_actions=['restore'])).status_code == 201
    doc = job_doc('shared_host')
    doc['job_actions'][0]['freezer_action']['action'] = 'restore'
    assert alice.post('/jobs', json=doc).status_code == 201
    mallory = Caller(api, 'v2', user='mallory', project='p2')
    resp = mallory.post('/jobs', json=doc)
    assert resp.status_code == 422, resp.text
    assert resp.json['code'] == 'freezer.job.unsupported_action'


def test_a_client_that_is_not_central_stays_private(api):
    _admin(api).post('/clients', json=client_info('admin_host'))
    member = Caller(api, 'v2', user='alice', project='p1')
    resp = member.post('/jobs', json=job_doc('admin_host'))
    assert resp.status_code == 422, resp.text
    assert resp.json['code'] == 'freezer.job.client_not_found'


# -- trusts (keystone mode, Keystone stood in for) ----------------------------

class FakeKeystone:
    """Keystone's trust API as ``freezer_api.keystone.Keystone`` offers
    it, in memory; ``fail`` makes every call raise it.
    """

    def __init__(self, conf=None):
        self.trusts = {}
        self.calls = []
        self.fail = None

    def _called(self, *call):
        self.calls.append(call)
        if self.fail:
            raise self.fail

    def trustee_id(self):
        self._called('trustee')
        return TRUSTEE

    def trusts_of(self, token, trustor_id):
        self._called('list', token)
        return [dict(t, roles=None) for t in self.trusts.values()
                if t['trustor_user_id'] == trustor_id]

    def trust(self, token, trust_id):
        self._called('show', token)
        return self.trusts.get(trust_id)

    def create_trust(self, token, trustor_id, trustee_id, project_id,
                     role_names):
        self._called('create', token)
        trust_id = 'trust-%d' % (len(self.calls))
        self.trusts[trust_id] = {
            'id': trust_id, 'trustor_user_id': trustor_id,
            'trustee_user_id': trustee_id, 'project_id': project_id,
            'impersonation': False, 'expires_at': None,
            'remaining_uses': None,
            'roles': [{'name': name} for name in role_names]}
        return self.trusts[trust_id]

    def delete_trust(self, token, trust_id):
        self._called('delete', token)
        return self.trusts.pop(trust_id, None) is not None


@pytest.fixture
def fake_keystone(monkeypatch):
    fake = FakeKeystone()
    monkeypatch.setattr(keystone, 'Keystone', lambda conf: fake)
    return fake


@pytest.fixture
def trust_conf(backend):
    conf = conftest.make_conf(backend)
    conf.set_override('auth_strategy', 'keystone')
    return conf


@pytest.fixture
def kapi(trust_conf, store, fake_keystone):
    """The falcon app in keystone mode, as auth_token leaves requests."""
    return testing.TestClient(app_mod.create_falcon_app(trust_conf, store))


def _confirmed(api, user, project, roles='member,reader', version='v2'):
    caller = Caller(api, version, user=user, project=project, roles=roles)
    caller.headers.update({'X-Identity-Status': 'Confirmed',
                           'X-Auth-Token': 'token-of-' + user})
    return caller


@pytest.fixture
def central(kapi):
    resp = _confirmed(kapi, 'root', 'admin-project', 'admin').post(
        '/clients', json=client_info('central_host', is_central=True))
    assert resp.status_code == 201, resp.text
    return 'central_host'


@pytest.fixture
def bob(kapi):
    """A member of project p2, with a client of his own."""
    caller = _confirmed(kapi, 'bob', 'p2')
    assert caller.post('/clients', json=client_info(
        'p2_own')).status_code == 201
    return caller


def _credentials(caller, job_id):
    return caller.get('/jobs/' + job_id).json.get('user_credentials')


def test_trust_made_with_the_callers_token_and_reused(bob, central,
                                                      fake_keystone):
    ids = [bob.post('/jobs', json=job_doc(central)).json['job_id']
           for _ in range(2)]
    first, second = (_credentials(bob, i) for i in ids)
    assert first == second
    assert first['trustor_user_id'] == 'bob'
    assert list(fake_keystone.trusts) == [first['trust_id']]
    trust = fake_keystone.trusts[first['trust_id']]
    assert trust['trustee_user_id'] == TRUSTEE
    assert trust['project_id'] == 'p2'
    assert trust['roles'] == [{'name': 'member'}]
    assert {call[1] for call in fake_keystone.calls
            if len(call) > 1} == {'token-of-bob'}
    assert [c[0] for c in fake_keystone.calls].count('create') == 1


def test_jobs_of_own_clients_get_no_trust(bob, central, fake_keystone):
    job_id = bob.post('/jobs', json=job_doc('p2_own')).json['job_id']
    assert _credentials(bob, job_id) is None
    # NOTE: the project's own client of a central client's id wins.
    assert bob.post('/clients', json=client_info(central)).status_code == 201
    job_id = bob.post('/jobs', json=job_doc(central)).json['job_id']
    assert _credentials(bob, job_id) is None
    assert fake_keystone.calls == []


def test_empty_delegated_roles_delegate_the_callers_roles(
        trust_conf, bob, central, fake_keystone):
    trust_conf.set_override('trusts_delegated_roles', [],
                            group='centralized_scheduler')
    job_id = bob.post('/jobs', json=job_doc(central)).json['job_id']
    trust = fake_keystone.trusts[_credentials(bob, job_id)['trust_id']]
    assert trust['roles'] == [{'name': 'member'}, {'name': 'reader'}]


def test_a_trust_without_the_delegated_roles_is_not_reused(
        trust_conf, bob, central, fake_keystone):
    first = bob.post('/jobs', json=job_doc(central)).json['job_id']
    trust_conf.set_override('trusts_delegated_roles', ['member', 'reader'],
                            group='centralized_scheduler')
    second = bob.post('/jobs', json=job_doc(central)).json['job_id']
    assert (_credentials(bob, first)['trust_id']
            != _credentials(bob, second)['trust_id'])


def test_enforce_trusts_gives_every_v2_job_a_trust(trust_conf, bob, kapi,
                                                   fake_keystone):
    trust_conf.set_override('enforce_trusts', True,
                            group='centralized_scheduler')
    job_id = bob.post('/jobs', json=job_doc('p2_own')).json['job_id']
    assert _credentials(bob, job_id)['trustor_user_id'] == 'bob'
    v1 = _confirmed(kapi, 'bob', 'p2', version='v1')
    v1_id = v1.post('/jobs', json=job_doc('p2_own')).json['job_id']
    assert v1.get('/jobs/' + v1_id).json.get('user_credentials') is None


def test_disabled_makes_no_trust(trust_conf, bob, central, fake_keystone):
    trust_conf.set_override('enabled', False, group='centralized_scheduler')
    trust_conf.set_override('enforce_trusts', True,
                            group='centralized_scheduler')
    job_id = bob.post('/jobs', json=job_doc(central)).json['job_id']
    assert _credentials(bob, job_id) is None
    assert fake_keystone.calls == []


@pytest.mark.parametrize('failure, status, code', [
    (exception.Unprocessable('Keystone refused to create a trust',
                             code='freezer.job.trust_refused'),
     422, 'freezer.job.trust_refused'),
    (exception.IdentityUnavailable('Keystone cannot be reached',
                                   code='freezer.identity.unavailable'),
     503, 'freezer.identity.unavailable'),
])
def test_keystone_failure_stores_nothing(bob, central, fake_keystone,
                                         failure, status, code):
    fake_keystone.fail = failure
    resp = bob.post('/jobs', json=job_doc(central, job_id='refused'))
    assert resp.status_code == status, resp.text
    assert resp.json['code'] == code
    if status == 503:
        assert resp.headers['Retry-After']
    assert bob.get('/jobs/refused').status_code == 404
    replaced = bob.post('/jobs/refused', json=job_doc(central))
    assert replaced.status_code == status
    assert bob.get('/jobs').json == {'jobs': []}


def test_body_never_sets_or_changes_credentials(bob, central):
    forged = {'trust_id': 'forged', 'trustor_user_id': 'root'}
    own = bob.post('/jobs', json=job_doc('p2_own', user_credentials=forged))
    assert _credentials(bob, own.json['job_id']) is None
    job_id = bob.post('/jobs', json=job_doc(
        central, user_credentials=forged)).json['job_id']
    real = _credentials(bob, job_id)
    assert real['trust_id'] != 'forged'
    assert bob.patch('/jobs/' + job_id, json={
        'user_credentials': forged}).status_code == 200
    assert _credentials(bob, job_id) == real
    assert bob.post('/jobs/' + job_id, json=job_doc(
        central, user_credentials=forged)).status_code == 201
    assert _credentials(bob, job_id) == real
    assert bob.post('/jobs/' + own.json['job_id'], json=job_doc(
        'p2_own', user_credentials=forged)).status_code == 201
    assert _credentials(bob, own.json['job_id']) is None


def test_deleting_the_last_job_deletes_the_trust(bob, central,
                                                 fake_keystone):
    ids = [bob.post('/jobs', json=job_doc(central)).json['job_id']
           for _ in range(2)]
    trust_id = _credentials(bob, ids[0])['trust_id']
    assert bob.delete('/jobs/' + ids[0]).status_code == 204
    assert trust_id in fake_keystone.trusts
    assert bob.delete('/jobs/' + ids[1]).status_code == 204
    assert trust_id not in fake_keystone.trusts


def test_a_trust_used_in_another_project_is_kept(kapi, bob, central,
                                                 fake_keystone):
    # NOTE: bob is also a member of p3; his p3 job has its own trust.
    bob_p3 = _confirmed(kapi, 'bob', 'p3')
    p2 = bob.post('/jobs', json=job_doc(central)).json['job_id']
    p3 = bob_p3.post('/jobs', json=job_doc(central)).json['job_id']
    assert (_credentials(bob, p2)['trust_id']
            != _credentials(bob_p3, p3)['trust_id'])
    assert bob.delete('/jobs/' + p2).status_code == 204
    assert list(fake_keystone.trusts) == [
        _credentials(bob_p3, p3)['trust_id']]


def test_moving_a_job_between_clients_follows_the_trust(bob, central,
                                                        fake_keystone):
    job_id = bob.post('/jobs', json=job_doc('p2_own')).json['job_id']
    resp = bob.patch('/jobs/' + job_id, json={'client_id': central})
    assert resp.status_code == 200, resp.text
    trust_id = _credentials(bob, job_id)['trust_id']
    assert trust_id in fake_keystone.trusts
    replaced = bob.post('/jobs/' + job_id, json=job_doc('p2_own'))
    assert replaced.status_code == 201, replaced.text
    assert _credentials(bob, job_id) is None
    assert fake_keystone.trusts == {}


def test_patch_onto_a_central_client_refused_changes_nothing(
        bob, central, fake_keystone):
    job_id = bob.post('/jobs', json=job_doc('p2_own')).json['job_id']
    fake_keystone.fail = exception.IdentityUnavailable('down')
    resp = bob.patch('/jobs/' + job_id, json={'client_id': central})
    assert resp.status_code == 503, resp.text
    assert bob.get('/jobs/' + job_id).json['client_id'] == 'p2_own'
