"""Alembic environment: runs on the connection the manager hands in."""

from alembic import context

from freezer_api.storage.sql import tables


def run():
    connection = context.config.attributes['connection']
    context.configure(connection=connection,
                      target_metadata=tables.metadata,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
