"""``freezer-manage db ...`` on the real Elasticsearch and OpenSearch, and
a mapping change applied by reindex and alias swap without losing data."""

import os
import subprocess
import sys
import uuid

import pytest

from freezer_api import conf as conf_pkg
from freezer_api import exception
from freezer_api.storage import base
from freezer_api.storage import driver
from freezer_api.storage.elasticsearch import mappings
from tests import conftest
from tests.fixtures import search

BIN = os.path.dirname(sys.executable)
P1 = base.Scope(project_id='p1')


def manage(conf_file, *args, stdin=''):
    return subprocess.run(
        [os.path.join(BIN, 'freezer-manage'), '--config-file',
         str(conf_file)] + list(args),
        input=stdin, capture_output=True, text=True, timeout=120)


def write_conf(path, url, prefix, **extra):
    options = dict(hosts=url, index=prefix, number_of_replicas=0,
                   timeout=5, retries=0)
    options.update(extra)
    lines = ['[DEFAULT]', 'auth_strategy = noauth', '[storage]',
             'driver = elasticsearch', 'backend = elasticsearch',
             '[elasticsearch]']
    lines += ['%s = %s' % item for item in options.items()]
    path.write_text('\n'.join(lines) + '\n')
    return path


def index_settings(server, name):
    status, found = search.http('GET', '%s/%s/_settings?flat_settings=true'
                                % (server.url, name))
    return status, found


@pytest.fixture(params=search.FLAVOURS)
def server(request):
    return request.getfixturevalue(request.param + '_server')


@pytest.fixture
def prefix(server):
    name = 'manage-%s' % uuid.uuid4().hex[:8]
    yield name
    status, found = search.http('GET', '%s/%s,%s-*/_settings'
                                % (server.url, name, name))
    for index in (found if status == 200 else {}):
        search.http('DELETE', '%s/%s' % (server.url, index))


def store_for(conf_file):
    return driver.open_store(conf_pkg.make_conf(['--config-file',
                                                 str(conf_file)]))


def test_sync_show_remove_erase(server, prefix, tmp_path):
    conf_file = write_conf(tmp_path / 'api.conf', server.url, prefix)
    shown = manage(conf_file, 'db', 'show')
    assert shown.returncode == 0, shown.stderr
    assert 'alias %s-jobs missing' % prefix in shown.stdout

    synced = manage(conf_file, 'db', 'sync')
    assert synced.returncode == 0, synced.stderr
    for kind in base.KINDS:
        assert ('%s: created index %s-%s-v%d behind alias %s-%s'
                % (kind, prefix, kind, mappings.version(kind), prefix,
                   kind)) in synced.stdout
    again = manage(conf_file, 'db', 'sync')
    assert again.returncode == 0 and 'up to date' in again.stdout

    store = store_for(conf_file)
    store.create('jobs', 'j1', {'project_id': 'p1'}, P1)
    assert '1 documents' in manage(conf_file, 'db', 'show').stdout

    refused = manage(conf_file, 'db', 'remove', stdin='n\n')
    assert refused.returncode == 1
    assert store.get('jobs', 'j1', P1).version == 1

    jobs_index = '%s-jobs-v%d' % (prefix, mappings.version('jobs'))
    erased = manage(conf_file, '-y', '-e', 'db', 'sync')
    assert erased.returncode == 0, erased.stderr
    assert 'deleted index %s' % jobs_index in erased.stdout
    assert store.search('jobs') == []

    removed = manage(conf_file, '-y', 'db', 'remove')
    assert removed.returncode == 0, removed.stderr
    assert index_settings(server, jobs_index)[0] == 404
    store.close()


def test_update_settings_applies_replicas_from_the_config(server, prefix,
                                                          tmp_path):
    url = server.url
    conf_file = write_conf(tmp_path / 'api.conf', url, prefix)
    assert manage(conf_file, 'db', 'sync').returncode == 0
    write_conf(conf_file, url, prefix, number_of_replicas=2,
               refresh_interval='5s')
    updated = manage(conf_file, 'db', 'update-settings')
    assert updated.returncode == 0, updated.stderr
    assert 'number_of_replicas=2' in updated.stdout
    status, found = index_settings(server, prefix + '-jobs')
    settings = found['%s-jobs-v%d' % (prefix, mappings.version('jobs'))][
        'settings']
    assert settings['index.number_of_replicas'] == '2'
    assert settings['index.refresh_interval'] == '5s'


def test_update_settings_before_sync_fails_clearly(server, prefix,
                                                   tmp_path):
    conf_file = write_conf(tmp_path / 'api.conf', server.url, prefix)
    result = manage(conf_file, 'db', 'update-settings')
    assert result.returncode != 0
    assert 'db sync' in result.stderr


