"""Rules of jobs and their events."""

from freezer_api.policies import base


def list_rules():
    # NOTE: as upstream, the replace of a job (POST, and PUT from 3.3) is
    # authorized as jobs:create; there is no jobs:replace rule.
    return base.crud_rules('job', 'jobs', base.ADMIN_OR_READER_OR_SERVICE,
                           base.ADMIN_OR_OWNER, replace='create') + [
        base.rule('jobs:event:create', base.ADMIN_OR_OWNER,
                  'Send a start, stop or abort event to a job.',
                  base.operations('POST', '/jobs/{job_id}/event')),
        base.rule('jobs:get_all_projects', base.ADMIN_OR_SERVICE,
                  'List the jobs of every project (all_projects=true); '
                  'checked on top of jobs:get_all. Without it the flag is '
                  'ignored: the URL project\'s jobs are listed.',
                  base.operations('GET', '/jobs?all_projects=true',
                                  (base.V2, base.V3))),
    ]
