"""Index lifecycle: one index per kind behind an alias.

Kind ``jobs`` with prefix ``freezer`` is read and written through the alias
``freezer-jobs``, which points at exactly one index ``freezer-jobs-v<N>``,
N being the kind's mapping version (``mappings.KINDS``). A new mapping
version is applied by creating the new index, copying every entry into it
(re-enveloped with the new mapping) while the old index refuses writes,
checking the counts and swapping the alias atomically. Mapping v2 gave
entries an ``owner`` and an ``_id`` made of owner and id (see
``mappings.entry_id``); the copy from v1 derives both. The old index is
kept, read-only, until ``freezer-manage db remove`` or the operator deletes
it: a mapping change never loses data.

The copy is done by the service (search_after pages + _bulk) rather than
the server's ``_reindex``: it needs no server module (the test
distributions have none) and lets the new mapping re-derive its fields.
"""

import re

from freezer_api import exception
from freezer_api.storage import base
from freezer_api.storage.elasticsearch import client as es_client
from freezer_api.storage.elasticsearch import mappings

_COPY_PAGE = 500


def alias_name(prefix, kind):
    """Return the alias the store reads and writes for ``kind``."""
    return '%s-%s' % (prefix, kind)


def index_name(prefix, kind, version):
    """Return the concrete index of ``kind`` at mapping ``version``."""
    return '%s-v%d' % (alias_name(prefix, kind), version)


def parse_version(prefix, kind, index):
    """Return the mapping version encoded in ``index``'s name, or None."""
    match = re.fullmatch(re.escape(alias_name(prefix, kind)) + r'-v(\d+)',
                         index)
    return int(match.group(1)) if match else None


class Indices:
    """The indices of one ``index`` prefix on one cluster."""

    def __init__(self, conn, prefix, replicas=0, shards=1,
                 refresh_interval='1s'):
        self.conn = conn
        self.prefix = prefix
        self.replicas = replicas
        self.shards = shards
        self.refresh_interval = refresh_interval

    def alias(self, kind):
        return alias_name(self.prefix, kind)

    def current(self, kind):
        """Return the index behind ``kind``'s alias, or None.

        :raises StoreError: a concrete index has the alias's name (created
            by something that wrote without ``freezer-manage db sync``).
        """
        alias = self.alias(kind)
        try:
            found = self.conn.request('GET', '/_alias/%s' % alias)
        except es_client.NotFoundError:
            if self._exists(alias):
                raise exception.StoreError(
                    'Index %s is not an alias (was it created without '
                    '"freezer-manage db sync"?); delete it or migrate its '
                    'documents first' % alias)
            return None
        names = sorted(found)
        if len(names) != 1:
            raise exception.StoreError('Alias %s points at %d indices: %s'
                                       % (alias, len(names), names))
        return names[0]

    def _exists(self, name):
        try:
            self.conn.request('GET', '/%s/_settings' % name)
            return True
        except es_client.NotFoundError:
            return False

    def versions(self, kind):
        """Return every index of ``kind`` (any version), by name."""
        pattern = '%s-v*' % self.alias(kind)
        found = self.conn.request('GET', '/%s/_settings' % pattern,
                                  {'expand_wildcards': 'all'})
        return sorted(name for name in found
                      if parse_version(self.prefix, kind, name) is not None)

    def settings(self):
        """Index settings from the configuration."""
        return {'number_of_replicas': self.replicas,
                'refresh_interval': self.refresh_interval}

    def create(self, kind, with_alias=True):
        """Create ``kind``'s index at the current mapping version."""
        name = index_name(self.prefix, kind, mappings.version(kind))
        body = {'settings': {'index': dict(self.settings(),
                                           number_of_shards=self.shards)},
                'mappings': mappings.mapping(kind)}
        if with_alias:
            body['aliases'] = {self.alias(kind): {'is_write_index': True}}
        self.conn.request('PUT', '/%s' % name, {'wait_for_active_shards': 1},
                          body)
        return name

    def count(self, index):
        self.conn.request('POST', '/%s/_refresh' % index)
        return self.conn.request('GET', '/%s/_count' % index)['count']

    def migrate(self, kind, old):
        """Copy ``old`` into a new index at the current version and move
        the alias there; return the new index's name.

        :raises StoreError: the copy is incomplete (the alias is left on
            ``old``, which stays read-only for a new try).
        """
        self.conn.request('PUT', '/%s/_settings' % old, None,
                          {'index': {'blocks': {'write': True}}})
        try:
            new = self.create(kind, with_alias=False)
        except es_client.ApiError as exc:
            if exc.type != 'resource_already_exists_exception':
                raise
            new = index_name(self.prefix, kind, mappings.version(kind))
        self._copy(kind, old, new)
        copied, expected = self.count(new), self.count(old)
        if copied != expected:
            raise exception.StoreError(
                'Copy of %s into %s is incomplete (%d of %d documents); the '
                'alias still points at %s' % (old, new, copied, expected,
                                              old))
        alias = self.alias(kind)
        self.conn.request('POST', '/_aliases', None, {'actions': [
            {'remove': {'index': old, 'alias': alias}},
            {'add': {'index': new, 'alias': alias,
                     'is_write_index': True}}]})
        return new

    def _copy(self, kind, old, new):
        after = None
        while True:
            body = {'query': {'match_all': {}}, 'sort': mappings.SORT,
                    'size': _COPY_PAGE}
            if after is not None:
                body['search_after'] = after
            hits = self.conn.request('POST', '/%s/_search' % old, None,
                                     body)['hits']['hits']
            if not hits:
                return
            lines = []
            for hit in hits:
                entry = hit['_source']
                owner = _owner_of(kind, entry)
                fresh = mappings.envelope(kind, owner, entry['doc_id'],
                                          entry['doc'], entry['version'],
                                          entry['created_at'])
                fresh['updated_at'] = entry.get('updated_at',
                                                fresh['updated_at'])
                lines += [{'index': {'_index': new, '_id': mappings.entry_id(
                    owner, entry['doc_id'])}}, fresh]
            result = self.conn.request('POST', '/_bulk', None, lines)
            if result.get('errors'):
                raise exception.StoreError(
                    'Copy of %s into %s failed: %s' % (old, new,
                                                       _first_error(result)))
            after = hits[-1]['sort']

    def delete(self, index):
        self.conn.request('DELETE', '/%s' % index)


def _owner_of(kind, entry):
    """The owner of an entry being copied: its own, or for an entry of
    mapping v1 (no owner yet) the one its document's fields name
    (``storage.base.stored_owner``; ids were unique per kind then, so no
    two entries meet in the new index).
    """
    if 'owner' in entry:
        return entry['owner']
    return base.stored_owner(kind, entry['doc'])


def _first_error(bulk_result):
    for item in bulk_result.get('items', ()):
        for outcome in item.values():
            if outcome.get('error'):
                return outcome['error']
    return 'unknown error'
