"""Options of the [api] group: limits on what one request may ask for,
and how often the policy files are checked.
"""

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
    cfg.FloatOpt('policy_check_interval', default=1.0, min=0,
                 help='Seconds between two checks of the policy file and '
                      'the policy.d directories ([oslo_policy]) for '
                      'changes; a change applies to the requests that '
                      'follow the next check. 0 checks on every request, '
                      'as oslo.policy does by itself, at about 50 us of '
                      'CPU per request.'),
]


def register_opts(conf):
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return [(GROUP, OPTS)]
