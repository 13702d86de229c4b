"""search index: search_document, with FTS5 (SQLite) or a tsvector column and GIN index (PostgreSQL)

The engines' objects are not in the model; alembic/env.py and tests/test_migrations.py leave
them out of the comparison (eventhub.core.search.engine_object). The rows are written by
eventhub.core.search; `eventhub db upgrade` fills an empty index from the existing rows.

Revision ID: 5e4c1a9d2b70
Revises: 7c4d2e9a1f30
Create Date: 2026-12-04 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

import eventhub.core.models
from alembic import op

revision: str = "5e4c1a9d2b70"
down_revision: str | Sequence[str] | None = "7c4d2e9a1f30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE = [
    # External content: the terms live once, in search_document; FTS5 keeps only its index.
    """CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_document', content_rowid='id',
       tokenize='unicode61 remove_diacritics 0', prefix='2 3 4')""",
    """CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN
       INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END""",
    """CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN
       INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END""",
    """CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN
       INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
       INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END""",
]
POSTGRES = [
    # The terms are already normalised (eventhub.core.search, [a-zа-я0-9]+): the 'simple'
    # configuration only splits them; its positions carry the weights (title A, body B).
    """ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
       setweight(to_tsvector('simple'::regconfig, title), 'A')
       || setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED""",
    "CREATE INDEX ix_search_document_tsv ON search_document USING gin (tsv)",
]


def upgrade() -> None:
    op.create_table(
        "search_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("starts_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ends_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_document")),
        sa.UniqueConstraint("ref_id", "kind", name=op.f("uq_search_document_ref_id")),
    )
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    op.drop_table("search_document")
