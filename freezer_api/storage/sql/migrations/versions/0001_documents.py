"""Documents and their search terms.

Revision ID: 0001_documents
Revises:
"""

from alembic import op
import sqlalchemy as sa

revision = '0001_documents'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'documents',
        sa.Column('seq', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('id', sa.String(255), nullable=False),
        sa.Column('project_id', sa.String(64)),
        sa.Column('user_id', sa.String(64)),
        sa.Column('version', sa.Integer, nullable=False),
        sa.Column('time_stamp', sa.BigInteger),
        sa.Column('body', sa.Text, nullable=False),
        sa.UniqueConstraint('kind', 'id', name='uq_documents_kind_id'),
    )
    op.create_index('ix_documents_kind_project', 'documents',
                    ['kind', 'project_id', 'seq'])
    op.create_index('ix_documents_kind_user', 'documents',
                    ['kind', 'user_id', 'seq'])
    op.create_table(
        'document_terms',
        sa.Column('seq', sa.Integer,
                  sa.ForeignKey('documents.seq', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('term', sa.String(255), primary_key=True),
    )
    op.create_index('ix_document_terms_term', 'document_terms',
                    ['term', 'seq'])
