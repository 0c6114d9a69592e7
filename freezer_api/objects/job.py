"""Jobs: what a client runs, when, and the events that drive it."""

import time

from freezer_api import exception
from freezer_api.objects import client as clients
from freezer_api.objects import documents
from freezer_api.objects import schedule
from freezer_api.objects import trust as trusts
from freezer_api import retry
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


#: Fields only the service sets on a job: a PATCH never changes them.
PROTECTED = documents.OWNER_FIELDS + ('job_id', 'user_credentials')


class Jobs(documents.Kind):
    kind = 'jobs'
    id_field = 'job_id'
    create_schema = schemas.CREATE
    patch_schema = schemas.PATCH

    def __init__(self, store, conf, hooks=None, trust_rules=None):
        super().__init__(store, conf, hooks)
        self.trusts = trust_rules or trusts.Trusts(store, conf)

    def create(self, realm, body):
        """Store a new job; return its id (the body's where the realm lets
        callers name ids, else a fresh one).
        """
        documents.validate(schemas.CREATE, body, self.noun)
        job_id = (realm.by_project and body.get('job_id')) or (
            documents.new_id())
        doc = self._built(realm, body, job_id)
        doc['job_schedule'].update(time_created=int(time.time()),
                                   time_started=-1, time_ended=-1)
        self._check_new(realm, doc)
        self.store.create(self.kind, job_id, doc, realm.owner)
        return job_id

    def replace(self, realm, job_id, body):
        """Create or replace the realm's job; return its version. The
        trust the old job named is released when no job names it.
        """
        documents.validate(schemas.CREATE, body, self.noun)
        doc = self._built(realm, body, job_id)
        self._check_new(realm, doc)
        before = self._stored_trust(realm, job_id)
        version = self.put(realm, job_id, doc)
        self.trusts.release(realm, before)
        return version

    def update(self, realm, job_id, patch):
        """Merge ``patch``; return the new version. A job moved onto a
        client that needs a trust gets one (made first: a refusal changes
        nothing).
        """
        documents.validate(schemas.PATCH, patch, self.noun)
        credentials = None
        if realm.by_project and isinstance(patch.get('client_id'), str):
            client = self.find_client(realm, patch['client_id'])
            if self.trusts.needed(realm, client):
                credentials = self.trusts.credentials(realm, job_id)
        patch = documents.writable(patch, PROTECTED)

        def change(doc):
            merged = expand_action_defaults(documents.merge(doc, patch))
            documents.validate(schemas.CREATE, merged, self.noun)
            schedule.check(merged.get('job_schedule', {}))
            if 'job_actions' in patch or 'client_id' in patch:
                self.check_client(realm, merged)
            if credentials and not trusts.trust_id_of(merged):
                merged['user_credentials'] = credentials
            return merged, None

        return self.modify(realm, job_id, change)[1]

    def delete(self, realm, job_id):
        """Delete a job; then its trust, when no other job names it."""
        for _ in retry.attempts(self.attempts, self.kind, job_id):
            record = self.store.get(self.kind, job_id, realm.owner)
            try:
                self.store.delete(self.kind, job_id, realm.owner,
                                  version=record.version)
                break
            except exception.VersionConflict:
                continue
        self.trusts.release(realm, trusts.trust_id_of(record.doc))

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
        documents.validate(schemas.EVENT, body, self.noun)
        event = next(iter(body))

        def change(doc):
            if event == 'start' and self.hooks.active:
                self.hooks.before_start(realm, doc)
            return apply_event(doc, event)

        return self.modify(realm, job_id, change)[0]

    def find_client(self, realm, client_id):
        """The client a job of the realm may name: the project's own,
        else a central client with that client_id.

        :raises Unprocessable: neither exists.
        """
        client = clients.named(self.store, realm.owner, client_id)
        if client is None:
            raise exception.Unprocessable(
                'Client %s not found' % client_id,
                code='freezer.job.client_not_found')
        return client

    def check_client(self, realm, doc):
        """The job's client must be visible to the project and support
        every action (project realms; v1 never checked). Return the client
        (None for a per-user realm).
        """
        if not realm.by_project:
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

    def _built(self, realm, body, job_id):
        """The job a create or replace stores for ``body``."""
        # NOTE: user_credentials name a Keystone trust; only the API sets
        # them (_check_new), never the body.
        body = {k: v for k, v in body.items() if k != 'user_credentials'}
        doc = expand_action_defaults(
            documents.owned(realm, body, self.id_field, job_id))
        doc.setdefault('job_schedule', {})
        return doc

    def _check_new(self, realm, doc):
        """The rules of a stored job, and its trust where one is needed."""
        schedule.check(doc['job_schedule'])
        client = self.check_client(realm, doc)
        # NOTE: the trust is made before the job is written, so that a
        # refusal stores nothing. Should the write then fail, the trust
        # stays for the caller's next job on the project (it is reused).
        if self.trusts.needed(realm, client):
            credentials = self.trusts.credentials(realm, doc['job_id'])
            if credentials:
                doc['user_credentials'] = credentials

    def _stored_trust(self, realm, job_id):
        try:
            return trusts.trust_id_of(
                self.store.get(self.kind, job_id, realm.owner).doc)
        except exception.NotFound:
            return None
