"""Table definitions of the SQL store (the alembic head describes the same).

One ``documents`` table holds every kind; a row's ``owner`` is the
``storage.base.owner_key`` of the scope that owns it, unique with its kind
and id. ``document_terms`` holds the search terms of ``storage.query`` so
that filtered lists are index lookups.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

#: Documents up to 4 GiB on MySQL too (its TEXT ends at 64 KiB); see
#: migration 0003 for the collation ids get there.
BODY = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql', 'mariadb')

metadata = sa.MetaData()

documents = sa.Table(
    'documents', metadata,
    sa.Column('seq', sa.Integer, primary_key=True, autoincrement=True),
    sa.Column('kind', sa.String(16), nullable=False),
    sa.Column('id', sa.String(255), nullable=False),
    sa.Column('owner', sa.String(80), nullable=False, server_default=''),
    sa.Column('project_id', sa.String(64)),
    sa.Column('user_id', sa.String(64)),
    sa.Column('version', sa.Integer, nullable=False),
    sa.Column('time_stamp', sa.BigInteger),
    sa.Column('body', BODY, nullable=False),
    sa.UniqueConstraint('kind', 'owner', 'id',
                        name='uq_documents_kind_owner_id'),
    sa.Index('ix_documents_kind_owner', 'kind', 'owner', 'seq'),
    # NOTE: seq in the index too, so a time-range page is found from the
    # index alone (PostgreSQL's index-only scan; SQLite and InnoDB keep
    # the primary key in every index anyway). Migration 0004.
    sa.Index('ix_documents_kind_owner_time', 'kind', 'owner', 'time_stamp',
             'seq'),
)

terms = sa.Table(
    'document_terms', metadata,
    sa.Column('seq', sa.Integer,
              sa.ForeignKey('documents.seq', ondelete='CASCADE'),
              primary_key=True),
    sa.Column('term', sa.String(255), primary_key=True),
    sa.Index('ix_document_terms_term', 'term', 'seq'),
)
