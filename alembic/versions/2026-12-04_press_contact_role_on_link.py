"""Press contacts: the role for an event or a release is kept on the link (issue 23).

The contact's own `role` held text true of one event («член Оргкомитета, ответственная для
интервью журналистам» — of the 2019 CSO dialogue) and was shown on every event the person was
chosen for. It is copied onto each of the contact's links, so every page says what it said
before, and then cleared: the directory keeps only what is always true of the person.

Revision ID: 7c4d2e9a1f30
Revises: b3e1f2a4c5d6
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "7c4d2e9a1f30"
down_revision: str | Sequence[str] | None = "b3e1f2a4c5d6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKS = ("event_press_contact", "press_release_contact")


def upgrade() -> None:
    for table in LINKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("role", sa.String(length=300), nullable=True))
        op.execute(
            f"UPDATE {table} SET role = (SELECT role FROM press_contact WHERE press_contact.id = {table}.contact_id)"
        )
    op.execute(
        "UPDATE press_contact SET role = NULL WHERE id IN "
        "(SELECT contact_id FROM event_press_contact UNION SELECT contact_id FROM press_release_contact)"
    )


def downgrade() -> None:
    # The first role found on a link goes back to the contact (one text per person again).
    op.execute(
        "UPDATE press_contact SET role = COALESCE(role, (SELECT MIN(role) FROM ("
        "SELECT contact_id, role FROM event_press_contact UNION ALL SELECT contact_id, role FROM press_release_contact"
        ") links WHERE links.contact_id = press_contact.id))"
    )
    for table in LINKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("role")
