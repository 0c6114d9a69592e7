"""GET /openapi.json: a valid OpenAPI 3.1 document of every route, whose
request bodies are the schemas the service validates with."""

from falcon import testing
from openapi_spec_validator import validate
import pytest

from freezer_api.api import microversion
from freezer_api.api import openapi_operations
from freezer_api import app as app_mod
from freezer_api.schemas import action as action_schemas
from freezer_api.schemas import cluster as cluster_schemas
from freezer_api.schemas import job as job_schemas
from freezer_api.schemas import session as session_schemas
from tests import conftest

METHODS = ('get', 'head', 'post', 'put', 'patch', 'delete', 'options')


@pytest.fixture
def document(api):
    resp = api.simulate_get('/openapi.json')
    assert resp.status_code == 200, resp.text
    assert resp.headers['content-type'].startswith('application/json')
    return resp.json


def _router_routes(falcon_app):
    """(uri template, resource) of every route falcon routes to."""
    found, nodes = [], list(falcon_app._router._roots)
    while nodes:
        node = nodes.pop()
        if node.resource is not None:
            found.append((node.uri_template, node.resource))
        nodes.extend(node.children)
    return found


def test_document_is_valid_openapi_3_1(document):
    assert document['openapi'].startswith('3.1')
    validate(document)


def test_needs_no_identity_headers(api):
    resp = api.simulate_get('/openapi.json', headers={'Accept': '*/*'})
    assert resp.status_code == 200


def test_needs_no_token_in_keystone_mode(backend, store):
    conf = conftest.make_conf(backend, auth_strategy='keystone')
    client = testing.TestClient(app_mod.create_app(conf, store))
    # NOTE: public paths never reach auth_token (which would need a
    # Keystone to answer anything else).
    assert client.simulate_get('/openapi.json').status_code == 200


def test_every_route_and_method_of_the_app_is_documented(conf, store,
                                                         document):
    falcon_app = app_mod.create_falcon_app(conf, store)
    routes = _router_routes(falcon_app)
    assert len(routes) > 40
    for template, resource in routes:
        assert template in document['paths'], template
        item = document['paths'][template]
        for method in METHODS:
            if hasattr(resource, 'on_' + method):
                assert method in item, (method, template)


def test_missing_route_fails_the_check(conf, store, document):
    # NOTE: the check above must be able to fail: a route added to the app
    # but not to the route table is found missing.
    falcon_app = app_mod.create_falcon_app(conf, store)
    falcon_app.add_route('/v3/{project_id}/not-in-the-table', object())
    templates = {t for t, _ in _router_routes(falcon_app)}
    assert templates - set(document['paths']) == {
        '/v3/{project_id}/not-in-the-table'}


def _body(document, path, method, media='application/json'):
    op = document['paths'][path][method]
    return op['requestBody']['content'][media]['schema']


def test_request_bodies_are_the_validation_schemas(document):
    assert _body(document, '/v2/{project_id}/jobs', 'post') == (
        job_schemas.CREATE)
    assert _body(document, '/v1/actions/{item_id}', 'patch') == (
        action_schemas.PATCH)
    assert _body(document, '/v3/{project_id}/sessions/{item_id}',
                 'put') == session_schemas.REPLACE
    assert _body(document, '/v3/{project_id}/sessions/{item_id}/action',
                 'post') == session_schemas.ACTION
    assert _body(document, '/v3/{project_id}/clusters/disable',
                 'put') == cluster_schemas.DISABLE


def test_merge_patch_body_allows_null_for_every_field(document):
    schema = _body(document, '/v2/{project_id}/jobs/{item_id}', 'patch',
                   'application/merge-patch+json')
    assert schema == openapi_operations.merge_patch_schema(job_schemas.PATCH)
    assert {'type': 'null'} in schema['properties']['description']['anyOf']


def test_list_query_parameters(document):
    op = document['paths']['/v2/{project_id}/jobs']['get']
    names = {p['name'] for p in op['parameters'] if 'name' in p}
    assert names == {'limit', 'offset', 'search', 'all_projects'}
    op = document['paths']['/v3/{project_id}/clusters']['get']
    names = {p['name'] for p in op['parameters'] if 'name' in p}
    assert names == set(cluster_schemas.FILTERS)


def test_v3_operations_carry_header_and_microversion(document):
    paths = document['paths']
    put = paths['/v3/{project_id}/jobs/{item_id}']['put']
    assert put['x-openstack-microversion'] == '3.3'
    assert {'$ref': '#/components/parameters/OpenStackAPIVersion'} in (
        put['parameters'])
    assert paths['/v3/{project_id}/clusters']['get'][
        'x-openstack-microversion'] == '3.7'
    assert paths['/v3/{project_id}/clusters/{name}/history']['get'][
        'x-openstack-microversion'] == '3.8'
    assert paths['/v3/{project_id}/jobs']['get'][
        'x-openstack-microversion'] == microversion.MIN_VERSION
    assert 'x-openstack-microversion' not in paths['/v2/{project_id}/jobs'][
        'get']


def test_errors_have_the_one_shape(api, document):
    error = document['components']['schemas']['Error']
    resp = api.simulate_get('/v2/p1/jobs/nope',
                            headers={'X-Project-Id': 'p1'})
    assert resp.status_code == 404
    assert set(error['required']) <= set(resp.json)
    responses = document['paths']['/v2/{project_id}/jobs/{item_id}']['get'][
        'responses']
    assert responses['404'] == {'$ref': '#/components/responses/Error404'}


def test_path_parameters_are_declared(document):
    item = document['paths']['/v2/{project_id}/sessions/{item_id}/jobs/'
                             '{job_id}']
    assert [p['name'] for p in item['parameters']] == [
        'project_id', 'item_id', 'job_id']
    assert set(item) >= {'put', 'delete'}
