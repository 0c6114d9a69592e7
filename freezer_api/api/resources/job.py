"""/jobs: jobs, and /jobs/{id}/event."""

import falcon

from freezer_api.api import params
from freezer_api.api.resources import base


class _Jobs:
    kind = 'jobs'
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
                            req.context.ctx, self.rule('get_all_projects'),
                            project_id))
        return self.realm(req, self.rule('get_all'), project_id,
                          all_projects)


class Item(_Jobs, base.Show, base.Replace, base.Update, base.Delete):
    # NOTE: upstream authorizes the POST-replace of a job as jobs:create.
    replace_rule = 'create'


class Event(_Jobs, base.Resource):
    def on_post(self, req, resp, item_id, project_id=None):
        realm = self.realm(req, self.rule('event:create'), project_id)
        result = self.docs.event(realm, item_id, self.body(req))
        resp.status = falcon.HTTP_202
        resp.media = {'result': result}
