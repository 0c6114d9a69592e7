"""Backups: backup metadata wrapped with its owner."""

from freezer_api import exception
from freezer_api.objects import documents
from freezer_api.objects import merge_patch
from freezer_api.schemas import backup as schemas

#: The status of a backup created without one (upstream's default).
DEFAULT_STATUS = 'available'


class Backups(documents.Documents):
    kind = 'backups'
    id_field = 'backup_id'
    create_schema = schemas.CREATE
    patch_schema = schemas.PATCH

    def choose_id(self, realm, body):
        return documents.new_id()

    def build(self, realm, body, doc_id):
        metadata = dict(body)
        doc = {'backup_id': doc_id, 'user_id': realm.user_id,
               'user_name': realm.user_name, 'project_id': realm.project_id,
               'backup_metadata': metadata,
               'status': metadata.pop('status', DEFAULT_STATUS)}
        return doc

    def view(self, realm, doc):
        shown = {'backup_id': doc['backup_id'], 'user_id': doc['user_id']}
        if realm.api == 'v1':
            shown['user_name'] = doc.get('user_name')
        else:
            shown['project_id'] = doc['project_id']
            # NOTE: documents stored before the default existed have no
            # status; they read back as a new one would.
            shown['status'] = doc.get('status') or DEFAULT_STATUS
        shown['backup_metadata'] = doc['backup_metadata']
        return shown

    def update(self, realm, doc_id, patch):
        """Set ``status`` and merge ``backup_metadata``; return the view."""
        self.validate(self.patch_schema, patch)
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
                self.validate(self.create_schema, meta)
                doc['backup_metadata'] = meta
            return doc, doc

        doc, _version = self.modify(realm, doc_id, change)
        return self.view(realm, doc)
