"""Jobs: what a client runs, when, and the events that drive it."""

import time

from freezer_api import exception
from freezer_api.objects import client as clients
from freezer_api.objects import documents
from freezer_api.objects import realm as realms
from freezer_api.objects import schedule
from freezer_api.objects import trust as trusts
from freezer_api.schemas import job as schemas

# NOTE: the agent reads the engine from ``engine`` (upstream's check does
# too) and older documents name it ``engine_name``: both are checked.
_CAPABILITY_OF = (('action', 'supported_actions'),
                  ('mode', 'supported_modes'),
                  ('storage', 'supported_storages'),
                  ('engine', 'supported_engines'),
                  ('engine_name', 'supported_engines'))


def expand_action_defaults(doc):
    """Copy ``action_defaults`` into every action that lacks those keys."""
    defaults = doc.pop('action_defaults', None)
    if not defaults:
        return doc
    for job_action in doc.get('job_actions', []):
        action = job_action.setdefault('freezer_action', {})
        for key, value in defaults.items():
            if action.get(key) is None:
                action[key] = value
    return doc


def apply_event(doc, event):
    """Apply a start/stop/abort event to a job; return (doc or None, result).

    ``None`` means the event was already requested: nothing to write.
    """
    job_schedule = doc.setdefault('job_schedule', {})
    if job_schedule.get('event') == event:
        return None, '%s already requested' % event
    job_schedule['event'] = event
    if event == 'start':
        job_schedule['status'] = ''
        job_schedule['result'] = ''
    return doc, 'success'


class Jobs(documents.Documents):
    kind = 'jobs'
    id_field = 'job_id'
    create_schema = schemas.CREATE
    patch_schema = schemas.PATCH
    protected = ('user_id', 'project_id', 'user_credentials')

    def __init__(self, store, conf, hooks=None, trust_rules=None):
        super().__init__(store, conf, hooks)
        self.trusts = trust_rules or trusts.Trusts(store, conf)

    def choose_id(self, realm, body):
        # NOTE: v1 always made a new id; v2 honours the caller's.
        if realm.api == 'v1':
            return documents.new_id()
        return super().choose_id(realm, body)

    def build(self, realm, body, doc_id):
        # NOTE: user_credentials name a Keystone trust; only the API sets
        # them (check_new), never the body.
        body = {k: v for k, v in body.items() if k != 'user_credentials'}
        doc = expand_action_defaults(super().build(realm, body, doc_id))
        doc.setdefault('job_schedule', {})
        return doc

    def stamp_created(self, doc):
        doc['job_schedule'].update(time_created=int(time.time()),
                                   time_started=-1, time_ended=-1)

    def check_new(self, realm, doc):
        self.check(realm, doc)
        client = self.check_client(realm, doc)
        # NOTE: the trust is made before the job is written, so that a
        # refusal stores nothing. Should the write then fail, the trust
        # stays for the caller's next job on the project (it is reused).
        if self.trusts.needed(realm, client):
            credentials = self.trusts.credentials(realm, doc['job_id'])
            if credentials:
                doc['user_credentials'] = credentials

    def check(self, realm, doc):
        schedule.check(doc.get('job_schedule', {}))

    def find_client(self, realm, client_id):
        """The client a job of the realm may name: the project's own,
        else a central client with that client_id.

        :raises Unprocessable: neither exists.
        """
        client = clients.named(self.store, realms.owner(realm), client_id)
        if client is None:
            raise exception.Unprocessable(
                'Client %s not found' % client_id,
                code='freezer.job.client_not_found')
        return client

    def check_client(self, realm, doc):
        """The job's client must be visible to the project and support
        every action (v2 and later; v1 never checked). Return the client
        (None on v1).
        """
        if realm.api == 'v1':
            return None
        client = self.find_client(realm, doc['client_id'])
        supported = clients.capabilities(client)
        for job_action in doc.get('job_actions', []):
            action = job_action.get('freezer_action', {})
            for field, capability in _CAPABILITY_OF:
                value = action.get(field)
                if value is not None and value not in supported[capability]:
                    raise exception.Unprocessable(
                        'Client %s does not support %s %r'
                        % (doc['client_id'], field, value),
                        code='freezer.job.unsupported_action')
        return client

    def update(self, realm, doc_id, patch):
        """PATCH; a job moved onto a client that needs a trust gets one
        (made first: a refusal changes nothing).
        """
        credentials = None
        if (realm.api != 'v1' and isinstance(patch, dict)
                and isinstance(patch.get('client_id'), str)):
            client = self.find_client(realm, patch['client_id'])
            if self.trusts.needed(realm, client):
                credentials = self.trusts.credentials(realm, doc_id)
        version = super().update(realm, doc_id, patch)
        if not credentials:
            return version

        def add(doc):
            if trusts.trust_id_of(doc):
                return None, None
            return dict(doc, user_credentials=credentials), None

        return self.modify(realm, doc_id, add)[1]

    def replace(self, realm, doc_id, body):
        before = self._stored_trust(realm, doc_id)
        version = super().replace(realm, doc_id, body)
        self.trusts.release(realm, before)
        return version

    def delete(self, realm, doc_id):
        """Delete a job; then its trust, when no other job names it."""
        owner = realms.owner(realm)
        for _ in range(self.conf.api.max_retries_on_conflict):
            record = self.store.get(self.kind, doc_id, owner)
            try:
                self.store.delete(self.kind, doc_id, owner,
                                  version=record.version)
                break
            except exception.VersionConflict:
                continue
        else:
            raise exception.Conflict('job %s is being changed by too many '
                                     'requests; try again' % doc_id)
        self.trusts.release(realm, trusts.trust_id_of(record.doc))

    def _stored_trust(self, realm, doc_id):
        try:
            return trusts.trust_id_of(
                self.store.get(self.kind, doc_id, realms.owner(realm)).doc)
        except exception.NotFound:
            return None

    def merged(self, realm, doc, patch):
        return expand_action_defaults(documents.merge(doc, patch))

    def check_update(self, realm, doc, patch):
        self.check(realm, doc)
        if 'job_actions' in patch or 'client_id' in patch:
            self.check_client(realm, doc)

    def list(self, realm, search_filter=None, limit=10, offset=0,
             marker=None):
        jobs = super().list(realm, search_filter, limit, offset, marker)
        if self.hooks.active:
            for item in (search_filter or {}).get('match', []):
                if isinstance(item, dict) and 'client_id' in item:
                    self.hooks.jobs_polled(realm, item['client_id'])
        return jobs

    def event(self, realm, job_id, body):
        """Apply ``{"start"|"stop"|"abort": ...}``; return the result text."""
        if not isinstance(body, dict) or len(body) != 1:
            raise exception.BadRequest('Bad event request format: send one '
                                       'of start, stop or abort')
        self.validate(schemas.EVENT, body)
        event = next(iter(body))

        def change(doc):
            if event == 'start' and self.hooks.active:
                self.hooks.before_start(realm, doc)
            return apply_event(doc, event)

        return self.modify(realm, job_id, change)[0]
