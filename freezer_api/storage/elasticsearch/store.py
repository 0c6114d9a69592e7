"""``Store`` on Elasticsearch 8.x / OpenSearch 2.x.

Consistency, on purpose:

* an entry's ``_id`` joins its owner and its id (``mappings.entry_id``),
  so every read and write by id names one owner's document and the same
  id in two owners is two entries; creates use ``op_type=create``
  (``_create``): an owner's id is never overwritten;
* replace and delete are compare-and-set: the entry is read (a realtime
  GET, which sees every acknowledged write without a refresh), its
  ``version`` compared with the caller's, and written back with
  ``if_seq_no``/``if_primary_term`` of that read, so a write that slipped
  in between makes ES answer 409, i.e. ``VersionConflict``;
* a write the client library retried on another node after the first
  node died may already have been applied by that first try: a create
  that meets "already exists", or a compare-and-set that meets "changed",
  reads the stored entry back and, when it is exactly the entry this
  write sent (``updated_at`` is a per-process strictly increasing
  microsecond stamp, so no other write can have sent the same entry),
  answers success instead of a conflict;
* durability across node loss: writes wait for ``wait_for_active_shards``
  copies before they start and are acknowledged once every in-sync copy
  has them (Elasticsearch's replication; the translog is fsynced before
  the answer). ``write_timeout`` bounds how long the cluster waits for a
  primary or a master before it answers 503 itself, so the answer comes
  within the client's own ``timeout``;
* read-your-writes for lists, chosen by ``refresh_policy``. The default,
  ``search``, sends writes without any refresh (fast: one round trip) and
  makes each search first refresh the one index it reads; that refresh is
  a no-op when nothing was written since the last one, and otherwise makes
  every write acknowledged before the search visible, whichever API
  process took it. Segments are so created at most once per search that
  follows writes, never once per write. ``wait_for`` (a write returns when
  the next scheduled refresh made it visible: up to ``refresh_interval``
  per write, a full second for writes made one after the other) and
  ``write`` (every write forces a refresh) are there for clusters whose
  searches far outnumber their writes;
* search sorts oldest first (``created_at``, then ``doc_id`` and
  ``owner``); offsets
  past ``index.max_result_window`` are reached with ``search_after``,
  walking there; a page after a marker is one ``search_after`` request
  from the marker entry's own sort values.
"""

import functools
import urllib.parse

from freezer_api import exception
from freezer_api import retry
from freezer_api.storage import base
from freezer_api.storage.elasticsearch import client as es_client
from freezer_api.storage.elasticsearch import indices
from freezer_api.storage.elasticsearch import mappings
from freezer_api.storage.elasticsearch import queries

#: ``index.max_result_window`` default: from + size must stay within it.
WINDOW = 10000
#: Tries of a delete without a version against concurrent writers (each
#: lost race means another writer just changed the document).
DELETE_ATTEMPTS = 50

#: ``refresh`` parameter of writes, per ``refresh_policy``.
_WRITE_REFRESH = {'search': 'false', 'wait_for': 'wait_for', 'write': 'true'}

_NOT_SYNCED = ('Elasticsearch index %s is missing: run '
               '"freezer-manage db sync"')


def _missing_index(exc):
    return isinstance(exc, es_client.NotFoundError) and exc.type in (
        'index_not_found_exception', 'aliases_not_found_exception')


def _translate_errors(func):
    """Turn driver errors into the store's own exceptions."""
    @functools.wraps(func)
    def wrapper(self, kind, *args, **kwargs):
        if kind not in mappings.KINDS:
            raise exception.StoreError('Unknown document kind %r' % kind)
        try:
            return func(self, kind, *args, **kwargs)
        except es_client.ApiError as exc:
            if _missing_index(exc):
                raise exception.StoreUnavailable(
                    _NOT_SYNCED % self.alias(kind))
            raise exception.StoreError('Elasticsearch error: %s' % exc)
    return wrapper


