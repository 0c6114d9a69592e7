"""Actions: stored freezer_actions that jobs can be assembled from."""

from freezer_api.objects import documents
from freezer_api.schemas import action as schemas


class Actions(documents.Kind):
    kind = 'actions'
    id_field = 'action_id'
    create_schema = schemas.CREATE
    patch_schema = schemas.PATCH

    def create(self, realm, body):
        """Store a new action (the body's id, else a fresh one); its id."""
        documents.validate(schemas.CREATE, body, self.noun)
        action_id = body.get('action_id') or documents.new_id()
        doc = documents.owned(realm, body, self.id_field, action_id)
        self.store.create(self.kind, action_id, doc, realm.owner)
        return action_id

    def replace(self, realm, action_id, body):
        """Create or replace the realm's action; return its version."""
        documents.validate(schemas.CREATE, body, self.noun)
        doc = documents.owned(realm, body, self.id_field, action_id)
        return self.put(realm, action_id, doc)

    def update(self, realm, action_id, patch):
        """Merge ``patch`` into the action; return the new version."""
        documents.validate(schemas.PATCH, patch, self.noun)
        patch = documents.writable(
            patch, documents.OWNER_FIELDS + (self.id_field,))

        def change(doc):
            merged = documents.merge(doc, patch)
            documents.validate(schemas.CREATE, merged, self.noun)
            return merged, None

        return self.modify(realm, action_id, change)[1]

    def delete(self, realm, action_id):
        self.store.delete(self.kind, action_id, realm.owner)
