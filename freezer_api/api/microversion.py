"""Microversions of the v3 API: the canonical list, header negotiation, and
the middleware that puts the chosen version on every /v3 request.

Clients send ``OpenStack-API-Version: backup X.Y``, ``backup latest`` or the
range they support, ``backup 3.2-3.9``; a range runs at the latest version
both sides share. No header means the minimum. Every change of behaviour is
listed in ``doc/source/contributor/rest_api_version_history.rst``.
"""

import functools
import re

import falcon
import microversion_parse

from freezer_api.api import errors

SERVICE_TYPE = 'backup'
HEADER = 'OpenStack-API-Version'

#: Every microversion, oldest first. A version is withdrawn by removing it.
VERSIONS = [
    '3.0',  # v2 semantics under /v3/{project_id}; this header; GET /v3.
    '3.1',  # Backups always carry ``status`` (now every version does).
    '3.2',  # 201 Created responses carry a ``Location`` header.
    '3.3',  # PUT replaces a job, action or session (405 below 3.3).
    '3.4',  # Lists carry ``links`` with a ``next`` link while pages follow.
    '3.5',  # Clients show their ``service`` record (state, last heartbeat).
    '3.6',  # Unknown query parameters of lists are refused with 400.
    '3.7',  # Clusters API: list, detail, show, enable, disable.
    '3.8',  # GET clusters/{name}/history: every enable and disable.
    '3.9',  # GET clusters/{name}/services: the cluster's members.
    '3.10',  # Lists take ``marker``; ``<kind>_links`` next links carry it.
]
MIN_VERSION = VERSIONS[0]
MAX_VERSION = VERSIONS[-1]

#: API-SIG form of one version: no leading zeros, so ``3.07`` is refused;
#: ASCII digits (``\d`` would take other scripts' digits), at most 9 each.
_VERSION_RE = re.compile(r'^([1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$')
#: The ``OpenStack-API-Version`` header is at most this many characters.
MAX_HEADER_LENGTH = 512


class Malformed(ValueError):
    """The version header cannot be parsed (400)."""


class Unsupported(ValueError):
    """The requested version (or range) is outside ours (406)."""


def _parse_one(text):
    """Return the ``Version`` ``text`` names (``latest`` is the maximum).

    :raises Malformed: not ``latest`` nor ``X.Y``.
    """
    text = text.strip()
    if text.lower() == 'latest':
        text = MAX_VERSION
    if not _VERSION_RE.match(text):
        raise Malformed('Invalid microversion %r: expected "X.Y", "latest" '
                        'or a range "X.Y-X.Z" (ASCII digits, at most 9 '
                        'each)' % text[:40])
    return microversion_parse.parse_version_string(text)


def _mentions_service(headers):
    """True when the header names our service, even without a version."""
    raw = microversion_parse.fold_headers(headers).get(HEADER.lower(), '')
    return any(part.split()[:1] == [SERVICE_TYPE]
               for part in raw.lower().split(','))


def _with_bounds(version):
    version.min_version = microversion_parse.parse_version_string(
        MIN_VERSION)
    version.max_version = microversion_parse.parse_version_string(
        MAX_VERSION)
    return version


def _latest_shared(low, high):
    """The latest of ``VERSIONS`` in [low, high], as a ``Version``."""
    if low > high:
        raise Malformed('Invalid microversion range %s-%s: the lower bound '
                        'is above the upper one' % (low, high))
    shared = [v for v in VERSIONS
              if low <= microversion_parse.parse_version_string(v) <= high]
    if not shared:
        raise Unsupported('No version of %s-%s is supported' % (low, high))
    return microversion_parse.parse_version_string(shared[-1])


def negotiate(headers):
    """Return the ``microversion_parse.Version`` a request runs at.

    ``headers`` is any mapping or list of (name, value) pairs; other
    services' entries of the header are ignored, the last ``backup`` entry
    wins. The result has ``min_version``/``max_version`` set, so
    ``.matches((3, 7))`` tests "at least 3.7".

    :raises Malformed: unparseable value (400).
    :raises Unsupported: version or range outside VERSIONS (406).
    """
    raw = microversion_parse.fold_headers(headers).get(HEADER.lower(), '')
    if len(raw) > MAX_HEADER_LENGTH:
        raise Malformed('Invalid microversion: the %s header is %d '
                        'characters; the limit is %d'
                        % (HEADER, len(raw), MAX_HEADER_LENGTH))
    value = microversion_parse.get_version(headers, SERVICE_TYPE)
    if value is None:
        if _mentions_service(headers):
            raise Malformed('Invalid microversion: "%s" needs a version'
                            % SERVICE_TYPE)
        return _with_bounds(microversion_parse.parse_version_string(
            MIN_VERSION))
    if '-' in value:
        low, _, high = value.partition('-')
        return _with_bounds(_latest_shared(_parse_one(low),
                                           _parse_one(high)))
    version = _parse_one(value)
    try:
        return microversion_parse.extract_version(
            {HEADER: '%s %s' % (SERVICE_TYPE, version)}, SERVICE_TYPE,
            VERSIONS)
    except ValueError:
        raise Unsupported('Version %s is not supported: the minimum is %s '
                          'and the maximum %s' % (version, MIN_VERSION,
                                                  MAX_VERSION))


