"""Reading JSON request bodies (Content-Type is not required, as upstream).
"""

import json

import falcon

from freezer_api import exception


def read_json(req, max_body, required=True):
    """Return the decoded JSON body, or None when there is none.

    :raises BadRequest: malformed JSON, or no body where one is required.
    """
    raw = req.bounded_stream.read(max_body + 1)
    if len(raw) > max_body:
        raise falcon.HTTPContentTooLarge(
            title='Request entity too large',
            description='The request body exceeds %d bytes.' % max_body)
    if not raw.strip():
        if required:
            raise exception.BadRequest('Missing request body',
                                       code='freezer.request.body_missing')
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise exception.BadRequest('Malformed JSON: %s' % exc,
                                   code='freezer.request.malformed_json')


def read_object(req, max_body):
    """Return the body, which must be a JSON object."""
    body = read_json(req, max_body)
    if not isinstance(body, dict):
        raise exception.BadRequest('The request body must be a JSON object',
                                   code='freezer.request.not_object')
    return body
