"""The interface every document store implements.

A store keeps JSON documents of a few *kinds* (``backups``, ``clients``,
``jobs``, ``actions``, ``sessions``, ``services``, ``clusters``...). Every
document belongs to one *owner* and has an id unique within its kind and
owner: the same id in two owners names two documents. Owners are given as a
``Scope``: a project (v2/v3 documents), a user (v1 documents), or ``ANY``,
the owner of the internal kinds (``GLOBAL_KINDS``). ``owner_key`` is the one
place that turns a scope into the key a store keeps. Documents also carry
owner fields (``project_id`` and ``user_id``, read from the top level of the
document), and a version number that grows on every write so that writers
can compare-and-set.

Stores know nothing of HTTP or of the business rules in ``objects/``; they
raise only the exceptions of ``freezer_api.exception``. The behaviour is
specified by the contract suite in ``tests/storage/``.
"""

import abc
import collections

from freezer_api import exception

#: Every kind a store must accept.
KINDS = ('backups', 'clients', 'jobs', 'actions', 'sessions',
         'services', 'clusters')

#: Internal kinds: one namespace for the whole deployment, owned by ``ANY``.
GLOBAL_KINDS = ('services', 'clusters')

#: A stored document and the version it was read at.
Record = collections.namedtuple('Record', ['doc', 'version'])


class Scope(collections.namedtuple('Scope', ['project_id', 'user_id'])):
    """An owner of documents: a project, a user, or ``ANY`` (both None).

    v1 documents belong to their user, v2/v3 documents to their project,
    internal kinds (services, clusters) to ``ANY``. A search in ``ANY``
    sees every owner's documents (admins listing all projects, internal
    sweeps); anywhere else ``ANY`` names the internal kinds' owner only.
    """

    __slots__ = ()

    def __new__(cls, project_id=None, user_id=None):
        return super().__new__(cls, project_id, user_id)


ANY = Scope()


def owner_key(kind, scope):
    """Return the key of the owner ``scope`` names for ``kind``:
    ``'project:<id>'``, ``'user:<id>'``, or ``''`` for ``ANY``.

    :raises ValueError: ``scope`` names both a project and a user, an
        owned kind is addressed with ``ANY``, or an internal kind with an
        owner (a programming error: the caller lost track of the owner).
    """
    if scope.project_id is not None and scope.user_id is not None:
        raise ValueError('A scope names one owner: a project or a user')
    if scope.project_id is not None:
        key = 'project:%s' % scope.project_id
    elif scope.user_id is not None:
        key = 'user:%s' % scope.user_id
    else:
        key = ''
    if (key == '') != (kind in GLOBAL_KINDS):
        raise ValueError('%s documents are owned by %s, not %r' % (
            kind, 'ANY' if kind in GLOBAL_KINDS else 'a project or a user',
            key or 'ANY'))
    return key


def search_owner(kind, scope):
    """Return the owner key a search in ``scope`` is limited to, or None
    for every owner (``ANY``).

    :raises ValueError: as ``owner_key``.
    """
    if scope == ANY:
        return None
    return owner_key(kind, scope)


def stored_owner(kind, doc):
    """Return the owner key of a document stored before documents had
    owners (an older schema, an upstream index), from its fields: the
    project when it names one, else its user, else ``''``.

    NOTE: v1 and v2 documents carry the same fields and cannot be told
    apart; the project wins because every current client speaks v2.
    Internal kinds are always ``''``.
    """
    if kind in GLOBAL_KINDS or not isinstance(doc, dict):
        return ''
    return fields_owner(doc.get('project_id'), doc.get('user_id'))


def fields_owner(project_id, user_id):
    """``stored_owner``'s rule on the two owner fields themselves."""
    if isinstance(project_id, str) and project_id:
        return 'project:%s' % project_id
    if isinstance(user_id, str) and user_id:
        return 'user:%s' % user_id
    return ''


class Store(abc.ABC):
    """A versioned JSON document store."""

    # NOTE: every method taking a ``scope`` raises ValueError when
    # ``owner_key`` refuses it.

    @abc.abstractmethod
    def create(self, kind, doc_id, doc, scope=ANY):
        """Store a new document owned by ``scope``; return its version (1).

        :raises AlreadyExists: ``scope`` already has a document of that
            kind with that id (creating never overwrites). Documents of
            other owners never make a create fail.
        """

    @abc.abstractmethod
    def get(self, kind, doc_id, scope=ANY):
        """Return the ``Record`` of ``scope``'s document ``doc_id``.

        The document is a new object on every call: the caller may
        change it (it is written back only by ``replace``).

        :raises NotFound: ``scope`` has no such document (whatever other
            owners have).
        """

    @abc.abstractmethod
    def replace(self, kind, doc_id, doc, version, scope=ANY):
        """Replace ``scope``'s document if it is still at ``version``;
        return the new version.

        :raises NotFound: ``scope`` has no such document.
        :raises VersionConflict: it was written since it was read.
        """

    @abc.abstractmethod
    def delete(self, kind, doc_id, scope=ANY, version=None):
        """Delete ``scope``'s document (only at ``version`` when given).

        :raises NotFound: ``scope`` has no such document.
        :raises VersionConflict: ``version`` given and no longer current.
        """

    @abc.abstractmethod
    def search(self, kind, scope=ANY, query=None, limit=10, offset=0,
               marker=None):
        """Return a list of ``Record``s of ``scope`` (of every owner for
        ``ANY``) matching ``query`` (a ``storage.query.Query``), oldest
        first, paged by limit and either offset or ``marker``: the id of
        a document, the page being the documents after it (see
        ``after_marker``).

        The order is stable: pages never overlap or skip while documents
        are only added.

        :raises InvalidMarker: as ``after_marker``.
        """

    def after_marker(self, kind, scope, marker, offset=0):
        """Return the sort position a page after ``marker`` starts after,
        or None without a marker: the one rule of markers for every store.

        The marker is the id of a document of the searched owner (of any
        owner for ``ANY``, where it must be the only one of that id); it
        need not match the search's query (it may have changed since the
        page that ended with it).

        :raises InvalidMarker: no such document (never made, deleted, or
            another owner's: one answer), or several.
        :raises ValueError: a marker and an offset (a page starts after
            one or at the other).
        """
        if marker is None:
            return None
        if offset:
            raise ValueError('A page starts after a marker or at an offset, '
                             'not both')
        found = self.positions(kind, search_owner(kind, scope), marker)
        if len(found) != 1:
            raise exception.InvalidMarker(marker=marker)
        return found[0]

    @abc.abstractmethod
    def positions(self, kind, owner, doc_id):
        """Return the sort positions (the store's own form) of at most two
        documents of id ``doc_id`` of ``owner`` (an owner key; None: every
        owner), for ``after_marker``.
        """
        raise NotImplementedError

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
