"""The steps every kind of document is built from: ids, validation,
merge, compare-and-set, and the reads.

Nothing here decides what a noun does: each noun module (``backup.py``,
``job.py``, ...) writes its own create, replace, update and delete as a short
flow of these steps. Resources call those flows; nothing here knows about
HTTP.
"""

import uuid

from freezer_api import exception
from freezer_api.objects import merge_patch
from freezer_api.objects import realm as realms
from freezer_api.objects import search
from freezer_api import retry
from freezer_api.schemas import validate as schema

#: Fields only the service sets: a PATCH never changes them.
OWNER_FIELDS = ('user_id', 'project_id')


def new_id():
    """A fresh document id: 32 hex digits, as upstream makes them."""
    return uuid.uuid4().hex


def merge(stored, patch):
    """Return ``stored`` with ``patch`` merged in: objects are merged key by
    key, everything else (lists included) is replaced; a ``MergePatch``
    also removes the keys it sets to null (RFC 7386).
    """
    if isinstance(patch, merge_patch.MergePatch):
        return merge_patch.apply(stored, patch)
    merged = dict(stored)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def validate(schema_, body, noun):
    """Check ``body`` against ``schema_`` (a merge patch against the
    schema a merge patch of it must match).

    :raises BadRequest: ``body`` is not a JSON object.
    :raises InvalidDocument: it does not match.
    """
    if not isinstance(body, dict):
        raise exception.BadRequest('The request body must be a JSON object')
    if isinstance(body, merge_patch.MergePatch):
        schema_ = merge_patch.schema_of(schema_)
    schema.validate(schema_, body, noun)


def owned(realm, body, id_field, doc_id):
    """A document of ``body`` stamped with the realm's owner and its id."""
    doc = dict(body)
    doc.update(realms.owner_fields(realm))
    doc[id_field] = doc_id
    return doc


def writable(patch, protected):
    """``patch`` without the fields in ``protected`` (the same kind of
    patch: a merge patch stays one).
    """
    return merge_patch.like(patch, {k: v for k, v in patch.items()
                                    if k not in protected})


def modify(store, kind, doc_id, scope, change, attempts=200):
    """Apply ``change(doc) -> (new_doc or None, result)`` atomically.

    The document is read, changed and written back only if nobody wrote it
    in between; otherwise the whole step is retried on the fresh document.
    ``new_doc`` None means "nothing to write". Returns ``(result, version)``.

    :raises NotFound: no such document in ``scope``.
    :raises TooManyWriters: still losing the race after ``attempts`` tries.
    """
    for _ in retry.attempts(attempts, kind, doc_id):
        record = store.get(kind, doc_id, scope)
        # NOTE: no copy: every store's get returns a new document, the
        # caller's to change (storage.base.Store.get).
        new_doc, result = change(record.doc)
        if new_doc is None:
            return result, record.version
        try:
            return result, store.replace(kind, doc_id, new_doc,
                                         record.version, scope)
        except exception.VersionConflict:
            continue


def put(store, kind, doc_id, doc, scope, attempts=200, keep=None):
    """Replace the document at ``doc_id`` of ``scope`` by ``doc``, or
    create it there; return its version. ``keep(stored, doc)`` says what
    a replace keeps of the stored document. Other scopes' documents of
    that id are not looked at.

    :raises TooManyWriters: concurrent writers kept winning.
    """
    keep = keep or (lambda stored, new: new)
    # NOTE: replacing is a compare-and-set like every other change; only a
    # missing document is created instead.
    for _ in retry.attempts(attempts, kind, doc_id):
        try:
            return modify(store, kind, doc_id, scope,
                          lambda stored: (keep(stored, doc), None),
                          attempts)[1]
        except exception.NotFound:
            pass
        try:
            return store.create(kind, doc_id, doc, scope)
        except exception.AlreadyExists:
            # NOTE: created by a concurrent request of the same owner since
            # our read: replace that one.
            continue


class Kind:
    """One kind of document: its store, and the reads every kind shares.

    The noun classes add their own writes; ``view`` is how a stored
    document is shown (as stored, unless the noun says otherwise).
    """

    kind = None          # store kind, e.g. 'jobs'
    id_field = None      # e.g. 'job_id'
    create_schema = None
    replace_schema = None
    patch_schema = None

    def __init__(self, store, conf, hooks=None):
        self.store = store
        self.conf = conf
        self.hooks = hooks

    @property
    def noun(self):
        return self.kind.rstrip('s')

    @property
    def attempts(self):
        return self.conf.api.max_retries_on_conflict

    def view(self, realm, doc):
        """The document as the API shows it."""
        return doc

    def get(self, realm, doc_id):
        return self.view(realm,
                         self.store.get(self.kind, doc_id, realm.owner).doc)

    def list(self, realm, search_filter=None, limit=10, offset=0,
             marker=None):
        """The realm's documents matching the filter, oldest first: a page
        at ``offset`` or after the document ``marker`` (its id).

        :raises InvalidMarker: see ``storage.base.Store.after_marker``.
        """
        query = search.parse(search_filter)
        records = self.store.search(self.kind, realm.scope, query, limit,
                                    offset, marker)
        return [self.view(realm, r.doc) for r in records]

    def modify(self, realm, doc_id, change):
        """``modify`` on the realm's document ``doc_id``."""
        return modify(self.store, self.kind, doc_id, realm.owner, change,
                      self.attempts)

    def put(self, realm, doc_id, doc, keep=None):
        """``put`` of the realm's document ``doc_id``."""
        return put(self.store, self.kind, doc_id, doc, realm.owner,
                   self.attempts, keep)
