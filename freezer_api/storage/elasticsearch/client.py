"""The store's HTTP client: explicit options, one call shape for
Elasticsearch (elasticsearch-py) and OpenSearch (opensearch-py), and the
store's own errors.

elasticsearch-py 8 refuses to talk to anything but Elasticsearch, and
opensearch-py is the client OpenSearch supports, so the ``flavour`` option
picks one; ``auto`` asks the Elasticsearch client first and falls back on
its ``UnsupportedProductError``. The store then only calls
``Connection.request(method, path, params, body)``: the paths are the REST
API both servers share.
"""

import collections
import json
import logging
import os
import threading
import urllib.parse

from freezer_api import exception

#: Statuses that mean "the store cannot serve this now; try later".
UNAVAILABLE_STATUSES = (429, 502, 503, 504)

#: Error types that mean a node, a master or a shard copy is missing right
#: now (node loss, an election, quorum lost): the store is unavailable, not
#: broken. OpenSearch answers some of them with HTTP 500.
UNAVAILABLE_TYPES = frozenset([
    'cluster_block_exception', 'unavailable_shards_exception',
    'no_shard_available_action_exception', 'node_not_connected_exception',
    'node_disconnected_exception', 'node_closed_exception',
    'connect_transport_exception', 'receive_timeout_transport_exception',
    'send_request_transport_exception', 'master_not_discovered_exception',
    'cluster_manager_not_discovered_exception',
    'not_master_exception', 'not_cluster_manager_exception',
    'primary_missing_action_exception', 'shard_not_found_exception',
    'no_node_available_exception', 'failed_to_commit_cluster_state_exception',
    'process_cluster_event_timeout_exception',
    'es_rejected_execution_exception',
    'opensearch_rejected_execution_exception', 'circuit_breaking_exception',
])

Settings = collections.namedtuple('Settings', [
    'hosts', 'http_auth', 'verify_certs', 'ca_certs', 'timeout', 'retries',
    'flavour'])


class _ExpectedStatuses(logging.Filter):
    """Drops opensearch-py's warning for every 404 and 409: to the store
    they are answers (no such document, compare-and-set lost).
    """

    def filter(self, record):
        message = record.getMessage()
        return '[status:404 ' not in message and '[status:409 ' not in message


logging.getLogger('opensearch').addFilter(_ExpectedStatuses())


class ApiError(Exception):
    """The store answered with an error status (internal to the driver)."""

    def __init__(self, status, body):
        self.status = status
        self.body = body if isinstance(body, dict) else {'error': body}
        error = self.body.get('error')
        if isinstance(error, dict):
            self.type = error.get('type')
            self.reason = error.get('reason')
        else:
            self.type, self.reason = None, error
        self.types = _error_types(error)
        super().__init__('%s %s: %s' % (status, self.type, self.reason))


def _error_types(error, depth=0):
    """Return the set of error types in ``error``, its root causes, its
    ``caused_by`` chain and its failed shards.
    """
    if not isinstance(error, dict) or depth > 8:
        return set()
    found = {error.get('type')} - {None}
    nested = list(error.get('root_cause') or ())
    nested.append(error.get('caused_by'))
    nested += [f.get('reason') for f in error.get('failed_shards') or ()
               if isinstance(f, dict)]
    for inner in nested:
        found |= _error_types(inner, depth + 1)
    return found


class NotFoundError(ApiError):
    """404: no such document or index."""


class ConflictError(ApiError):
    """409: the document exists (create) or changed (compare-and-set)."""


def _normalize_host(host, use_ssl):
    host = host.strip()
    if '://' not in host:
        host = ('https://' if use_ssl else 'http://') + host
    parsed = urllib.parse.urlsplit(host)
    if parsed.scheme not in ('http', 'https') or not parsed.hostname:
        raise exception.ConfigError('Invalid Elasticsearch host %r' % host)
    if use_ssl and parsed.scheme == 'http':
        raise exception.ConfigError(
            'use_ssl is set but host %s uses http://' % host)
    if parsed.port is None:
        host = '%s://%s:9200%s' % (parsed.scheme, parsed.netloc,
                                   parsed.path)
    return host


def settings_from_conf(group):
    """Return validated ``Settings`` from an option group.

    :raises ConfigError: a host, ``http_auth`` or ``ca_certs`` is invalid.
    """
    hosts = [_normalize_host(h, group.use_ssl) for h in group.hosts if h]
    if not hosts:
        raise exception.ConfigError('No Elasticsearch hosts configured')
    auth = None
    if group.http_auth:
        user, sep, password = group.http_auth.partition(':')
        if not sep:
            raise exception.ConfigError(
                'http_auth must be "user:password"')
        auth = (user, password)
    if group.ca_certs and not os.path.isfile(group.ca_certs):
        raise exception.ConfigError(
            'ca_certs file %s does not exist' % group.ca_certs)
    return Settings(hosts=hosts, http_auth=auth,
                    verify_certs=group.verify_certs, ca_certs=group.ca_certs,
                    timeout=group.timeout, retries=group.retries,
                    flavour=group.flavour)


def _https(settings):
    return any(h.startswith('https://') for h in settings.hosts)


