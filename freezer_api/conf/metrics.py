"""Options of the [metrics] group: the Prometheus endpoints."""

from oslo_config import cfg

GROUP = 'metrics'

OPTS = [
    cfg.BoolOpt('public', default=False, mutable=True,
                help='Serve GET /metrics and /metrics.json without a token '
                     '(for a Prometheus that has none); otherwise they '
                     'need the metrics:get rule. Under several processes '
                     '(uWSGI, mod_wsgi) set the PROMETHEUS_MULTIPROC_DIR '
                     'environment variable to an empty directory, so that '
                     'a scrape of any process sums them all.'),
]


def register_opts(conf):
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return [(GROUP, OPTS)]
