"""Rules of sessions: rounds of jobs started and ended together."""

from freezer_api.policies import base

GET_ALL = 'sessions:get_all'
GET = 'sessions:get'
CREATE = 'sessions:create'
UPDATE = 'sessions:update'
REPLACE = 'sessions:replace'
DELETE = 'sessions:delete'
ACTION_CREATE = 'sessions:action:create'
JOB_ADD = 'sessions:job:add'
JOB_REMOVE = 'sessions:job:remove'

CRUD = base.Crud(GET_ALL, GET, CREATE, DELETE, update=UPDATE,
                 replace=REPLACE)

_ITEM = '/sessions/{session_id}'


def list_rules():
    return base.crud_rules('session', 'sessions',
                           base.ADMIN_OR_READER_OR_SERVICE,
                           base.ADMIN_OR_OWNER, CRUD) + [
        base.rule(ACTION_CREATE, base.ADMIN_OR_OWNER,
                  'Start or end a session round.',
                  base.operations('POST', _ITEM + '/action')),
        base.rule(JOB_ADD, base.ADMIN_OR_OWNER,
                  'Add a job to a session.',
                  base.operations('PUT', _ITEM + '/jobs/{job_id}')),
        base.rule(JOB_REMOVE, base.ADMIN_OR_OWNER,
                  'Remove a job from a session.',
                  base.operations('DELETE', _ITEM + '/jobs/{job_id}')),
    ]
