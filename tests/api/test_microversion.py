"""v3: v2 semantics plus microversions, one test per behaviour and version.
"""

import pytest

from freezer_api.api import microversion as mv
from tests.api.conftest import backup_metadata
from tests.api.conftest import Caller
from tests.api.conftest import client_info
from tests.api.conftest import job_doc

HEADER = 'OpenStack-API-Version'


class V3(Caller):
    """A caller of /v3 that sends ``OpenStack-API-Version: backup <mv>``
    (no header when ``mv`` is None).
    """

    def __init__(self, api, mv=None, **kwargs):
        super().__init__(api, 'v3', **kwargs)
        self.mv = mv

    def request(self, method, path, headers=None, **kwargs):
        merged = {HEADER: 'backup %s' % self.mv} if self.mv else {}
        merged.update(headers or {})
        return super().request(method, path, headers=merged, **kwargs)

    def at(self, version):
        return V3(self.api, version, user=self.user, project=self.project,
                  roles=self.headers['X-Roles'])


@pytest.fixture
def alice(api):
    return V3(api, user='alice', project='p1')


def labelled(resp, version):
    assert resp.headers[HEADER] == 'backup %s' % version
    assert HEADER in resp.headers['vary']


# -- 3.0: v2 under /v3 -----------------------------------------------------

def test_v3_serves_the_v2_resources_at_3_0(alice):
    assert alice.post('/clients', json=client_info()).status_code == 201
    created = alice.post('/jobs', json=job_doc())
    assert created.status_code == 201
    job_id = created.json['job_id']
    shown = alice.get('/jobs/%s' % job_id)
    assert shown.status_code == 200
    assert shown.json['client_id'] == 'p1_host1'
    labelled(shown, '3.0')
    event = alice.post('/jobs/%s/event' % job_id, json={'start': None})
    assert event.status_code == 202
    v2 = Caller(alice.api, 'v2', user='alice', project='p1')
    assert v2.get('/jobs/%s' % job_id).json['job_schedule']['event'] == (
        'start')


def test_v3_keeps_project_scoping(alice, api):
    alice.post('/clients', json=client_info())
    mallory = V3(api, user='mallory', project='p2')
    assert mallory.get('/clients/p1_host1').status_code == 404
    other_url = V3(api, user='mallory', project='p2')
    other_url.url_project = 'p1'
    assert other_url.get('/clients').status_code == 403


def test_v2_responses_carry_no_version_header(api):
    resp = Caller(api, 'v2').get('/jobs')
    assert resp.status_code == 200
    assert HEADER not in resp.headers


# -- negotiation -----------------------------------------------------------

@pytest.mark.parametrize('sent, ran', [
    (None, '3.0'), ('3.7', '3.7'), ('latest', mv.MAX_VERSION),
    ('3.2-3.99', mv.MAX_VERSION), ('3.1-3.3', '3.3'),
])
def test_the_response_says_which_version_ran(alice, sent, ran):
    resp = alice.at(sent).get('/jobs')
    assert resp.status_code == 200
    labelled(resp, ran)


@pytest.mark.parametrize('sent', ['3.07', '3', 'x.y', '3.9-3.2'])
def test_malformed_version_is_400_labelled(alice, sent):
    resp = alice.at(sent).get('/jobs')
    assert resp.status_code == 400
    assert resp.json['code'] == 'freezer.microversion.invalid'
    assert resp.json['request_id'].startswith('req-')
    labelled(resp, mv.MIN_VERSION)


@pytest.mark.parametrize('sent', ['3.99', '2.0', '4.0-4.2'])
def test_unsupported_version_is_406_with_the_range(alice, sent):
    resp = alice.at(sent).get('/jobs')
    assert resp.status_code == 406
    assert resp.json['code'] == 'freezer.microversion.unsupported'
    assert resp.json['min_version'] == mv.MIN_VERSION
    assert resp.json['max_version'] == mv.MAX_VERSION
    assert 'description' in resp.json and 'message' in resp.json
    labelled(resp, mv.MIN_VERSION)


