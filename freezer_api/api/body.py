"""Reading JSON request bodies (Content-Type is not required, as upstream).

The size limit is ``[oslo_middleware] max_request_body_size``; what the
JSON may hold is ``jsonutils.LIMITS``.
"""

import falcon

from freezer_api import exception
from freezer_api import jsonutils


def read_json(req, max_body, required=True):
    """Return the decoded JSON body, or None when there is none.

    :raises BadRequest: malformed JSON, beyond ``jsonutils.LIMITS``, a body
        cut short, or no body where one is required.
    """
    try:
        raw = req.bounded_stream.read(max_body + 1)
    except OSError:
        # NOTE: uWSGI and mod_wsgi raise it when the client stops sending
        # before its Content-Length (it may still read the answer).
        raise exception.BadRequest(
            'The request body ended before its Content-Length',
            code='freezer.request.body_incomplete')
    if len(raw) > max_body:
        raise falcon.HTTPContentTooLarge(
            title='Request entity too large',
            description='The request body exceeds %d bytes.' % max_body)
    if not raw.strip():
        if required:
            raise exception.BadRequest('Missing request body',
                                       code='freezer.request.body_missing')
        return None
    return jsonutils.loads_client(raw)


def read_object(req, max_body):
    """Return the body, which must be a JSON object."""
    body = read_json(req, max_body)
    if not isinstance(body, dict):
        raise exception.BadRequest('The request body must be a JSON object',
                                   code='freezer.request.not_object')
    return body


def media_type(req):
    """The request's Content-Type without parameters, lower case ('' when
    there is none).
    """
    return (req.content_type or '').split(';')[0].strip().lower()
