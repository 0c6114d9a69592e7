"""Query-string parameters shared by list requests."""

import re

from oslo_utils import strutils

from freezer_api.api import body as bodies
from freezer_api.api.middleware import limits
from freezer_api import exception
from freezer_api import jsonutils

#: Deeper offsets than this are refused rather than sent to the store.
MAX_OFFSET = 10 ** 9
#: The ``search`` query parameter is at most this many characters.
MAX_SEARCH_LENGTH = 8192

#: ``limit`` and ``offset``: ASCII digits only (``int()`` would also take
#: ``' 1_0 '`` or other scripts' digits), short enough to read cheaply.
_INTEGER = re.compile(r'[0-9]{1,10}')


def _int_param(req, name, default, low, high):
    raw = req.get_param(name)
    if raw is None or raw == '':
        return default
    value = int(raw) if _INTEGER.fullmatch(raw) else None
    if value is None or value < low or value > high:
        raise exception.BadRequest(
            'Invalid %s %r: must be an integer from %d to %d (ASCII digits)'
            % (name, raw[:20], low, high),
            code='freezer.request.invalid_%s' % name)
    return value


def paging(req, conf):
    """Return ``(limit, offset)`` from the query string."""
    limit = _int_param(req, 'limit', conf.api.default_limit, 1,
                       conf.api.max_limit)
    offset = _int_param(req, 'offset', 0, 0, MAX_OFFSET)
    return limit, offset


def marker(req, offset):
    """Return the ``marker`` of the query string (None when absent).

    :raises InvalidMarker: it cannot be an id (too long, a control
        character): the answer of an unknown id, as nothing has it.
    :raises BadRequest: sent with a non-zero ``offset``.
    """
    raw = req.get_param('marker')
    if raw is None or raw == '':
        return None
    try:
        limits.check_path_param('marker', raw)
    except exception.BadRequest:
        raise exception.InvalidMarker(marker=raw)
    if offset:
        raise exception.BadRequest(
            'Send marker or offset, not both: a page starts after the '
            'marker', code='freezer.request.marker_and_offset')
    return raw


def only(req, allowed):
    """Refuse query parameters outside ``allowed``.

    :raises BadRequest: an unknown parameter.
    """
    unknown = sorted(set(req.params) - set(allowed))
    if unknown:
        raise exception.BadRequest(
            'Unknown query parameters: %s; allowed: %s'
            % (', '.join(unknown), ', '.join(sorted(allowed))),
            code='freezer.request.unknown_parameter')


def boolean(req, name, default=False):
    """Return a boolean query parameter.

    :raises BadRequest: not a recognised boolean.
    """
    raw = req.get_param(name)
    if raw is None or raw == '':
        return default
    try:
        return strutils.bool_from_string(raw, strict=True)
    except ValueError:
        raise exception.BadRequest('Invalid %s %r: must be a boolean'
                                   % (name, raw),
                                   code='freezer.request.invalid_%s' % name)


def search(req, max_body):
    """Return the search filter: the JSON body of the GET, or the
    ``search`` query parameter (JSON).
    """
    found = bodies.read_json(req, max_body, required=False)
    raw = req.get_param('search')
    if raw:
        if found is not None:
            raise exception.BadRequest('Send the search filter in the body '
                                       'or the query string, not both')
        if len(raw) > MAX_SEARCH_LENGTH:
            raise exception.BadRequest(
                'The search parameter is %d characters; the limit is %d '
                '(send longer filters as the JSON body of the GET)'
                % (len(raw), MAX_SEARCH_LENGTH),
                code='freezer.request.search_too_long')
        found = jsonutils.loads_client(raw, 'the search parameter')
    return found
