"""On MySQL and MariaDB: ids and terms compare exactly, bodies hold 4 GiB.

SQLite and PostgreSQL compare text byte for byte and their TEXT has no
useful limit, so this revision changes nothing there. MySQL's default
collations ignore case (``Job-A`` and ``job-a`` would be one id) and
MariaDB's ``_bin`` collations ignore trailing blanks; MySQL's TEXT ends at
64 KiB, below the API's largest request body. So on MySQL both tables
become utf8mb4 with a binary collation that pads nothing
(``utf8mb4_nopad_bin`` on MariaDB, ``utf8mb4_0900_bin`` on MySQL 8,
``utf8mb4_bin`` before it), and ``documents.body`` becomes LONGTEXT.

Revision ID: 0003_mysql_exact_text
Revises: 0002_owners
"""

from alembic import op

revision = '0003_mysql_exact_text'
down_revision = '0002_owners'
branch_labels = None
depends_on = None


def _binary_collation(dialect):
    if dialect.is_mariadb:
        return 'utf8mb4_nopad_bin'
    if dialect.server_version_info >= (8, 0):
        return 'utf8mb4_0900_bin'
    return 'utf8mb4_bin'


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name not in ('mysql', 'mariadb'):
        return
    collation = _binary_collation(bind.dialect)
    for table in ('documents', 'document_terms'):
        op.execute('ALTER TABLE %s CONVERT TO CHARACTER SET utf8mb4 '
                   'COLLATE %s' % (table, collation))
    op.execute('ALTER TABLE documents MODIFY body LONGTEXT NOT NULL')
