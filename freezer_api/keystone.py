"""Keystone's trust API (``/v3/OS-TRUST/trusts``) over keystoneauth1.

The one place freezer-api calls Keystone itself (auth_token aside). Two
identities take part: the caller, whose own token creates, lists and deletes
its trusts, and the service user of ``[centralized_scheduler]
auth_section`` (the trustee), whose session finds Keystone in the catalog.

Errors come out as domain exceptions: Keystone refusing the caller is
``Unprocessable``; Keystone unreachable, failing, or the service user not
configured or not authenticating is ``IdentityUnavailable``.

keystoneauth1 (and requests under it) is imported on first use, not with
this module: only central schedulers' jobs call Keystone, and every worker
process of a deployment without them would carry about 5 MiB for nothing.
"""

import logging
import threading

from freezer_api import exception

LOG = logging.getLogger(__name__)

#: Seconds one Keystone call may take when the auth section sets no timeout.
DEFAULT_TIMEOUT = 30
#: The section keystonemiddleware owns: its own TLS and timeout options.
AUTHTOKEN = 'keystone_authtoken'

_TRUSTS = '/OS-TRUST/trusts'


def _unavailable(why):
    return exception.IdentityUnavailable(
        'Keystone trusts are unavailable right now (%s); try again later'
        % why, code='freezer.identity.unavailable')


def _tls_and_timeout(conf, group):
    """``(verify, cert, timeout)`` from the options of ``group``."""
    if group == AUTHTOKEN:
        from keystonemiddleware import opts as ksm_opts
        for name, opts in ksm_opts.list_auth_token_opts():
            conf.register_opts(opts, group=name)
        timeout = conf[group].http_connect_timeout
    else:
        from keystoneauth1 import loading
        loading.register_session_conf_options(conf, group)
        timeout = conf[group].timeout
    section = conf[group]
    verify = False if section.insecure else (section.cafile or True)
    cert = None
    if section.certfile and section.keyfile:
        cert = (section.certfile, section.keyfile)
    return verify, cert, timeout or DEFAULT_TIMEOUT


def service_session(conf, group):
    """The keystoneauth ``Session`` of the service user of ``group``.

    :raises IdentityUnavailable: ``group`` names no usable auth plugin.
    """
    from keystoneauth1 import exceptions as ks_exc
    from keystoneauth1 import loading
    from keystoneauth1 import session as ks_session
    loading.register_auth_conf_options(conf, group)
    try:
        auth = loading.load_auth_from_conf_options(conf, group)
    except ks_exc.ClientException as exc:
        LOG.error('[%s] cannot load the service user that Keystone trusts '
                  'are given to: %s', group, exc)
        raise _unavailable('the service user is misconfigured')
    if auth is None:
        LOG.error('[%s] sets no auth_type: no service user to give Keystone '
                  'trusts to ([centralized_scheduler] auth_section)', group)
        raise _unavailable('no service user is configured')
    verify, cert, timeout = _tls_and_timeout(conf, group)
    return ks_session.Session(auth=auth, verify=verify, cert=cert,
                              timeout=timeout)


