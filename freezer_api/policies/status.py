"""Rules of the operations endpoints: /status and /metrics."""

from freezer_api.policies import base

STATUS_GET = 'status:get'
METRICS_GET = 'metrics:get'


def list_rules():
    return [
        base.rule(STATUS_GET, base.ADMIN_OR_SERVICE,
                  'Show the state of this API process and of its store.',
                  [('GET', '/status')]),
        base.rule(METRICS_GET, base.ADMIN_OR_SERVICE,
                  'Read the Prometheus metrics of the API (unless '
                  '[metrics] public is set).',
                  [('GET', '/metrics'), ('GET', '/metrics.json')]),
    ]
