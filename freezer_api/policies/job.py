"""Rules of jobs and their events."""

from freezer_api.policies import base

GET_ALL = 'jobs:get_all'
GET_ALL_PROJECTS = 'jobs:get_all_projects'
GET = 'jobs:get'
CREATE = 'jobs:create'
UPDATE = 'jobs:update'
DELETE = 'jobs:delete'
EVENT_CREATE = 'jobs:event:create'

# NOTE: as upstream, the replace of a job (POST, and PUT from 3.3) is
# authorized as jobs:create; there is no jobs:replace rule.
CRUD = base.Crud(GET_ALL, GET, CREATE, DELETE, update=UPDATE, replace=CREATE)


def list_rules():
    return base.crud_rules('job', 'jobs', base.ADMIN_OR_READER_OR_SERVICE,
                           base.ADMIN_OR_OWNER, CRUD) + [
        base.rule(EVENT_CREATE, base.ADMIN_OR_OWNER,
                  'Send a start, stop or abort event to a job.',
                  base.operations('POST', '/jobs/{job_id}/event')),
        base.rule(GET_ALL_PROJECTS, base.ADMIN_OR_SERVICE,
                  'List the jobs of every project (all_projects=true); '
                  'checked on top of jobs:get_all. Without it the flag is '
                  'ignored: the URL project\'s jobs are listed.',
                  base.operations('GET', '/jobs?all_projects=true',
                                  (base.V2, base.V3))),
    ]
