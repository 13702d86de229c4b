"""personal calendar per person

One personal-calendar address per person (normalised e-mail) instead of one per registration,
so that a reset from any private page cuts off every older address of that person. Addresses
are issued again when next needed (an e-mail, the private page's button): the per-registration
ones of before stop working.

Revision ID: a7c4c90fc788
Revises: 87a1efefc4aa
Create Date: 2026-12-04 01:26:00.662263
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "a7c4c90fc788"
down_revision: str | Sequence[str] | None = "87a1efefc4aa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "personal_calendar",
        sa.Column("email_normalised", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("email_normalised", name=op.f("pk_personal_calendar")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_personal_calendar_token_hash")),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_registration_calendar_token_hash"), type_="unique")
        batch_op.drop_column("calendar_token_hash")


def downgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_token_hash", sa.VARCHAR(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_registration_calendar_token_hash"), ["calendar_token_hash"])

    op.drop_table("personal_calendar")
