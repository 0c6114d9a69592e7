"""Counts and times every request for ``GET /metrics``, labelled by route
*template* (never a raw path: ids stay out of the labels)."""

import time

from freezer_api import metrics


def _api_version(path):
    for api in ('v1', 'v2', 'v3'):
        if path == '/' + api or path.startswith('/%s/' % api):
            return api
    return ''


class Metering:
    def process_request(self, req, resp):
        req.context.started = time.perf_counter()

    def process_response(self, req, resp, resource, req_succeeded):
        # NOTE: no route matched (404 of an unknown path): one label for
        # them all, not the path.
        route = req.uri_template or 'unmatched'
        elapsed = time.perf_counter() - getattr(req.context, 'started',
                                                time.perf_counter())
        metrics.REQUESTS.labels(method=req.method, route=route,
                                api_version=_api_version(req.path),
                                status=resp.status[:3]).inc()
        metrics.LATENCY.labels(method=req.method, route=route).observe(
            elapsed)
