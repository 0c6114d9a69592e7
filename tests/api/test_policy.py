"""Policy in code: upstream's rule names, secure defaults, checked before
the body, and overridden by an operator's policy file.

In-process, with ``auth_strategy = noauth``: the identity comes from the
X-User-Id / X-Project-Id / X-Roles headers. The same defaults are proven
against a real Keystone in tests/integration/test_keystone_isolation.py.
"""

import importlib
import os
import textwrap

from falcon import testing
from oslo_context import context
from oslo_policy import opts as policy_opts
from oslo_policy import policy as oslo_policy
import pytest
import sqlalchemy as sa

from freezer_api import app
from freezer_api import conf as conf_pkg
from freezer_api import policies
from freezer_api import policy
from freezer_api.storage import driver
from tests.api.conftest import Caller
from tests.api.conftest import client_info
from tests.api.conftest import job_doc
from tests import conftest
from tests.fixtures import metadata

UPSTREAM_RULES = {
    'backups:get_all', 'backups:get', 'backups:create', 'backups:update',
    'backups:delete',
    'clients:get_all', 'clients:get', 'clients:create', 'clients:update',
    'clients:delete', 'clients:create_central',
    'jobs:get_all', 'jobs:get', 'jobs:create', 'jobs:update', 'jobs:delete',
    'jobs:event:create', 'jobs:get_all_projects',
    'actions:get_all', 'actions:get', 'actions:create', 'actions:update',
    'actions:replace', 'actions:delete',
    'sessions:get_all', 'sessions:get', 'sessions:create', 'sessions:update',
    'sessions:replace', 'sessions:delete', 'sessions:action:create',
    'sessions:job:add', 'sessions:job:remove',
    'clusters:get_all', 'clusters:get', 'clusters:update',
    'status:get', 'metrics:get',
}
BASE_RULES = {'context_is_admin', 'project_member', 'project_reader',
              'admin_or_owner', 'admin_or_service',
              'admin_or_owner_or_service', 'admin_or_reader_or_service'}

ACTION = {'freezer_action': {'action': 'backup', 'mode': 'fs',
                             'backup_name': 'b', 'container': 'c'}}
BACKUP = {'container': 'c', 'hostname': 'h', 'backup_name': 'b'}
LATEST = {'OpenStack-API-Version': 'backup latest'}


# -- the rules in code --------------------------------------------------------

def test_rules_keep_upstreams_names_and_no_others():
    names = [r.name for r in policies.list_rules()]
    assert len(names) == len(set(names))
    assert set(names) == UPSTREAM_RULES | BASE_RULES


def test_every_api_rule_is_documented_for_project_tokens():
    for rule in policies.list_rules():
        if rule.name in BASE_RULES:
            continue
        assert isinstance(rule, oslo_policy.DocumentedRuleDefault)
        assert rule.scope_types == ['project'], rule.name
        assert rule.operations and rule.description, rule.name


def test_document_rules_name_every_versions_path():
    for rule in policies.list_rules():
        if rule.name in BASE_RULES or rule.name.split(':')[0] in (
                'clusters', 'status', 'metrics'):
            continue
        paths = {op['path'].split('/')[1] for op in rule.operations}
        wanted = {'v2', 'v3'}
        if rule.name not in ('backups:update', 'jobs:get_all_projects'):
            wanted.add('v1')
        assert paths == wanted, rule.name


@pytest.mark.parametrize('name, check', [
    ('backups:get', 'rule:admin_or_reader_or_service'),
    ('backups:create', 'rule:admin_or_owner_or_service'),
    ('clients:create', 'rule:admin_or_owner'),
    ('clients:create_central', 'rule:admin_or_service'),
    ('jobs:create', 'rule:admin_or_owner'),
    ('jobs:get_all_projects', 'rule:admin_or_service'),
    ('sessions:action:create', 'rule:admin_or_owner'),
    ('clusters:update', 'rule:context_is_admin'),
])
def test_secure_defaults(name, check):
    rules = {r.name: r.check_str for r in policies.list_rules()}
    assert rules[name] == check


def test_enforcer_entry_point_loads_every_rule():
    enforcer = policy.get_enforcer()
    assert UPSTREAM_RULES <= set(enforcer.registered_rules)


@pytest.mark.parametrize('group, target', [
    ('oslo.policy.policies', policies.list_rules),
    ('oslo.policy.enforcer', policy.get_enforcer),
])
def test_oslo_policy_tools_find_the_rules_through_entry_points(group,
                                                               target):
    entries = metadata.entry_points(group)
    module, _, attr = entries['freezer-api'].partition(':')
    assert getattr(importlib.import_module(module), attr) is target


