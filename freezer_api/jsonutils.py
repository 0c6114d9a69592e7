"""JSON of the service: fast encoding of what it writes and stored, and the
strict decoding of every JSON text a client sends.

Client JSON (request bodies, the ``search`` parameter, the ``_all`` string
of a search) is decoded by the stdlib, which keeps integers exact, through
``loads_client``, which refuses what no store keeps as it was sent (see
``LIMITS``). Documents that passed it are then encoded and decoded with
orjson, several times faster on the hot paths (lists of a hundred
documents, every stored body).
"""

import json
import math
import re

import orjson

from freezer_api import exception

#: Client JSON nests at most this many arrays and objects.
MAX_DEPTH = 32
#: Integers are signed 64-bit; this many digits never fit.
INT64_MIN, INT64_MAX = -2 ** 63, 2 ** 63 - 1
_MAX_INT_DIGITS = 20

#: What ``loads_client`` refuses, in the words of its errors (the docs and
#: the api-ref quote these).
LIMITS = {
    'text': 'strings must be valid Unicode in UTF-8, without lone '
            'surrogates (U+D800 to U+DFFF)',
    'depth': 'arrays and objects nest at most %d levels' % MAX_DEPTH,
    'integer': 'integers must fit in 64 bits (%d to %d)'
               % (INT64_MIN, INT64_MAX),
    'float': 'numbers must be finite 64-bit floating point values',
}

#: The error code of each limit.
_CODES = {'text': 'freezer.request.malformed_json',
          'depth': 'freezer.request.too_deep',
          'integer': 'freezer.request.number_out_of_range',
          'float': 'freezer.request.number_out_of_range'}

_SURROGATE = re.compile('[\ud800-\udfff]')


def dumps(value):
    """Compact JSON of ``value`` as bytes."""
    return orjson.dumps(value)


def dumps_text(value):
    """Compact JSON of ``value`` as text."""
    return orjson.dumps(value).decode('utf-8')


def loads(data):
    """Decode JSON text or bytes the service wrote itself."""
    return orjson.loads(data)


class _Refused(ValueError):
    def __init__(self, limit, detail=''):
        super().__init__(LIMITS[limit] + detail)
        self.limit = limit


def _integer(text):
    if len(text.lstrip('-')) < _MAX_INT_DIGITS:
        number = int(text)
        if INT64_MIN <= number <= INT64_MAX:
            return number
    raise _Refused('integer', ', got %s' % _shorten(text))


def _float(text):
    number = float(text)
    if not math.isfinite(number):
        raise _Refused('float', ', got %s' % _shorten(text))
    return number


def _constant(name):
    raise ValueError('%s is not a JSON number' % name)


def _shorten(text):
    return text if len(text) <= 40 else '%s... (%d characters)' % (
        text[:20], len(text))


def _check_tree(value):
    """Refuse deep nesting and strings with lone surrogates (iteratively:
    the tree is not trusted).
    """
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found:
                raise _Refused('text', ', got a lone \\u%04x escape'
                               % ord(found.group()))
            continue
        if isinstance(item, dict):
            stack.extend((key, level) for key in item)
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        if level > MAX_DEPTH:
            raise _Refused('depth')
        stack.extend((sub, level + 1) for sub in item)


def _text(data):
    if isinstance(data, str):
        return data
    try:
        return bytes(data).decode('utf-8')
    except UnicodeDecodeError as exc:
        raise _Refused('text', ', got %r at byte %d'
                       % (exc.object[exc.start:exc.end], exc.start))


def loads_client(data, what='the request body'):
    """Return the value of client JSON ``data`` (text or bytes).

    :raises BadRequest: not JSON (``freezer.request.malformed_json``), or
        beyond one of ``LIMITS`` (its code in ``_CODES``, its name in
        ``details['limit']``); the message starts with ``what`` and names
        the limit.
    """
    try:
        value = json.loads(_text(data), parse_int=_integer,
                           parse_float=_float, parse_constant=_constant)
        _check_tree(value)
    except _Refused as exc:
        raise _refusal(what, exc.limit, str(exc))
    except RecursionError:
        raise _refusal(what, 'depth', LIMITS['depth'])
    except ValueError as exc:
        raise exception.BadRequest('%s%s is not valid JSON: %s'
                                   % (what[:1].upper(), what[1:], exc),
                                   code='freezer.request.malformed_json')
    return value


def _refusal(what, limit, message):
    return exception.BadRequest('%s%s is refused: %s'
                                % (what[:1].upper(), what[1:], message),
                                code=_CODES[limit], limit=limit)
