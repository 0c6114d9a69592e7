"""/jobs: jobs, and /jobs/{id}/event."""

import falcon

from freezer_api.api import params
from freezer_api.api.resources import base
from freezer_api.policies import job as job_rules


class _Jobs:
    kind = 'jobs'
    rules = job_rules.CRUD
    id_field = 'job_id'


class Collection(_Jobs, base.List, base.Create):
    list_params = base.List.list_params + ('all_projects',)

    def list_realm(self, req, project_id):
        # NOTE: as upstream, all_projects without jobs:get_all_projects is
        # ignored (the URL project's jobs, not a 403): clients send the
        # flag. Unlike upstream, no flag means the URL project's jobs, for
        # admins too.
        all_projects = (self.api != 'v1'
                        and params.boolean(req, 'all_projects')
                        and self.deps.policy.check(
                            req.context.ctx, job_rules.GET_ALL_PROJECTS,
                            project_id))
        return self.realm(req, job_rules.GET_ALL, project_id,
                          all_projects)


class Item(_Jobs, base.Show, base.Replace, base.Update, base.Delete):
    """A job; its replace is authorized as jobs:create, as upstream
    (``policies.job.CRUD``).
    """


class Event(_Jobs, base.Resource):
    def on_post(self, req, resp, item_id, project_id=None):
        realm = self.realm(req, job_rules.EVENT_CREATE, project_id)
        result = self.docs.event(realm, item_id, self.body(req))
        resp.status = falcon.HTTP_202
        resp.media = {'result': result}
