"""Registration: age group and disability, the GESI dimensions funders report on.

Revision ID: b3e1f2a4c5d6
Revises: 5a1c0e7d9b21
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "b3e1f2a4c5d6"
down_revision: str | Sequence[str] | None = "5a1c0e7d9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("age_group", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("disability", sa.String(length=17), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_column("disability")
        batch_op.drop_column("age_group")
