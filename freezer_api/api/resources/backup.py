"""/backups: backup metadata."""

from freezer_api.api.resources import base


class _Backups:
    kind = 'backups'
    id_field = 'backup_id'


class Collection(_Backups, base.List, base.Create):
    pass


class ItemV1(_Backups, base.Show, base.Delete):
    """v1 has no PATCH of backups."""


class Item(ItemV1):
    def on_patch(self, req, resp, item_id, project_id=None):
        realm = self.realm(req, self.rule('update'), project_id)
        resp.media = self.docs.update(realm, item_id, self.patch_body(req))
