"""The v3 api-ref pages (api-ref/source/v3) against the live API: every
documented request is sent as an admin at the latest microversion, on every
store, and must answer the documented success code with the shape of its
response sample. Every cluster route is documented."""

import json

import pytest

from tests.api import test_api_ref_samples as ref

PAGES = sorted((ref.API_REF / 'v3').glob('*.inc'))
SECTIONS = [s for page in PAGES for s in ref.parse('v3', page)]
HEADERS = dict(ref.HEADERS, **{'X-Roles': 'admin',
                               'OpenStack-API-Version': 'backup latest'})
CLUSTER = 'cluster1'


def _call(api, method, path, body=None, headers=HEADERS):
    # NOTE: a documented path may carry its query (``?limit=1``).
    path, _, query = path.partition('?')
    return api.simulate_request(method, path, headers=headers,
                                query_string=query or None,
                                body=None if body is None
                                else json.dumps(body))


def _setup(api):
    """Two clients of the project in ``cluster1``, one disable+enable."""
    v2 = '/v2/%s' % ref.PROJECT
    for host in ('host1', 'host2'):
        resp = _call(api, 'POST', v2 + '/clients', {
            'client_id': '%s_%s' % (ref.PROJECT, host), 'hostname': host,
            'cluster': CLUSTER})
        assert resp.status_code == 201, resp.text
    clusters = '/v3/%s/clusters' % ref.PROJECT
    for action, body in (('disable', {'disabled_reason': 'for testing'}),
                         ('enable', {})):
        resp = _call(api, 'PUT', '%s/%s' % (clusters, action),
                     dict(body, name=CLUSTER))
        assert resp.status_code == 200, resp.text


def test_the_pages_have_sections():
    paths = {(s.method, s.path) for s in SECTIONS}
    assert ('GET', '/v3') in paths
    prefix = '/v3/{project_id}/clusters'
    for method, path in [('GET', ''), ('GET', '/detail'),
                         ('GET', '/{cluster_name}'), ('PUT', '/enable'),
                         ('PUT', '/disable'),
                         ('GET', '/{cluster_name}/history')]:
        assert (method, prefix + path) in paths
    assert ('GET', '/v3/{project_id}/clients?limit=1') in paths


@pytest.mark.parametrize('section', SECTIONS, ids=lambda s: s.id)
def test_v3_sample_matches_the_live_api(api, section):
    _setup(api)
    path = (section.path.replace('{project_id}', ref.PROJECT)
            .replace('{cluster_name}', CLUSTER)
            .replace('{job_id}', ref.SAMPLE_IDS['job_id']))
    body = section.load(section.request) if section.request else None
    if section.method == 'GET' and section.path.endswith('/history'):
        # NOTE: the first entry of the sample is a disable with a reason.
        history = _call(api, 'GET', path).json['history']
        assert [h['status'] for h in history] == ['disabled', 'enabled']
    resp = _call(api, section.method, path, body)
    assert resp.status_code == section.status, resp.text
    sample = section.load(section.response)
    if 'history' in sample:
        # NOTE: entries differ by status: compare them pairwise.
        errors = [e for old, new in zip(sample['history'],
                                        resp.json['history'])
                  for e in ref.shape_errors(old, new)]
        assert len(resp.json['history']) == len(sample['history'])
    else:
        errors = ref.shape_errors(sample, resp.json)
    assert not errors, '\n'.join(errors)
