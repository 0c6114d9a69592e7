"""Explicit, versioned mappings: one per document kind, and the indexed
envelope that wraps every stored document.

An indexed entry is::

    {"owner": owner key, "doc_id": id, "project_id": ..., "user_id": ...,
     "version": n, "created_at": ISO time (microseconds),
     "updated_at": ISO time,
     "time_stamp": backup time or absent, "terms": [search terms],
     "key": {a few typed fields of the kind, for operators and tools},
     "doc": the document itself, kept whole and not indexed}

Its ``_id`` is ``entry_id(owner, doc_id)``: an id is unique per owner
(``storage.base.owner_key``), so two owners' documents of one id are two
entries. The service searches only ``owner``, ``terms`` and
``time_stamp`` (see ``storage.query``) and sorts on ``created_at``, then
``doc_id``, then ``owner``. ``dynamic: strict`` refuses any other
top-level field, so a mapping only changes through a new version here: bump
the kind's ``version`` and ``freezer-manage db update`` reindexes into a new
index and swaps the alias (see ``indices``).
"""

import datetime
import threading
import urllib.parse

from freezer_api.storage import query as q

KEYWORD = {'type': 'keyword'}
LONG = {'type': 'long'}
DOUBLE = {'type': 'double'}
BOOLEAN = {'type': 'boolean'}

#: Lucene refuses a whole document holding a term longer than this; a
#: longer string is left out of the key fields (the document keeps it).
MAX_KEYWORD_BYTES = 32766
_SCALARS = {'keyword': (str,), 'long': (int,), 'double': (int, float),
            'boolean': (bool,)}

#: Per kind: mapping version (2: entries carry their ``owner``), and typed
#: key fields (name -> dotted path in the document, mapping). Key fields
#: are copied only when the document holds a value of the right type
#: there (a keyword of at most ``MAX_KEYWORD_BYTES``), so no document is
#: ever refused.
KINDS = {
    'backups': (2, {
        'backup_name': ('backup_metadata.backup_name', KEYWORD),
        'container': ('backup_metadata.container', KEYWORD),
        'hostname': ('backup_metadata.hostname', KEYWORD),
        'job_id': ('job_id', KEYWORD),
        'status': ('status', KEYWORD),
        'level': ('backup_metadata.level', LONG),
    }),
    'clients': (2, {
        'client_id': ('client.client_id', KEYWORD),
        'hostname': ('client.hostname', KEYWORD),
        'is_central': ('client.is_central', BOOLEAN),
    }),
    'jobs': (2, {
        'client_id': ('client_id', KEYWORD),
        'session_id': ('session_id', KEYWORD),
        'status': ('job_schedule.status', KEYWORD),
        'event': ('job_schedule.event', KEYWORD),
        'result': ('job_schedule.result', KEYWORD),
        'time_created': ('job_schedule.time_created', LONG),
    }),
    'actions': (2, {
        'action': ('freezer_action.action', KEYWORD),
        'mode': ('freezer_action.mode', KEYWORD),
    }),
    'sessions': (2, {
        'session_tag': ('session_tag', LONG),
        'status': ('status', KEYWORD),
        'result': ('result', KEYWORD),
    }),
    'services': (2, {
        'binary': ('binary', KEYWORD),
        'host': ('host', KEYWORD),
        'cluster': ('cluster', KEYWORD),
        'heartbeat': ('heartbeat', DOUBLE),
    }),
    'clusters': (2, {
        'name': ('name', KEYWORD),
        'binary': ('binary', KEYWORD),
        'disabled': ('disabled', BOOLEAN),
    }),
}

_COMMON = {
    'owner': KEYWORD,
    'doc_id': KEYWORD,
    'project_id': KEYWORD,
    'user_id': KEYWORD,
    'version': LONG,
    'created_at': {'type': 'date_nanos'},
    'updated_at': {'type': 'date_nanos'},
    'time_stamp': LONG,
    'terms': KEYWORD,
    'doc': {'type': 'object', 'enabled': False},
}

#: Oldest first, ties broken by id and owner (together unique): stable
#: pages while documents are added.
#: NOTE: ``unmapped_type``: the reindex copy pages through indices of
#: mapping v1 with this sort, and those have no ``owner``.
SORT = [{'created_at': {'order': 'asc'}}, {'doc_id': {'order': 'asc'}},
        {'owner': {'order': 'asc', 'unmapped_type': 'keyword'}}]


#: The entry's fields ``SORT`` sorts on, in its order.
SORT_FIELDS = ('created_at', 'doc_id', 'owner')


def sort_values(entry):
    """Return ``entry``'s values of ``SORT``, in its order: what a search
    after that entry sends as ``search_after``.
    """
    return [entry[field] for field in SORT_FIELDS]


def entry_id(owner, doc_id):
    """Return the ``_id`` of ``owner``'s document ``doc_id``.

    The owner is percent-encoded up to the first ``/``, so that no two
    (owner, id) pairs share an ``_id``.
    """
    return '%s/%s' % (urllib.parse.quote(owner, safe=':'), doc_id)


def version(kind):
    """Return the current mapping version of ``kind``."""
    return KINDS[kind][0]


def mapping(kind):
    """Return the mapping body of ``kind``'s index."""
    key_props = {name: dict(spec) for name, (_path, spec)
                 in KINDS[kind][1].items()}
    props = {name: dict(spec) for name, spec in _COMMON.items()}
    props['key'] = {'properties': key_props}
    return {'dynamic': 'strict',
            '_meta': {'freezer_kind': kind,
                      'mapping_version': version(kind)},
            'properties': props}


def _lookup(doc, path):
    value = doc
    for part in path.split('.'):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _typed(value, spec):
    kinds = _SCALARS[spec['type']]
    if isinstance(value, bool) and bool not in kinds:
        return None
    if spec['type'] == 'keyword' and isinstance(value, str) and len(
            value.encode('utf-8', 'surrogatepass')) > MAX_KEYWORD_BYTES:
        return None
    return value if isinstance(value, kinds) else None


def key_fields(kind, doc):
    """Return the typed key fields of ``doc`` (values of the wrong type
    are left out).
    """
    out = {}
    for name, (path, spec) in KINDS[kind][1].items():
        value = _typed(_lookup(doc, path), spec)
        if value is not None:
            out[name] = value
    return out


class _Clock:
    """Microsecond timestamps, strictly increasing within the process, so
    that documents created in a row by one process sort in that order.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._last = None

    def now(self):
        stamp = datetime.datetime.now(datetime.timezone.utc)
        with self._lock:
            if self._last is not None and stamp <= self._last:
                stamp = self._last + datetime.timedelta(microseconds=1)
            self._last = stamp
        return stamp.strftime('%Y-%m-%dT%H:%M:%S.%fZ')


CLOCK = _Clock()


def _string(value):
    return value if isinstance(value, str) else None


def envelope(kind, owner, doc_id, doc, version_number, created_at=None):
    """Return the indexed entry of ``owner``'s ``doc`` at
    ``version_number``.

    ``created_at`` is kept from the first version (the sort key); a new
    one is taken when it is None.
    """
    fields = q.index_fields(doc)
    now = CLOCK.now()
    entry = {'owner': owner,
             'doc_id': doc_id,
             'project_id': _string(fields['project_id']),
             'user_id': _string(fields['user_id']),
             'version': version_number,
             'created_at': created_at or now,
             'updated_at': now,
             'terms': sorted(fields['terms']),
             'key': key_fields(kind, doc),
             'doc': doc}
    if fields['time_stamp'] is not None:
        entry['time_stamp'] = fields['time_stamp']
    return entry
