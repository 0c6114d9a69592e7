"""Central clients and Keystone trusts, against the real Keystone.

The ``keystone_api`` process has ``[keystone_authtoken]`` service
credentials (user ``freezer``, admin and service roles), which the default
``[centralized_scheduler] auth_section`` names: that user is the trustee.
Refusals and an unreachable Keystone run in processes of their own.
"""

import uuid

import pytest

from tests.fixtures import keystone as keystone_fixture
from tests.fixtures.ports import free_port

pytestmark = pytest.mark.integration


def _v2(keystone, project, path):
    return '/v2/%s%s' % (keystone.project_id(project), path)


def _client(prefix, **extra):
    client_id = '%s-%s' % (prefix, uuid.uuid4().hex[:8])
    return dict({'client_id': client_id, 'hostname': client_id,
                 'description': 'scheduler'}, **extra)


def _job(client_id, **extra):
    return dict({
        'client_id': client_id, 'description': 'nightly',
        'job_actions': [{'freezer_action': {
            'action': 'backup', 'mode': 'fs', 'path_to_backup': '/srv',
            'backup_name': 'srv', 'container': 'box'}}],
        'job_schedule': {'schedule_interval': '1 days'}}, **extra)


def _keystone_trust(keystone, trust_id):
    """GET the trust in Keystone as the admin: (status, trust or None)."""
    resp = keystone.admin_session.get(
        '%s/OS-TRUST/trusts/%s' % (keystone.auth_url, trust_id),
        raise_exc=False)
    return resp.status_code, (resp.json()['trust']
                              if resp.status_code == 200 else None)


@pytest.fixture(scope='module')
def central(keystone_api):
    """A central client the admin registered in the admin project."""
    info = _client('central', is_central=True)
    resp = keystone_api.request('admin', 'POST', _v2(
        keystone_api.keystone, 'admin', '/clients'), json=info)
    assert resp.status_code == 201, resp.text
    return info['client_id']


def _post_job(api, user, project, doc):
    return api.request(user, 'POST', _v2(api.keystone, project, '/jobs'),
                       json=doc)


def _get_job(api, user, project, job_id):
    return api.request(user, 'GET', _v2(api.keystone, project,
                                        '/jobs/' + job_id))


def test_member_cannot_register_a_central_client(keystone_api):
    resp = keystone_api.request('member_b', 'POST', _v2(
        keystone_api.keystone, 'project-b', '/clients'),
        json=_client('central', is_central=True))
    assert resp.status_code == 403, resp.text


def test_trust_is_created_reused_and_deleted_with_the_last_job(
        keystone_api, central):
    keystone = keystone_api.keystone
    member = keystone.user('member_b')
    job_ids = []
    for _ in range(2):
        resp = _post_job(keystone_api, 'member_b', 'project-b',
                         _job(central))
        assert resp.status_code == 201, resp.text
        job_ids.append(resp.json()['job_id'])
    credentials = [_get_job(keystone_api, 'member_b', 'project-b',
                            job_id).json()['user_credentials']
                   for job_id in job_ids]
    assert credentials[0] == credentials[1]
    assert credentials[0]['trustor_user_id'] == member.id
    trust_id = credentials[0]['trust_id']

    status, trust = _keystone_trust(keystone, trust_id)
    assert status == 200
    assert trust['trustor_user_id'] == member.id
    assert trust['trustee_user_id'] == keystone.user('freezer').id
    assert trust['project_id'] == keystone.project_id('project-b')
    assert [r['name'] for r in trust['roles']] == ['member']
    assert trust['impersonation'] is False

    resp = keystone_api.request('member_b', 'DELETE', _v2(
        keystone, 'project-b', '/jobs/' + job_ids[0]))
    assert resp.status_code == 204, resp.text
    assert _keystone_trust(keystone, trust_id)[0] == 200
    resp = keystone_api.request('member_b', 'DELETE', _v2(
        keystone, 'project-b', '/jobs/' + job_ids[1]))
    assert resp.status_code == 204, resp.text
    assert _keystone_trust(keystone, trust_id)[0] == 404


def test_teammate_deleting_the_last_job_deletes_the_trust(keystone_api,
                                                          central):
    # NOTE: member_a2 may delete member_a's job but not member_a's trust;
    # the service user (admin) deletes it instead.
    keystone = keystone_api.keystone
    resp = _post_job(keystone_api, 'member_a', 'project-a', _job(central))
    assert resp.status_code == 201, resp.text
    job_id = resp.json()['job_id']
    trust_id = _get_job(keystone_api, 'member_a', 'project-a',
                        job_id).json()['user_credentials']['trust_id']
    status, trust = _keystone_trust(keystone, trust_id)
    assert status == 200
    assert trust['trustor_user_id'] == keystone.user('member_a').id
    resp = keystone_api.request('member_a2', 'DELETE', _v2(
        keystone, 'project-a', '/jobs/' + job_id))
    assert resp.status_code == 204, resp.text
    assert _keystone_trust(keystone, trust_id)[0] == 404


def test_central_client_is_not_listed_or_shown_to_other_projects(
        keystone_api, central):
    keystone = keystone_api.keystone
    listed = keystone_api.request('member_b', 'GET', _v2(
        keystone, 'project-b', '/clients'), params={'limit': 1000})
    assert listed.status_code == 200
    assert central not in [c['client_id'] for c in listed.json()['clients']]
    shown = keystone_api.request('member_b', 'GET', _v2(
        keystone, 'project-b', '/clients/' + central))
    assert shown.status_code == 404


