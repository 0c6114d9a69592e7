"""An index on each owner's documents by ``time_stamp``.

Searches with ``time_after``/``time_before`` (backups) whose range holds
fewer than ``SqlStore.by_time_cap`` documents find them from this index
instead of reading the owner's documents in ``seq`` order until a page is
full: their cost follows the number of documents in the range, not the
size of the catalogue. ``seq`` closes the index, so a page of a time
range is found without reading the documents.

Building the index reads every document once: 1.3 s for 1,000,000
backups on SQLite with the file in the page cache, longer when it must
be read from disk.

Revision ID: 0004_time_index
Revises: 0003_mysql_exact_text
"""

from alembic import op

revision = '0004_time_index'
down_revision = '0003_mysql_exact_text'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_documents_kind_owner_time', 'documents',
                    ['kind', 'owner', 'time_stamp', 'seq'])
