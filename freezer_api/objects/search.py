"""The ``search`` filter of list requests, turned into a store ``Query``.

Accepted (as python-freezerclient and freezer-scheduler send it)::

    {"match": [{"key": value}, ...], "match_not": [...],
     "time_after": int, "time_before": int}

A bare key matches that key at any depth, a dotted key that exact path;
values compare exactly. ``{"_all": "<JSON list of {key: value}>"}`` inside
``match`` is the CLI's form and is expanded; any other ``_all`` is refused
(free text has nothing to match: values compare exactly).
"""

import re

from freezer_api import exception
from freezer_api import jsonutils
from freezer_api.storage import query as q

_KEYS = {'match', 'match_not', 'time_after', 'time_before'}
_MAX_CONDITIONS = 32
#: An ``_all`` string is at most this many characters.
MAX_ALL_LENGTH = 4096


def _bad(message):
    return exception.BadRequest('Invalid search filter: %s' % message,
                                code='freezer.search.invalid')


def _all_items(value):
    """The ``{key: value}`` items of an ``_all`` string, or None.

    :raises BadRequest: the string is beyond a limit (length, or one of
        ``jsonutils.LIMITS``).
    """
    if not isinstance(value, str):
        return None
    if len(value) > MAX_ALL_LENGTH:
        raise _bad('_all is %d characters; the limit is %d'
                   % (len(value), MAX_ALL_LENGTH))
    try:
        decoded = jsonutils.loads_client(value, 'the _all search string')
    except exception.BadRequest as exc:
        if exc.details.get('limit'):
            raise
        return None
    if isinstance(decoded, dict):
        decoded = [decoded]
    if isinstance(decoded, list) and all(isinstance(i, dict)
                                         for i in decoded):
        return decoded
    return None


def _terms(items, name):
    if not isinstance(items, list):
        raise _bad('%s must be a list of {key: value} objects' % name)
    terms = []
    for item in items:
        if not isinstance(item, dict):
            raise _bad('%s must be a list of {key: value} objects' % name)
        for key, value in item.items():
            if not key or len(key) > 200:
                raise _bad('keys must be 1 to 200 characters')
            if key == '_all':
                expanded = _all_items(value)
                if expanded is None:
                    raise _bad('_all takes a JSON list of {key: value} '
                               'objects, e.g. \'[{"client_id": "x"}]\'')
                terms += _terms(expanded, name)
            else:
                terms.append(q.condition_term(key, value))
    return terms


def _time(value, name):
    """A time bound: an integer, an integral number or a string of ASCII
    digits (as the CLI sends it), within 64 bits.
    """
    number = None
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r'-?[0-9]{1,19}', value):
        number = int(value)
    if number is None:
        raise _bad('%s must be an integer' % name)
    if not q.INT64_MIN <= number <= q.INT64_MAX:
        raise _bad('%s is out of range (64-bit integers)' % name)
    return number


def parse(search):
    """Return a ``storage.query.Query`` for a search filter (or None).

    :raises BadRequest: the filter is malformed.
    """
    if not search:
        return q.Query()
    if not isinstance(search, dict):
        raise _bad('the filter must be a JSON object')
    unknown = set(search) - _KEYS
    if unknown:
        raise _bad('unknown keys %s; expected %s'
                   % (', '.join(sorted(unknown)), ', '.join(sorted(_KEYS))))
    must = _terms(search.get('match', []), 'match')
    must_not = _terms(search.get('match_not', []), 'match_not')
    if len(must) + len(must_not) > _MAX_CONDITIONS:
        raise _bad('at most %d conditions' % _MAX_CONDITIONS)
    after = search.get('time_after')
    before = search.get('time_before')
    return q.Query(
        tuple(must), tuple(must_not),
        None if after is None else _time(after, 'time_after'),
        None if before is None else _time(before, 'time_before'))


def with_condition(query, key, value):
    """Return ``query`` with one more ``{key: value}`` that must hold."""
    return query._replace(must=tuple(query.must)
                          + (q.condition_term(key, value),))