def test_user_credentials_never_come_from_the_body(keystone_api, central):
    keystone = keystone_api.keystone
    forged = {'trust_id': 'forged', 'trustor_user_id': 'someone'}
    own = _client('own')
    assert keystone_api.request('member_b', 'POST', _v2(
        keystone, 'project-b', '/clients'), json=own).status_code == 201
    plain = _post_job(keystone_api, 'member_b', 'project-b',
                      _job(own['client_id'], user_credentials=forged))
    assert plain.status_code == 201, plain.text
    job_id = plain.json()['job_id']
    assert 'user_credentials' not in _get_job(
        keystone_api, 'member_b', 'project-b', job_id).json()

    central_job = _post_job(keystone_api, 'member_b', 'project-b',
                            _job(central, user_credentials=forged))
    assert central_job.status_code == 201, central_job.text
    central_id = central_job.json()['job_id']
    real = _get_job(keystone_api, 'member_b', 'project-b',
                    central_id).json()['user_credentials']
    assert real['trust_id'] != 'forged'
    patched = keystone_api.request('member_b', 'PATCH', _v2(
        keystone, 'project-b', '/jobs/' + central_id),
        json={'user_credentials': forged, 'description': 'patched'})
    assert patched.status_code == 200, patched.text
    after = _get_job(keystone_api, 'member_b', 'project-b',
                     central_id).json()
    assert after['description'] == 'patched'
    assert after['user_credentials'] == real
    for doomed in (job_id, central_id):
        keystone_api.request('member_b', 'DELETE', _v2(
            keystone, 'project-b', '/jobs/' + doomed))
    assert _keystone_trust(keystone, real['trust_id'])[0] == 404


def _admin_client(api, **extra):
    info = _client('central', is_central=True, **extra)
    resp = api.request('admin', 'POST', _v2(api.keystone, 'admin',
                                            '/clients'), json=info)
    assert resp.status_code == 201, resp.text
    return info['client_id']


def _refused(api, user, status, code):
    """A job on a central client is answered ``status`` and not stored."""
    client_id = _admin_client(api)
    job_id = uuid.uuid4().hex
    resp = _post_job(api, user, 'project-b', _job(client_id, job_id=job_id))
    assert resp.status_code == status, resp.text
    assert resp.json()['code'] == code
    assert _get_job(api, user, 'project-b', job_id).status_code == 404
    return resp


def _separate_api(keystone, tmp_path, extra):
    """A freezer-api process of its own, sharing the test run's Keystone
    (a context manager yielding its URL).
    """
    return keystone_fixture.running_api(
        tmp_path, keystone.authtoken_options(), extra=extra)


def test_missing_delegated_role_is_422_and_stores_nothing(keystone,
                                                          tmp_path):
    extra = '[centralized_scheduler]\ntrusts_delegated_roles = admin\n'
    with _separate_api(keystone, tmp_path, extra) as url:
        api = keystone_fixture.KeystoneApi(url=url, keystone=keystone,
                                           workdir=tmp_path)
        resp = _refused(api, 'member_b', 422, 'freezer.job.trust_refused')
        assert 'Keystone refused' in resp.json()['description']
        api.http.close()


def test_keystone_unreachable_is_503_with_retry_after(keystone, tmp_path):
    closed = 'http://127.0.0.1:%d/v3' % free_port()
    service = keystone.authtoken_options()
    extra = ('[centralized_scheduler]\nauth_section = trustee\n[trustee]\n'
             'auth_type = password\nauth_url = %s\nusername = %s\n'
             'password = %s\nuser_domain_id = default\n'
             'project_name = service\nproject_domain_id = default\n'
             'timeout = 5\n' % (closed, service['username'],
                                service['password']))
    with _separate_api(keystone, tmp_path, extra) as url:
        api = keystone_fixture.KeystoneApi(url=url, keystone=keystone,
                                           workdir=tmp_path)
        resp = _refused(api, 'member_b', 503,
                        'freezer.identity.unavailable')
        assert resp.headers['Retry-After']
        assert 'Keystone unreachable' in api.log()
        # NOTE: the API itself still answers; only trusts are unavailable.
        plain = _client('own')
        assert api.request('member_b', 'POST', _v2(
            keystone, 'project-b', '/clients'),
            json=plain).status_code == 201
        assert _post_job(api, 'member_b', 'project-b',
                         _job(plain['client_id'])).status_code == 201
        api.http.close()


def test_enforce_trusts_gives_every_job_a_trust(keystone, tmp_path):
    extra = '[centralized_scheduler]\nenforce_trusts = true\n'
    with _separate_api(keystone, tmp_path, extra) as url:
        api = keystone_fixture.KeystoneApi(url=url, keystone=keystone,
                                           workdir=tmp_path)
        own = _client('own')
        assert api.request('member_b', 'POST', _v2(
            keystone, 'project-b', '/clients'), json=own).status_code == 201
        resp = _post_job(api, 'member_b', 'project-b',
                         _job(own['client_id']))
        assert resp.status_code == 201, resp.text
        job = _get_job(api, 'member_b', 'project-b',
                       resp.json()['job_id']).json()
        status, trust = _keystone_trust(
            keystone, job['user_credentials']['trust_id'])
        assert status == 200
        assert trust['trustor_user_id'] == keystone.user('member_b').id
        api.request('member_b', 'DELETE', _v2(
            keystone, 'project-b', '/jobs/' + job['job_id']))
        api.http.close()
