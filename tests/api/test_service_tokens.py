"""Service tokens: the request context holds what auth_token says of the
service token sent beside the user's (``X-Service-Token``), so a policy
rule may name ``service_roles`` or ``service_user_id``.

In-process, ``auth_strategy = keystone``, requests as keystonemiddleware's
auth_token leaves them (its headers set, ``X-Identity-Status: Confirmed``).
The same with a real Keystone service token: tests/integration/
test_keystone.py.
"""

from falcon import testing
from oslo_policy import opts as policy_opts
import pytest

from freezer_api import app
from freezer_api.storage import driver
from tests.api.conftest import Caller
from tests import conftest

# NOTE: a reader may list backups only when a service vouches for the
# request; a service user named nova-user may list jobs.
RULES = (
    '"backups:get_all": "role:reader and project_id:%(project_id)s and '
    'service_roles:service"\n'
    '"jobs:get_all": "service_user_id:nova-user"\n')


def _service_headers(user_id='nova-user', roles='service'):
    """What auth_token sets for a valid service token."""
    return {'X-Service-Token': 'token-of-nova',
            'X-Service-Identity-Status': 'Confirmed',
            'X-Service-User-Id': user_id, 'X-Service-User-Name': 'nova',
            'X-Service-Project-Id': 'service-project',
            'X-Service-Project-Name': 'service',
            'X-Service-Roles': roles}


def _app(sql_backend, tmp_path, auth_strategy):
    policy_file = tmp_path / 'policy.yaml'
    policy_file.write_text(RULES)
    conf = conftest.make_conf(sql_backend)
    conf.set_override('auth_strategy', auth_strategy)
    for group, group_opts in policy_opts.list_opts():
        conf.register_opts(group_opts, group=group)
    conf.set_override('policy_file', str(policy_file), group='oslo_policy')
    store = driver.open_store(conf)
    # NOTE: the falcon app without auth_token in front: the test plays it.
    return testing.TestClient(app.create_falcon_app(conf, store)), store


@pytest.fixture
def keystone_mode(sql_backend, tmp_path):
    sql_backend.reset()
    client, store = _app(sql_backend, tmp_path, 'keystone')
    yield client
    store.close()


@pytest.fixture
def noauth_mode(sql_backend, tmp_path):
    sql_backend.reset()
    client, store = _app(sql_backend, tmp_path, 'noauth')
    yield client
    store.close()


def _user(client, roles='reader'):
    caller = Caller(client, 'v2', user='u1', project='p1', roles=roles)
    caller.headers.update({'X-Identity-Status': 'Confirmed',
                           'X-Auth-Token': 'token-of-u1'})
    return caller


def test_a_rule_on_service_roles_needs_the_service_token(keystone_mode):
    reader = _user(keystone_mode)
    resp = reader.get('/backups')
    assert resp.status_code == 403, resp.text
    assert resp.json['code'] == 'freezer.policy.forbidden'
    resp = reader.get('/backups', headers=_service_headers())
    assert resp.status_code == 200, resp.text
    assert resp.json == {'backups': []}


def test_the_service_tokens_roles_are_not_the_users(keystone_mode):
    """A user holding the service role is no service token."""
    resp = _user(keystone_mode, roles='reader,service').get('/backups')
    assert resp.status_code == 403
    resp = _user(keystone_mode).get(
        '/backups', headers=_service_headers(roles='member,reader'))
    assert resp.status_code == 403


def test_a_rule_on_the_service_user(keystone_mode):
    member = _user(keystone_mode, roles='member,reader')
    assert member.get('/jobs').status_code == 403
    assert member.get('/jobs', headers=_service_headers()).status_code == 200
    assert member.get('/jobs', headers=_service_headers(
        user_id='someone-else')).status_code == 403


def test_service_roles_are_read_as_roles_are(keystone_mode):
    """Trimmed and lower-cased, as X-Roles are."""
    resp = _user(keystone_mode).get(
        '/backups', headers=_service_headers(roles=' Service ,,admin'))
    assert resp.status_code == 200, resp.text


def test_noauth_reads_no_service_headers(noauth_mode):
    reader = Caller(noauth_mode, 'v2', user='u1', project='p1',
                    roles='reader')
    assert reader.get('/backups').status_code == 403
    assert reader.get('/backups',
                      headers=_service_headers()).status_code == 403
