"""Reading JSON request bodies (Content-Type is not required, as upstream).
"""

import json

import falcon

from freezer_api import exception

#: Documents nest a few levels; anything deeper is refused.
MAX_DEPTH = 32
INT64_MIN, INT64_MAX = -2 ** 63, 2 ** 63 - 1


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
        decoded = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise exception.BadRequest('Malformed JSON: %s' % exc,
                                   code='freezer.request.malformed_json')
    _check_shape(decoded)
    if b'\\u' in raw and not encodable(decoded):
        raise exception.BadRequest('Malformed JSON: a \\uD800-\\uDFFF escape '
                                   'that is not half of a pair is not text',
                                   code='freezer.request.malformed_json')
    return decoded


def encodable(decoded):
    """False when a string holds a lone UTF-16 surrogate (from a
    ``\\ud800`` escape): no store can encode it."""
    try:
        json.dumps(decoded, ensure_ascii=False).encode('utf-8')
    except UnicodeEncodeError:
        return False
    return True


def _no_constant(name):
    raise ValueError('%s is not a JSON number' % name)


def _check_shape(value):
    """Refuse nesting deeper than ``MAX_DEPTH`` and integers outside the
    signed 64-bit range no store keeps exactly (iteratively)."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            if level > MAX_DEPTH:
                raise exception.BadRequest(
                    'The JSON body nests deeper than %d levels' % MAX_DEPTH,
                    code='freezer.request.too_deep')
            stack.extend((sub, level + 1) for sub in item)
        elif (isinstance(item, int) and not isinstance(item, bool)
              and not INT64_MIN <= item <= INT64_MAX):
            raise exception.BadRequest(
                'The integer %d is out of range: numbers must fit in 64 '
                'bits' % item, code='freezer.request.number_out_of_range')


def read_object(req, max_body):
    """Return the body, which must be a JSON object."""
    body = read_json(req, max_body)
    if not isinstance(body, dict):
        raise exception.BadRequest('The request body must be a JSON object',
                                   code='freezer.request.not_object')
    return body
