"""/clients: registered freezer clients (schedulers/agents)."""

from freezer_api.api import microversion
from freezer_api.api.resources import base
from freezer_api.policies import client as client_rules
from freezer_api.storage import base as storage_base


def _makes_central(body):
    """True when a registration or PATCH body sets ``is_central``, flat or
    wrapped in ``{"client": {...}}`` (either counts: the safe side).
    """
    wrapped = body.get('client')
    return (body.get('is_central') is True
            or (isinstance(wrapped, dict)
                and wrapped.get('is_central') is True))


class _Clients:
    kind = 'clients'
    rules = client_rules.CRUD
    id_field = 'client_id'

    def shown(self, req, doc):
        if microversion.wants(req, '3.5'):
            services = self.deps.documents['clusters'].services
            # NOTE: from 3.5 only, so the client is its project's (v3).
            doc['service'] = services.client_view(
                storage_base.Scope(project_id=doc['project_id']),
                doc['client_id'])
        return doc

    def checked_body(self, req, project_id, body=None):
        """The body (read unless given); one that makes a client central
        needs ``clients:create_central`` on top of the route's rule.
        """
        body = self.body(req) if body is None else body
        if _makes_central(body):
            self.realm(req, client_rules.CREATE_CENTRAL, project_id)
        return body


class Collection(_Clients, base.List, base.Create):
    def on_post(self, req, resp, project_id=None):
        realm = self.realm(req, self.rules.create, project_id)
        body = self.checked_body(req, project_id)
        self.created(req, resp, self.docs.create(realm, body))


class Item(_Clients, base.Show, base.Update, base.Delete):
    def on_patch(self, req, resp, item_id, project_id=None):
        # NOTE: PATCHing is_central in would otherwise let a member turn
        # the project's client into a central one.
        realm = self.realm(req, self.rules.update, project_id)
        body = self.checked_body(req, project_id, self.patch_body(req))
        version = self.docs.update(realm, item_id, body)
        resp.media = {self.id_field: item_id, 'version': version}