def test_unreachable_store_fails_clearly(tmp_path):
    conf_file = write_conf(tmp_path / 'api.conf',
                           'http://127.0.0.1:%d' % search.free_port(), 'x')
    for action in ('sync', 'show', 'update-settings'):
        result = manage(conf_file, '-y', 'db', action)
        assert result.returncode != 0, action
        assert 'ERROR' in result.stderr and 'unreachable' in result.stderr


@pytest.mark.parametrize('extra, message', [
    ({'ca_certs': '/nonexistent/ca.pem'}, 'ca_certs'),
    ({'http_auth': 'nocolon'}, 'user:password'),
    ({'flavour': 'solr'}, 'flavour'),
])
def test_bad_config_fails_clearly(tmp_path, extra, message):
    conf_file = write_conf(tmp_path / 'api.conf', 'http://127.0.0.1:9',
                           'x', **extra)
    result = manage(conf_file, 'db', 'sync')
    assert result.returncode != 0
    assert message in result.stderr and 'Traceback' not in result.stderr


def test_mapping_change_is_a_reindex_and_alias_swap(server, prefix,
                                                    monkeypatch):
    conf = conftest.make_conf()
    search.SearchBackend(server, prefix).configure(conf)
    old_version, fields = mappings.KINDS['jobs']
    monkeypatch.setitem(mappings.KINDS, 'jobs', (old_version - 1, fields))
    manager = driver.open_manager(conf)
    manager.sync()
    store = driver.open_store(conf)
    for n in range(7):
        store.create('jobs', 'j%d' % n, {'project_id': 'p1', 'n': n}, P1)
    store.replace('jobs', 'j3', {'project_id': 'p1', 'n': 3, 'x': 1}, 1, P1)
    before = store.search('jobs', limit=100)

    monkeypatch.setitem(mappings.KINDS, 'jobs', (old_version, fields))
    lines = manager.update()
    old = '%s-jobs-v%d' % (prefix, old_version - 1)
    new = '%s-jobs-v%d' % (prefix, old_version)
    assert any('migrated %s to %s' % (old, new) in line for line in lines)
    assert store.search('jobs', limit=100) == before
    assert store.get('jobs', 'j3', P1).version == 2
    status, aliases = search.http('GET', '%s/_alias/%s-jobs'
                                  % (server.url, prefix))
    assert list(aliases) == [new]
    status, found = index_settings(server, old)
    assert found[old]['settings']['index.blocks.write'] == 'true'
    store.create('jobs', 'after', {'project_id': 'p1'}, P1)
    assert len(store.search('jobs', limit=100)) == 8
    assert any('%s-jobs -> %s' % (prefix, new) in line
               for line in manager.show())
    removed = manager.remove()
    assert 'jobs: deleted index %s' % old in removed
    assert 'jobs: deleted index %s' % new in removed
    store.close()
    manager.close()


UPSTREAM_DOCS = [
    {'backup_id': 'b1', 'user_id': 'u1', 'user_name': 'alice',
     'project_id': 'p1', 'backup_metadata': {'backup_name': 'bk',
                                             'container': 'c'}},
    {'job_id': 'j1', 'user_id': 'u1', 'project_id': 'p1',
     'client_id': 'p1_host1', 'job_schedule': {'status': 'completed'},
     'job_actions': []},
    {'action_id': 'a1', 'user_id': 'u1', 'project_id': 'p1',
     'freezer_action': {'action': 'backup'}},
    {'session_id': 's1', 'session_tag': 2, 'user_id': 'u1',
     'project_id': 'p1', 'schedule': {}, 'jobs': {}},
    {'client': {'client_id': 'p1_host1', 'hostname': 'host1'},
     'user_id': 'u1', 'project_id': 'p1'},
    {'something': 'else'},
    # NOTE: upstream v1 documents name no project: their user owns them.
    {'action_id': 'a1', 'user_id': 'u2',
     'freezer_action': {'action': 'restore'}},
]


