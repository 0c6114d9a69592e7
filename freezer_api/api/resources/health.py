"""Health checks for load balancers: 200 only when the store answers and
accepts writes, 503 otherwise (GET has a JSON body, HEAD none)."""

import logging

import falcon

from freezer_api import exception

LOG = logging.getLogger(__name__)


class Probe:
    """GET (JSON body), HEAD (none) and OPTIONS of a health check; the
    subclass says what the check answers.
    """

    def answer(self):
        """Return ``(status, body)``."""
        raise NotImplementedError

    def on_get(self, req, resp):
        resp.status, resp.media = self.answer()
        resp.set_header('Cache-Control', 'no-store')

    def on_head(self, req, resp):
        resp.status, _body = self.answer()
        resp.set_header('Cache-Control', 'no-store')

    def on_options(self, req, resp):
        resp.status = falcon.HTTP_200
        resp.set_header('Allow', 'GET, HEAD, OPTIONS')
        resp.set_header('Cache-Control', 'no-store')


class Health(Probe):
    """``/health`` and ``/healthcheck``: the store answers and accepts
    writes.
    """

    def __init__(self, store):
        self.store = store

    def answer(self):
        try:
            self.store.check()
        except exception.FreezerError as exc:
            LOG.warning('Health check failed: %s', exc.message)
            return falcon.HTTP_503, {'status': 'unavailable',
                                     'store': 'unavailable',
                                     'reason': exc.message}
        return falcon.HTTP_200, {'status': 'ok', 'store': 'ok'}
