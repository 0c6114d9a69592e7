"""Backups: backup metadata wrapped with its owner."""

from freezer_api import exception
from freezer_api.objects import documents
from freezer_api.objects import merge_patch
from freezer_api.schemas import backup as schemas

#: The status of a backup created without one (upstream's default).
DEFAULT_STATUS = 'available'


class Backups(documents.Kind):
    kind = 'backups'
    id_field = 'backup_id'
    create_schema = schemas.CREATE
    patch_schema = schemas.PATCH

    def create(self, realm, body):
        """Store new backup metadata under a fresh id; return the id."""
        documents.validate(schemas.CREATE, body, self.noun)
        backup_id = documents.new_id()
        metadata = dict(body)
        doc = {'backup_id': backup_id, 'user_id': realm.user_id,
               'user_name': realm.user_name, 'project_id': realm.project_id,
               'backup_metadata': metadata,
               'status': metadata.pop('status', DEFAULT_STATUS)}
        self.store.create(self.kind, backup_id, doc, realm.owner)
        return backup_id

    def view(self, realm, doc):
        shown = {'backup_id': doc['backup_id'], 'user_id': doc['user_id']}
        if realm.by_project:
            shown['project_id'] = doc['project_id']
            # NOTE: documents stored before the default existed have no
            # status; they read back as a new one would.
            shown['status'] = doc.get('status') or DEFAULT_STATUS
        else:
            shown['user_name'] = doc.get('user_name')
        shown['backup_metadata'] = doc['backup_metadata']
        return shown

    def update(self, realm, backup_id, patch):
        """Set ``status`` and merge ``backup_metadata``; return the view."""
        documents.validate(schemas.PATCH, patch, self.noun)
        if 'backup_metadata' in patch and patch['backup_metadata'] is None:
            raise exception.InvalidDocument('Invalid backup: '
                                            'backup_metadata is required')

        def change(doc):
            if 'status' in patch:
                doc['status'] = patch['status']
            if 'backup_metadata' in patch:
                meta = documents.merge(doc['backup_metadata'],
                                       merge_patch.like(
                                           patch, patch['backup_metadata']))
                meta.pop('status', None)
                documents.validate(schemas.CREATE, meta, self.noun)
                doc['backup_metadata'] = meta
            return doc, doc

        doc, _version = self.modify(realm, backup_id, change)
        return self.view(realm, doc)

    def delete(self, realm, backup_id):
        self.store.delete(self.kind, backup_id, realm.owner)
