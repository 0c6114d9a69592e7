"""Rules of backups."""

from freezer_api.policies import base


def list_rules():
    return base.crud_rules('backup', 'backups',
                           base.ADMIN_OR_READER_OR_SERVICE,
                           base.ADMIN_OR_OWNER_OR_SERVICE, replace=False)
