"""Bad input: one JSON error shape, the right status, nothing stored."""

import pytest

from tests.api.conftest import backup_metadata

ERROR_KEYS = {'title', 'description', 'message', 'code', 'request_id'}


def assert_error(resp, status, code=None):
    assert resp.status_code == status, resp.text
    assert set(resp.json) == ERROR_KEYS
    assert resp.json['message'] == resp.json['description']
    assert resp.json['request_id'] == resp.headers['x-openstack-request-id']
    assert resp.headers['content-type'].startswith('application/json')
    if code:
        assert resp.json['code'] == code


@pytest.mark.parametrize('path', ['/backups', '/clients', '/jobs',
                                  '/actions', '/sessions'])
def test_malformed_json_is_400(alice, path):
    resp = alice.request('POST', path, body='{"not": json')
    assert_error(resp, 400, 'freezer.request.malformed_json')


@pytest.mark.parametrize('body', ['[]', '"text"', '42', 'null'])
def test_non_object_body_is_400(alice, body):
    assert_error(alice.request('POST', '/backups', body=body), 400)
    assert alice.get('/backups').json == {'backups': []}


def test_missing_body_is_400(alice):
    assert_error(alice.request('POST', '/backups'), 400,
                 'freezer.request.body_missing')


@pytest.mark.parametrize('method,path,allowed', [
    ('PUT', '/backups', 'GET, POST'),
    ('PATCH', '/jobs', 'GET, POST'),
    ('PUT', '/jobs/x', 'DELETE, GET, PATCH, POST'),
    ('GET', '/jobs/x/event', 'POST'),
    ('GET', '/sessions/x/action', 'POST'),
    ('POST', '/sessions/x/jobs/y', 'DELETE, PUT'),
])
def test_wrong_method_is_405_with_allow(alice, method, path, allowed):
    resp = alice.request(method, path)
    assert_error(resp, 405, 'freezer.method.not_allowed')
    got = {m.strip() for m in resp.headers['allow'].split(',')}
    assert set(allowed.split(', ')) <= got


def test_unknown_route_is_404_json(alice):
    assert_error(alice.request('GET', '/nothing-here'), 404,
                 'freezer.route.not_found')


def test_oversized_body_is_413_and_stores_nothing(alice):
    huge = backup_metadata(cli='x' * 200000)
    resp = alice.post('/backups', json=huge)
    assert_error(resp, 413, 'freezer.request.too_large')
    assert alice.get('/backups').json == {'backups': []}


@pytest.mark.parametrize('params', [
    {'limit': 0}, {'limit': -1}, {'limit': 1001}, {'limit': 'ten'},
    {'offset': -1}, {'offset': '1.5'}])
def test_bad_paging_is_400(alice, params):
    assert_error(alice.get('/backups', params=params), 400)


def test_max_limit_is_accepted(alice):
    assert alice.get('/backups', params={'limit': 1000}).status_code == 200


@pytest.mark.parametrize('search', [
    {'match': 'status'}, {'match': ['x']}, {'match_not': {'a': 1}},
    {'time_after': 'soon'}, {'where': 'x'}, [1, 2]])
def test_bad_search_is_400(alice, search):
    assert_error(alice.search('/jobs', search), 400)


def test_search_as_query_parameter(alice):
    alice.post('/backups', json=backup_metadata('one'))
    alice.post('/backups', json=backup_metadata('two'))
    resp = alice.get('/backups', params={
        'search': '{"match": [{"backup_name": "two"}]}'})
    assert [b['backup_metadata']['backup_name']
            for b in resp.json['backups']] == ['two']


def test_client_that_refuses_json_gets_406(alice):
    resp = alice.get('/backups', headers={'Accept': 'text/html'})
    assert_error(resp, 406)


def test_not_found_error_shape(alice):
    assert_error(alice.get('/jobs/nope'), 404, 'freezer.job.not_found')
    assert_error(alice.delete('/sessions/nope'), 404,
                 'freezer.session.not_found')


def test_every_response_has_a_request_id(alice):
    ok = alice.get('/backups')
    bad = alice.get('/backups', params={'limit': 0})
    assert ok.headers['x-openstack-request-id'].startswith('req-')
    assert (bad.headers['x-openstack-request-id']
            != ok.headers['x-openstack-request-id'])


def test_v2_foreign_url_project_is_403(api):
    from tests.api.conftest import Caller
    member = Caller(api, 'v2', user='alice', project='p1', url_project='p2')
    assert_error(member.get('/backups'), 403)
    assert_error(member.post('/backups', json=backup_metadata()), 403)


def test_reader_cannot_write(api):
    from tests.api.conftest import Caller
    reader = Caller(api, 'v2', user='r', project='p1', roles='reader')
    assert reader.get('/backups').status_code == 200
    assert_error(reader.post('/backups', json=backup_metadata()), 403)


def test_policy_is_checked_before_the_body(api):
    from tests.api.conftest import Caller
    reader = Caller(api, 'v2', user='r', project='p1', roles='reader')
    assert_error(reader.request('POST', '/jobs', body='{broken'), 403)


def test_deeply_nested_body_is_400(alice):
    deep = '[' * 20000 + ']' * 20000
    assert_error(alice.request('POST', '/backups', body=deep), 400)
    nested = '{"container": "c", "hostname": "h", "backup_name": "b", ' \
        '"x": ' + '{"a": ' * 40 + '1' + '}' * 40 + '}'
    assert_error(alice.request('POST', '/backups', body=nested), 400,
                 'freezer.request.too_deep')


def test_huge_numbers_never_reach_the_store(alice):
    refused = alice.post('/backups', json=backup_metadata(
        time_stamp=10 ** 30))
    assert_error(refused, 400, 'freezer.request.number_out_of_range')
    assert alice.get('/backups').json == {'backups': []}
    assert_error(alice.search('/backups', {'time_after': 10 ** 30}), 400)
    assert_error(alice.get('/backups', params={'offset': 10 ** 20}), 400)
    largest = alice.post('/backups', json=backup_metadata(
        time_stamp=2 ** 63 - 1, level=-2 ** 63))
    assert largest.status_code == 201
    stored = alice.get('/backups/%s' % largest.json['backup_id']).json
    assert stored['backup_metadata']['time_stamp'] == 2 ** 63 - 1
    assert stored['backup_metadata']['level'] == -2 ** 63


@pytest.mark.parametrize('constant', ['NaN', 'Infinity', '-Infinity'])
def test_non_json_numbers_are_400(alice, constant):
    body = ('{"container": "c", "hostname": "h", "backup_name": "b", '
            '"size": %s}' % constant)
    assert_error(alice.request('POST', '/backups', body=body), 400,
                 'freezer.request.malformed_json')