class Keystone:
    """Trust calls against the Keystone of ``conf``'s auth section."""

    def __init__(self, conf):
        self.conf = conf
        self.group = conf.centralized_scheduler.auth_section
        self._lock = threading.Lock()
        self._session = None
        self._identity_url = None

    def _service(self):
        with self._lock:
            if self._session is None:
                self._session = service_session(self.conf, self.group)
            return self._session

    def _call(self, what, func):
        """Run ``func()``; Keystone unreachable or failing -> 503."""
        from keystoneauth1 import exceptions as ks_exc
        try:
            return func()
        except (ks_exc.ConnectionError, ks_exc.DiscoveryFailure,
                ks_exc.EndpointNotFound) as exc:
            LOG.error('Keystone unreachable (%s): %s', what, exc)
            raise _unavailable('Keystone cannot be reached')
        except ks_exc.HttpError as exc:
            LOG.error('Keystone failed (%s): %s', what, exc)
            raise _unavailable('Keystone answered %s' % exc.http_status)
        except ks_exc.ClientException as exc:
            LOG.error('Keystone call failed (%s): %s', what, exc)
            raise _unavailable('Keystone cannot be used')

    def identity_url(self):
        """Keystone's v3 URL, from the service user's catalog."""
        if self._identity_url is None:
            section = self.conf[self.group]
            url = self._call('identity endpoint', lambda: (
                self._service().get_endpoint(
                    service_type='identity',
                    interface=getattr(section, 'interface', None) or 'public',
                    region_name=getattr(section, 'region_name', None),
                    min_version='3.0', max_version='3.latest')))
            if not url:
                raise _unavailable('no identity v3 endpoint in the catalog')
            self._identity_url = url.rstrip('/')
        return self._identity_url

    def trustee_id(self):
        """The user id of the service user (the trustee)."""
        return self._call('service user', lambda: self._service()
                          .get_user_id())

    def _as_caller(self, token, method, path, **kwargs):
        """Send a request with the caller's own token; return the
        response (any status).
        """
        url = self.identity_url() + path
        return self._call('%s %s' % (method, path), lambda: (
            self._service().request(url, method, authenticated=False,
                                    headers={'X-Auth-Token': token},
                                    raise_exc=False, **kwargs)))

    def _json(self, resp, what):
        """The body of a 2xx answer; 4xx -> 422 with Keystone's words."""
        if resp.status_code < 300:
            return resp.json() if resp.content else {}
        if resp.status_code >= 500:
            LOG.error('Keystone answered %s to %s', resp.status_code, what)
            raise _unavailable('Keystone answered %s' % resp.status_code)
        try:
            why = resp.json()['error']['message']
        except (ValueError, KeyError, TypeError):
            why = resp.text[:200]
        raise exception.Unprocessable(
            'Keystone refused to %s: %s' % (what, why),
            code='freezer.job.trust_refused')

    def trusts_of(self, token, trustor_id):
        """The trusts ``trustor_id`` gave (as Keystone lists them, without
        roles).
        """
        resp = self._as_caller(token, 'GET', _TRUSTS,
                               params={'trustor_user_id': trustor_id})
        return self._json(resp, 'list your trusts').get('trusts', [])

    def trust(self, token, trust_id):
        """One trust with its roles, or None when it is gone."""
        resp = self._as_caller(token, 'GET', '%s/%s' % (_TRUSTS, trust_id))
        if resp.status_code == 404:
            return None
        return self._json(resp, 'show trust %s' % trust_id)['trust']

    def create_trust(self, token, trustor_id, trustee_id, project_id,
                     role_names):
        """Create a trust (no impersonation, no redelegation, no expiry);
        return it.
        """
        body = {'trust': {
            'trustor_user_id': trustor_id, 'trustee_user_id': trustee_id,
            'project_id': project_id, 'impersonation': False,
            'allow_redelegation': False,
            'roles': [{'name': name} for name in role_names]}}
        resp = self._as_caller(token, 'POST', _TRUSTS, json=body)
        trust = self._json(resp, 'create a trust with roles %s on project '
                           '%s' % (', '.join(role_names), project_id))
        return trust['trust']

    def delete_trust(self, token, trust_id):
        """Delete a trust: as the caller, else as the service user (an
        admin may delete any trust). Return True when it is gone.
        """
        path = '%s/%s' % (_TRUSTS, trust_id)
        if token:
            resp = self._as_caller(token, 'DELETE', path)
            if resp.status_code in (204, 404):
                return True
        url = self.identity_url() + path
        resp = self._call('DELETE ' + path, lambda: self._service().request(
            url, 'DELETE', raise_exc=False))
        return resp.status_code in (204, 404)
