"""Rules of jobs."""

from freezer_api.policies import base


def list_rules():
    # NOTE: upstream checks jobs:create for the POST-replace of a job too;
    # jobs:replace is kept for operators who name it, with the same default.
    return base.crud_rules('job', 'jobs', base.ADMIN_OR_READER_OR_SERVICE,
                           base.ADMIN_OR_OWNER) + [
        base.rule('jobs:event:create', base.ADMIN_OR_OWNER,
                  'Send a start, stop or abort event to a job.',
                  [('POST', '/v2/{project_id}/jobs/{job_id}/event')]),
        base.rule('jobs:get_all_projects', base.ADMIN_OR_SERVICE,
                  'List the jobs of every project (all_projects=True).',
                  [('GET', '/v2/{project_id}/jobs')]),
    ]
