"""Event contact (Reply-To), the dates before a postponement, per-registration iCalendar
SEQUENCE, and the outbox's Reply-To.

Revision ID: 5a1c0e7d9b21
Revises: fd52982d5670
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import eventhub.core.models
from alembic import op

revision: str = "5a1c0e7d9b21"
down_revision: str | Sequence[str] | None = "fd52982d5670"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("previous_start_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("previous_end_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("contact_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column("contact_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True))
        batch_op.add_column(sa.Column("contact_phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ics_sequence", sa.Integer(), nullable=True))
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_to", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("reply_to")
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_column("ics_sequence")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("contact_phone")
        batch_op.drop_column("contact_email")
        batch_op.drop_column("contact_name")
        batch_op.drop_column("previous_end_at")
        batch_op.drop_column("previous_start_at")
