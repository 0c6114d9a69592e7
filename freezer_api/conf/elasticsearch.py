"""Options of the [elasticsearch] group: the Elasticsearch/OpenSearch store.

The names are upstream's, so existing ``freezer-api.conf`` files keep
working; ``[storage] backend`` may name another section holding the same
options (upstream's convention), see ``options_group()``.
"""

from oslo_config import cfg

GROUP = 'elasticsearch'

OPTS = [
    cfg.ListOpt('hosts', default=['http://127.0.0.1:9200'],
                help='Elasticsearch or OpenSearch nodes, as URLs '
                     '(``http://host:9200``) or ``host:port`` (then '
                     '``use_ssl`` picks the scheme).'),
    cfg.StrOpt('index', default='freezer',
               help='Prefix of the index names: documents of kind ``jobs`` '
                    'live behind the alias ``<index>-jobs``.'),
    cfg.IntOpt('number_of_replicas', default=0, min=0,
               help='Replicas of every index; applied by '
                    '``freezer-manage db sync`` and '
                    '``freezer-manage db update-settings``.'),
    cfg.IntOpt('number_of_shards', default=1, min=1,
               help='Primary shards of a new index (only read when an '
                    'index is created).'),
    cfg.IntOpt('timeout', default=10, min=1,
               help='Seconds to wait for one answer of the store. A write '
                    'also asks the cluster to answer within half of it '
                    '(its ``timeout`` parameter): while a shard has no '
                    'primary, or the cluster no elected master, the '
                    'write waits that long for one, then gets a 503.'),
    cfg.StrOpt('wait_for_active_shards', default='1',
               help='Copies of a shard (primary included) that must be '
                    'active before a write starts (a number or ``all``). '
                    '``1`` keeps writes going while a node is down; an '
                    'acknowledged write is on every in-sync copy either '
                    'way. ``all`` refuses every write while any copy is '
                    'missing (a node down or restarting).'),
    cfg.IntOpt('retries', default=2, min=0,
               help='Times a request is retried on another node (or the '
                    'same one) after a connection error or timeout. Keep '
                    'it small: a client waits timeout * (retries + 1) '
                    'before it gets a 503.'),
    cfg.StrOpt('http_auth', secret=True,
               help='``user:password`` for HTTP basic authentication.'),
    cfg.BoolOpt('use_ssl', default=False,
                help='Use https for hosts given without a scheme.'),
    cfg.BoolOpt('verify_certs', default=False,
                help='Verify the server certificate (https only).'),
    cfg.StrOpt('ca_certs',
               help='CA bundle used to verify the server certificate; the '
                    'file must exist.'),
    cfg.StrOpt('flavour', default='auto',
               choices=[('auto', 'detect on first contact'),
                        ('elasticsearch', 'Elasticsearch 8.x/9.x '
                                          '(elasticsearch-py client)'),
                        ('opensearch', 'OpenSearch 2.x (opensearch-py '
                                       'client)')],
               help='Which server the hosts run. ``auto`` tries the '
                    'Elasticsearch client first, which refuses any other '
                    'product, and falls back to the OpenSearch client.'),
    cfg.StrOpt('refresh_interval', default='1s',
               help='Scheduled refresh interval of every index (an '
                    'Elasticsearch time value, -1 to disable).'),
    cfg.StrOpt('refresh_policy', default='search',
               choices=[('search', 'writes never refresh; a search first '
                                   'refreshes its index, a no-op when '
                                   'nothing was written since the last '
                                   'refresh'),
                        ('wait_for', 'a write returns once the next '
                                     'scheduled refresh made it visible '
                                     '(adds up to refresh_interval to '
                                     'every write)'),
                        ('write', 'every write forces a refresh')],
               help='How a list sees the writes acknowledged before it, '
                    'whichever API process served them (read-your-writes). '
                    'Reads of one document by id are always current.'),
]


def register_opts(conf, group=GROUP):
    conf.register_opts(OPTS, group=group)


def options_group(conf):
    """Return the option group of the store, registering it if needed.

    ``[storage] backend`` names the section (default ``elasticsearch``).
    """
    name = getattr(conf.storage, 'backend', None) or GROUP
    if name not in conf:
        register_opts(conf, group=name)
    else:
        try:
            conf[name].hosts
        except cfg.NoSuchOptError:
            register_opts(conf, group=name)
    return conf[name]


def list_opts():
    return [(GROUP, OPTS)]
