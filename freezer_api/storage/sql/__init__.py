"""The SQL store: SQLAlchemy Core over SQLite (default), PostgreSQL, MySQL."""

from freezer_api.storage.sql import engine
from freezer_api.storage.sql import manager
from freezer_api.storage.sql import store


def open_store(conf):
    return store.SqlStore(engine.from_conf(conf))


def open_manager(conf):
    return manager.SqlManager(engine.from_conf(conf))
