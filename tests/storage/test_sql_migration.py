"""``freezer-manage db sync`` upgrades a SQL database of an older schema:
documents stay readable by their owner, ids become unique per owner, and
the schema becomes the one ``tables`` describes."""

import io
import json
import uuid

import alembic.autogenerate
import alembic.command
import alembic.migration
from falcon import testing
import pytest
import sqlalchemy as sa

from freezer_api import app
from freezer_api.cmd import manage
from freezer_api.storage import base
from freezer_api.storage import driver
from freezer_api.storage import query as q
from freezer_api.storage.sql import engine as sql_engine
from freezer_api.storage.sql import manager as sql_manager
from freezer_api.storage.sql import store as sql_store
from freezer_api.storage.sql import tables
from tests.api.conftest import Caller
from tests import conftest

#: Rows as the store wrote them at revision 0001_documents.
OLD_ROWS = [
    ('jobs', 'j1', {'job_id': 'j1', 'project_id': 'p1', 'user_id': 'alice',
                    'client_id': 'p1_h', 'job_schedule': {},
                    'job_actions': []}),
    ('clients', 'p1_h', {'client': {'client_id': 'p1_h', 'hostname': 'h'},
                         'project_id': 'p1', 'user_id': 'alice'}),
    ('actions', 'a1', {'action_id': 'a1', 'user_id': 'bob',
                       'freezer_action': {'action': 'backup'}}),
    ('services', 'freezer-api:x', {'binary': 'freezer-api', 'host': 'n1',
                                   'cluster': None, 'key': 'n1',
                                   'heartbeat': 1.0}),
]


class _Database:
    name = 'sql-migration'

    def __init__(self, url):
        self.url = url

    def configure(self, conf):
        conf.set_override('driver', 'sqlalchemy', group='storage')
        conf.set_override('connection', self.url, group='database')


def _write_old_database(url):
    engine = sql_engine.create(url)
    with engine.begin() as conn:
        alembic.command.upgrade(sql_manager._alembic_config(conn),
                                '0001_documents')
        for kind, doc_id, doc in OLD_ROWS:
            fields = q.index_fields(doc)
            seq = conn.execute(sa.text(
                'INSERT INTO documents (kind, id, project_id, user_id, '
                'version, time_stamp, body) VALUES (:kind, :id, :project, '
                ':user, 3, NULL, :body) RETURNING seq'), {
                    'kind': kind, 'id': doc_id,
                    'project': fields['project_id'],
                    'user': fields['user_id'],
                    'body': json.dumps(doc)}).scalar_one()
            for term in fields['terms']:
                conn.execute(sa.text('INSERT INTO document_terms (seq, term) '
                                     'VALUES (:seq, :term)'),
                             {'seq': seq, 'term': term})
    engine.dispose()


#: How each server makes a new, empty database ``{name}``; MySQL's
#: with a collation that ignores case, as a server's default often does.
_CREATE = {
    'postgresql': 'CREATE DATABASE {name}',
    'mysql': 'CREATE DATABASE {name} CHARACTER SET utf8mb4 '
             'COLLATE utf8mb4_general_ci',
}


def _server_database(request, server_name):
    """A new, empty database on the test server ``server_name``."""
    server = sa.engine.make_url(
        request.getfixturevalue('%s_backend' % server_name).url)
    name = 'migration_%s' % uuid.uuid4().hex[:8]
    admin = sa.create_engine(server, isolation_level='AUTOCOMMIT')
    with admin.connect() as conn:
        conn.execute(sa.text(_CREATE[server_name].format(name=name)))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=['sqlite', 'postgresql', 'mysql'])
def old_url(request, tmp_path):
    """The URL of a database at revision 0001_documents, with rows."""
    if request.param == 'sqlite':
        url = 'sqlite:///%s' % (tmp_path / 'old.sqlite')
    else:
        url = _server_database(request, request.param)
    _write_old_database(url)
    return url


def _sync(url, tmp_path):
    """Run ``freezer-manage db sync`` on ``url``; return what it said."""
    conf_file = tmp_path / 'freezer-api.conf'
    conf_file.write_text('[storage]\ndriver = sqlalchemy\n[database]\n'
                         'connection = %s\n' % url)
    out = io.StringIO()
    assert manage.main(['--config-file', str(conf_file), 'db', 'sync'],
                       stdout=out) == 0
    return out.getvalue()


@pytest.fixture
def upgraded(old_url, tmp_path):
    backend = _Database(old_url)
    assert ('upgraded from 0001_documents to 0004_time_index'
            in _sync(old_url, tmp_path))
    conf = conftest.make_conf(backend)
    store = driver.open_store(conf)
    yield store, testing.TestClient(app.create_app(conf, store))
    store.close()


def test_sync_moves_an_old_database_to_the_newest_revision(upgraded,
                                                           old_url):
    conf = conftest.make_conf(_Database(old_url))
    checked = driver.open_manager(conf)
    try:
        assert checked.is_current()
    finally:
        checked.close()


