"""Rules of sessions: rounds of jobs started and ended together."""

from freezer_api.policies import base

_ITEM = '/sessions/{session_id}'


def list_rules():
    return base.crud_rules('session', 'sessions',
                           base.ADMIN_OR_READER_OR_SERVICE,
                           base.ADMIN_OR_OWNER) + [
        base.rule('sessions:action:create', base.ADMIN_OR_OWNER,
                  'Start or end a session round.',
                  base.operations('POST', _ITEM + '/action')),
        base.rule('sessions:job:add', base.ADMIN_OR_OWNER,
                  'Add a job to a session.',
                  base.operations('PUT', _ITEM + '/jobs/{job_id}')),
        base.rule('sessions:job:remove', base.ADMIN_OR_OWNER,
                  'Remove a job from a session.',
                  base.operations('DELETE', _ITEM + '/jobs/{job_id}')),
    ]
