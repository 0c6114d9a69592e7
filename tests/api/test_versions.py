"""GET / and the JSON Home documents."""

import json


def test_root_lists_versions_with_300(api):
    resp = api.simulate_get('/')
    assert resp.status_code == 300
    ids = {v['id']: v['status'] for v in resp.json['versions']}
    assert ids['v1'] == 'DEPRECATED'
    assert ids['v2'] == 'CURRENT'


def test_root_links_use_each_requests_own_host(api):
    first = api.simulate_get('/', headers={'Host': 'one.example:9090'})
    second = api.simulate_get('/', headers={'Host': 'two.example:8080'})
    hrefs1 = [v['links'][0]['href'] for v in first.json['versions']]
    hrefs2 = [v['links'][0]['href'] for v in second.json['versions']]
    assert 'http://one.example:9090/v1/' in hrefs1
    assert 'http://two.example:8080/v2/' in hrefs2
    assert not any('one.example' in h for h in hrefs2)


def test_root_needs_no_identity_and_has_request_id(api):
    resp = api.simulate_get('/')
    assert resp.headers['x-openstack-request-id'].startswith('req-')


def test_v1_json_home(api):
    resp = api.simulate_get('/v1')
    assert resp.status_code == 200
    assert resp.headers['content-type'] == 'application/json-home'
    doc = json.loads(resp.text)
    backups = doc['resources']['rel/backups']
    assert backups['href-template'] == '/v1/backups/{backup_id}'
    assert backups['hints']['allow'] == ['GET']


def test_v2_json_home_with_trailing_slash(api):
    resp = api.simulate_get('/v2/')
    assert resp.status_code == 200
    doc = json.loads(resp.text)
    backups = doc['resources']['rel/backups']
    assert backups['href-template'] == '/v2/{project_id}/backups/{backup_id}'
    assert backups['href-vars'] == {'project_id': 'param/project_id',
                                    'backup_id': 'param/backup_id'}
    assert backups['hints'] == {'allow': ['GET'],
                                'formats': {'application/json': {}}}


def test_health_reports_store_ok(api):
    resp = api.simulate_get('/healthcheck')
    assert resp.status_code == 200
    assert resp.json['status'] == 'ok'
    head = api.simulate_head('/health')
    assert head.status_code == 200
    assert head.text == ''
    options = api.simulate_options('/health')
    assert options.status_code == 200
    assert 'GET' in options.headers['allow']
