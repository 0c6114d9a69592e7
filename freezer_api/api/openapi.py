"""The OpenAPI 3.1 document of the API (``GET /openapi.json``), built at
start-up from the route table and the resources it holds: the JSON schemas
a request body is validated with are the ones ``objects/`` validates with
(``Documents.create_schema`` ...), never a retyped copy.

An operation is described from the mixins its resource is made of
(``base.List``, ``base.Create`` ...) by the describers of
``api/openapi_operations.py``; this module assembles paths, parameters,
the error shape and the microversion header around them.
"""

import re

from freezer_api.api import microversion
from freezer_api.api import openapi_operations as operations

OPENAPI_VERSION = '3.1.0'
JSON = 'application/json'

#: The one error shape (``api/errors.py``).
ERROR = {
    'type': 'object',
    'required': ['title', 'description', 'message', 'code', 'request_id'],
    'properties': {
        'title': {'type': 'string'},
        'description': {'type': 'string'},
        'message': {'type': 'string'},
        'code': {'type': 'string', 'pattern': r'^[a-z0-9_.]+$'},
        'request_id': {'type': ['string', 'null']},
        'min_version': {'type': 'string'},
        'max_version': {'type': 'string'},
    },
}

#: Error statuses every operation may answer, and why.
COMMON_ERRORS = {
    '400': 'Bad request: a malformed body, parameter or path id.',
    '401': 'No valid token (keystone mode).',
    '403': 'Refused by policy, or another project than the token\'s.',
    '404': 'No such document, route, or route at this microversion.',
    '405': 'Method not allowed here (at this microversion).',
    '406': 'The client does not accept JSON, or an unsupported '
           'microversion.',
    '409': 'Conflict with the stored document.',
    '413': 'The body exceeds max_request_body_size.',
    '415': 'Unsupported Content-Type of the body.',
    '422': 'Valid, but cannot be carried out (e.g. a Keystone trust).',
    '503': 'The store (or Keystone) does not answer.',
}

_PATH_PARAM = re.compile(r'{(\w+)}')

_PATH_SCHEMAS = {
    'project_id': {'type': 'string', 'minLength': 1, 'maxLength': 64},
}
_ID_IN_PATH = {'type': 'string', 'minLength': 1, 'maxLength': 255}


def _path_parameters(path):
    return [{'name': name, 'in': 'path', 'required': True,
             'schema': dict(_PATH_SCHEMAS.get(name, _ID_IN_PATH))}
            for name in _PATH_PARAM.findall(path)]


def _api_of(path):
    for api in ('v1', 'v2', 'v3'):
        if path == '/' + api or path.startswith('/%s/' % api):
            return api
    return None


def _errors(public):
    codes = ['400', '404', '405', '406', '503'] if public else list(
        COMMON_ERRORS)
    return {code: {'$ref': '#/components/responses/Error%s' % code}
            for code in codes}


def _operation(path, resource, method, public):
    described = operations.describe(resource, method)
    api = _api_of(path)
    op = {
        'operationId': '%s %s' % (method.upper(), path),
        'summary': described['summary'],
        'tags': [api or 'service'],
        'parameters': list(described.get('query', [])),
        'responses': dict(described['responses']),
    }
    op['responses'].update({k: v for k, v in _errors(public).items()
                            if k not in op['responses']})
    if described.get('body'):
        op['requestBody'] = described['body']
    if public:
        op['security'] = []
    since = described.get('since')
    if api == 'v3':
        op['parameters'].append(
            {'$ref': '#/components/parameters/OpenStackAPIVersion'})
        op['x-openstack-microversion'] = since or microversion.MIN_VERSION
        for response in op['responses'].values():
            if 'content' in response or 'description' in response:
                response.setdefault('headers', {})[microversion.HEADER] = {
                    '$ref': '#/components/headers/OpenStackAPIVersion'}
    return op


def _path_item(path, resource, public):
    item = {}
    for method in ('get', 'head', 'post', 'put', 'patch', 'delete',
                   'options'):
        if hasattr(resource, 'on_' + method):
            item[method] = _operation(path, resource, method, public)
    params = _path_parameters(path)
    if params:
        item['parameters'] = params
    return item


def _components():
    responses = {'Error%s' % code: {
        'description': text,
        'content': {JSON: {'schema': {'$ref': '#/components/schemas/'
                                              'Error'}}}}
                 for code, text in COMMON_ERRORS.items()}
    return {
        'schemas': {'Error': ERROR},
        'responses': responses,
        'parameters': {'OpenStackAPIVersion': {
            'name': microversion.HEADER, 'in': 'header', 'required': False,
            'description': '``backup X.Y``, ``backup latest`` or a range '
                           '``backup X.Y-X.Z`` (v3 only); none means %s.'
                           % microversion.MIN_VERSION,
            'schema': {'type': 'string', 'maxLength':
                       microversion.MAX_HEADER_LENGTH},
            'examples': {'latest': {'value': 'backup latest'},
                         'max': {'value': microversion.header_value(
                             microversion.MAX_VERSION)}}}},
        'headers': {'OpenStackAPIVersion': {
            'description': 'The microversion the request ran at.',
            'schema': {'type': 'string'}}},
        'securitySchemes': {'keystone': {
            'type': 'apiKey', 'in': 'header', 'name': 'X-Auth-Token',
            'description': 'A Keystone token (auth_strategy = keystone); '
                           'with noauth the X-User-Id, X-Project-Id and '
                           'X-Roles headers are trusted instead.'}},
    }


def build(routes, public_paths):
    """The OpenAPI document of ``routes`` (``[(path, resource)]``, as
    ``api.routes.table`` returns them).
    """
    public = frozenset(public_paths)
    paths = {}
    for path, resource in routes:
        paths[path] = _path_item(path, resource, path in public)
    return {
        'openapi': OPENAPI_VERSION,
        'info': {
            'title': 'freezer-api',
            'version': microversion.MAX_VERSION,
            'summary': 'Backup-and-restore control plane for OpenStack.',
            'description': 'v1, v2 and v3 of the freezer API. v3 routes '
                           'and fields carry the microversion they appear '
                           'in (``x-openstack-microversion``); the '
                           'microversions are %s to %s.'
                           % (microversion.MIN_VERSION,
                              microversion.MAX_VERSION),
            'license': {'name': 'Apache-2.0',
                               'identifier': 'Apache-2.0'},
        },
        'servers': [{'url': '/'}],
        'security': [{'keystone': []}],
        'paths': paths,
        'components': _components(),
    }


class Document:
    """GET /openapi.json: this document, built once."""

    openapi_responses = {'get': {'200': {
        'description': 'An OpenAPI 3.1 document',
        'content': {JSON: {'schema': {'type': 'object',
                                      'required': ['openapi', 'paths']}}}}}}

    def __init__(self):
        self.routes = self.public_paths = self._document = None

    def describe(self, routes, public_paths):
        """Describe ``routes`` (this one among them); the document is built
        at its first request.
        """
        self.routes, self.public_paths = routes, public_paths
        self._document = None

    @property
    def document(self):
        # NOTE: built lazily: a route table listed without its document
        # rules (tests list the routes so) never builds it; two threads
        # building it at once build the same document.
        if self._document is None:
            self._document = build(self.routes, self.public_paths)
        return self._document

    def on_get(self, req, resp):
        resp.media = self.document
