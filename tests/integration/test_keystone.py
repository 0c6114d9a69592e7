"""freezer-api behind a real Keystone: who gets in, and as whom.

The process runs with ``auth_strategy = keystone``; tokens are real
Keystone tokens (see tests/fixtures/keystone.py). The isolation matrix over
every route lives in test_keystone_isolation.py.
"""

import time
import uuid

from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
import pytest
import requests

pytestmark = pytest.mark.integration

BACKUP = {'container': 'c', 'hostname': 'host-a', 'backup_name': 'nightly'}


def _v2(api, project, path=''):
    return '/v2/%s%s' % (api.keystone.project_id(project), path)


def assert_401(resp, keystone):
    assert resp.status_code == 401, resp.text
    body = resp.json()
    assert body['code'] == 'freezer.unauthorized'
    assert body['request_id'].startswith('req-')
    assert resp.headers['WWW-Authenticate'] == (
        'Keystone uri="%s"' % keystone.auth_url)


# -- unauthenticated paths ----------------------------------------------

def test_version_documents_need_no_token(keystone_api):
    resp = keystone_api.request(None, 'GET', '/')
    assert resp.status_code == 300
    ids = [v['id'] for v in resp.json()['versions']]
    assert 'v2' in ids
    if 'v3' in ids:
        assert keystone_api.request(None, 'GET', '/v3').status_code == 200


@pytest.mark.parametrize('method', ['GET', 'HEAD', 'OPTIONS'])
@pytest.mark.parametrize('path', ['/healthcheck', '/health'])
def test_health_checks_need_no_token(keystone_api, path, method):
    resp = keystone_api.request(None, method, path)
    assert resp.status_code == 200, resp.text


# -- rejected tokens ----------------------------------------------------

@pytest.mark.parametrize('path', ['/v1', '/v2', '/v1/backups', '/v1/jobs',
                                  '/v2/{a}/backups', '/v2/{a}/jobs/x',
                                  '/v2/{a}/sessions/x/jobs/y',
                                  '/v2/{b}/clients'])
def test_no_token_is_401(keystone_api, path):
    path = path.format(a=keystone_api.keystone.project_id('project-a'),
                       b=keystone_api.keystone.project_id('project-b'))
    assert_401(keystone_api.request(None, 'GET', path), keystone_api.keystone)


def test_no_token_write_is_401_and_stores_nothing(keystone_api):
    marker = dict(BACKUP, hostname='anonymous-' + uuid.uuid4().hex[:8])
    resp = keystone_api.request(None, 'POST', _v2(keystone_api, 'project-a',
                                                  '/backups'), json=marker)
    assert_401(resp, keystone_api.keystone)
    listed = keystone_api.request('admin', 'GET',
                                  _v2(keystone_api, 'project-a', '/backups'),
                                  params={'limit': 1000})
    assert listed.status_code == 200
    assert all(b['backup_metadata']['hostname'] != marker['hostname']
               for b in listed.json()['backups'])


@pytest.mark.parametrize('token', ['garbage', uuid.uuid4().hex,
                                   'gAAAAAB' + 'x' * 180])
def test_bad_token_is_401(keystone_api, token):
    resp = keystone_api.request(None, 'GET', _v2(keystone_api, 'project-a',
                                                 '/backups'), token=token)
    assert_401(resp, keystone_api.keystone)


def test_expired_token_is_401(keystone_api):
    token = keystone_api.keystone.expired_token('member_a')
    resp = keystone_api.request(None, 'GET', _v2(keystone_api, 'project-a',
                                                 '/backups'), token=token)
    assert_401(resp, keystone_api.keystone)


def test_revoked_token_is_401(keystone_api):
    keystone = keystone_api.keystone
    token = keystone.issue_token('member_a')
    keystone.revoke(token)
    resp = keystone_api.request(None, 'GET', _v2(keystone_api, 'project-a',
                                                 '/backups'), token=token)
    assert_401(resp, keystone)


# -- identity comes from the token, never from the caller's headers -------

def test_documents_are_stamped_with_the_tokens_identity(keystone_api):
    keystone = keystone_api.keystone
    spoofed = dict(BACKUP, user_id=keystone.user('member_b').id,
                   project_id=keystone.project_id('project-b'))
    created = keystone_api.request(
        'member_a', 'POST', _v2(keystone_api, 'project-a', '/backups'),
        json=spoofed)
    assert created.status_code == 201, created.text
    backup_id = created.json()['backup_id']
    shown = keystone_api.request(
        'member_a', 'GET',
        _v2(keystone_api, 'project-a', '/backups/' + backup_id)).json()
    assert shown['user_id'] == keystone.user('member_a').id
    assert shown['project_id'] == keystone.project_id('project-a')


def test_identity_headers_sent_by_the_caller_are_ignored(keystone_api):
    keystone = keystone_api.keystone
    spoof = {'X-Project-Id': keystone.project_id('project-b'),
             'X-User-Id': keystone.user('member_b').id,
             'X-Roles': 'admin', 'X-Identity-Status': 'Confirmed'}
    foreign = keystone_api.request(
        'member_a', 'GET', _v2(keystone_api, 'project-b', '/backups'),
        headers=spoof)
    assert foreign.status_code == 403, foreign.text
    anonymous = keystone_api.request(
        None, 'GET', _v2(keystone_api, 'project-b', '/backups'),
        headers=spoof)
    assert anonymous.status_code == 401


