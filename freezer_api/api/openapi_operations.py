"""How each kind of responder is described in the OpenAPI document: its
query parameters, request body (the schema its document rules validate
with), success responses and the microversion it appears in.

``describe(resource, method)`` picks the first describer whose resource
class the resource is an instance of, so a noun that composes
``base.Create`` is described as a create without a line of its own.
"""

from freezer_api.api.resources import base
from freezer_api.api.resources import client
from freezer_api.api.resources import cluster
from freezer_api.api.resources import health
from freezer_api.api.resources import job
from freezer_api.api.resources import metrics
from freezer_api.api.resources import session
from freezer_api.api.resources import status
from freezer_api.api.resources import version
from freezer_api.schemas import cluster as cluster_schemas
from freezer_api.schemas import common
from freezer_api.schemas import job as job_schemas
from freezer_api.schemas import session as session_schemas

JSON = 'application/json'
MERGE_PATCH = 'application/merge-patch+json'

_OBJECT = {'type': 'object'}

#: Query parameters of the document lists (``base.List.list_params``).
LIST_PARAMS = {
    'limit': {'type': 'integer', 'minimum': 1},
    'offset': {'type': 'integer', 'minimum': 0},
    'search': {'type': 'string', 'description': 'A JSON search filter '
               '(``{"match": [{key: value}], "match_not": [...], '
               '"time_after": int, "time_before": int}``); it may also be '
               'sent as the JSON body of the GET.'},
    'all_projects': {'type': 'boolean'},
    'marker': {'type': 'string', 'maxLength': 255,
               'x-openstack-microversion': '3.10',
               'description': 'The id of the previous page\'s last '
               'document: the page holds the documents after it.'},
}


def _json(schema, description='OK', **extra):
    response = {'description': description,
                'content': {JSON: {'schema': schema}}}
    response.update(extra)
    return response


def _body(schema, required=True, merge_patch=False):
    content = {JSON: {'schema': schema}}
    if merge_patch:
        content[MERGE_PATCH] = {'schema': merge_patch_schema(schema)}
    return {'required': required, 'content': content}


def merge_patch_schema(schema):
    """The body of an RFC 7386 merge patch over ``schema``."""
    return common.merge_patch_of(schema)


def _object_with(*required, **properties):
    return {'type': 'object', 'required': list(required),
            'properties': {k: v for k, v in properties.items()}}


def _query(names, schemas):
    return [{'name': n, 'in': 'query', 'required': False,
             'schema': schemas.get(n, {'type': 'string'})} for n in names]


def _id_schema(resource):
    return _object_with(resource.id_field,
                        **{resource.id_field: {'type': 'string'}})


def _versioned(resource):
    schema = _id_schema(resource)
    schema['required'].append('version')
    schema['properties']['version'] = {'type': 'integer'}
    return schema


# -- describers: (resource, method) -> description ---------------------------

def _list(resource):
    schema = _object_with(resource.kind, **{
        resource.kind: {'type': 'array', 'items': _OBJECT},
        'links': {'type': 'array', 'items': _OBJECT,
                  'x-openstack-microversion': '3.4',
                  'description': 'Up to 3.9.'},
        '%s_links' % resource.kind: {'type': 'array', 'items': _OBJECT,
                                     'x-openstack-microversion': '3.10'}})
    names = resource.list_params + (
        ('marker',) if resource.api == 'v3' else ())
    return {'summary': 'List %s' % resource.kind,
            'query': _query(names, LIST_PARAMS),
            'responses': {'200': _json(schema)}}


def _create(resource):
    return {'summary': 'Create a %s' % resource.docs.noun,
            'body': _body(resource.docs.create_schema),
            'responses': {'201': _json(_id_schema(resource), 'Created',
                                       headers={'Location': {
                                           'description': 'From 3.2.',
                                           'schema': {'type': 'string'}}})}}


def _show(resource):
    schema = dict(_OBJECT)
    if isinstance(resource, client.Item):
        schema['properties'] = {'service': {
            'type': 'object', 'x-openstack-microversion': '3.5'}}
    return {'summary': 'Show a %s' % resource.docs.noun,
            'responses': {'200': _json(schema)}}


def _replace_schema(resource):
    return resource.docs.replace_schema or resource.docs.create_schema


def _replace_post(resource):
    return {'summary': 'Create or replace a %s at its id'
                       % resource.docs.noun,
            'body': _body(_replace_schema(resource)),
            'responses': {'201': _json(_versioned(resource), 'Replaced')}}


def _replace_put(resource):
    described = _replace_post(resource)
    described.update(since='3.3', summary='Replace a %s (idempotent)'
                     % resource.docs.noun,
                     responses={'200': _json(_versioned(resource))})
    return described


def _update(resource):
    schema = (_OBJECT if resource.kind == 'backups'
              else _versioned(resource))
    return {'summary': 'Update part of a %s: a JSON merge (application/'
                       'json) or an RFC 7386 merge patch' % resource.docs.noun,
            'body': _body(resource.docs.patch_schema, merge_patch=True),
            'responses': {'200': _json(schema)}}


def _delete(resource):
    return {'summary': 'Delete a %s' % resource.docs.noun,
            'responses': {'204': {'description': 'Deleted'}}}


def _job_event(resource):
    return {'summary': 'Start, stop or abort a job',
            'body': _body(job_schemas.EVENT),
            'responses': {'202': _json(_object_with(
                'result', result={'type': 'string'}), 'Accepted')}}