def test_errors_carry_the_version_headers(alice, api):
    missing = alice.at('3.5').get('/jobs/nope')
    assert missing.status_code == 404
    labelled(missing, '3.5')
    unrouted = alice.at('3.5').get('/nothing/here')
    assert unrouted.status_code == 404
    labelled(unrouted, '3.5')
    member = V3(api, mv.MAX_VERSION, roles='member')
    forbidden = member.get('/clusters')
    assert forbidden.status_code == 403
    labelled(forbidden, mv.MAX_VERSION)


def test_latest_microversion_is_3_10(alice):
    # NOTE: a tripwire: bump it with every new microversion.
    labelled(alice.at('latest').get('/jobs'), '3.10')


# -- version documents -----------------------------------------------------

def test_root_advertises_the_v3_range(api):
    resp = api.simulate_get('/')
    assert resp.status_code == 300
    v3 = [v for v in resp.json['versions'] if v['id'] == 'v3'][0]
    assert v3['status'] == 'CURRENT'
    assert v3['min_version'] == '3.0'
    assert v3['version'] == v3['max_version'] == mv.MAX_VERSION
    assert v3['links'][0]['href'].endswith('/v3/')


def test_get_v3_is_the_version_entry_without_identity(api):
    resp = api.simulate_get('/v3/')
    assert resp.status_code == 200
    (entry,) = resp.json['versions']
    assert entry['id'] == 'v3'
    assert (entry['min_version'], entry['max_version']) == (
        mv.MIN_VERSION, mv.MAX_VERSION)
    labelled(resp, mv.MIN_VERSION)


def test_get_v3_serves_json_home_on_request(api):
    resp = api.simulate_get('/v3', headers={
        'Accept': 'application/json-home'})
    assert resp.status_code == 200
    assert resp.headers['content-type'] == 'application/json-home'
    assert 'rel/jobs' in resp.json['resources']


# -- 3.1 backups always carry status ---------------------------------------

@pytest.mark.parametrize('version', ['3.0', '3.1', 'latest'])
def test_backup_without_status_is_available_at_every_version(alice, version):
    caller = alice.at(version)
    backup_id = caller.post('/backups', json=backup_metadata()).json[
        'backup_id']
    assert caller.get('/backups/%s' % backup_id).json['status'] == (
        'available')
    listed = caller.get('/backups').json['backups']
    assert [b['status'] for b in listed] == ['available']
    patched = caller.patch('/backups/%s' % backup_id,
                           json={'status': 'deleting'})
    assert patched.json['status'] == 'deleting'
    assert caller.get('/backups/%s' % backup_id).json['status'] == (
        'deleting')


def test_backup_status_sent_is_kept_at_3_1(alice):
    caller = alice.at('3.1')
    backup_id = caller.post('/backups', json=backup_metadata(
        status='creating')).json['backup_id']
    assert caller.get('/backups/%s' % backup_id).json['status'] == (
        'creating')


# -- 3.2 Location ------------------------------------------------------------

def test_location_of_created_documents_from_3_2(alice):
    old = alice.at('3.1').post('/clients', json=client_info('p1_a'))
    assert old.status_code == 201
    assert 'location' not in old.headers
    new = alice.at('3.2').post('/clients', json=client_info('p1_b'))
    assert new.headers['location'].endswith('/v3/p1/clients/p1_b')
    job = alice.at('3.2').post('/jobs', json=job_doc('p1_b'))
    location = job.headers['location']
    assert location.endswith('/v3/p1/jobs/%s' % job.json['job_id'])
    path = location.split('/v3/p1', 1)[1]
    assert alice.get(path).status_code == 200


# -- 3.3 PUT replace ----------------------------------------------------------