# -- the defaults, in-process -------------------------------------------------

def caller(client, version, roles, project='p1', user='u1'):
    caller = Caller(client, version, user=user, project=project, roles=roles)
    if version == 'v3':
        caller.headers.update(LATEST)
    return caller


def make_client(backend, check_interval=None, **overrides):
    conf = conftest.make_conf(backend)
    if check_interval is not None:
        conf.set_override('policy_check_interval', check_interval,
                          group='api')
    # NOTE: not policy_opts.set_defaults(): it changes the defaults of
    # oslo.policy's module-level options for every later test.
    for group, group_opts in policy_opts.list_opts():
        conf.register_opts(group_opts, group=group)
    for name, value in overrides.items():
        conf.set_override(name, value, group='oslo_policy')
    store = driver.open_store(conf)
    return testing.TestClient(app.create_app(conf, store)), store


@pytest.fixture
def client(sql_backend):
    sql_backend.reset()
    client, store = make_client(sql_backend)
    yield client
    store.close()


@pytest.mark.parametrize('version', ['v1', 'v2', 'v3'])
@pytest.mark.parametrize('path', ['/backups', '/actions', '/jobs',
                                  '/sessions', '/clients'])
def test_policy_is_checked_before_the_body(client, version, path):
    reader = caller(client, version, 'reader')
    for body in ('{"not": "closed"', '[]', '{}'):
        resp = reader.request('POST', path, body=body)
        assert resp.status_code == 403, (body, resp.text)
        assert resp.json['code'] == 'freezer.policy.forbidden'
    member = caller(client, version, 'member,reader')
    assert member.request('POST', path, body='[]').status_code == 400


@pytest.mark.parametrize('version', ['v2', 'v3'])
def test_the_url_project_must_be_the_tokens(client, version):
    intruder = caller(client, version, 'member,reader', project='p2')
    intruder.url_project = 'p1'
    for method in ('GET', 'POST'):
        resp = intruder.request(method, '/actions', body='{}')
        assert resp.status_code == 403, resp.text
    admin = caller(client, version, 'admin', project='p2')
    admin.url_project = 'p1'
    assert admin.post('/actions', json=ACTION).status_code == 201


# -- an operator's policy file ---------------------------------------------

@pytest.fixture
def policy_file(tmp_path):
    path = tmp_path / 'policy.yaml'

    def write(rules):
        path.write_text(textwrap.dedent(rules))
        # NOTE: oslo.policy reloads a file whose mtime changed; make sure
        # it changes even within the file system's time resolution.
        stamp = os.stat(path).st_mtime + getattr(write, 'calls', 0) + 1
        write.calls = getattr(write, 'calls', 0) + 1
        os.utime(path, (stamp, stamp))
        return path
    return write


@pytest.fixture
def overridden(sql_backend, policy_file):
    """A client whose [oslo_policy] policy_file holds the given rules."""
    sql_backend.reset()
    opened = []

    def make(rules, check_interval=None):
        client, store = make_client(sql_backend, check_interval,
                                    policy_file=str(policy_file(rules)))
        opened.append(store)
        return client
    yield make
    for store in opened:
        store.close()


def test_a_policy_file_grants_a_custom_role(overridden):
    client = overridden('''
        "backups:get_all": "role:auditor and project_id:%(project_id)s"
        ''')
    auditor = caller(client, 'v2', 'auditor')
    assert auditor.get('/backups').status_code == 200
    assert auditor.post('/backups', json=BACKUP).status_code == 403
    member = caller(client, 'v2', 'member,reader')
    assert member.get('/backups').status_code == 403
    assert member.post('/backups', json=BACKUP).status_code == 201


def test_a_policy_file_can_forbid_even_admins(overridden):
    client = overridden('''
        "actions:delete": "!"
        ''')
    admin = caller(client, 'v2', 'admin,member,reader')
    action_id = admin.post('/actions', json=ACTION).json['action_id']
    resp = admin.delete('/actions/' + action_id)
    assert resp.status_code == 403
    assert resp.json['code'] == 'freezer.policy.forbidden'
    assert admin.get('/actions/' + action_id).status_code == 200


def test_overriding_a_base_rule_changes_every_rule_built_on_it(overridden):
    client = overridden('''
        "project_member": "role:operator and project_id:%(project_id)s"
        ''')
    operator = caller(client, 'v2', 'operator')
    created = operator.post('/actions', json=ACTION)
    assert created.status_code == 201, created.text
    assert operator.post('/sessions', json={
        'schedule': {'schedule_date': '2030-01-01T00:00:00'}}
    ).status_code == 201
    member = caller(client, 'v2', 'member,reader')
    assert member.post('/actions', json=ACTION).status_code == 403
    assert member.get('/actions').status_code == 200


