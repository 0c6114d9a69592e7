"""Shared fixtures: configuration, stores, the in-process API client."""

import os
from pathlib import Path

from falcon import testing
import pytest

import freezer_api

from freezer_api import conf as conf_pkg
from freezer_api.storage import driver

pytest_plugins = [
    'tests.fixtures.stores',
    'tests.fixtures.postgresql',
    'tests.fixtures.mysql',
    'tests.fixtures.search',
    'tests.fixtures.search_cluster',
    'tests.fixtures.keystone',
    'tests.fixtures.uwsgi',
    'tests.fixtures.apache',
    'tests.fixtures.package',
    'tests.fixtures.tempest',
]

REPO = Path(__file__).resolve().parents[1]
PACKAGE = Path(freezer_api.__file__).resolve().parent


def pytest_report_header(config):
    return 'freezer_api under test: %s' % PACKAGE


def pytest_configure(config):
    # NOTE: tox sets FREEZER_TEST_INSTALLED: there the suite must test the
    # installed wheel, and a checkout on sys.path would hide a file the
    # wheel forgot to ship.
    if (os.environ.get('FREEZER_TEST_INSTALLED') == '1'
            and PACKAGE == REPO / 'freezer_api'):
        raise pytest.UsageError(
            'FREEZER_TEST_INSTALLED=1 but freezer_api is imported from the '
            'source tree (%s); run pytest with --import-mode=append from an '
            'environment where the package is installed (tox does this)'
            % PACKAGE)


def make_conf(backend=None, **overrides):
    """Return a ConfigOpts for tests: noauth, the given backend.

    ``overrides`` are ``group__name=value`` (``DEFAULT`` when no group).
    """
    conf = conf_pkg.make_conf([])
    conf.set_override('auth_strategy', 'noauth')
    if backend is not None:
        backend.configure(conf)
    for key, value in overrides.items():
        group, _, name = key.rpartition('__')
        conf.set_override(name, value, group=group or None)
    return conf


@pytest.fixture
def conf(backend):
    return make_conf(backend)


@pytest.fixture
def store(conf):
    opened = driver.open_store(conf)
    yield opened
    opened.close()


@pytest.fixture
def api(conf, store):
    """An in-process client of the whole WSGI application."""
    from freezer_api import app
    return testing.TestClient(app.create_app(conf, store))