def test_put_replaces_a_job_from_3_3(alice):
    alice.post('/clients', json=client_info())
    body = job_doc(job_id='j1', description='first')
    resp = alice.at('3.3').put('/jobs/j1', json=body)
    assert resp.status_code == 200
    assert resp.json == {'job_id': 'j1', 'version': 1}
    body['description'] = 'second'
    again = alice.at('3.3').put('/jobs/j1', json=body)
    assert again.json == {'job_id': 'j1', 'version': 2}
    assert alice.get('/jobs/j1').json['description'] == 'second'


def test_put_below_3_3_is_405_without_put_in_allow(alice, api):
    resp = alice.at('3.2').put('/actions/a1', json={})
    assert resp.status_code == 405
    allowed = resp.headers['allow'].split(', ')
    assert 'PUT' not in allowed
    assert {'GET', 'POST', 'PATCH', 'DELETE'} <= set(allowed)
    labelled(resp, '3.2')
    v2 = Caller(api, 'v2').put('/sessions/s1', json={})
    assert v2.status_code == 405
    assert 'PUT' not in v2.headers['allow']


def test_put_policy_comes_before_the_body(api):
    reader = V3(api, '3.3', roles='reader')
    resp = reader.put('/jobs/j1', body='not json')
    assert resp.status_code == 403


# -- 3.4 links ---------------------------------------------------------------

def test_list_links_next_page_from_3_4(alice):
    for n in range(3):
        alice.post('/backups', json=backup_metadata('bk%d' % n))
    assert 'links' not in alice.at('3.3').get('/backups').json
    page = alice.at('3.4').get('/backups', params={'limit': 2})
    assert len(page.json['backups']) == 2
    (link,) = page.json['links']
    assert link['rel'] == 'next'
    path, query = link['href'].split('/v3/p1', 1)[1].split('?')
    params = dict(kv.split('=') for kv in query.split('&'))
    assert params == {'limit': '2', 'offset': '2'}
    last = alice.at('3.4').get(path, params=params)
    assert [b['backup_metadata']['backup_name']
            for b in last.json['backups']] == ['bk2']
    assert last.json['links'] == []


# -- 3.5 client service -------------------------------------------------------

def test_client_shows_its_service_from_3_5(alice):
    alice.post('/clients', json=client_info(cluster='c1'))
    assert 'service' not in alice.at('3.4').get('/clients/p1_host1').json
    shown = alice.at('3.5').get('/clients/p1_host1').json
    service = shown['service']
    assert service['binary'] == 'freezer-scheduler'
    assert service['cluster'] == 'c1'
    assert service['state'] == 'up'
    assert service['last_heartbeat'].endswith('+00:00')
    listed = alice.at('3.5').get('/clients').json['clients']
    assert listed[0]['service']['state'] == 'up'


# -- 3.6 strict list parameters -----------------------------------------------

def test_unknown_list_parameters_refused_from_3_6(alice):
    assert alice.at('3.5').get('/jobs', params={'limt': '5'}).status_code == (
        200)
    resp = alice.at('3.6').get('/jobs', params={'limt': '5'})
    assert resp.status_code == 400
    assert resp.json['code'] == 'freezer.request.unknown_parameter'
    ok = alice.at('3.6').get('/jobs', params={'limit': '5', 'offset': '0'})
    assert ok.status_code == 200


@pytest.mark.parametrize('sent, put', [('3.2', False), ('3.3', True)])
def test_options_lists_the_methods_of_the_version(alice, sent, put):
    resp = alice.at(sent).request('OPTIONS', '/jobs/j1')
    assert resp.status_code == 200
    allowed = resp.headers['allow'].split(', ')
    assert ('PUT' in allowed) is put
    assert {'GET', 'POST', 'PATCH', 'DELETE'} <= set(allowed)


def test_v2_options_and_405_never_list_put(api):
    v2 = Caller(api, 'v2')
    assert 'PUT' not in v2.request('OPTIONS', '/jobs/j1').headers['allow']
    head = v2.request('HEAD', '/jobs/j1')
    assert head.status_code == 405
    assert 'PUT' not in head.headers['allow']
