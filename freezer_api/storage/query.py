"""Search queries as stores receive them, and the index terms they match.

A document is indexed by *terms*: for every scalar value in it, one term for
its exact dotted path (``job_schedule.status``) and one for its bare key at
any depth (``status``). A query is then a set of terms that must be present,
a set that must be absent, and an optional time range, so every store answers
it with plain equality lookups and nothing a user sends is ever handed to the
store as a query language.
"""

import collections
import hashlib
import json

_MAX_TERM = 200
_SEP = '\x1f'

Query = collections.namedtuple(
    'Query', ['must', 'must_not', 'time_after', 'time_before'])
Query.__new__.__defaults__ = ((), (), None, None)
Query.__doc__ = """Terms that must (not) be present, and a time range.

``time_after``/``time_before`` bound the ``time_stamp`` index field
inclusively; stores keep that field from ``index_fields``."""


# NOTE: one encoder for every term; json.dumps with these options would
# build a new JSONEncoder on each call (the output is the same).
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(',', ':'),
                            ensure_ascii=False)
_encode = _ENCODER.encode


def _term(prefix, key, encoded):
    text = prefix + key + _SEP + encoded
    if len(text) > _MAX_TERM:
        digest = hashlib.sha1(text.encode('utf-8')).hexdigest()
        return 'h:' + digest
    return text


def term(prefix, key, value):
    """Return the term for ``key`` (a path or a bare key) holding ``value``."""
    return _term(prefix, key, _encode(value))


def path_term(path, value):
    """Term matching ``value`` at the exact dotted ``path`` (two or more
    keys: a top-level key is indexed by its ``key_term`` only).
    """
    return term('p:', path, value)


def key_term(key, value):
    """Term matching ``value`` under ``key`` at any depth."""
    return term('k:', key, value)


def condition_term(key, value):
    """Term for one ``{key: value}`` of a search filter.

    A dotted key names an exact path; a bare key matches at any depth.
    """
    if '.' in key:
        return path_term(key, value)
    return key_term(key, value)


def _leaves(value, path, out):
    if isinstance(value, dict):
        for key, sub in value.items():
            _leaves(sub, path + (str(key),), out)
        return
    if not path:
        return
    if isinstance(value, list):
        out.append((path, value))
        for item in value:
            if not isinstance(item, (dict, list)):
                out.append((path, item))
            else:
                _leaves(item, path, out)
        return
    out.append((path, value))


def document_terms(doc):
    """Return the set of terms under which ``doc`` is found."""
    leaves = []
    _leaves(doc, (), leaves)
    terms = set()
    for path, value in leaves:
        encoded = _encode(value)
        terms.add(_term('k:', path[-1], encoded))
        # NOTE: a top-level path is never asked for as a path (a dotted key
        # has a dot), so its key term is all it needs.
        if len(path) > 1:
            terms.add(_term('p:', '.'.join(path), encoded))
    return terms


#: Stores keep time stamps as signed 64-bit integers.
INT64_MIN, INT64_MAX = -2 ** 63, 2 ** 63 - 1


def _int_or_none(value):
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, (int, float, str)):
            number = int(value)
        else:
            return None
    except (ValueError, OverflowError):
        return None
    return number if INT64_MIN <= number <= INT64_MAX else None


def time_stamp(doc):
    """Return the time a time filter compares, or None.

    Backups carry it as ``backup_metadata.time_stamp`` (the field freezer
    agents write and the v1 API documents) or ``backup_metadata.timestamp``
    (as some agents send it).
    """
    meta = doc.get('backup_metadata')
    if not isinstance(meta, dict):
        return None
    for key in ('time_stamp', 'timestamp'):
        found = _int_or_none(meta.get(key))
        if found is not None:
            return found
    return None


def index_fields(doc):
    """Return the fields every store indexes for ``doc``.

    A dict with ``project_id``, ``user_id`` (owner scope), ``time_stamp``
    (time filters) and ``terms`` (search).
    """
    return {
        'project_id': doc.get('project_id'),
        'user_id': doc.get('user_id'),
        'time_stamp': time_stamp(doc),
        'terms': document_terms(doc),
    }