def _session_action(resource):
    return {'summary': 'Start or end a session\'s run of a job',
            'body': _body(session_schemas.ACTION),
            'responses': {'202': _json(_object_with(
                'result', 'session_tag', result={'type': 'string'},
                session_tag={'type': 'integer'}), 'Accepted')}}


def _session_job(resource, verb):
    return {'summary': '%s a job of a session' % verb,
            'responses': {'204': {'description': 'Done'}}}


def _cluster_query(resource):
    if isinstance(resource, cluster.Collection):
        return _query(sorted(cluster_schemas.FILTERS), {
            name: {'type': 'string', 'maxLength': 255}
            for name in cluster_schemas.FILTERS})
    return _query(['binary'], {'binary': {'type': 'string',
                                          'maxLength': 255}})


def _cluster_get(resource):
    key = getattr(resource, 'answer_key', None) or (
        'clusters' if isinstance(resource, cluster.Collection) else
        'history' if isinstance(resource, cluster.History) else 'cluster')
    shape = {'type': 'array', 'items': _OBJECT} if key in (
        'clusters', 'history', 'services') else _OBJECT
    return {'summary': _summary(resource, 'get'),
            'query': _cluster_query(resource),
            'since': resource.min_version,
            'responses': {'200': _json(_object_with(key, **{key: shape}))}}


def _cluster_put(resource):
    return {'summary': _summary(resource, 'put'),
            'body': _body(resource.schema), 'since': resource.min_version,
            'responses': {'200': _json(_object_with(
                'cluster', cluster=_OBJECT))}}


_VERSIONS = _object_with('versions', versions={'type': 'array',
                                               'items': _OBJECT})
_HOME = {'description': 'JSON Home document',
         'content': {'application/json-home': {'schema': _OBJECT}}}
_PROBE = _object_with('status', status={'type': 'string'})
_NO_BODY = {'description': 'No body'}


def _probe(method):
    """GET has a JSON body, HEAD and OPTIONS none; 503 when unhealthy."""
    if method == 'get':
        return {'200': _json(_PROBE), '503': _json(_PROBE, 'Unhealthy')}
    return {'200': _NO_BODY, '503': _NO_BODY} if method == 'head' else {
        '200': _NO_BODY}


#: Resources that are not documents: class -> method -> responses.
PLAIN = [
    (version.Root, lambda m: {'300': _json(_VERSIONS, 'Multiple choices')}),
    (version.Home, lambda m: {'200': _HOME}),
    (version.V3, lambda m: {'200': {
        'description': 'The v3 version entry (JSON Home when preferred)',
        'content': {JSON: {'schema': _VERSIONS},
                    'application/json-home': {'schema': _OBJECT}}}}),
    (health.Probe, _probe),
    (metrics.MetricsJson, lambda m: {'200': _json(_OBJECT)}),
    (metrics.Metrics, lambda m: {'200': {
        'description': 'Prometheus text format',
        'content': {'text/plain': {'schema': {'type': 'string'}}}}}),
    (status.Status, lambda m: {'200': _json(_object_with(
        'state', 'start_time', 'version', 'host', 'cluster', 'pid',
        'store', 'min_version', 'max_version',
        state={'enum': ['init', 'running', 'degraded', 'draining']},
        start_time={'type': 'string'}, last_active={'type': 'string'},
        version={'type': ['string', 'null']}, host={'type': 'string'},
        cluster={'type': ['string', 'null']}, pid={'type': 'integer'},
        store=_object_with('driver', 'state', driver={'type': 'string'},
                           state={'type': 'string'},
                           latency_ms={'type': ['number', 'null']}),
        min_version={'type': 'string'}, max_version={'type': 'string'}))}),
]


def _summary(resource, method):
    doc = type(resource).__doc__ or ''
    return doc.strip().splitlines()[0] if doc.strip() else '%s %s' % (
        method.upper(), type(resource).__name__)


def _plain(resource, method):
    for cls, responses in PLAIN:
        if isinstance(resource, cls):
            return {'summary': _summary(resource, method),
                    'responses': responses(method)}
    # NOTE: a resource that says what it answers (``openapi_responses``:
    # method -> responses), such as the document itself.
    return {'summary': _summary(resource, method),
            'responses': resource.openapi_responses[method]}


#: (resource class, method, describer), most specific first.
DESCRIBERS = [
    (job.Event, 'post', _job_event),
    (session.Action, 'post', _session_action),
    (session.Job, 'put', lambda r: _session_job(r, 'Add')),
    (session.Job, 'delete', lambda r: _session_job(r, 'Remove')),
    (cluster.Enable, 'put', _cluster_put),
    (cluster._Clusters, 'get', _cluster_get),
    (base.List, 'get', _list),
    (base.Create, 'post', _create),
    (base.Show, 'get', _show),
    (base.Replace, 'post', _replace_post),
    (base.Replace, 'put', _replace_put),
    (base.Update, 'patch', _update),
    (base.Resource, 'patch', _update),
    (base.Delete, 'delete', _delete),
]


def describe(resource, method):
    """What the document says of ``method`` on ``resource``."""
    for cls, verb, describer in DESCRIBERS:
        if verb == method and isinstance(resource, cls):
            described = describer(resource)
            responder = getattr(resource, 'on_' + method)
            since = getattr(responder, 'min_version', None)
            if since and not described.get('since'):
                described['since'] = '%d.%d' % tuple(since)
            return described
    return _plain(resource, method)