def test_request_id_and_identity_reach_the_log(keystone_api):
    keystone = keystone_api.keystone
    caller_id = 'req-%s' % uuid.uuid4()
    resp = keystone_api.request('member_a', 'GET',
                                _v2(keystone_api, 'project-a', '/jobs'),
                                headers={'X-OpenStack-Request-ID': caller_id})
    assert resp.status_code == 200, resp.text
    request_id = resp.headers['x-openstack-request-id']
    assert request_id.startswith('req-')
    # NOTE: the access line is written after the response is sent.
    deadline = time.monotonic() + 5
    lines = []
    while not lines and time.monotonic() < deadline:
        time.sleep(0.05)
        lines = [line for line in keystone_api.log().splitlines()
                 if request_id in line]
    assert lines, 'request id not logged'
    assert request_id != caller_id
    assert caller_id in lines[-1], 'global request id not propagated'
    assert keystone.user('member_a').id in lines[-1]
    assert keystone.project_id('project-a') in lines[-1]


def test_json_home_needs_a_token_and_answers_with_one(keystone_api):
    assert keystone_api.request(None, 'GET', '/v2').status_code == 401
    resp = keystone_api.request('reader_a', 'GET', '/v2')
    assert resp.status_code == 200
    assert 'rel/backups' in resp.json()['resources']


def test_clients_find_the_api_through_the_catalog(keystone_api):
    keystone = keystone_api.keystone
    keystone.add_backup_endpoint(keystone_api.url)
    session = keystone.session('member_a')
    resp = session.get('/v2/%s/backups' % keystone.project_id('project-a'),
                       endpoint_filter={'service_type': 'backup',
                                        'interface': 'public'},
                       raise_exc=False)
    assert resp.status_code == 200, resp.text
    assert resp.url.startswith(keystone_api.url + '/')


def test_unscoped_token_may_do_nothing(keystone_api):
    keystone = keystone_api.keystone
    user = keystone.user('member_a')
    auth = v3.Password(auth_url=keystone.auth_url, username=user.name,
                       password=user.password, user_domain_id='default')
    token = auth.get_access(ks_session.Session(auth=auth)).auth_token
    for path in ('/v1/backups', _v2(keystone_api, 'project-a', '/backups'),
                 '/v2/None/backups'):
        resp = keystone_api.request(None, 'GET', path, token=token)
        assert resp.status_code == 403, (path, resp.text)
    created = keystone_api.request(None, 'POST', '/v1/backups', json=BACKUP,
                                   token=token)
    assert created.status_code == 403


def test_domain_and_system_scoped_admin_tokens_are_refused(keystone_api):
    """Every rule is for project-scoped tokens: an admin role held on a
    domain or on the system does not make its holder freezer's admin.
    """
    keystone = keystone_api.keystone
    tokens = {'domain': keystone.token('domain_admin'),
              'system': keystone.session('admin', system=True).get_token()}
    for scope, token in tokens.items():
        for method, path in (
                ('GET', '/v1/backups'),
                ('GET', _v2(keystone_api, 'project-a', '/backups')),
                ('GET', _v2(keystone_api, 'project-a',
                            '/jobs?all_projects=true')),
                ('POST', _v2(keystone_api, 'project-b', '/backups'))):
            resp = keystone_api.request(None, method, path, token=token,
                                        json=BACKUP if method == 'POST'
                                        else None)
            assert resp.status_code == 403, (scope, path, resp.text)


def test_keystone_unreachable_is_never_a_way_in(keystone, tmp_path):
    """auth_token cannot validate a token when Keystone does not answer:
    the request is refused, never let through.

    NOTE: with delay_auth_decision (so that the 401 is ours, in our JSON
    shape) auth_token marks the token invalid instead of answering 503.
    """
    from tests.fixtures import keystone as fixture
    dead = 'http://127.0.0.1:%d/v3' % fixture.free_port()
    options = dict(keystone.authtoken_options(), auth_url=dead,
                   www_authenticate_uri=dead, http_connect_timeout='2',
                   http_request_max_retries='0')
    with fixture.running_api(tmp_path, options) as url:
        project = keystone.project_id('project-a')
        with requests.Session() as http:
            resp = http.get('%s/v2/%s/backups' % (url, project),
                            headers={'X-Auth-Token':
                                     keystone.token('member_a')},
                            timeout=60)
            assert resp.status_code == 401, resp.text
            assert resp.json()['code'] == 'freezer.unauthorized'
            assert http.get(url + '/', timeout=10).status_code == 300


def test_a_policy_rule_on_service_roles_with_a_real_service_token(
        keystone, tmp_path):
    """A rule naming ``service_roles`` holds only when a service sends its
    own Keystone token beside the user's (``X-Service-Token``): auth_token
    validates both, and the request context carries the service's roles.
    """
    from tests.fixtures import keystone as fixture
    policy_file = tmp_path / 'policy.yaml'
    policy_file.write_text(
        '"backups:get_all": "role:reader and project_id:%(project_id)s '
        'and service_roles:service"\n')
    extra = '[oslo_policy]\npolicy_file = %s\n' % policy_file
    with fixture.running_api(tmp_path, keystone.authtoken_options(),
                             extra) as url:
        path = '%s/v2/%s/backups' % (url, keystone.project_id('project-a'))
        user = {'X-Auth-Token': keystone.token('member_a')}
        with requests.Session() as http:
            alone = http.get(path, headers=user, timeout=30)
            assert alone.status_code == 403, alone.text
            assert alone.json()['code'] == 'freezer.policy.forbidden'
            served = http.get(path, timeout=30, headers=dict(
                user, **{'X-Service-Token': keystone.token('service')}))
            assert served.status_code == 200, served.text
            assert served.json() == {'backups': []}
            # a service token without the service role, or a bad one,
            # gives the context no service roles
            for token in (keystone.token('member_b'), 'not-a-token'):
                resp = http.get(path, timeout=30, headers=dict(
                    user, **{'X-Service-Token': token}))
                assert resp.status_code == 403, (token, resp.text)
