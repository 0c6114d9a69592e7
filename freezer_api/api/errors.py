"""One error shape for every API version, and the map that builds it.

Every error response is JSON::

    {"title": ..., "description": ..., "message": ..., "code": ...,
     "request_id": ...}

``description`` is what python-freezerclient prints, ``message`` the same
text for Cinder-style clients, ``code`` a stable dotted code. Domain
exceptions know nothing of HTTP; ``STATUS`` says which status each gets.
"""

import json
import logging

import falcon

from freezer_api import exception
from freezer_api import metrics

LOG = logging.getLogger(__name__)

RETRY_AFTER = '5'

# Most specific classes first: the first isinstance match wins.
STATUS = [
    (exception.InvalidDocument, falcon.HTTP_400, 'Bad request format'),
    (exception.BadRequest, falcon.HTTP_400, 'Bad request'),
    (exception.Forbidden, falcon.HTTP_403, 'Forbidden'),
    (exception.NotFound, falcon.HTTP_404, 'Not found'),
    (exception.AlreadyExists, falcon.HTTP_409, 'Conflict'),
    (exception.Conflict, falcon.HTTP_409, 'Conflict'),
    (exception.Unprocessable, falcon.HTTP_422, 'Unprocessable entity'),
    (exception.StoreUnavailable, falcon.HTTP_503, 'Service unavailable'),
    (exception.IdentityUnavailable, falcon.HTTP_503, 'Service unavailable'),
    (exception.StoreError, falcon.HTTP_500, 'Internal server error'),
]

_FALCON_CODES = {
    400: 'freezer.request.invalid',
    401: 'freezer.unauthorized',
    403: 'freezer.forbidden',
    404: 'freezer.route.not_found',
    405: 'freezer.method.not_allowed',
    406: 'freezer.not_acceptable',
    413: 'freezer.request.too_large',
    415: 'freezer.media_type.unsupported',
}


def to_http(exc):
    """Return the ``falcon.HTTPError`` for a domain exception."""
    for cls, status, title in STATUS:
        if isinstance(exc, cls):
            headers = None
            if status == falcon.HTTP_503:
                headers = {'Retry-After': RETRY_AFTER}
            return falcon.HTTPError(status, title=title,
                                    description=exc.message,
                                    code=exc.code, headers=headers)
    return falcon.HTTPError(falcon.HTTP_500, title='Internal server error',
                            description='The server failed to handle the '
                            'request.', code='freezer.internal')


def handle_domain_error(req, resp, exc, params):
    if isinstance(exc, exception.TooManyWriters):
        metrics.CAS_CONFLICTS.labels(
            route=req.uri_template or 'unmatched').inc()
    error = to_http(exc)
    if error.status_code >= 500:
        LOG.error('%s %s failed: %s', req.method, req.path, exc.message)
    raise error


def handle_unexpected(req, resp, exc, params):
    LOG.exception('Unexpected error on %s %s', req.method, req.path)
    raise falcon.HTTPError(falcon.HTTP_500, title='Internal server error',
                           description='The server failed to handle the '
                           'request.', code='freezer.internal')


def body(status_code, title, description, code, request_id):
    """The error document (also used by WSGI-level middleware)."""
    return {'title': title, 'description': description,
            'message': description, 'code': code,
            'request_id': request_id}


def serialize(req, resp, error):
    """Falcon error serializer: our shape, always JSON."""
    description = error.description or error.title
    if error.status_code == 405:
        allowed = (error.headers or {}).get('Allow', '')
        description = ('Method %s is not allowed here; allowed: %s'
                       % (req.method, allowed))
    elif error.status_code == 404 and not error.code:
        description = 'No resource at %s' % req.path
    code = error.code or _FALCON_CODES.get(error.status_code,
                                           'freezer.error')
    request_id = getattr(req.context, 'request_id', None)
    resp.content_type = falcon.MEDIA_JSON
    resp.text = json.dumps(body(error.status_code, error.title, description,
                                code, request_id))
    resp.append_header('Vary', 'Accept')


def install(app):
    """Register the handlers and serializer on a falcon App."""
    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(exception.FreezerError, handle_domain_error)
    app.set_error_serializer(serialize)