class _ElasticsearchClient:
    """Requests through elasticsearch-py (Elasticsearch 8.x and 9.x)."""

    flavour = 'elasticsearch'

    def __init__(self, settings):
        import elastic_transport
        import elasticsearch
        self._unreachable = elastic_transport.TransportError
        kwargs = {'hosts': settings.hosts,
                  'request_timeout': settings.timeout,
                  'max_retries': settings.retries,
                  'retry_on_timeout': True}
        if settings.http_auth:
            kwargs['basic_auth'] = settings.http_auth
        if _https(settings):
            kwargs['verify_certs'] = settings.verify_certs
            kwargs['ssl_show_warn'] = settings.verify_certs
            if settings.ca_certs:
                kwargs['ca_certs'] = settings.ca_certs
        self._client = elasticsearch.Elasticsearch(**kwargs)

    def request(self, method, path, params, body, headers):
        import elasticsearch
        try:
            return self._client.perform_request(
                method, path, params=params, headers=headers, body=body).body
        except elasticsearch.UnsupportedProductError:
            raise _WrongProduct()
        except elasticsearch.ApiError as exc:
            raise _api_error(exc.meta.status, exc.body)
        except self._unreachable as exc:
            raise _unavailable(exc)

    def close(self):
        self._client.close()


class _OpenSearchClient:
    """Requests through opensearch-py (OpenSearch 2.x)."""

    flavour = 'opensearch'

    def __init__(self, settings):
        import opensearchpy
        kwargs = {'hosts': settings.hosts, 'timeout': settings.timeout,
                  'max_retries': settings.retries,
                  'retry_on_timeout': True}
        self._timeout = settings.timeout
        if settings.http_auth:
            kwargs['http_auth'] = settings.http_auth
        if _https(settings):
            kwargs['use_ssl'] = True
            kwargs['verify_certs'] = settings.verify_certs
            kwargs['ssl_show_warn'] = settings.verify_certs
            if settings.ca_certs:
                kwargs['ca_certs'] = settings.ca_certs
        self._client = opensearchpy.OpenSearch(**kwargs)

    def request(self, method, path, params, body, headers):
        from opensearchpy import exceptions as os_exc
        try:
            # NOTE: the socket timeout is passed on its own: without it
            # opensearch-py's transport takes a ``timeout`` parameter as
            # its socket timeout instead of sending it, and a write would
            # wait the cluster's default minute for a missing primary or
            # master instead of the store's ``write_timeout``.
            return self._client.transport.perform_request(
                method, path, params=params, body=body, headers=headers,
                timeout=self._timeout)
        except (os_exc.ConnectionError, os_exc.ConnectionTimeout) as exc:
            raise _unavailable(exc)
        except os_exc.TransportError as exc:
            if not isinstance(exc.status_code, int):
                raise _unavailable(exc)
            raise _api_error(exc.status_code, exc.info)

    def close(self):
        self._client.close()


class _WrongProduct(Exception):
    """The Elasticsearch client refused the server (not Elasticsearch)."""


def _unavailable(exc):
    return exception.StoreUnavailable(
        'Elasticsearch store unreachable: %s' % (exc,))


def _api_error(status, body):
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body)
        except ValueError:
            pass
    error = ApiError(status, body)
    if status in UNAVAILABLE_STATUSES or error.types & UNAVAILABLE_TYPES:
        return exception.StoreUnavailable(
            'Elasticsearch store unavailable: %s' % error)
    if status in (401, 403):
        # NOTE: the cluster is up but will not serve us (credentials or
        # privileges): the service cannot work until an operator acts.
        return exception.StoreUnavailable(
            'Elasticsearch store refused our credentials: %s' % error)
    if status == 404:
        return NotFoundError(status, body)
    if status == 409:
        return ConflictError(status, body)
    return error


_CLIENTS = {'elasticsearch': _ElasticsearchClient,
            'opensearch': _OpenSearchClient}


class Connection:
    """A thread-safe handle on the cluster; the client is made on first use
    (the service starts while the store is down, and recovers by itself).
    """

    def __init__(self, settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._client = None

    @property
    def flavour(self):
        """``elasticsearch`` or ``opensearch`` (contacts the store)."""
        return self._get_client().flavour

    def _get_client(self):
        with self._lock:
            if self._client is None:
                self._client = self._connect()
            return self._client

    def _connect(self):
        wanted = self.settings.flavour
        if wanted != 'auto':
            return _CLIENTS[wanted](self.settings)
        candidate = _ElasticsearchClient(self.settings)
        try:
            candidate.request('GET', '/_cluster/health', None, None,
                              {'accept': 'application/json'})
            return candidate
        except _WrongProduct:
            candidate.close()
            return _OpenSearchClient(self.settings)
        except Exception:
            candidate.close()
            raise

    def request(self, method, path, params=None, body=None):
        """Send one request; return the decoded JSON answer.

        ``body`` is a dict (JSON) or a list of dicts (NDJSON, for _bulk).

        :raises NotFoundError: 404.
        :raises ConflictError: 409.
        :raises ApiError: any other error status.
        :raises StoreUnavailable: unreachable, overloaded, read-only.
        :raises ConfigError: the server is not of the configured flavour.
        """
        headers = {'accept': 'application/json'}
        if isinstance(body, list):
            headers['content-type'] = 'application/x-ndjson'
            body = ''.join(json.dumps(line, separators=(',', ':')) + '\n'
                           for line in body)
        elif body is not None:
            headers['content-type'] = 'application/json'
        params = {k: _param(v) for k, v in (params or {}).items()
                  if v is not None}
        client = self._get_client()
        try:
            return client.request(method, path, params or None, body,
                                  headers)
        except _WrongProduct:
            raise exception.ConfigError(
                'flavour = elasticsearch, but %s is not Elasticsearch; set '
                'flavour = opensearch or auto' % ', '.join(
                    self.settings.hosts))

    def close(self):
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


def _param(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (list, tuple)):
        return ','.join(value)
    return str(value)