class EsStore(base.Store):
    """Documents in one index per kind (see ``indices``)."""

    def __init__(self, conn, prefix, refresh_policy='search',
                 wait_for_active_shards='1', write_timeout='5s'):
        self.conn = conn
        self.prefix = prefix
        self.refresh_policy = refresh_policy
        self.write_refresh = _WRITE_REFRESH[refresh_policy]
        self.wait_for_active_shards = wait_for_active_shards
        self.write_timeout = write_timeout

    def alias(self, kind):
        return indices.alias_name(self.prefix, kind)

    def _doc_path(self, kind, action, owner, doc_id):
        return '/%s/%s/%s' % (self.alias(kind), action, urllib.parse.quote(
            mappings.entry_id(owner, doc_id), safe=''))

    def _write_params(self, **extra):
        params = {'refresh': self.write_refresh,
                  'wait_for_active_shards': self.wait_for_active_shards,
                  'timeout': self.write_timeout}
        params.update(extra)
        return params

    def _is_own_write(self, kind, owner, doc_id, entry):
        """Return True when ``owner``'s stored entry is exactly ``entry``
        (a retried write whose first try was applied).
        """
        try:
            stored, _seq, _term = self._read(kind, owner, doc_id)
        except exception.NotFound:
            return False
        return stored == entry

    @_translate_errors
    def create(self, kind, doc_id, doc, scope=base.ANY):
        owner = base.owner_key(kind, scope)
        entry = mappings.envelope(kind, owner, doc_id, doc, 1)
        try:
            self.conn.request('PUT', self._doc_path(kind, '_create', owner,
                                                    doc_id),
                              self._write_params(require_alias=True), entry)
        except es_client.ConflictError:
            # NOTE: the client library retries on another node when the
            # first one died mid-request; that first try may have been
            # applied, and is then our own write, not a conflict.
            if not self._is_own_write(kind, owner, doc_id, entry):
                raise exception.AlreadyExists(kind=kind, doc_id=doc_id)
        return 1

    def _read(self, kind, owner, doc_id, params=None):
        """Return (entry, seq_no, primary_term) of ``owner``'s document
        (``params``: of the GET, e.g. the fields of the entry to return).
        """
        try:
            found = self.conn.request('GET', self._doc_path(kind, '_doc',
                                                            owner, doc_id),
                                      params)
        except es_client.NotFoundError as exc:
            if _missing_index(exc):
                raise
            raise exception.NotFound(kind=kind, doc_id=doc_id)
        if not found.get('found', True):
            raise exception.NotFound(kind=kind, doc_id=doc_id)
        return found['_source'], found['_seq_no'], found['_primary_term']

    @_translate_errors
    def get(self, kind, doc_id, scope=base.ANY):
        entry, _seq, _term = self._read(kind, base.owner_key(kind, scope),
                                        doc_id)
        return base.Record(entry['doc'], entry['version'])

    @_translate_errors
    def replace(self, kind, doc_id, doc, version, scope=base.ANY):
        owner = base.owner_key(kind, scope)
        entry, seq_no, term = self._read(kind, owner, doc_id)
        if entry['version'] != version:
            raise exception.VersionConflict()
        fresh = mappings.envelope(kind, owner, doc_id, doc, version + 1,
                                  entry['created_at'])
        try:
            self.conn.request('PUT', self._doc_path(kind, '_doc', owner,
                                                    doc_id),
                              self._write_params(if_seq_no=seq_no,
                                                 if_primary_term=term,
                                                 require_alias=True),
                              fresh)
        except es_client.ConflictError:
            # NOTE: as in create: a retried try may meet its own write.
            if not self._is_own_write(kind, owner, doc_id, fresh):
                raise exception.VersionConflict()
        return version + 1

    @_translate_errors
    def delete(self, kind, doc_id, scope=base.ANY, version=None):
        owner = base.owner_key(kind, scope)
        for _ in retry.attempts(DELETE_ATTEMPTS, kind, doc_id):
            entry, seq_no, term = self._read(kind, owner, doc_id)
            if version is not None and entry['version'] != version:
                raise exception.VersionConflict()
            try:
                self.conn.request(
                    'DELETE', self._doc_path(kind, '_doc', owner, doc_id),
                    self._write_params(if_seq_no=seq_no,
                                       if_primary_term=term))
                return
            except es_client.ConflictError:
                if version is not None:
                    raise exception.VersionConflict()
                # NOTE: written since our read and no version asked for:
                # read again, the version check must see the latest
                # entry.
            except es_client.NotFoundError as exc:
                if _missing_index(exc):
                    raise
                raise exception.NotFound(kind=kind, doc_id=doc_id)

    def _search(self, kind, body):
        if self.refresh_policy == 'search':
            self.conn.request('POST', '/%s/_refresh' % self.alias(kind))
        found = self.conn.request('POST', '/%s/_search' % self.alias(kind),
                                  {'allow_partial_search_results': False},
                                  body)
        return found['hits']['hits']

    @_translate_errors
    def search(self, kind, scope=base.ANY, query=None, limit=10, offset=0,
               marker=None):
        owner = base.search_owner(kind, scope)
        after = self.after_marker(kind, scope, marker, offset)
        if limit <= 0:
            return []
        if after is None and offset + limit > WINDOW:
            after = self._skip(kind, owner, query, offset)
            if after is None:
                return []
            offset = 0
        hits = self._search(kind, queries.search_body(
            owner, query, limit, offset, search_after=after))
        return [base.Record(h['_source']['doc'], h['_source']['version'])
                for h in hits]

    def positions(self, kind, owner, doc_id):
        """The sort values of the entries of id ``doc_id``: the owner's
        by a realtime GET, every owner's by a search on ``doc_id``.
        """
        if owner is not None:
            try:
                return [mappings.sort_values(self._read(
                    kind, owner, doc_id,
                    {'_source_includes': ','.join(mappings.SORT_FIELDS)})[0])]
            except exception.NotFound:
                return []
        return [mappings.sort_values(h['_source'])
                for h in self._search(kind, queries.positions_body(doc_id))]

    def _skip(self, kind, owner, query, offset):
        """Return the sort values of the ``offset``-th hit (1-based), or
        None when there are fewer; walks in pages without sources.
        """
        after = None
        while offset > 0:
            size = min(offset, WINDOW)
            hits = self._search(kind, queries.search_body(
                owner, query, size, search_after=after, source=False))
            if len(hits) < size:
                return None
            after = hits[-1]['sort']
            offset -= size
        return after

    def check(self):
        """Answers when every index is there, healthy and writable."""
        aliases = ','.join(self.alias(kind) for kind in mappings.KINDS)
        try:
            # NOTE: settings first: health of a missing index would wait
            # for it to appear instead of answering 404.
            settings = self.conn.request(
                'GET', '/%s/_settings' % aliases, {'flat_settings': True})
            health = self.conn.request('GET', '/_cluster/health/%s' % aliases)
        except es_client.ApiError as exc:
            if _missing_index(exc):
                raise exception.StoreUnavailable(_NOT_SYNCED % aliases)
            raise exception.StoreUnavailable('Elasticsearch: %s' % exc)
        if health.get('status') == 'red':
            raise exception.StoreUnavailable(
                'Elasticsearch indices %s are red' % aliases)
        for index, found in settings.items():
            flat = found.get('settings', {})
            for block in ('write', 'read_only', 'read_only_allow_delete'):
                if str(flat.get('index.blocks.%s' % block)) == 'true':
                    raise exception.StoreUnavailable(
                        'Elasticsearch index %s refuses writes (%s block)'
                        % (index, block))

    def close(self):
        self.conn.close()
