"""Sessions: jobs that run together, rounds counted by ``session_tag``.

A job *starts* a round when it comes with the current tag outside the
hold-off window (the tag grows by one); jobs arriving within the window with
the previous tag *join* the round. A round is completed when every job in
the session has ended; its result is ``fail`` if any job failed.
"""

import time

from freezer_api import exception
from freezer_api.objects import documents
from freezer_api.objects import schedule
from freezer_api.schemas import session as schemas

DEFAULT_HOLD_OFF = 30


def _job_entry(job_doc):
    job_schedule = job_doc.get('job_schedule', {})
    return {'client_id': job_doc.get('client_id'),
            'status': job_schedule.get('status', ''),
            'result': job_schedule.get('result', ''),
            'time_started': job_schedule.get('time_started', ''),
            'time_ended': job_schedule.get('time_ended', '')}


def _job_of(doc, job_id):
    jobs = doc.get('jobs') or {}
    if job_id not in jobs:
        raise exception.BadRequest('job_id %s not found in session' % job_id)
    return jobs[job_id]


def start(doc, job_id, tag, now):
    """Apply a start; return (doc or None, result)."""
    job = _job_of(doc, job_id)
    session_tag = doc.get('session_tag', 0)
    if tag > session_tag:
        raise exception.BadRequest(
            'requested tag value too high. Session Tag: %d Job Tag: %d'
            % (session_tag, tag))
    within_hold_off = now - doc.get('time_start', -1) <= doc.get(
        'hold_off', DEFAULT_HOLD_OFF)
    if within_hold_off and tag == session_tag:
        return None, 'hold-off'
    if not within_hold_off and tag < session_tag:
        return None, 'out-of-sync'
    if not within_hold_off:
        doc.update(session_tag=session_tag + 1, time_start=now,
                   status='running', result='')
    job.update(status='running', result='', time_started=now)
    return doc, 'success'


def overall_result(jobs):
    """'running' until every job completed, then 'fail' or 'success'."""
    entries = list(jobs.values())
    if any(entry.get('status') != 'completed' for entry in entries):
        return 'running'
    if any(entry.get('result') != 'success' for entry in entries):
        return 'fail'
    return 'success'


def end(doc, job_id, tag, result, now):
    """Apply an end; return (doc, 'success').

    ``tag`` None (not sent) ends the job in whatever round is running.

    :raises BadRequest: the job is not in the session, or ``tag`` is not
        the session's (a stale end).
    """
    job = _job_of(doc, job_id)
    session_tag = doc.get('session_tag', 0)
    if tag is not None and tag != session_tag:
        raise exception.BadRequest(
            'tag %d does not match the session tag %d' % (tag, session_tag))
    job.update(status='completed', result=result, time_ended=now)
    overall = overall_result(doc['jobs'])
    if doc.get('status') != 'completed' and overall != 'running':
        doc.update(status='completed', result=overall, time_end=now)
    return doc, 'success'


#: Fields only the service sets on a session: a PATCH never changes them
#: (the jobs change through ``add_job``/``remove_job`` alone).
PROTECTED = documents.OWNER_FIELDS + ('session_id', 'jobs')


class Sessions(documents.Kind):
    kind = 'sessions'
    id_field = 'session_id'
    create_schema = schemas.CREATE
    replace_schema = schemas.REPLACE
    patch_schema = schemas.PATCH

    def __init__(self, store, conf, hooks=None, jobs=None):
        super().__init__(store, conf, hooks)
        self.jobs = jobs

    def create(self, realm, body):
        """Store a new session under a fresh id; return the id."""
        documents.validate(schemas.CREATE, body, self.noun)
        session_id = documents.new_id()
        doc = self._built(realm, body, session_id)
        self.store.create(self.kind, session_id, doc, realm.owner)
        return session_id

    def replace(self, realm, session_id, body):
        """Create or replace the realm's session, keeping its jobs; return
        its version.
        """
        documents.validate(schemas.REPLACE, body, self.noun)
        doc = self._built(realm, body, session_id)
        return self.put(realm, session_id, doc, keep=lambda stored, new: dict(
            new, jobs=stored.get('jobs', {})))

    def update(self, realm, session_id, patch):
        """Merge ``patch`` into the session; return the new version."""
        documents.validate(schemas.PATCH, patch, self.noun)
        patch = documents.writable(patch, PROTECTED)

        def change(doc):
            merged = documents.merge(doc, patch)
            documents.validate(schemas.REPLACE, merged, self.noun)
            schedule.check(merged.get('schedule', {}))
            return merged, None

        return self.modify(realm, session_id, change)[1]

    def delete(self, realm, session_id):
        self.store.delete(self.kind, session_id, realm.owner)

    def _built(self, realm, body, session_id):
        """The session a create or replace stores for ``body``."""
        doc = documents.owned(realm, body, self.id_field, session_id)
        doc.setdefault('session_tag', 0)
        doc.setdefault('hold_off', DEFAULT_HOLD_OFF)
        doc.setdefault('status', 'active')
        doc.setdefault('time_start', -1)
        doc.setdefault('time_end', -1)
        # NOTE: the jobs of a session change only through add/remove_job;
        # whatever a body says of them is ignored (clients send a list).
        doc['jobs'] = {}
        schedule.check(doc.get('schedule', {}))
        return doc

    def action(self, realm, session_id, body):
        """Apply a start or end; return ``(result, session_tag)``."""
        documents.validate(schemas.ACTION, body, self.noun)
        name, params = next(iter(body.items()))
        tag = params.get('current_tag')
        tag = None if tag is None else int(tag)
        now = int(time.time())
        if name == 'start':
            self._before_start(realm, params['job_id'])

            def change(doc):
                new, result = start(doc, params['job_id'], tag, now)
                return new, (result, (new or doc).get('session_tag', 0))
        else:
            def change(doc):
                new, result = end(doc, params['job_id'], tag,
                                  params['result'], now)
                return new, (result, new.get('session_tag', 0))
        return self.modify(realm, session_id, change)[0]

    def _before_start(self, realm, job_id):
        if not self.hooks.active:
            return
        try:
            job = self.store.get('jobs', job_id, realm.owner).doc
        except exception.NotFound:
            return
        self.hooks.before_start(realm, job)

    def add_job(self, realm, session_id, job_id):
        """Put a job in the session; the job takes the session's
        schedule and tag.
        """
        job = self.store.get('jobs', job_id, realm.owner).doc

        def add(doc):
            doc.setdefault('jobs', {})[job_id] = _job_entry(job)
            return doc, doc

        session = self.modify(realm, session_id, add)[0]

        def join(doc):
            doc['session_id'] = session_id
            doc['session_tag'] = session.get('session_tag', 0)
            doc['job_schedule'] = documents.merge(
                doc.get('job_schedule', {}), session.get('schedule', {}))
            return doc, None

        self.jobs.modify(realm, job_id, join)

    def remove_job(self, realm, session_id, job_id):
        """Take a job out of the session; the job is told to stop."""
        def remove(doc):
            if job_id not in (doc.get('jobs') or {}):
                raise exception.NotFound(
                    'Job %s is not in session %s' % (job_id, session_id))
            del doc['jobs'][job_id]
            return doc, None

        self.modify(realm, session_id, remove)

        def leave(doc):
            if doc.get('session_id') != session_id:
                return None, None
            doc.update(session_id='', session_tag=0)
            doc.setdefault('job_schedule', {})['event'] = 'stop'
            return doc, None

        try:
            self.jobs.modify(realm, job_id, leave)
        except exception.NotFound:
            pass
