"""Rules of backups: service users (agents of a central scheduler) may
write backup metadata too."""

from freezer_api.policies import base


def list_rules():
    # NOTE: v1 has no PATCH of backups.
    return base.crud_rules('backup', 'backups',
                           base.ADMIN_OR_READER_OR_SERVICE,
                           base.ADMIN_OR_OWNER_OR_SERVICE, replace=False,
                           update_versions=(base.V2, base.V3))
