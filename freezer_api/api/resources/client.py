"""/clients: registered freezer clients (schedulers/agents)."""

from freezer_api.api import microversion
from freezer_api.api.resources import base


class _Clients:
    kind = 'clients'
    id_field = 'client_id'

    def shown(self, req, doc):
        if microversion.wants(req, '3.5'):
            services = self.deps.documents['clusters'].services
            doc['service'] = services.client_view(doc['client_id'])
        return doc


class Collection(_Clients, base.List, base.Create):
    def on_post(self, req, resp, project_id=None):
        realm = self.realm(req, self.rule('create'), project_id)
        body = self.body(req)
        info = body.get('client') if isinstance(body.get('client'),
                                                dict) else body
        if info.get('is_central') is True:
            self.realm(req, self.rule('create_central'), project_id)
        self.created(req, resp, self.docs.create(realm, body))


class Item(_Clients, base.Show, base.Update, base.Delete):
    pass
