"""calendars that last: former event slugs, star lists, session SEQUENCE

Issue 19. ``event_former_slug`` keeps every slug an event had, so its old page, feed and
export addresses answer 301 to the current ones. ``star_list`` / ``starred_session``: the
sessions a reader starred without an account, behind a secret token (only its hash stored).
``agenda_session.sequence``: a moved session's own SEQUENCE, added to its event's.
``ix_event_status_end_at``: the whole-site feed's window reads past the archive.

Revision ID: c19a7e5d2b40
Revises: ee6ea3834cb6
Create Date: 2026-12-04 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import eventhub.core.models
from alembic import op

revision: str = "c19a7e5d2b40"
down_revision: str | Sequence[str] | None = "ee6ea3834cb6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_status_end_at", ["status", "end_at"])
    with op.batch_alter_table("agenda_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "event_former_slug",
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("retired_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_event_former_slug_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_event_former_slug")),
    )
    with op.batch_alter_table("event_former_slug", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_former_slug_event_id"), ["event_id"])
    op.create_table(
        "star_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_star_list")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_star_list_token_hash")),
    )
    op.create_table(
        "starred_session",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["star_list.id"], name=op.f("fk_starred_session_list_id_star_list"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["agenda_session.id"],
            name=op.f("fk_starred_session_session_id_agenda_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("list_id", "session_id", name=op.f("pk_starred_session")),
    )
    with op.batch_alter_table("starred_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_starred_session_session_id"), ["session_id"])


def downgrade() -> None:
    op.drop_table("starred_session")
    op.drop_table("star_list")
    op.drop_table("event_former_slug")
    with op.batch_alter_table("agenda_session", schema=None) as batch_op:
        batch_op.drop_column("sequence")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_status_end_at")
