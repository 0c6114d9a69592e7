"""Options of the [api] group: limits on what one request may ask for."""

from oslo_config import cfg

GROUP = 'api'

OPTS = [
    cfg.IntOpt('default_limit', default=10, min=1, mutable=True,
               help='Page size of a list when the request gives no limit.'),
    cfg.IntOpt('max_limit', default=1000, min=1, mutable=True,
               help='Largest page size a list request may ask for.'),
    cfg.IntOpt('max_retries_on_conflict', default=200, min=1,
               help='How often a compare-and-set update is retried when '
                    'concurrent writers keep changing the document.'),
]


def register_opts(conf):
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return [(GROUP, OPTS)]
