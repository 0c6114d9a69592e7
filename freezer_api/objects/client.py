"""Clients: the freezer agents/schedulers registered to receive jobs.

The stored document is ``{"client": client_info, "user_id", "project_id"}``
and its id is ``client_info.client_id`` (by convention
``<project>_<hostname>``), unique across projects.
"""

from freezer_api import exception
from freezer_api.objects import documents
from freezer_api.objects import realm as realms
from freezer_api.schemas import client as schemas
from freezer_api.schemas import common

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


class Clients(documents.Documents):
    kind = 'clients'
    id_field = 'client_id'
    create_schema = schemas.CLIENT_INFO
    patch_schema = schemas.PATCH

    def build(self, realm, body, doc_id):
        info = dict(body)
        info.setdefault('uuid', documents.new_id())
        doc = {'client': info}
        doc.update(realms.owner_fields(realm))
        return doc

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

        v1 refuses a second registration (409, as v1 did); v2 and later
        update the project's own client (a restarting scheduler) and refuse
        a client_id that another project owns.
        """
        body = _client_info(body)
        self.validate(self.create_schema, body)
        client_id = body['client_id']
        doc = self.build(realm, body, client_id)
        try:
            self.store.create(self.kind, client_id, doc)
        except exception.AlreadyExists:
            if realm.api == 'v1':
                raise exception.AlreadyExists(
                    self.kind, client_id,
                    'Client %s already registered' % client_id)
            doc = self._reregister(realm, client_id, body)
        if self.hooks.active:
            self.hooks.client_registered(realm, doc)
        return client_id

    def _reregister(self, realm, client_id, body):
        def change(doc):
            info = dict(doc['client'])
            info.update(body)
            doc['client'] = info
            doc['user_id'] = realm.user_id
            return doc, doc

        try:
            return self.modify(realm, client_id, change)[0]
        except exception.NotFound:
            raise exception.AlreadyExists(
                self.kind, client_id,
                'Client %s is registered by another project' % client_id)

    def update(self, realm, doc_id, patch):
        """Merge flat client fields into the registration."""
        patch = _client_info(patch)
        self.validate(self.patch_schema, patch)
        if patch.get('client_id', doc_id) != doc_id:
            raise exception.BadRequest('client_id cannot be changed')

        def change(doc):
            info = dict(doc['client'])
            info.update(patch)
            doc['client'] = info
            return doc, None

        return self.modify(realm, doc_id, change)[1]

    def delete(self, realm, doc_id):
        super().delete(realm, doc_id)
        if self.hooks.active:
            self.hooks.client_deleted(realm, doc_id)

    def replace(self, realm, doc_id, body):
        raise exception.BadRequest('Clients are replaced by registering '
                                   'them again')
