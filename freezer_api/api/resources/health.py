"""Health checks for load balancers: 200 only when the store answers and
accepts writes, 503 otherwise (GET has a JSON body, HEAD none)."""

import logging

import falcon

from freezer_api import exception

LOG = logging.getLogger(__name__)


class Health:
    def __init__(self, store):
        self.store = store

    def _probe(self):
        try:
            self.store.check()
        except exception.FreezerError as exc:
            LOG.warning('Health check failed: %s', exc.message)
            return falcon.HTTP_503, {'status': 'unavailable',
                                     'store': 'unavailable',
                                     'reason': exc.message}
        return falcon.HTTP_200, {'status': 'ok', 'store': 'ok'}

    def on_get(self, req, resp):
        resp.status, resp.media = self._probe()
        resp.set_header('Cache-Control', 'no-store')

    def on_head(self, req, resp):
        resp.status, _body = self._probe()
        resp.set_header('Cache-Control', 'no-store')

    def on_options(self, req, resp):
        resp.status = falcon.HTTP_200
        resp.set_header('Allow', 'GET, HEAD, OPTIONS')
