"""Options of the [elasticsearch] group (owned by the Elasticsearch store)."""

from oslo_config import cfg

GROUP = 'elasticsearch'

OPTS = [
    cfg.ListOpt('hosts', default=['http://127.0.0.1:9200'],
                help='Elasticsearch or OpenSearch nodes.'),
    cfg.StrOpt('index', default='freezer', help='Index name prefix.'),
]


def register_opts(conf, group=GROUP):
    conf.register_opts(OPTS, group=group)


def list_opts():
    return [(GROUP, OPTS)]
