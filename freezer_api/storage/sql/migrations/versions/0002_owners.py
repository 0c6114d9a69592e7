"""Documents belong to an owner: ids are unique per kind and owner.

Adds ``documents.owner`` (``storage.base.owner_key`` of the owning scope:
``project:<id>``, ``user:<id>``, or ``''`` for the internal kinds), replaces
the unique constraint on (kind, id) by one on (kind, owner, id), and the
per-project and per-user indexes by one per owner.

Backfill: rows written before this revision do not say whether v1 (owner:
the user) or v2/v3 (owner: the project) created them, as both stamped
``project_id`` and ``user_id``. The rule is ``storage.base.fields_owner``:
a row with a ``project_id`` belongs to that project, else to its
``user_id``, else (and always for services and clusters) to ``''``. So
every existing v2/v3 document stays where it was; a document created
through v1 in a project-scoped deployment moves to its project (it reads
through ``/v2/<project>/...``, no longer through ``/v1``). No two rows can
collide: ids were unique per kind before.

Revision ID: 0002_owners
Revises: 0001_documents
"""

from alembic import op
import sqlalchemy as sa

from freezer_api.storage import base

revision = '0002_owners'
down_revision = '0001_documents'
branch_labels = None
depends_on = None

_documents = sa.table('documents', sa.column('kind'), sa.column('owner'),
                      sa.column('project_id'), sa.column('user_id'))


def _equals(column, value):
    return column.is_(None) if value is None else column == value


def _backfill(conn):
    # NOTE: one UPDATE per (kind, project, user) found, so the rule is
    # computed by the same function the Elasticsearch migration uses.
    owners = conn.execute(sa.select(
        _documents.c.kind, _documents.c.project_id,
        _documents.c.user_id).distinct()).all()
    for kind, project_id, user_id in owners:
        if kind in base.GLOBAL_KINDS:
            continue
        owner = base.fields_owner(project_id, user_id)
        if owner:
            conn.execute(_documents.update().where(
                _documents.c.kind == kind,
                _equals(_documents.c.project_id, project_id),
                _equals(_documents.c.user_id, user_id)).values(owner=owner))


def upgrade():
    with op.batch_alter_table('documents') as batch:
        batch.add_column(sa.Column('owner', sa.String(80), nullable=False,
                                   server_default=''))
    _backfill(op.get_bind())
    with op.batch_alter_table('documents') as batch:
        batch.drop_constraint('uq_documents_kind_id', type_='unique')
        batch.create_unique_constraint('uq_documents_kind_owner_id',
                                       ['kind', 'owner', 'id'])
        batch.drop_index('ix_documents_kind_project')
        batch.drop_index('ix_documents_kind_user')
        batch.create_index('ix_documents_kind_owner',
                           ['kind', 'owner', 'seq'])
