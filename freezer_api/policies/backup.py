"""Rules of backups: service users (agents of a central scheduler) may
write backup metadata too.
"""

from freezer_api.policies import base

GET_ALL = 'backups:get_all'
GET = 'backups:get'
CREATE = 'backups:create'
UPDATE = 'backups:update'
DELETE = 'backups:delete'

CRUD = base.Crud(GET_ALL, GET, CREATE, DELETE, update=UPDATE, replace=None)


def list_rules():
    # NOTE: v1 has no PATCH of backups.
    return base.crud_rules('backup', 'backups',
                           base.ADMIN_OR_READER_OR_SERVICE,
                           base.ADMIN_OR_OWNER_OR_SERVICE, CRUD,
                           update_versions=(base.V2, base.V3))