def test_a_policy_file_can_open_the_cluster_api(overridden):
    client = overridden('''
        "clusters:get_all": "role:member and project_id:%(project_id)s"
        ''')
    member = caller(client, 'v3', 'member,reader')
    assert member.get('/clusters').status_code == 200
    assert member.get('/clusters/detail').status_code == 200
    assert member.put('/clusters/enable',
                      json={'name': 'c1'}).status_code == 403


def test_a_policy_file_can_allow_all_projects_listing(overridden):
    client = overridden('''
        "jobs:get_all_projects": "role:auditor"
        ''')
    ids = {}
    for project in ('p1', 'p2'):
        owner = caller(client, 'v2', 'member,reader', project=project)
        client_id = '%s_host1' % project
        assert owner.post('/clients', json=client_info(
            client_id)).status_code == 201
        ids[project] = owner.post('/jobs', json=job_doc(
            client_id)).json['job_id']

    def listed(who):
        resp = who.get('/jobs', params={'all_projects': 'true'})
        assert resp.status_code == 200, resp.text
        return {job['job_id'] for job in resp.json['jobs']}

    assert listed(caller(client, 'v2', 'auditor,reader')) == set(
        ids.values())
    # NOTE: without the right the flag is ignored, as upstream ignores it.
    assert listed(caller(client, 'v2', 'member,reader')) == {ids['p1']}


def test_policy_file_changes_apply_without_a_restart(overridden,
                                                     policy_file):
    client = overridden('''
        "backups:create": "!"
        ''', check_interval=0)
    member = caller(client, 'v2', 'member,reader')
    assert member.post('/backups', json=BACKUP).status_code == 403
    policy_file('''
        "backups:create": "rule:admin_or_owner"
        ''')
    assert member.post('/backups', json=BACKUP).status_code == 201


def test_policy_files_are_checked_once_per_check_interval(
        tmp_path, policy_file):
    conf = conftest.make_conf()
    for group, group_opts in policy_opts.list_opts():
        conf.register_opts(group_opts, group=group)
    conf.set_override('policy_file', str(policy_file('"backups:get": "!"')),
                      group='oslo_policy')
    conf.set_override('policy_check_interval', 30, group='api')
    now = [100.0]
    checker = policy.Policy(conf, clock=lambda: now[0])
    member = context.RequestContext(user_id='u1', project_id='p1',
                                    roles=['member', 'reader'])
    assert not checker.check(member, 'backups:get', 'p1')
    policy_file('"backups:get": "rule:admin_or_owner"')
    now[0] += 29.9
    # NOTE: the remembered decision stands until the next check is due.
    assert not checker.check(member, 'backups:get', 'p1')
    now[0] += 0.1
    assert checker.check(member, 'backups:get', 'p1')
    policy_file('"backups:get": "!"')
    now[0] += 30
    assert not checker.check(member, 'backups:get', 'p1')


def test_policy_file_is_found_next_to_the_config_file(sql_backend, tmp_path):
    sql_backend.reset()
    (tmp_path / 'policy.yaml').write_text('"actions:get_all": "!"\n')
    (tmp_path / 'freezer-api.conf').write_text(
        '[DEFAULT]\nauth_strategy = noauth\n'
        '[oslo_policy]\npolicy_file = policy.yaml\n')
    conf = conf_pkg.make_conf(['--config-file',
                               str(tmp_path / 'freezer-api.conf')])
    sql_backend.configure(conf)
    store = driver.open_store(conf)
    try:
        client = testing.TestClient(app.create_app(conf, store))
        member = caller(client, 'v2', 'member,reader')
        assert member.get('/actions').status_code == 403
        assert member.get('/sessions').status_code == 200
    finally:
        store.close()


def test_default_policy_file_is_policy_yaml_in_the_config_dirs():
    enforcer = policy.get_enforcer(conf_pkg.make_conf([]))
    assert enforcer.conf.oslo_policy.policy_file == 'policy.yaml'


def test_a_broken_policy_file_fails_closed(overridden, sql_backend):
    client = overridden('''
        "backups:create": "rule:admin_or_owner
        : [
        ''')
    member = caller(client, 'v2', 'member,reader')
    resp = member.post('/backups', json=BACKUP)
    assert resp.status_code == 500, resp.text
    assert resp.json['code'] == 'freezer.internal'
    engine = sa.create_engine(sql_backend.url)
    with engine.connect() as conn:
        count = conn.execute(sa.text('SELECT COUNT(*) FROM documents'))
        assert count.scalar() == 0
    engine.dispose()
