"""The interface every document store implements.

A store keeps JSON documents of a few *kinds* (``backups``, ``clients``,
``jobs``, ``actions``, ``sessions``, ``services``, ``clusters``...). Every
document has an id unique within its kind, owner fields (``project_id`` and
``user_id``, read from the top level of the document), and a version number
that grows on every write so that writers can compare-and-set.

Stores know nothing of HTTP or of the business rules in ``objects/``; they
raise only the exceptions of ``freezer_api.exception``. The behaviour is
specified by the contract suite in ``tests/storage/``.
"""

import abc
import collections

#: Every kind a store must accept.
KINDS = ('backups', 'clients', 'jobs', 'actions', 'sessions',
         'services', 'clusters')

#: A stored document and the version it was read at.
Record = collections.namedtuple('Record', ['doc', 'version'])


class Scope(collections.namedtuple('Scope', ['project_id', 'user_id'])):
    """Whose documents a call may see: ``None`` in a field means any.

    v1 scopes by user, v2/v3 by project; an empty scope (admins listing all
    projects, internal kinds such as services) sees everything.
    """

    __slots__ = ()

    def __new__(cls, project_id=None, user_id=None):
        return super().__new__(cls, project_id, user_id)

    def matches(self, doc):
        """Return True when ``doc``'s owner fields fall in this scope."""
        return ((self.project_id is None
                 or doc.get('project_id') == self.project_id)
                and (self.user_id is None
                     or doc.get('user_id') == self.user_id))


ANY = Scope()


class Store(abc.ABC):
    """A versioned JSON document store."""

    @abc.abstractmethod
    def create(self, kind, doc_id, doc):
        """Store a new document; return its version (1).

        :raises AlreadyExists: a document of that kind has that id, in any
            scope: creating never overwrites.
        """

    @abc.abstractmethod
    def get(self, kind, doc_id, scope=ANY):
        """Return the ``Record`` of a document.

        :raises NotFound: no such id, or it lies outside ``scope``.
        """

    @abc.abstractmethod
    def replace(self, kind, doc_id, doc, version, scope=ANY):
        """Replace a document if it is still at ``version``; return the new
        version.

        :raises NotFound: no such id in ``scope``.
        :raises VersionConflict: it was written since it was read.
        """

    @abc.abstractmethod
    def delete(self, kind, doc_id, scope=ANY, version=None):
        """Delete a document (only at ``version`` when one is given).

        :raises NotFound: no such id in ``scope``.
        :raises VersionConflict: ``version`` given and no longer current.
        """

    @abc.abstractmethod
    def search(self, kind, scope=ANY, query=None, limit=10, offset=0):
        """Return a list of ``Record``s in ``scope`` matching ``query``
        (a ``storage.query.Query``), oldest first, paged by limit/offset.

        The order is stable: pages never overlap or skip while documents
        are only added.
        """

    @abc.abstractmethod
    def check(self):
        """Verify that the store answers and accepts writes.

        :raises StoreUnavailable: it does not.
        """

    def close(self):
        """Release connections; the store is not used afterwards."""


class Manager(abc.ABC):
    """Schema management behind ``freezer-manage db``."""

    @abc.abstractmethod
    def sync(self):
        """Create or upgrade the schema; return a list of lines to print."""

    def update(self):
        """Bring an existing schema up to date (same as sync by default)."""
        return self.sync()

    @abc.abstractmethod
    def remove(self):
        """Drop the schema and every document; return lines to print."""

    @abc.abstractmethod
    def show(self):
        """Return a list of lines describing the schema."""

    @abc.abstractmethod
    def update_settings(self):
        """Apply settings from the configuration; return lines to print."""

    @abc.abstractmethod
    def is_current(self):
        """Return True when the schema exists and needs no upgrade."""

    def close(self):
        """Release connections; the manager is not used afterwards."""
