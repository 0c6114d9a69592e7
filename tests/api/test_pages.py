"""Pages of lists after a marker (3.10): ``marker`` is the id of the
previous page's last document, ``<kind>_links`` holds the next link; below
3.10, v1 and v2 page by ``offset`` exactly as before."""

from urllib import parse as urlparse

import pytest

from tests.api.conftest import backup_metadata
from tests.api.conftest import Caller
from tests.api.conftest import client_info
from tests.api.conftest import job_doc
from tests.api.test_actions import ACTION
from tests.api.test_microversion import labelled
from tests.api.test_microversion import V3
from tests.api.test_sessions import SCHEDULE

MARKER_MV = '3.10'


@pytest.fixture
def alice(api):
    return V3(api, MARKER_MV, user='alice', project='p1')


@pytest.fixture
def mallory(api):
    return V3(api, MARKER_MV, user='mallory', project='p2')


def backups(caller, count):
    """Post ``count`` backups named bk0...; return their ids in order."""
    ids = []
    for n in range(count):
        resp = caller.post('/backups', json=backup_metadata('bk%d' % n))
        assert resp.status_code == 201, resp.text
        ids.append(resp.json['backup_id'])
    return ids


def follow(caller, link):
    """GET the href of a link as ``caller``: (path, query, response)."""
    parts = urlparse.urlsplit(link['href'])
    assert parts.path.startswith('/v3/%s/' % caller.url_project)
    path = parts.path[len('/v3/%s' % caller.url_project):]
    query = dict(urlparse.parse_qsl(parts.query))
    return path, query, caller.get(path, params=query)


def walk(caller, path, kind, id_field, **query):
    """Every id of the list, following next links from the first page."""
    seen = []
    resp = caller.get(path, params=query)
    while True:
        assert resp.status_code == 200, resp.text
        labelled(resp, caller.mv)
        assert 'links' not in resp.json
        seen += [doc[id_field] for doc in resp.json[kind]]
        links = resp.json['%s_links' % kind]
        if not links:
            return seen
        (link,) = links
        assert link['rel'] == 'next'
        _path, query, resp = follow(caller, link)
        assert query['marker'] == seen[-1]


def test_next_link_carries_the_marker_of_the_last_document(alice):
    ids = backups(alice, 5)
    page = alice.get('/backups', params={'limit': 2})
    assert [b['backup_id'] for b in page.json['backups']] == ids[:2]
    assert 'links' not in page.json
    (link,) = page.json['backups_links']
    assert link['rel'] == 'next'
    path, query, second = follow(alice, link)
    assert path == '/backups'
    assert query == {'limit': '2', 'marker': ids[1]}
    assert [b['backup_id'] for b in second.json['backups']] == ids[2:4]
    _path, _query, last = follow(alice, second.json['backups_links'][0])
    assert [b['backup_id'] for b in last.json['backups']] == ids[4:]
    assert last.json['backups_links'] == []


def test_every_list_walks_by_marker(api, alice):
    assert alice.post('/clients', json=client_info('p1_host1')
                      ).status_code == 201
    made = {'backups': backups(alice, 3), 'clients': ['p1_host1'],
            'jobs': [], 'actions': [], 'sessions': []}
    for n in range(2):
        assert alice.post('/clients', json=client_info(
            'p1_host%d' % (n + 2))).status_code == 201
        made['clients'].append('p1_host%d' % (n + 2))
        made['jobs'].append(alice.post('/jobs', json=job_doc()).json[
            'job_id'])
        made['actions'].append(alice.post('/actions', json=ACTION).json[
            'action_id'])
        made['sessions'].append(alice.post('/sessions', json={
            'description': 's%d' % n, 'schedule': SCHEDULE}).json[
                'session_id'])
    for kind, ids in made.items():
        id_field = kind[:-1] + '_id'
        assert walk(alice, '/' + kind, kind, id_field, limit=1) == ids, kind


def test_walk_sees_no_document_twice_while_backups_are_added(alice):
    ids = backups(alice, 6)
    resp = alice.get('/backups', params={'limit': 2})
    seen = []
    while True:
        seen += [b['backup_id'] for b in resp.json['backups']]
        if not resp.json['backups_links']:
            break
        ids += backups(alice, 1)
        resp = follow(alice, resp.json['backups_links'][0])[2]
    assert seen == ids


def test_unknown_and_foreign_markers_are_one_400(alice, mallory):
    mine = backups(alice, 1)[0]
    theirs = backups(mallory, 1)[0]
    deleted = backups(alice, 1)[0]
    assert alice.delete('/backups/%s' % deleted).status_code == 204
    answers = set()
    for marker in (theirs, 'f' * 32, deleted, 'x' * 300, 'a\x01b'):
        resp = alice.get('/backups', params={'marker': marker})
        assert resp.status_code == 400, marker
        labelled(resp, MARKER_MV)
        assert resp.json['code'] == 'freezer.request.invalid_marker'
        assert set(resp.json) == {'title', 'description', 'message', 'code',
                                  'request_id'}
        answers.add(resp.json['message'].replace(repr(marker[:255]), 'M'))
    assert answers == {'Invalid marker M: no single document of this list '
                       'has that id'}
    # the same id is a marker of its owner's own list
    assert mallory.get('/backups', params={'marker': theirs}
                       ).json['backups'] == []
    assert alice.get('/backups', params={'marker': mine}).status_code == 200


