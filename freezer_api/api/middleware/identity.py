"""Request ids and the caller's identity, for every request.

With ``auth_strategy = keystone`` keystonemiddleware's auth_token sits in
front (see ``app.py``) and the identity headers it sets are trusted only
when it says ``X-Identity-Status: Confirmed``. With ``noauth`` (development
only) the same headers are read as sent, with a fixed development identity
when they are absent.
"""

import re
import uuid

import falcon

from freezer_api import context

DEV_USER_ID = 'freezer-dev-user'
DEV_USER_NAME = 'freezer-dev'
DEV_PROJECT_ID = 'freezer-dev-project'
DEV_ROLES = ('admin', 'member', 'reader')


#: A request id another OpenStack service may pass on (oslo.middleware's).
_GLOBAL_REQUEST_ID = re.compile(
    r'^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')


def _global_request_id(req):
    """The caller's ``X-OpenStack-Request-ID`` when well formed, so that
    one user action can be followed through every service's logs.
    """
    value = req.get_header('X-OpenStack-Request-ID') or ''
    return value if _GLOBAL_REQUEST_ID.match(value) else None


def _roles(header):
    return [r.strip().lower() for r in header.split(',') if r.strip()]


class Identity:
    """Sets ``req.context.request_id`` and ``req.context.ctx``."""

    def __init__(self, conf, public_paths):
        self._noauth = conf.auth_strategy == 'noauth'
        # NOTE: any container: ``routes.PublicPaths`` decides per request.
        self._public = public_paths

    def process_request(self, req, resp):
        request_id = 'req-' + str(uuid.uuid4())
        req.context.request_id = request_id
        resp.set_header('x-openstack-request-id', request_id)
        if req.path in self._public:
            req.context.ctx = None
            return
        if self._noauth:
            req.context.ctx = self._from_headers(req, request_id, dev=True)
            return
        if req.get_header('X-Identity-Status') != 'Confirmed':
            # NOTE: no challenge here: auth_token (delay_auth_decision)
            # adds 'WWW-Authenticate: Keystone uri="..."' to every 401.
            raise falcon.HTTPUnauthorized(
                title='Unauthorized',
                description='Authentication required: send a valid '
                            'Keystone token in X-Auth-Token.')
        req.context.ctx = self._from_headers(req, request_id, dev=False)

    @staticmethod
    def _from_headers(req, request_id, dev):
        header = req.get_header
        roles = header('X-Roles')
        if dev:
            # NOTE: noauth reads these headers only, as it always did,
            # with the development identity when they are absent.
            return context.RequestContext(
                user_id=header('X-User-Id') or DEV_USER_ID,
                user_name=header('X-User-Name') or DEV_USER_NAME,
                project_id=(header('X-Project-Id') or header('X-Tenant-Id')
                            or DEV_PROJECT_ID),
                roles=_roles(roles) if roles is not None else list(DEV_ROLES),
                request_id=request_id,
                global_request_id=_global_request_id(req))
        # NOTE: oslo.context maps every header auth_token sets: the user's
        # token, identity and scope (domain- and system-scoped tokens are
        # refused by oslo.policy on project rules), and the service token's
        # (service_roles, service_user_id...), which policy rules may name.
        # Roles are normalised as noauth's are (lower case, no blanks).
        return context.RequestContext.from_environ(
            req.env,
            roles=_roles(roles or ''),
            service_roles=_roles(header('X-Service-Roles') or ''),
            request_id=request_id,
            global_request_id=_global_request_id(req))
