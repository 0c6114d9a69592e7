"""Pick the store named by ``[storage] driver``.

Each driver package exposes ``open_store(conf)`` and ``open_manager(conf)``.
"""

import importlib

from freezer_api import exception

DRIVERS = {
    'sqlalchemy': 'freezer_api.storage.sql',
    'elasticsearch': 'freezer_api.storage.elasticsearch',
}


def _package(conf):
    name = conf.storage.driver
    try:
        return importlib.import_module(DRIVERS[name])
    except KeyError:
        raise exception.ConfigError('Unknown storage driver %r' % name)


def open_store(conf):
    """Return the configured ``storage.base.Store``."""
    return _package(conf).open_store(conf)


def open_manager(conf):
    """Return the configured ``storage.base.Manager``."""
    return _package(conf).open_manager(conf)
