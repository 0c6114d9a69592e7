"""Keystone trusts of jobs: which jobs need one, which trust they get, and
when a trust is no longer used.

A job for a central client (every v2/v3 job with ``[centralized_scheduler]
enforce_trusts``) carries ``user_credentials: {trust_id, trustor_user_id}``:
the caller trusts the service user of ``auth_section`` with
``trusts_delegated_roles`` on the job's project, so that a central
scheduler can act for it. One trust serves every job of the same trustor,
trustee and project; deleting the last job that names it deletes it.
"""

import logging

from freezer_api import exception
from freezer_api import keystone as keystone_api
from freezer_api.storage import base
from freezer_api.storage import query as q

LOG = logging.getLogger(__name__)


def trust_id_of(doc):
    """The trust id a stored job names, or None."""
    credentials = (doc or {}).get('user_credentials')
    if isinstance(credentials, dict):
        return credentials.get('trust_id')
    return None


def _reusable(trust, trustee_id, project_id):
    return (trust.get('trustee_user_id') == trustee_id
            and trust.get('project_id') == project_id
            and not trust.get('impersonation')
            and trust.get('expires_at') is None
            and trust.get('remaining_uses') is None)


class Trusts:
    """The trust rules, over a store (who uses a trust) and Keystone."""

    def __init__(self, store, conf, keystone=None):
        self.store = store
        self.conf = conf
        self._keystone = keystone

    @property
    def keystone(self):
        # NOTE: built on first use, so that a deployment that never makes
        # a trust never loads the auth section.
        if self._keystone is None:
            self._keystone = keystone_api.Keystone(self.conf)
        return self._keystone

    @property
    def options(self):
        return self.conf.centralized_scheduler

    def needed(self, realm, client_doc):
        """True when a job of ``realm`` for ``client_doc`` needs a trust."""
        if not self.options.enabled or not realm.by_project:
            return False
        if self.options.enforce_trusts:
            return True
        return (client_doc or {}).get('client', {}).get('is_central') is True

    def credentials(self, realm, job_id):
        """``user_credentials`` for a job of the caller on the realm's
        project (None without Keystone, in noauth mode).

        :raises Unprocessable: Keystone refuses the caller (e.g. it lacks
            the delegated roles on the project).
        :raises IdentityUnavailable: Keystone cannot be used right now.
        """
        if self.conf.auth_strategy == 'noauth':
            LOG.warning('auth_strategy = noauth: job %s of project %s is '
                        'stored without a Keystone trust (no '
                        'user_credentials); a central scheduler cannot act '
                        'for it', job_id, realm.project_id)
            return None
        trust = self._trust_for(realm)
        return {'trust_id': trust['id'],
                'trustor_user_id': trust['trustor_user_id']}

    def _roles(self, realm):
        roles = list(self.options.trusts_delegated_roles or [])
        return roles or list(getattr(realm.caller, 'roles', None) or [])

    def _trust_for(self, realm):
        """The caller's trust to the service user on the project: an
        existing one holding the roles, else a new one.
        """
        token = getattr(realm.caller, 'auth_token', None)
        if not token:
            raise exception.Unprocessable(
                'A Keystone token is needed to create a trust for this job',
                code='freezer.job.trust_refused')
        roles = self._roles(realm)
        trustee_id = self.keystone.trustee_id()
        for trust in self.keystone.trusts_of(token, realm.user_id):
            if not _reusable(trust, trustee_id, realm.project_id):
                continue
            full = self.keystone.trust(token, trust['id'])
            held = {r.get('name') for r in (full or {}).get('roles', [])}
            if full and set(roles) <= held:
                return full
        trust = self.keystone.create_trust(token, realm.user_id, trustee_id,
                                           realm.project_id, roles)
        LOG.info('Created Keystone trust %s: user %s trusts %s on project '
                 '%s with roles %s', trust['id'], realm.user_id, trustee_id,
                 realm.project_id, ', '.join(roles))
        return trust

    def in_use(self, trust_id):
        """True when some job, in any project, names ``trust_id``."""
        query = q.Query(must=(q.condition_term('user_credentials.trust_id',
                                               trust_id),))
        return bool(self.store.search('jobs', base.ANY, query, limit=1))

    def release(self, realm, trust_id):
        """Delete ``trust_id`` in Keystone when no job names it any more.

        Best effort: the job is already gone, so a failure is logged, not
        raised.
        """
        if not trust_id or self.in_use(trust_id):
            return
        token = getattr(realm.caller, 'auth_token', None)
        try:
            deleted = self.keystone.delete_trust(token, trust_id)
        except exception.FreezerError as exc:
            deleted = False
            LOG.warning('Keystone trust %s: %s', trust_id, exc.message)
        if deleted:
            LOG.info('Deleted Keystone trust %s: no job uses it', trust_id)
        else:
            LOG.warning('Keystone trust %s is used by no job but could not '
                        'be deleted; delete it in Keystone', trust_id)
