"""Operations endpoints: ``/health/live`` and ``/health/ready`` for load
balancers (Patroni's health checks: GET, HEAD, OPTIONS; 200 or 503; a JSON
body on GET only) and ``GET /status`` for operators (Neon's ``/status``).
"""

import importlib.metadata

import falcon

from freezer_api.api import microversion
from freezer_api.api.resources import health
from freezer_api.lifecycle import iso
from freezer_api.objects import readiness
from freezer_api.policies import status as status_rules


def _version():
    try:
        return importlib.metadata.version('freezer-api')
    except importlib.metadata.PackageNotFoundError:
        return None


class Live(health.Probe):
    """The process answers (the store is never touched)."""

    def __init__(self, lifecycle):
        self.lifecycle = lifecycle

    def answer(self):
        return falcon.HTTP_200, {'status': 'ok', 'pid': self.lifecycle.pid}


class Ready(health.Probe):
    """The store answers, takes a write and reads it back, its schema is
    current, and the process is not draining.
    """

    def __init__(self, lifecycle, probe):
        self.lifecycle = lifecycle
        self.probe = probe

    def answer(self):
        if self.lifecycle.draining:
            return falcon.HTTP_503, {'status': 'draining'}
        try:
            latency = self.probe.check()
        except readiness.NotReady as exc:
            return falcon.HTTP_503, {'status': exc.state,
                                     'reason': exc.reason}
        return falcon.HTTP_200, {'status': 'ok', 'latency_ms': latency}


class Status:
    """GET /status: the state of this process and of its store."""

    def __init__(self, deps, lifecycle, probe):
        self.deps = deps
        self.lifecycle = lifecycle
        self.probe = probe

    def _store(self):
        driver = self.deps.conf.storage.driver
        try:
            latency = self.probe.check()
        except readiness.NotReady as exc:
            return exc.state, {'driver': driver, 'state': exc.state,
                               'reason': exc.reason,
                               'latency_ms': exc.latency_ms}
        return 'running', {'driver': driver, 'state': 'ok',
                           'latency_ms': latency}

    def on_get(self, req, resp):
        ctx = req.context.ctx
        self.deps.policy.authorize(ctx, status_rules.STATUS_GET,
                                   ctx.project_id)
        state, store = self._store()
        if self.lifecycle.draining:
            state = 'draining'
        conf = self.deps.conf
        media = {'state': state, 'start_time': iso(self.lifecycle.started_at),
                 'version': _version(), 'host': conf.host,
                 'cluster': conf.cluster or None, 'pid': self.lifecycle.pid,
                 'store': store, 'min_version': microversion.MIN_VERSION,
                 'max_version': microversion.MAX_VERSION}
        if self.lifecycle.last_active is not None:
            media['last_active'] = iso(self.lifecycle.last_active)
        resp.media = media
        resp.set_header('Cache-Control', 'no-store')
