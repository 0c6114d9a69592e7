"""What every kind of document shares: ids, CRUD, merge, compare-and-set.

Each noun module subclasses ``Documents`` and overrides the hooks that make
it different (how a new document is built, how it is validated, how it is
shown). Resources call these methods; nothing here knows about HTTP.
"""

import copy
import random
import time
import uuid

from freezer_api import exception
from freezer_api.objects import merge_patch
from freezer_api.objects import realm as realms
from freezer_api.objects import search
from freezer_api.schemas import validate as schema


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


def modify(store, kind, doc_id, scope, change, attempts=200):
    """Apply ``change(doc) -> (new_doc or None, result)`` atomically.

    The document is read, changed and written back only if nobody wrote it
    in between; otherwise the whole step is retried on the fresh document.
    ``new_doc`` None means "nothing to write". Returns ``(result, version)``.

    :raises NotFound: no such document in ``scope``.
    :raises Conflict: still losing the race after ``attempts`` tries.
    """
    for attempt in range(attempts):
        record = store.get(kind, doc_id, scope)
        new_doc, result = change(copy.deepcopy(record.doc))
        if new_doc is None:
            return result, record.version
        try:
            version = store.replace(kind, doc_id, new_doc, record.version,
                                    scope)
            return result, version
        except exception.VersionConflict:
            # NOTE: a short random pause spreads retrying writers apart.
            time.sleep(random.uniform(0, 0.002 * min(attempt + 1, 10)))
    raise exception.Conflict('%s %s is being changed by too many requests; '
                             'try again' % (kind.rstrip('s'), doc_id))


class Documents:
    """CRUD of one kind of document."""

    kind = None          # store kind, e.g. 'jobs'
    id_field = None      # e.g. 'job_id'
    create_schema = None
    replace_schema = None
    patch_schema = None
    protected = ('user_id', 'project_id')

    def __init__(self, store, conf, hooks=None):
        self.store = store
        self.conf = conf
        self.hooks = hooks

    @property
    def noun(self):
        return self.kind.rstrip('s')

    # -- hooks ------------------------------------------------------------

    def choose_id(self, realm, body):
        """Id of a new document (body's id, or a fresh one)."""
        return body.get(self.id_field) or new_id()

    def build(self, realm, body, doc_id):
        """The document to store for a validated create body."""
        doc = dict(body)
        doc.update(realms.owner_fields(realm))
        doc[self.id_field] = doc_id
        return doc

    def check(self, realm, doc):
        """Rules beyond the schema, on a complete document."""

    def check_new(self, realm, doc):
        """Rules checked on a document a create or replace stores."""
        self.check(realm, doc)

    def stamp_created(self, doc):
        """Set what only a create sets (nothing here)."""

    def check_update(self, realm, doc, patch):
        """Rules checked on the document a PATCH produces."""
        self.check(realm, doc)

    def view(self, realm, doc):
        """The document as the API shows it."""
        return doc

    # -- operations -------------------------------------------------------

    def validate(self, schema_, body):
        if not isinstance(body, dict):
            raise exception.BadRequest('The request body must be a JSON '
                                       'object')
        if isinstance(body, merge_patch.MergePatch):
            schema_ = merge_patch.schema_of(schema_)
        schema.validate(schema_, body, self.noun)

    def create(self, realm, body):
        """Store a new document; return its id."""
        self.validate(self.create_schema, body)
        doc_id = self.choose_id(realm, body)
        doc = self.build(realm, body, doc_id)
        self.stamp_created(doc)
        self.check_new(realm, doc)
        self.store.create(self.kind, doc_id, doc, realms.owner(realm))
        return doc_id

    def get(self, realm, doc_id):
        return self.view(realm, self.store.get(self.kind, doc_id,
                                               realms.owner(realm)).doc)

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

    def delete(self, realm, doc_id):
        self.store.delete(self.kind, doc_id, realms.owner(realm))

    def update(self, realm, doc_id, patch):
        """Merge ``patch`` into the document; return the new version."""
        self.validate(self.patch_schema, patch)
        patch = merge_patch.like(patch, {
            k: v for k, v in patch.items()
            if k not in self.protected and k != self.id_field})

        def change(doc):
            merged = self.merged(realm, doc, patch)
            self.validate(self.replace_schema or self.create_schema,
                          merged)
            self.check_update(realm, merged, patch)
            return merged, None

        return self.modify(realm, doc_id, change)[1]

    def merged(self, realm, doc, patch):
        """The document after a PATCH (before validation)."""
        return merge(doc, patch)

    def replace(self, realm, doc_id, body):
        """Create or replace the owner's document at ``doc_id``; return
        its version. Other owners' documents of that id are not looked at.
        """
        self.validate(self.replace_schema or self.create_schema, body)
        doc = self.build(realm, body, doc_id)
        self.check_new(realm, doc)
        # NOTE: replacing is a compare-and-set like every other change
        # (``modify``); only a missing document is created instead.
        for _ in range(self.conf.api.max_retries_on_conflict):
            try:
                return self.modify(realm, doc_id, lambda stored: (
                    self.keep_on_replace(stored, doc), None))[1]
            except exception.NotFound:
                pass
            try:
                return self.store.create(self.kind, doc_id, doc,
                                         realms.owner(realm))
            except exception.AlreadyExists:
                # NOTE: created by a concurrent request of the same owner
                # since our read: replace that one.
                pass
        raise exception.Conflict('%s %s is being changed by too many '
                                 'requests; try again' % (self.noun, doc_id))

    def keep_on_replace(self, stored, doc):
        """What a replace keeps of the stored document (nothing here)."""
        return doc

    def modify(self, realm, doc_id, change):
        attempts = self.conf.api.max_retries_on_conflict
        return modify(self.store, self.kind, doc_id, realms.owner(realm),
                      change, attempts)
