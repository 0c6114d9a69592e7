"""``freezer-manage db`` for the SQL store: alembic migrations."""

import os

import alembic.command
import alembic.config
import alembic.migration
import alembic.script
import sqlalchemy as sa

from freezer_api import exception
from freezer_api.storage import base
from freezer_api.storage.sql import store
from freezer_api.storage.sql import tables

_MIGRATIONS = os.path.join(os.path.dirname(__file__), 'migrations')


def _alembic_config(conn):
    config = alembic.config.Config()
    config.set_main_option('script_location', _MIGRATIONS)
    config.attributes['connection'] = conn
    return config


class SqlManager(base.Manager):
    def __init__(self, engine):
        self._engine = engine

    def _revision(self, conn):
        return alembic.migration.MigrationContext.configure(
            conn).get_current_revision()

    @store._translate_errors
    def sync(self):
        with self._engine.begin() as conn:
            before = self._revision(conn)
            alembic.command.upgrade(_alembic_config(conn), 'head')
            after = self._revision(conn)
        if before == after:
            return ['Database schema is up to date (revision %s).' % after]
        return ['Database schema upgraded from %s to %s.'
                % (before or 'empty', after)]

    @store._translate_errors
    def remove(self):
        with self._engine.begin() as conn:
            tables.metadata.drop_all(conn)
            conn.execute(sa.text('DROP TABLE IF EXISTS alembic_version'))
        return ['Database schema removed.']

    @store._translate_errors
    def show(self):
        with self._engine.connect() as conn:
            revision = self._revision(conn)
            names = sa.inspect(conn).get_table_names()
        lines = ['revision: %s' % (revision or 'none (run db sync)')]
        lines += ['table: %s' % name for name in sorted(names)]
        return lines

    def update_settings(self):
        return ['The SQL store has no settings to update.']

    @store._translate_errors
    def is_current(self):
        """Return True when the schema exists and is at the newest revision.

        :raises StoreError: the installed package carries no migrations
            (a broken install must not pass for an up-to-date schema).
        """
        script = alembic.script.ScriptDirectory(_MIGRATIONS)
        head = script.get_current_head()
        if head is None:
            raise exception.StoreError(
                'no schema migrations found under %s: the freezer-api '
                'installation is incomplete' % _MIGRATIONS)
        with self._engine.connect() as conn:
            current = self._revision(conn)
        return current == head

    def close(self):
        self._engine.dispose()