def test_sync_imports_an_upstream_index_once(server, prefix, tmp_path):
    url = server.url
    lines = []
    for n, doc in enumerate(UPSTREAM_DOCS):
        lines += [{'index': {'_index': prefix, '_id': 'auto%d' % n}}, doc]
    status, result = search.http('POST', url + '/_bulk?refresh=true', lines)
    assert status == 200 and not result['errors'], result
    conf_file = write_conf(tmp_path / 'api.conf', url, prefix)

    synced = manage(conf_file, 'db', 'sync')
    assert synced.returncode == 0, synced.stderr
    assert ('upstream index %s: 6 documents imported, 0 already there, 1 '
            'not recognised' % prefix) in synced.stdout
    store = store_for(conf_file)
    for kind, doc_id, doc in (('backups', 'b1', UPSTREAM_DOCS[0]),
                              ('actions', 'a1', UPSTREAM_DOCS[2]),
                              ('sessions', 's1', UPSTREAM_DOCS[3]),
                              ('clients', 'p1_host1', UPSTREAM_DOCS[4])):
        assert store.get(kind, doc_id, P1).doc == doc
    assert store.get('jobs', 'j1', P1) == base.Record(UPSTREAM_DOCS[1], 1)
    assert store.get('actions', 'a1', base.Scope(user_id='u2')).doc == \
        UPSTREAM_DOCS[6]

    again = manage(conf_file, 'db', 'sync')
    assert again.returncode == 0, again.stderr
    assert '0 documents imported, 6 already there' in again.stdout
    assert store.search('backups', base.Scope('p1')) == [
        base.Record(UPSTREAM_DOCS[0], 1)]
    store.close()


def _v1_mapping(kind):
    """``kind``'s mapping as mapping version 1 had it: no ``owner``."""
    mapping = mappings.mapping(kind)
    del mapping['properties']['owner']
    mapping['_meta']['mapping_version'] = 1
    return mapping


#: Entries as mapping v1 indexed them: ``_id`` is the document id.
V1_ENTRIES = [
    ('jobs', 'j1', {'job_id': 'j1', 'project_id': 'p1', 'user_id': 'u1',
                    'client_id': 'p1_h', 'job_schedule': {},
                    'job_actions': []}),
    ('jobs', 'j2', {'job_id': 'j2', 'project_id': 'p1', 'user_id': 'u1',
                    'client_id': 'p1_h', 'job_schedule': {},
                    'job_actions': []}),
    ('actions', 'a1', {'action_id': 'a1', 'user_id': 'u2',
                       'freezer_action': {'action': 'backup'}}),
    ('services', 'freezer-api:x', {'binary': 'freezer-api', 'host': 'n1',
                                   'key': 'n1', 'heartbeat': 1.0}),
]


def test_sync_migrates_indices_of_mapping_v1_to_owned_ids(server, prefix,
                                                          tmp_path):
    url = server.url
    for kind in sorted({kind for kind, _id, _doc in V1_ENTRIES}):
        status, found = search.http('PUT', '%s/%s-%s-v1' % (url, prefix,
                                                            kind), {
            'settings': {'index': {'number_of_replicas': 0}},
            'mappings': _v1_mapping(kind),
            'aliases': {'%s-%s' % (prefix, kind): {'is_write_index': True}}})
        assert status == 200, found
    lines = []
    for kind, doc_id, doc in V1_ENTRIES:
        entry = mappings.envelope(kind, '', doc_id, doc, 2)
        del entry['owner']
        lines += [{'index': {'_index': '%s-%s-v1' % (prefix, kind),
                             '_id': doc_id}}, entry]
    status, result = search.http('POST', url + '/_bulk?refresh=true', lines)
    assert status == 200 and not result['errors'], result
    conf_file = write_conf(tmp_path / 'api.conf', url, prefix)

    synced = manage(conf_file, 'db', 'sync')
    assert synced.returncode == 0, synced.stderr
    for kind in ('jobs', 'actions', 'services'):
        assert ('%s: migrated %s-%s-v1 to %s-%s-v2' % (
            kind, prefix, kind, prefix, kind)) in synced.stdout
    store = store_for(conf_file)
    assert store.get('jobs', 'j1', P1) == base.Record(V1_ENTRIES[0][2], 2)
    assert [r.doc['job_id'] for r in store.search('jobs', P1)] == ['j1',
                                                                   'j2']
    assert store.get('actions', 'a1', base.Scope(user_id='u2')).version == 2
    assert store.get('services', 'freezer-api:x').doc['host'] == 'n1'
    # the migrated ids are per owner now
    p2 = base.Scope(project_id='p2')
    assert store.create('jobs', 'j1', {'project_id': 'p2'}, p2) == 1
    assert store.replace('jobs', 'j1', dict(V1_ENTRIES[0][2], n=1), 2,
                         P1) == 3
    assert store.get('jobs', 'j1', p2).doc == {'project_id': 'p2'}
    with pytest.raises(exception.AlreadyExists):
        store.create('jobs', 'j2', {'project_id': 'p1'}, P1)
    store.close()
    assert manage(conf_file, 'db', 'sync').stdout.count('up to date') == len(
        base.KINDS)
