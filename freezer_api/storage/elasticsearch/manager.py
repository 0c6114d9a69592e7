"""``freezer-manage db`` on Elasticsearch/OpenSearch: indices and aliases."""

from freezer_api import exception
from freezer_api.storage import base
from freezer_api.storage.elasticsearch import client as es_client
from freezer_api.storage.elasticsearch import indices as es_indices
from freezer_api.storage.elasticsearch import legacy
from freezer_api.storage.elasticsearch import mappings


class EsManager(base.Manager):
    """Creates, upgrades, shows and removes one index per kind."""

    def __init__(self, indices):
        self.indices = indices

    def _guard(self, func):
        try:
            return func()
        except es_client.ApiError as exc:
            raise exception.StoreError('Elasticsearch refused: %s' % exc)

    def sync(self):
        """Create missing indices, migrate outdated ones (reindex + alias
        swap), import an upstream freezer-api index if there is one;
        return one line per kind (and one for the import).
        """
        return self._guard(self._sync_all)

    def _sync_all(self):
        lines = [self._sync(kind) for kind in mappings.KINDS]
        if legacy.find(self.indices.conn, self.indices.prefix):
            lines += legacy.import_documents(self.indices.conn,
                                             self.indices.prefix)
        return lines

    def _sync(self, kind):
        alias = self.indices.alias(kind)
        wanted = mappings.version(kind)
        current = self.indices.current(kind)
        if current is None:
            made = self.indices.create(kind)
            return '%s: created index %s behind alias %s' % (kind, made,
                                                             alias)
        have = es_indices.parse_version(self.indices.prefix, kind, current)
        if have == wanted:
            return '%s: %s is up to date (mapping v%d)' % (kind, current,
                                                           wanted)
        if have is None or have > wanted:
            raise exception.StoreError(
                'Alias %s points at %s, which this freezer-api does not '
                'know (it expects %s); upgrade freezer-api or fix the alias'
                % (alias, current, es_indices.index_name(
                    self.indices.prefix, kind, wanted)))
        made = self.indices.migrate(kind, current)
        return ('%s: migrated %s to %s (mapping v%d), alias %s swapped; the '
                'old index is kept read-only' % (kind, current, made,
                                                 wanted, alias))

    def remove(self):
        """Delete every index of every kind, old versions included."""
        return self._guard(self._remove)

    def _remove(self):
        lines = []
        for kind in mappings.KINDS:
            names = self.indices.versions(kind)
            for name in names:
                self.indices.delete(name)
                lines.append('%s: deleted index %s' % (kind, name))
            if not names:
                lines.append('%s: no index to delete' % kind)
        return lines

    def show(self):
        """Return one line per kind: alias, index, mapping, size."""
        return self._guard(lambda: [self._show(k) for k in mappings.KINDS])

    def _show(self, kind):
        alias = self.indices.alias(kind)
        current = self.indices.current(kind)
        if current is None:
            return ('%s: alias %s missing (run "freezer-manage db sync")'
                    % (kind, alias))
        conn = self.indices.conn
        settings = conn.request('GET', '/%s/_settings' % current,
                                {'flat_settings': True})[current]['settings']
        have = es_indices.parse_version(self.indices.prefix, kind, current)
        state = ('current' if have == mappings.version(kind)
                 else 'outdated: run "freezer-manage db update"')
        return ('%s: alias %s -> %s (mapping v%s, %s), %d documents, '
                '%s replicas, refresh_interval %s' % (
                    kind, alias, current, have, state,
                    self.indices.count(current),
                    settings.get('index.number_of_replicas'),
                    settings.get('index.refresh_interval', '1s')))

    def is_current(self):
        """True when every kind's alias points at its current mapping."""
        def check():
            for kind in mappings.KINDS:
                current = self.indices.current(kind)
                if current is None or es_indices.parse_version(
                        self.indices.prefix, kind,
                        current) != mappings.version(kind):
                    return False
            return True
        return self._guard(check)

    def update_settings(self):
        """Apply ``number_of_replicas`` and ``refresh_interval`` from the
        configuration to every index.
        """
        return self._guard(lambda: [self._update_settings(k)
                                    for k in mappings.KINDS])

    def _update_settings(self, kind):
        current = self.indices.current(kind)
        if current is None:
            raise exception.StoreError(
                'Alias %s is missing: run "freezer-manage db sync" first'
                % self.indices.alias(kind))
        wanted = self.indices.settings()
        self.indices.conn.request('PUT', '/%s/_settings' % current, None,
                                  {'index': wanted})
        return '%s: %s now has number_of_replicas=%d, refresh_interval=%s' % (
            kind, current, wanted['number_of_replicas'],
            wanted['refresh_interval'])

    def close(self):
        self.indices.conn.close()
