"""Rules of actions (reusable freezer_action definitions)."""

from freezer_api.policies import base

GET_ALL = 'actions:get_all'
GET = 'actions:get'
CREATE = 'actions:create'
UPDATE = 'actions:update'
REPLACE = 'actions:replace'
DELETE = 'actions:delete'

CRUD = base.Crud(GET_ALL, GET, CREATE, DELETE, update=UPDATE,
                 replace=REPLACE)


def list_rules():
    return base.crud_rules('action', 'actions',
                           base.ADMIN_OR_READER_OR_SERVICE,
                           base.ADMIN_OR_OWNER, CRUD)
