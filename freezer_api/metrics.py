"""Prometheus metrics of the API (``prometheus_client``): requests, store
operations, compare-and-set retries, heartbeats, and the services and
clusters the store holds.

Counters and histograms live in the default registry; when the
``PROMETHEUS_MULTIPROC_DIR`` environment variable names a directory,
prometheus_client keeps them in files there and a scrape sums every
process's (``registry()``). The service and cluster gauges are read from
the store at scrape time, so every process gives the same figures.
"""

import os
import time

import prometheus_client
from prometheus_client import core
from prometheus_client import multiprocess

from freezer_api import exception
from freezer_api.objects import cluster as clusters
from freezer_api.objects import service

REQUESTS = prometheus_client.Counter(
    'freezer_api_requests', 'API requests by method, route template, API '
    'version and status.', ['method', 'route', 'api_version', 'status'])
LATENCY = prometheus_client.Histogram(
    'freezer_api_request_duration_seconds', 'Time to answer a request, by '
    'method and route template.', ['method', 'route'])
STORE_LATENCY = prometheus_client.Histogram(
    'freezer_api_store_operation_duration_seconds', 'Time of one store '
    'operation.', ['operation'])
STORE_ERRORS = prometheus_client.Counter(
    'freezer_api_store_errors', 'Store operations that failed (store '
    'unavailable or broken).', ['operation'])
CAS_RETRIES = prometheus_client.Counter(
    'freezer_api_cas_retries', 'Compare-and-set writes that lost a race '
    'and were retried.', ['kind'])
CAS_CONFLICTS = prometheus_client.Counter(
    'freezer_api_cas_conflicts', 'Changes given up after losing every '
    'compare-and-set retry (answered 409), by route template.', ['route'])
HEARTBEATS = prometheus_client.Counter(
    'freezer_api_heartbeats', 'Heartbeats this API process wrote.')

#: Store operations timed by ``MeteredStore``.
OPERATIONS = ('get', 'create', 'replace', 'delete', 'search', 'check')


def registry():
    """The registry a scrape reads: every process's figures under
    ``PROMETHEUS_MULTIPROC_DIR``, this process's otherwise.
    """
    if os.environ.get('PROMETHEUS_MULTIPROC_DIR'):
        found = core.CollectorRegistry()
        multiprocess.MultiProcessCollector(found)
        return found
    return prometheus_client.REGISTRY


class MeteredStore:
    """A store whose operations are timed and whose failures counted."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        found = getattr(self._store, name)
        if name not in OPERATIONS:
            return found

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return found(*args, **kwargs)
            except exception.VersionConflict:
                CAS_RETRIES.labels(kind=args[0] if args else '').inc()
                raise
            except (exception.StoreUnavailable, exception.StoreError):
                STORE_ERRORS.labels(operation=name).inc()
                raise
            finally:
                STORE_LATENCY.labels(operation=name).observe(
                    time.perf_counter() - started)
        return timed


class MeteredHeartbeat(service.Heartbeat):
    """The process's heartbeat, counting the heartbeats written."""

    def __init__(self, store, conf):
        super().__init__(store, conf)
        write = self.services.heartbeat

        def counted(*args, **kwargs):
            found = write(*args, **kwargs)
            HEARTBEATS.inc()
            return found
        self.services.heartbeat = counted


class StoreCollector:
    """Gauges read from the store at scrape time: services up and down by
    binary; clusters up, down and disabled by binary.
    """

    def __init__(self, store, conf):
        self.clusters = clusters.Clusters(store, conf)

    def collect(self):
        services = core.GaugeMetricFamily(
            'freezer_api_services', 'Services by binary and state.',
            labels=['binary', 'state'])
        groups = core.GaugeMetricFamily(
            'freezer_api_clusters', 'Clusters by binary and state (up, '
            'down, disabled).', labels=['binary', 'state'])
        try:
            self._fill(services, groups)
        except exception.FreezerError:
            return
        yield services
        yield groups

    def _fill(self, services, groups):
        now = self.clusters.services.clock()
        for binary in service.BINARIES:
            members = self.clusters.services.members(binary)
            up = sum(1 for m in members
                     if self.clusters.services.is_up(m, now))
            services.add_metric([binary, 'up'], up)
            services.add_metric([binary, 'down'], len(members) - up)
            found = self.clusters.list({'binary': binary})
            for state in ('up', 'down'):
                groups.add_metric([binary, state], sum(
                    1 for c in found if c['state'] == state))
            groups.add_metric([binary, 'disabled'], sum(
                1 for c in found if c['status'] == 'disabled'))


def scrape(store, conf):
    """Every metric family: the process (or multiprocess) registry's and
    the store's gauges.
    """
    families = list(registry().collect())
    families.extend(StoreCollector(store, conf).collect())
    return families


def text(families):
    """The Prometheus text exposition of ``families``."""
    class _Once:
        def collect(self):
            return families
    found = core.CollectorRegistry()
    found.register(_Once())
    return prometheus_client.generate_latest(found)


def as_json(families):
    """``{name: {"type", "help", "samples": [{name, labels, value}]}}``."""
    return {f.name: {'type': f.type, 'help': f.documentation,
                     'samples': [{'name': s.name, 'labels': s.labels,
                                  'value': s.value} for s in f.samples]}
            for f in families}
