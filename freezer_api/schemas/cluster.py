"""Schemas of the cluster API: the flat PUT bodies and the typed query
filters of the cluster lists."""

import re

from oslo_utils import strutils

from freezer_api import exception

_NAME = {'type': 'string', 'minLength': 1, 'maxLength': 255,
         'pattern': r'\S'}
_BINARY = {'type': ['string', 'null'], 'minLength': 1, 'maxLength': 255}

ENABLE = {
    'type': 'object',
    'additionalProperties': False,
    'properties': {'name': _NAME, 'binary': _BINARY},
    'required': ['name'],
}

DISABLE = {
    'type': 'object',
    'additionalProperties': False,
    'properties': {
        'name': _NAME,
        'binary': _BINARY,
        'disabled_reason': {'type': ['string', 'null'], 'maxLength': 255,
                            'pattern': r'^$|\S'},
    },
    'required': ['name'],
}


def _boolean(name, raw):
    """oslo strutils' strict booleans, as Cinder accepts them."""
    try:
        return strutils.bool_from_string(raw, strict=True)
    except ValueError:
        raise exception.BadRequest('Value %r for %r is not a boolean'
                                   % (raw, name),
                                   code='freezer.cluster.invalid_filter')


def _count(name, raw):
    if re.fullmatch(r'[0-9]{1,9}', raw):
        return int(raw)
    raise exception.BadRequest("Value %r for %r is not a non-negative "
                               "integer" % (raw, name),
                               code='freezer.cluster.invalid_filter')


def _text(name, raw):
    if len(raw) > 255:
        raise exception.BadRequest('Value for %r is longer than 255 '
                                   'characters' % name,
                                   code='freezer.cluster.invalid_filter')
    return raw


#: Filter of the cluster lists -> parser of its query-string value.
FILTERS = {
    'name': _text,
    'binary': _text,
    'is_up': _boolean,
    'disabled': _boolean,
    'num_hosts': _count,
    'num_down_hosts': _count,
    'replication_status': _text,
    'frozen': _boolean,
    'active_backend_id': _text,
}


def parse_query(params, allowed):
    """Return the typed filters of a query string (a dict of name to str
    or list of str, as falcon gives it).

    :raises BadRequest: unknown or repeated key, or a value of the wrong
        type.
    """
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise exception.BadRequest('Invalid filter keys: %s; allowed: %s'
                                   % (', '.join(unknown),
                                      ', '.join(sorted(allowed))),
                                   code='freezer.cluster.invalid_filter')
    typed = {}
    for key, raw in params.items():
        if isinstance(raw, list):
            raise exception.BadRequest('Filter %r is given more than once'
                                       % key,
                                       code='freezer.cluster.invalid_filter')
        if raw != '':
            typed[key] = FILTERS.get(key, _text)(key, raw)
    return typed
