"""The Elasticsearch store: Elasticsearch 8.x/9.x or OpenSearch 2.x.

``[storage] driver = elasticsearch``; the options live in the section named
by ``[storage] backend`` (default ``[elasticsearch]``), see
``conf/elasticsearch.py``.
"""

from freezer_api.conf import elasticsearch as es_conf
from freezer_api import exception
from freezer_api.storage.elasticsearch import client
from freezer_api.storage.elasticsearch import indices
from freezer_api.storage.elasticsearch import manager
from freezer_api.storage.elasticsearch import store


def _connection(group):
    return client.Connection(client.settings_from_conf(group))


def open_store(conf):
    """Return an ``EsStore``; nothing is contacted until the first call.

    :raises ConfigError: invalid options.
    """
    group = es_conf.options_group(conf)
    if group.refresh_policy == 'wait_for' and group.refresh_interval == '-1':
        raise exception.ConfigError(
            'refresh_policy = wait_for needs a scheduled refresh: '
            'refresh_interval = -1 would make every write wait forever')
    return store.EsStore(
        _connection(group), group.index,
        refresh_policy=group.refresh_policy,
        wait_for_active_shards=group.wait_for_active_shards,
        write_timeout='%ds' % max(1, group.timeout // 2))


def open_manager(conf):
    """Return an ``EsManager`` for ``freezer-manage db``."""
    group = es_conf.options_group(conf)
    return manager.EsManager(indices.Indices(
        _connection(group), group.index,
        replicas=group.number_of_replicas, shards=group.number_of_shards,
        refresh_interval=group.refresh_interval))
