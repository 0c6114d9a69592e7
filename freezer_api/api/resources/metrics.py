"""GET /metrics (Prometheus text format) and /metrics.json (the same
figures as JSON, Neon's ``/metrics.json``): rule ``metrics:get`` unless
``[metrics] public``."""

from prometheus_client import exposition

from freezer_api import metrics
from freezer_api.policies import status as status_rules


class Metrics:
    """GET /metrics: every figure, in Prometheus' text format."""

    def __init__(self, deps):
        self.deps = deps

    def families(self, req):
        if not self.deps.conf.metrics.public:
            ctx = req.context.ctx
            self.deps.policy.authorize(ctx, status_rules.METRICS_GET,
                                       ctx.project_id)
        return metrics.scrape(self.deps.store, self.deps.conf)

    def on_get(self, req, resp):
        resp.content_type = exposition.CONTENT_TYPE_LATEST
        resp.data = metrics.text(self.families(req))
        resp.set_header('Cache-Control', 'no-store')


class MetricsJson(Metrics):
    """GET /metrics.json: the same figures as JSON."""

    def on_get(self, req, resp):
        resp.media = metrics.as_json(self.families(req))
        resp.set_header('Cache-Control', 'no-store')
