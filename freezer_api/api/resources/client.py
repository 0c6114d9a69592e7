"""/clients: registered freezer clients (schedulers/agents)."""

import falcon

from freezer_api.api.resources import base


class _Clients:
    kind = 'clients'
    id_field = 'client_id'


class Collection(_Clients, base.List, base.Create):
    def on_post(self, req, resp, project_id=None):
        realm = self.realm(req, self.rule('create'), project_id)
        body = self.body(req)
        info = body.get('client') if isinstance(body.get('client'),
                                                dict) else body
        if info.get('is_central') is True:
            self.realm(req, self.rule('create_central'), project_id)
        client_id = self.docs.create(realm, body)
        resp.status = falcon.HTTP_201
        resp.media = {'client_id': client_id}


class Item(_Clients, base.Show, base.Update, base.Delete):
    pass