def test_marker_with_an_offset_is_400(alice):
    ids = backups(alice, 3)
    resp = alice.get('/backups', params={'marker': ids[0], 'offset': 1})
    assert resp.status_code == 400
    assert resp.json['code'] == 'freezer.request.marker_and_offset'
    ok = alice.get('/backups', params={'marker': ids[0], 'offset': 0})
    assert [b['backup_id'] for b in ok.json['backups']] == ids[1:]


def test_an_offset_page_links_to_the_next_by_marker(alice):
    ids = backups(alice, 5)
    page = alice.get('/backups', params={'limit': 2, 'offset': 1})
    assert [b['backup_id'] for b in page.json['backups']] == ids[1:3]
    _path, query, resp = follow(alice, page.json['backups_links'][0])
    assert query == {'limit': '2', 'marker': ids[2]}
    assert [b['backup_id'] for b in resp.json['backups']] == ids[3:5]


def test_the_search_parameter_stays_in_the_next_link(alice):
    for n in range(6):
        alice.post('/backups', json=backup_metadata(
            'bk', hostname='h%d.example.org' % (n % 2)))
    search = '{"match": [{"hostname": "h1.example.org"}]}'
    ids = walk(alice, '/backups', 'backups', 'backup_id', limit=2,
               search=search)
    shown = [alice.get('/backups/%s' % i).json for i in ids]
    assert len(ids) == 3
    assert {b['backup_metadata']['hostname'] for b in shown} == {
        'h1.example.org'}


def test_a_search_body_with_a_marker(alice):
    ids = []
    for n in range(6):
        ids.append(alice.post('/backups', json=backup_metadata(
            'bk', time_stamp=1000 + n)).json['backup_id'])
    found = alice.search('/backups?limit=2&marker=%s' % ids[2],
                         {'time_after': 1001, 'time_before': 1004})
    assert found.status_code == 200, found.text
    assert [b['backup_id'] for b in found.json['backups']] == ids[3:5]


def test_all_projects_jobs_walk_by_marker(api):
    for user, project in (('alice', 'p1'), ('mallory', 'p2')):
        owner = Caller(api, 'v2', user=user, project=project)
        client_id = '%s_host1' % project
        owner.post('/clients', json=client_info(client_id))
        for _ in range(2):
            owner.post('/jobs', json=job_doc(client_id))
    admin = V3(api, MARKER_MV, user='root', project='p1', roles='admin')
    every = admin.get('/jobs', params={'all_projects': 'true',
                                       'limit': 100}).json['jobs']
    assert len(every) == 4
    assert walk(admin, '/jobs', 'jobs', 'job_id', limit=3,
                all_projects='true') == [j['job_id'] for j in every]


# -- below 3.10 nothing changes -----------------------------------------------

@pytest.mark.parametrize('mv', ['3.6', '3.9'])
def test_marker_is_an_unknown_parameter_from_3_6_to_3_9(api, mv):
    caller = V3(api, mv, user='alice', project='p1')
    ids = backups(caller, 2)
    resp = caller.get('/backups', params={'marker': ids[0]})
    assert resp.status_code == 400
    assert resp.json['code'] == 'freezer.request.unknown_parameter'


@pytest.mark.parametrize('mv', ['3.4', '3.9'])
def test_offset_links_stay_below_3_10(api, mv):
    caller = V3(api, mv, user='alice', project='p1')
    backups(caller, 3)
    page = caller.get('/backups', params={'limit': 2, 'offset': 0}).json
    assert 'backups_links' not in page
    (link,) = page['links']
    assert dict(urlparse.parse_qsl(urlparse.urlsplit(
        link['href']).query)) == {'limit': '2', 'offset': '2'}


@pytest.mark.parametrize('where', ['v1', 'v2', '3.3'])
def test_marker_is_ignored_where_unknown_parameters_are(api, where):
    if where in ('v1', 'v2'):
        caller = Caller(api, where, user='alice', project='p1')
    else:
        caller = V3(api, where, user='alice', project='p1')
    ids = backups(caller, 3)
    for marker in (ids[1], 'nothing'):
        page = caller.get('/backups', params={'marker': marker, 'limit': 2,
                                              'offset': 1})
        assert page.status_code == 200
        assert [b['backup_id'] for b in page.json['backups']] == ids[1:3]
        assert 'backups_links' not in page.json
        assert 'links' not in page.json
