"""The Elasticsearch store's options and client: every option passed
explicitly, bad values refused with a clear message, errors translated."""

import pytest

from freezer_api import conf as conf_pkg
from freezer_api.conf import elasticsearch as es_conf
from freezer_api import exception
from freezer_api.storage.elasticsearch import client

UPSTREAM_OPTIONS = {'hosts', 'index', 'number_of_replicas', 'timeout',
                    'retries', 'http_auth', 'use_ssl', 'verify_certs',
                    'ca_certs'}


def make_conf(**options):
    conf = conf_pkg.make_conf([])
    conf.set_override('driver', 'elasticsearch', group='storage')
    for key, value in options.items():
        conf.set_override(key, value, group='elasticsearch')
    return conf


def settings(**options):
    return client.settings_from_conf(
        es_conf.options_group(make_conf(**options)))


def test_upstream_option_names_are_all_there():
    [(group, opts)] = es_conf.list_opts()
    assert group == 'elasticsearch'
    assert UPSTREAM_OPTIONS <= {opt.name for opt in opts}


def test_storage_backend_names_the_options_section(tmp_path):
    path = tmp_path / 'freezer-api.conf'
    path.write_text('[storage]\ndriver = elasticsearch\nbackend = es_prod\n'
                    '[es_prod]\nhosts = http://10.0.0.1:9201\n'
                    'index = prod\n')
    conf = conf_pkg.make_conf(['--config-file', str(path)])
    group = es_conf.options_group(conf)
    assert group.hosts == ['http://10.0.0.1:9201'] and group.index == 'prod'


def test_hosts_get_a_scheme_and_a_port():
    assert settings(hosts=['es1', 'http://es2:9201']).hosts == [
        'http://es1:9200', 'http://es2:9201']
    assert settings(hosts=['es1'], use_ssl=True).hosts == [
        'https://es1:9200']


@pytest.mark.parametrize('options, message', [
    ({'hosts': ['http://es1:9200'], 'use_ssl': True}, 'use_ssl'),
    ({'hosts': ['ftp://es1']}, 'Invalid'),
    ({'hosts': []}, 'No Elasticsearch hosts'),
    ({'http_auth': 'no-colon'}, 'user:password'),
    ({'ca_certs': '/nonexistent/ca.pem'}, 'ca_certs'),
])
def test_bad_options_are_config_errors(options, message):
    with pytest.raises(exception.ConfigError, match=message):
        settings(**options)


def test_elasticsearch_client_gets_each_option_explicitly(monkeypatch,
                                                          tmp_path):
    import elasticsearch
    seen = {}

    class Fake:
        def __init__(self, **kwargs):
            seen.update(kwargs)

    ca = tmp_path / 'ca.pem'
    ca.write_text('x')
    monkeypatch.setattr(elasticsearch, 'Elasticsearch', Fake)
    client._ElasticsearchClient(settings(
        hosts=['es1'], use_ssl=True, verify_certs=True, ca_certs=str(ca),
        http_auth='admin:s3:cret', timeout=7, retries=2))
    assert seen == {'hosts': ['https://es1:9200'], 'request_timeout': 7,
                    'max_retries': 2, 'retry_on_timeout': True,
                    'basic_auth': ('admin', 's3:cret'),
                    'verify_certs': True, 'ssl_show_warn': True,
                    'ca_certs': str(ca)}


def test_opensearch_client_gets_each_option_explicitly(monkeypatch):
    import opensearchpy
    seen = {}

    class Fake:
        def __init__(self, **kwargs):
            seen.update(kwargs)

    monkeypatch.setattr(opensearchpy, 'OpenSearch', Fake)
    client._OpenSearchClient(settings(hosts=['http://os1:9200'], timeout=5,
                                      retries=0))
    assert seen == {'hosts': ['http://os1:9200'], 'timeout': 5,
                    'max_retries': 0, 'retry_on_timeout': True}


@pytest.mark.parametrize('status, body, kind', [
    (404, {'found': False}, client.NotFoundError),
    (409, {'error': {'type': 'version_conflict_engine_exception'}},
     client.ConflictError),
    (400, {'error': {'type': 'mapper_parsing_exception'}}, client.ApiError),
    (503, {'error': {'type': 'search_phase_execution_exception'}},
     exception.StoreUnavailable),
    (429, {'error': {'type': 'es_rejected_execution_exception'}},
     exception.StoreUnavailable),
    (403, {'error': {'type': 'cluster_block_exception'}},
     exception.StoreUnavailable),
    (401, {'error': {'type': 'security_exception'}},
     exception.StoreUnavailable),
    (403, {'error': {'type': 'security_exception'}},
     exception.StoreUnavailable),
])
def test_error_statuses_are_translated(status, body, kind):
    error = client._api_error(status, body)
    assert type(error) is kind


def test_unreachable_store_is_unavailable_not_an_error():
    conn = client.Connection(settings(hosts=['http://127.0.0.1:1'],
                                      timeout=1, retries=0))
    with pytest.raises(exception.StoreUnavailable, match='unreachable'):
        conn.request('GET', '/_cluster/health')
    conn.close()


def test_opensearch_writes_send_the_cluster_side_timeout(monkeypatch):
    from opensearchpy import connection
    sent = []

    def perform_request(self, method, url, params=None, body=None,
                        timeout=None, ignore=(), headers=None):
        sent.append((url, dict(params or {}), timeout))
        return 200, {'content-type': 'application/json'}, '{}'

    monkeypatch.setattr(connection.Urllib3HttpConnection, 'perform_request',
                        perform_request)
    opened = client._OpenSearchClient(settings(hosts=['http://os1:9200'],
                                               timeout=7, retries=0))
    opened.request('PUT', '/a/_create/1', {'timeout': '3s'}, '{}',
                   {'content-type': 'application/json'})
    assert sent == [('/a/_create/1', {'timeout': '3s'}, 7)]
    opened.request('GET', '/a/_doc/1', None, None, {})
    assert sent[-1] == ('/a/_doc/1', {}, 7)
