"""Callers of the in-process API: who sends a request, in which version."""

import json as jsonlib

import pytest


class Caller:
    """Sends requests as one identity to one API version.

    ``path`` arguments are below the version prefix: ``/jobs/x`` becomes
    ``/v1/jobs/x`` or ``/v2/<project>/jobs/x``.
    """

    def __init__(self, api, version='v1', user='u1', project='p1',
                 roles='member,reader', user_name=None, url_project=None):
        self.api = api
        self.version = version
        self.user = user
        self.project = project
        self.url_project = url_project or project
        self.headers = {'X-User-Id': user, 'X-Project-Id': project,
                        'X-Roles': roles,
                        'X-User-Name': user_name or 'name-' + user}

    def url(self, path):
        if self.version == 'v1':
            return '/v1' + path
        return '/%s/%s%s' % (self.version, self.url_project, path)

    def request(self, method, path, json=None, body=None, headers=None,
                **kwargs):
        merged = dict(self.headers)
        merged.update(headers or {})
        if json is not None:
            body = jsonlib.dumps(json)
        return self.api.simulate_request(method, self.url(path), body=body,
                                         headers=merged, **kwargs)

    def get(self, path, **kwargs):
        return self.request('GET', path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.request('POST', path, json=json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self.request('PATCH', path, json=json, **kwargs)

    def put(self, path, json=None, **kwargs):
        return self.request('PUT', path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        return self.request('DELETE', path, **kwargs)

    def search(self, path, search, **kwargs):
        return self.request('GET', path, json=search, **kwargs)

    def other(self, **changes):
        """Another caller sharing this one's client and version."""
        args = dict(version=self.version, user=self.user,
                    project=self.project, roles=self.headers['X-Roles'])
        args.update(changes)
        return Caller(self.api, **args)


@pytest.fixture(params=['v1', 'v2'])
def version(request):
    return request.param


@pytest.fixture
def alice(api, version):
    """A member of project p1, in the API version under test."""
    return Caller(api, version, user='alice', project='p1')


@pytest.fixture
def mallory(api, version):
    """Another user in another project."""
    return Caller(api, version, user='mallory', project='p2')


def backup_metadata(name='bk', **extra):
    doc = {'container': 'cont', 'hostname': 'host1.example.org',
           'backup_name': name, 'time_stamp': 1459349846, 'level': 0,
           'max_level': 7, 'mode': 'fs', 'encrypted': False,
           'excluded_files': [], 'client_os': 'linux'}
    doc.update(extra)
    return doc


def client_info(client_id='p1_host1', **extra):
    doc = {'client_id': client_id, 'hostname': client_id.split('_')[-1],
           'description': 'a test client'}
    doc.update(extra)
    return doc


def job_doc(client_id='p1_host1', **extra):
    doc = {
        'job_actions': [{
            'freezer_action': {'action': 'backup', 'mode': 'fs',
                               'path_to_backup': '/home/tyler',
                               'backup_name': 'mayhem',
                               'container': 'box'},
            'max_retries': 3, 'max_retries_interval': 60,
            'mandatory': False}],
        'job_schedule': {'schedule_interval': '1 days',
                         'schedule_start_date': '2015-06-02T16:20:00'},
        'client_id': client_id,
        'description': 'daily backup',
    }
    doc.update(extra)
    return doc


@pytest.fixture
def registered(alice):
    """Alice's client, registered (v2 jobs need one)."""
    resp = alice.post('/clients', json=client_info('p1_host1'))
    assert resp.status_code == 201, resp.text
    return 'p1_host1'