def header_value(version):
    return '%s %s' % (SERVICE_TYPE, version)


def of(req):
    """The request's ``Version``, or None outside /v3."""
    return getattr(req.context, 'microversion', None)


def _as_version(version):
    if isinstance(version, str):
        return microversion_parse.parse_version_string(version)
    return tuple(version)


def wants(req, version):
    """True when the request runs at ``version`` ('3.4' or (3, 4)) or
    later; always False outside /v3.
    """
    found = of(req)
    return found is not None and found.matches(_as_version(version))


def since(version, missing=405):
    """Mask a responder below ``version``: a new method on an existing path
    answers 405 with the methods of this version in ``Allow`` (``missing``
    404 for a responder whose whole path is new). Outside /v3 the
    responder is always masked.
    """
    wanted = _as_version(version)

    def decorate(responder):
        @functools.wraps(responder)
        def masked(resource, req, resp, *args, **kwargs):
            if not wants(req, version):
                if missing == 404:
                    raise falcon.HTTPNotFound()
                raise falcon.HTTPMethodNotAllowed(allowed_methods(resource,
                                                                  req))
            return responder(resource, req, resp, *args, **kwargs)
        masked.min_version = wanted
        return masked
    return decorate


def allowed_methods(resource, req):
    """The HTTP methods ``resource`` serves at the request's version."""
    allowed = []
    for method in falcon.constants.COMBINED_METHODS:
        responder = getattr(resource, 'on_' + method.lower(), None)
        if responder is None:
            continue
        wanted = getattr(responder, 'min_version', None)
        if wanted is None or wants(req, wanted):
            allowed.append(method)
    return allowed


def _is_v3(path):
    return path == '/v3' or path.startswith('/v3/')


class Microversion:
    """Falcon middleware: negotiate the version of every /v3 request, mask
    resources newer than it (404), and label every /v3 response.
    """

    def process_request(self, req, resp):
        if not _is_v3(req.path):
            return
        try:
            req.context.microversion = negotiate(req.headers)
        except Malformed as exc:
            self._refuse(req, resp, falcon.HTTP_400, 'Bad request',
                         str(exc), 'freezer.microversion.invalid')
        except Unsupported as exc:
            self._refuse(req, resp, falcon.HTTP_406, 'Not acceptable',
                         str(exc), 'freezer.microversion.unsupported')

    @staticmethod
    def _refuse(req, resp, status, title, message, code):
        document = errors.body(int(status.split()[0]), title, message, code,
                               getattr(req.context, 'request_id', None))
        document.update(min_version=MIN_VERSION, max_version=MAX_VERSION)
        resp.status = status
        resp.media = document
        resp.complete = True

    def process_resource(self, req, resp, resource, params):
        wanted = getattr(resource, 'min_version', None)
        if wanted is not None and of(req) is not None and not wants(
                req, wanted):
            raise falcon.HTTPNotFound()

    def process_response(self, req, resp, resource, req_succeeded):
        allow = resp.get_header('Allow')
        if allow and resource is not None:
            # NOTE: falcon's own OPTIONS and 405 list every responder,
            # masked ones too; list those of this version only.
            methods = allowed_methods(resource, req)
            if 'OPTIONS' in allow and 'OPTIONS' not in methods:
                methods.append('OPTIONS')
            resp.set_header('Allow', ', '.join(methods))
        if not _is_v3(req.path):
            return
        version = of(req)
        if version is None:
            # NOTE: the request never reached negotiation (401, Accept) or
            # failed it: the error document is a minimum-version document.
            try:
                version = negotiate(req.headers)
            except ValueError:
                version = MIN_VERSION
        resp.set_header(HEADER, header_value(version))
        resp.append_header('Vary', HEADER)
