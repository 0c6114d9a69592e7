"""The SQL store: SQLAlchemy Core over SQLite (default), PostgreSQL, MySQL."""

from freezer_api.storage.sql import engine
from freezer_api.storage.sql import store


def open_store(conf):
    return store.SqlStore(engine.from_conf(conf),
                          retry=engine.retry_policy(conf))


def open_manager(conf):
    # NOTE: imported here so that API workers never load alembic (about
    # 10 MiB of resident memory each); only freezer-manage and
    # freezer-status need it.
    from freezer_api.storage.sql import manager
    return manager.SqlManager(engine.from_conf(conf))