def test_old_project_documents_belong_to_their_project(upgraded):
    _store, api = upgraded
    alice = Caller(api, 'v2', user='alice', project='p1')
    job = alice.get('/jobs/j1')
    assert job.status_code == 200, job.text
    assert job.json['client_id'] == 'p1_h'
    assert [j['job_id'] for j in alice.get('/jobs').json['jobs']] == ['j1']
    resp = alice.patch('/jobs/j1', json={'description': 'after upgrade'})
    assert resp.status_code == 200, resp.text
    assert resp.json['version'] == 4
    assert alice.get('/clients/p1_h').json['client']['hostname'] == 'h'


def test_old_documents_without_a_project_belong_to_their_user(upgraded):
    _store, api = upgraded
    bob = Caller(api, 'v1', user='bob', project='p9')
    assert bob.get('/actions/a1').json['freezer_action'] == {
        'action': 'backup'}
    assert Caller(api, 'v2', user='bob', project='p9').get(
        '/actions/a1').status_code == 404


def test_old_service_records_stay_global(upgraded):
    store, _api = upgraded
    assert store.get('services', 'freezer-api:x').doc['host'] == 'n1'


def test_after_the_upgrade_ids_are_unique_per_owner(upgraded):
    _store, api = upgraded
    alice = Caller(api, 'v2', user='alice', project='p1')
    mallory = Caller(api, 'v2', user='mallory', project='p2')
    assert mallory.post('/clients', json={
        'client_id': 'p1_h', 'hostname': 'other'}).status_code == 201
    resp = mallory.post('/jobs/j1', json={
        'client_id': 'p1_h', 'job_schedule': {}, 'description': 'p2',
        'job_actions': [{'freezer_action': {'action': 'backup'}}]})
    assert resp.status_code == 201, resp.text
    assert resp.json == {'job_id': 'j1', 'version': 1}
    assert 'description' not in alice.get('/jobs/j1').json
    assert alice.get('/clients/p1_h').json['client']['hostname'] == 'h'
    again = alice.post('/jobs', json={
        'job_id': 'j1', 'client_id': 'p1_h', 'job_schedule': {},
        'job_actions': [{'freezer_action': {'action': 'backup'}}]})
    assert again.status_code == 409


def test_after_the_upgrade_ids_differing_in_case_are_two_documents(
        upgraded):
    _store, api = upgraded
    alice = Caller(api, 'v2', user='alice', project='p1')
    resp = alice.post('/clients', json={'client_id': 'P1_H',
                                        'hostname': 'upper'})
    assert resp.status_code == 201, resp.text
    assert alice.get('/clients/p1_h').json['client']['hostname'] == 'h'
    assert alice.get('/clients/P1_H').json['client']['hostname'] == 'upper'


def test_the_upgraded_schema_is_the_one_tables_describes(upgraded, old_url):
    engine = sql_engine.create(old_url)
    try:
        with engine.connect() as conn:
            context = alembic.migration.MigrationContext.configure(conn)
            assert alembic.autogenerate.compare_metadata(
                context, tables.metadata) == []
    finally:
        engine.dispose()


@pytest.fixture(params=['sqlite', 'postgresql', 'mysql'])
def url_at_0003(request, tmp_path):
    """The URL of a database at revision 0003_mysql_exact_text, with
    backups written by the store of that revision (the same rows).
    """
    if request.param == 'sqlite':
        url = 'sqlite:///%s' % (tmp_path / 'at3.sqlite')
    else:
        url = _server_database(request, request.param)
    engine = sql_engine.create(url)
    with engine.begin() as conn:
        alembic.command.upgrade(sql_manager._alembic_config(conn),
                                '0003_mysql_exact_text')
    old = sql_store.SqlStore(engine)
    for n, stamp in enumerate((1300, 1100, 1200, None)):
        old.create('backups', 'b%d' % n, {
            'project_id': 'p1', 'n': n,
            'backup_metadata': {'time_stamp': stamp}},
            base.Scope(project_id='p1'))
    old.close()
    return url


def test_sync_adds_the_time_index_to_a_0003_database(url_at_0003, tmp_path):
    said = _sync(url_at_0003, tmp_path)
    assert 'upgraded from 0003_mysql_exact_text to 0004_time_index' in said
    engine = sql_engine.create(url_at_0003)
    try:
        indexes = {ix['name']: ix['column_names']
                   for ix in sa.inspect(engine).get_indexes('documents')}
    finally:
        engine.dispose()
    assert indexes['ix_documents_kind_owner_time'] == [
        'kind', 'owner', 'time_stamp', 'seq']
    store = driver.open_store(conftest.make_conf(_Database(url_at_0003)))
    try:
        found = store.search('backups', base.Scope(project_id='p1'),
                             q.Query(time_after=1100, time_before=1250))
        assert [r.doc['n'] for r in found] == [1, 2]
    finally:
        store.close()
    assert 'up to date (revision 0004_time_index)' in _sync(url_at_0003,
                                                            tmp_path)
