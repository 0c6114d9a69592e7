"""GET /: the version list (300 Multiple Choices, as upstream), and the
JSON Home documents of each version."""

import json

import falcon

from freezer_api.api import microversion

#: id, status, date of the version's last change. ``extra`` is merged into
#: the entry (v3 adds its microversion range there).
VERSIONS = [
    {'id': 'v1', 'status': 'DEPRECATED', 'updated': '2015-03-23T13:45:00Z'},
    {'id': 'v2', 'status': 'CURRENT', 'updated': '2018-02-21T13:30:00Z'},
    {'id': 'v3', 'status': 'CURRENT', 'updated': '2026-11-22T00:00:00Z',
     # NOTE: Cinder's clients read ``version`` as the maximum; API-SIG
     # names it ``max_version``: both are given.
     'min_version': microversion.MIN_VERSION,
     'version': microversion.MAX_VERSION,
     'max_version': microversion.MAX_VERSION},
]


def version_entry(req, version):
    """One version with its self link built from this request's host."""
    entry = dict(version)
    entry['links'] = [{'rel': 'self',
                       'href': '%s/%s/' % (req.prefix, version['id'])}]
    return entry


class Root:
    """GET /: every version this process serves."""

    def __init__(self, versions):
        # NOTE: the CURRENT version comes first: freezer-tempest-plugin
        # reads ``versions[0]`` as the version to use.
        self.versions = sorted(versions,
                               key=lambda v: v['status'] != 'CURRENT')

    def on_get(self, req, resp):
        resp.status = falcon.HTTP_300
        resp.media = {'versions': [version_entry(req, v)
                                   for v in self.versions]}


def _resource(prefix, rel, href, allow, variables):
    return 'rel/%s' % rel, {
        'href-template': prefix + href,
        'href-vars': {name: 'param/%s' % name for name in variables},
        'hints': {'allow': allow, 'formats': {'application/json': {}}},
    }


def home_document(api):
    """The JSON Home document of ``api`` ('v1', 'v2' or 'v3')."""
    if api == 'v1':
        prefix, scope = '/v1', []
    else:
        prefix, scope = '/%s/{project_id}' % api, ['project_id']
    entries = [
        _resource(prefix, 'backups', '/backups/{backup_id}', ['GET'],
                  scope + ['backup_id']),
        _resource(prefix, 'jobs', '/jobs{?offset,limit}', ['GET', 'POST'],
                  scope),
        _resource(prefix, 'job', '/jobs/{job_id}',
                  ['GET', 'PATCH', 'POST', 'DELETE'], scope + ['job_id']),
    ]
    return {'resources': dict(entries)}


class Home:
    """GET /v1, /v2, /v3/...: JSON Home of one version."""

    def __init__(self, api):
        self.text = json.dumps(home_document(api))

    def on_get(self, req, resp, project_id=None):
        resp.content_type = 'application/json-home'
        resp.text = self.text


class V3:
    """GET /v3: the v3 version entry, as Cinder's ``GET /v3/`` (JSON Home
    when the client prefers ``application/json-home``).
    """

    def __init__(self):
        self.entry = next(v for v in VERSIONS if v['id'] == 'v3')
        self.home = Home('v3')

    def on_get(self, req, resp):
        if req.client_prefers(['application/json',
                               'application/json-home']) == (
                'application/json-home'):
            return self.home.on_get(req, resp)
        resp.media = {'versions': [version_entry(req, self.entry)]}
