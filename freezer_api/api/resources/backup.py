"""/backups: backup metadata."""

from freezer_api.api.resources import base
from freezer_api.policies import backup as backup_rules


class _Backups:
    kind = 'backups'
    rules = backup_rules.CRUD
    id_field = 'backup_id'


class Collection(_Backups, base.List, base.Create):
    pass


class ItemV1(_Backups, base.Show, base.Delete):
    """v1 has no PATCH of backups."""


class Item(ItemV1):
    def on_patch(self, req, resp, item_id, project_id=None):
        realm = self.realm(req, self.rules.update, project_id)
        resp.media = self.docs.update(realm, item_id, self.patch_body(req))
