"""event checkin staff: the events a check-in user is given

Revision ID: 42c14fc7f8a9
Revises: a7c4c90fc788
Create Date: 2026-12-04 01:09:19.113309
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "42c14fc7f8a9"
down_revision: str | Sequence[str] | None = "a7c4c90fc788"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_checkin_staff",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_event_checkin_staff_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_event_checkin_staff_user_id_staff_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "user_id", name=op.f("pk_event_checkin_staff")),
    )
    with op.batch_alter_table("event_checkin_staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_checkin_staff_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event_checkin_staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_checkin_staff_user_id"))
    op.drop_table("event_checkin_staff")
