"""Rules of clients (registered schedulers and agents)."""

from freezer_api.policies import base

GET_ALL = 'clients:get_all'
GET = 'clients:get'
CREATE = 'clients:create'
CREATE_CENTRAL = 'clients:create_central'
UPDATE = 'clients:update'
DELETE = 'clients:delete'

CRUD = base.Crud(GET_ALL, GET, CREATE, DELETE, update=UPDATE, replace=None)


def list_rules():
    return base.crud_rules('client', 'clients',
                           base.ADMIN_OR_READER_OR_SERVICE,
                           base.ADMIN_OR_OWNER, CRUD) + [
        base.rule(CREATE_CENTRAL, base.ADMIN_OR_SERVICE,
                  'Register a central client (is_central), which works '
                  'for several projects, or make a client central; '
                  'checked on top of clients:create or clients:update.',
                  base.operations('POST', '/clients')
                  + base.operations('PATCH', '/clients/{client_id}')),
    ]
