"""What a worker process imports: only what its store and auth strategy
need.

Every module a worker imports stays in its memory for the life of the
process (about 4 MiB for oslo.middleware with webob and jinja2, 1 MiB for
keystoneauth1, 8 MiB for SQLAlchemy's ORM under oslo.db's engine
modules), so the WSGI module in noauth mode on SQLite must not pull in
Keystone's libraries, the Elasticsearch or OpenSearch clients,
oslo.middleware or the ORM; they come in when a deployment turns them on
(oslo.db's engine facade for a server database).
"""

import json
from pathlib import Path
import subprocess
import sys

from falcon import testing
from oslo_middleware import opts as oslo_middleware_opts

import freezer_api
from freezer_api import app
from freezer_api.conf import middleware as middleware_conf
from freezer_api.storage import driver
from tests import conftest

#: Packages a noauth worker on the SQL store never needs.
NOT_ON_THE_SQL_NOAUTH_PATH = ('keystonemiddleware', 'keystoneauth1',
                              'elasticsearch', 'opensearchpy',
                              'oslo_middleware', 'webob', 'jinja2')
#: Modules of packages it does use, but not all of.
NOT_ON_THE_SQLITE_PATH = ('sqlalchemy.orm', 'oslo_db.sqlalchemy.engines',
                          'oslo_db.sqlalchemy.enginefacade')

_PROBE = '''
import json, sys
import freezer_api.cmd.wsgi as wsgi
wsgi.application.build()
print(json.dumps(sorted(sys.modules)))
wsgi.application.stop()
'''


def _imported_by_wsgi(confdir):
    """The modules in ``sys.modules`` of a fresh process that imported
    ``freezer_api.cmd.wsgi`` with the config in ``confdir``.
    """
    root = str(Path(freezer_api.__file__).resolve().parents[1])
    env = {'OS_FREEZER_CONFIG_DIR': str(confdir), 'PYTHONPATH': root,
           'PATH': '/usr/bin:/bin'}
    out = subprocess.run([sys.executable, '-c', _PROBE], env=env,
                         capture_output=True, text=True, timeout=120,
                         check=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_noauth_sql_worker_imports_no_keystone_search_or_middleware(
        tmp_path):
    (tmp_path / 'freezer-api.conf').write_text(
        '[DEFAULT]\nauth_strategy = noauth\nstate_path = %s\n'
        '[storage]\ndriver = sqlalchemy\n'
        '[database]\nconnection = sqlite:///%s/lean.sqlite\n'
        % (tmp_path, tmp_path))
    conf = conftest.make_conf()
    conf(['--config-file', str(tmp_path / 'freezer-api.conf')])
    driver.open_manager(conf).sync()
    modules = _imported_by_wsgi(tmp_path)
    imported = {name.split('.')[0] for name in modules}
    # The probe did build the app on the SQL store.
    assert {'freezer_api', 'falcon', 'sqlalchemy', 'oslo_db'} <= imported
    assert 'freezer_api.storage.sql.store' in modules
    assert imported.isdisjoint(NOT_ON_THE_SQL_NOAUTH_PATH), (
        sorted(imported & set(NOT_ON_THE_SQL_NOAUTH_PATH)))
    assert modules.isdisjoint(NOT_ON_THE_SQLITE_PATH), (
        sorted(modules & set(NOT_ON_THE_SQLITE_PATH)))


def test_middleware_options_are_oslo_middlewares_own():
    # NOTE: HTTPProxyToWSGI registers its options again when it is built;
    # oslo.config refuses a second registration that differs in anything.
    assert middleware_conf.list_opts() == (
        oslo_middleware_opts.list_opts_sizelimit()
        + oslo_middleware_opts.list_opts_http_proxy_to_wsgi())


def _root_links(sql_backend, headers, **overrides):
    conf = conftest.make_conf(sql_backend, **overrides)
    store = driver.open_store(conf)
    try:
        client = testing.TestClient(app.create_app(conf, store))
        resp = client.simulate_get('/', headers=headers)
    finally:
        store.close()
    assert resp.status_code in (200, 300), resp.text
    return [link['href'] for version in resp.json['versions']
            for link in version['links']]


def test_proxy_headers_parsed_when_enabled(sql_backend):
    proxied = {'X-Forwarded-Proto': 'https',
               'X-Forwarded-Host': 'backup.example.org'}
    hrefs = _root_links(
        sql_backend, proxied,
        oslo_middleware__enable_proxy_headers_parsing=True)
    assert hrefs and all(h.startswith('https://backup.example.org/')
                         for h in hrefs), hrefs
    hrefs = _root_links(sql_backend, proxied)
    assert hrefs and not any('backup.example.org' in h for h in hrefs)
