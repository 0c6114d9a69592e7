"""Clients: the freezer agents/schedulers registered to receive jobs.

The stored document is ``{"client": client_info, "user_id", "project_id"}``
and its id is ``client_info.client_id`` (by convention
``<project>_<hostname>``), unique within its owner (the user on v1, the
project on v2/v3): two projects register two clients of one client_id.
"""

from freezer_api import exception
from freezer_api.objects import documents
from freezer_api.objects import merge_patch
from freezer_api.objects import realm as realms
from freezer_api import retry
from freezer_api.schemas import client as schemas
from freezer_api.schemas import common
from freezer_api.storage import base
from freezer_api.storage import query as q

CAPABILITIES = {
    'supported_actions': common.SUPPORTED_ACTIONS,
    'supported_modes': common.SUPPORTED_MODES,
    'supported_storages': common.SUPPORTED_STORAGES,
    'supported_engines': common.SUPPORTED_ENGINES,
}


def _client_info(body):
    """Accept the flat client_info or the wrapped ``{"client": {...}}``."""
    if (isinstance(body, dict) and isinstance(body.get('client'), dict)
            and 'client_id' not in body):
        return body['client']
    return body


def capabilities(client_doc):
    """The client's ``supported_*`` lists, defaults filled in."""
    info = client_doc.get('client', {})
    return {key: info.get(key) or list(default)
            for key, default in CAPABILITIES.items()}


def named(store, scope, client_id):
    """The client document a job owned by ``scope`` names by
    ``client_id``: the owner's own client, else a central one; None when
    there is neither.
    """
    try:
        return store.get('clients', client_id, scope).doc
    except exception.NotFound:
        pass
    central = q.Query(must=(q.condition_term('client.client_id', client_id),
                            q.condition_term('client.is_central', True)))
    found = store.search('clients', base.ANY, central, limit=1)
    return found[0].doc if found else None


class Clients(documents.Kind):
    kind = 'clients'
    id_field = 'client_id'
    create_schema = schemas.CLIENT_INFO
    patch_schema = schemas.PATCH

    def view(self, realm, doc):
        shown = dict(doc)
        info = dict(doc['client'])
        info.update(capabilities(doc))
        info.setdefault('is_central', False)
        info.setdefault('description', '')
        shown['client'] = info
        shown['client_id'] = info['client_id']
        return shown

    def create(self, realm, body):
        """Register a client; return its client_id.

        A per-user realm (v1) refuses the user's second registration (409,
        as v1 did); a project's realm updates the project's own client (a
        restarting scheduler). Other owners' clients of that client_id are
        never looked at.
        """
        body = _client_info(body)
        documents.validate(schemas.CLIENT_INFO, body, self.noun)
        client_id = body['client_id']
        doc = self._register(realm, client_id, body)
        if self.hooks.active:
            self.hooks.client_registered(realm, doc)
        return client_id

    def _register(self, realm, client_id, body):
        """Store a new registration or update the owner's; return it."""
        info = dict(body)
        info.setdefault('uuid', documents.new_id())
        doc = dict(realms.owner_fields(realm), client=info)
        for _ in retry.attempts(self.attempts, self.kind, client_id):
            try:
                self.store.create(self.kind, client_id, doc, realm.owner)
                return doc
            except exception.AlreadyExists:
                if not realm.by_project:
                    raise exception.AlreadyExists(
                        'Client %s already registered' % client_id,
                        kind=self.kind, doc_id=client_id)
            try:
                return self._reregister(realm, client_id, body)
            except exception.NotFound:
                # NOTE: deleted since our create failed: register anew.
                continue

    def _reregister(self, realm, client_id, body):
        def change(doc):
            info = dict(doc['client'])
            info.update(body)
            doc['client'] = info
            doc['user_id'] = realm.user_id
            return doc, doc

        return self.modify(realm, client_id, change)[0]

    def update(self, realm, client_id, patch):
        """Merge flat client fields into the registration."""
        patch = merge_patch.like(patch, _client_info(patch))
        documents.validate(schemas.PATCH, patch, self.noun)
        if patch.get('client_id', client_id) != client_id:
            raise exception.BadRequest('client_id cannot be changed')

        def change(doc):
            if isinstance(patch, merge_patch.MergePatch):
                info = merge_patch.apply(doc['client'], patch)
                documents.validate(schemas.CLIENT_INFO, info, self.noun)
            else:
                info = dict(doc['client'], **patch)
            doc['client'] = info
            return doc, None

        return self.modify(realm, client_id, change)[1]

    def delete(self, realm, client_id):
        self.store.delete(self.kind, client_id, realm.owner)
        if self.hooks.active:
            self.hooks.client_deleted(realm, client_id)

    def replace(self, realm, client_id, body):
        raise exception.BadRequest('Clients are replaced by registering '
                                   'them again')
