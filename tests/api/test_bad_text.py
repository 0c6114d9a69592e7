"""Text no store can encode (lone UTF-16 surrogate escapes) is a 400 in
bodies and in the ``search`` parameter, never a 500."""

import pytest

from tests.api.conftest import Caller
from tests.api.conftest import client_info

LONE = '"\\ud800"'


@pytest.fixture
def admin(api):
    caller = Caller(api, 'v3', user='root', project='p1', roles='admin')
    caller.headers['OpenStack-API-Version'] = 'backup 3.8'
    assert caller.post('/clients', json=client_info(cluster='c1')
                       ).status_code == 201
    return caller


@pytest.mark.parametrize('method, path, body', [
    ('PUT', '/clusters/disable',
     '{"name": "c1", "disabled_reason": %s}' % LONE),
    ('PUT', '/clusters/enable', '{"name": %s}' % LONE),
    ('POST', '/actions',
     '{"freezer_action": {"action": "backup", "note": %s}}' % LONE),
    ('POST', '/clients', '{"client_id": "p1_h9", %s: 1}' % LONE),
    ('GET', '/jobs', '{"match": [{"client_id": %s}]}' % LONE),
])
def test_lone_surrogates_in_bodies_are_400(admin, method, path, body):
    resp = admin.request(method, path, body=body)
    assert resp.status_code == 400, resp.text
    assert resp.json['code'] == 'freezer.request.malformed_json'
    assert admin.get('/clusters/c1').json['cluster']['status'] == 'enabled'


def test_lone_surrogate_in_the_search_parameter_is_400(admin):
    resp = admin.get('/jobs', params={
        'search': '{"match": [{"client_id": %s}]}' % LONE})
    assert resp.status_code == 400, resp.text


def test_paired_surrogates_are_text(admin):
    resp = admin.put('/clusters/disable', body=(
        '{"name": "c1", "disabled_reason": "\\ud83d\\udd27 maintenance"}'))
    assert resp.status_code == 200, resp.text
    assert resp.json['cluster']['disabled_reason'] == (
        '\U0001f527 maintenance')
