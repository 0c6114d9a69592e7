"""/sessions, /sessions/{id}/action and /sessions/{id}/jobs/{job_id}."""

import falcon

from freezer_api.api.resources import base
from freezer_api.policies import session as session_rules


class _Sessions:
    kind = 'sessions'
    rules = session_rules.CRUD
    id_field = 'session_id'


class Collection(_Sessions, base.List, base.Create):
    pass


class Item(_Sessions, base.Show, base.Replace, base.Update, base.Delete):
    pass


class Action(_Sessions, base.Resource):
    def on_post(self, req, resp, item_id, project_id=None):
        realm = self.realm(req, session_rules.ACTION_CREATE, project_id)
        result, tag = self.docs.action(realm, item_id, self.body(req))
        resp.status = falcon.HTTP_202
        resp.media = {'result': result, 'session_tag': tag}


class Job(_Sessions, base.Resource):
    def on_put(self, req, resp, item_id, job_id, project_id=None):
        realm = self.realm(req, session_rules.JOB_ADD, project_id)
        self.docs.add_job(realm, item_id, job_id)
        resp.status = falcon.HTTP_204

    def on_delete(self, req, resp, item_id, job_id, project_id=None):
        realm = self.realm(req, session_rules.JOB_REMOVE, project_id)
        self.docs.remove_job(realm, item_id, job_id)
        resp.status = falcon.HTTP_204
