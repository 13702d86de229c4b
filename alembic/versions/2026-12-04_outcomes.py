"""Outcomes (issue 15): closing reports, session outcomes, recommendations and their steps,
materials.

Revision ID: 7d3f0c2b9e15
Revises: c21a5e55f0a1
Create Date: 2026-12-04 19:00:46.158480
"""

from collections.abc import Sequence

import sqlalchemy as sa

import eventhub.core.models
from alembic import op

revision: str = "7d3f0c2b9e15"
down_revision: str | Sequence[str] | None = "c21a5e55f0a1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "closing_report",
        sa.Column("created_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("original_language", sa.String(length=2), nullable=False),
        sa.Column("translations", eventhub.core.models.JSONType(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=True),
        sa.Column("organisations_count", sa.Integer(), nullable=True),
        sa.Column("organisation_kinds", eventhub.core.models.JSONType(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("published_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_closing_report_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closing_report")),
        sa.UniqueConstraint("event_id", name=op.f("uq_closing_report_event_id")),
    )
    op.create_table(
        "recommendation",
        sa.Column("created_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("original_language", sa.String(length=2), nullable=False),
        sa.Column("translations", eventhub.core.models.JSONType(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=11), nullable=False),
        sa.Column("status_on", sa.Date(), nullable=True),
        sa.Column("responsible", sa.String(length=300), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff_user.id"], name=op.f("fk_recommendation_created_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_recommendation_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["agenda_session.id"],
            name=op.f("fk_recommendation_session_id_agenda_session"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation")),
    )
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_event_id"), ["event_id"], unique=False)
        batch_op.create_index("ix_recommendation_is_public_status", ["is_public", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_recommendation_session_id"), ["session_id"], unique=False)

    op.create_table(
        "session_outcome",
        sa.Column("original_language", sa.String(length=2), nullable=False),
        sa.Column("translations", eventhub.core.models.JSONType(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("updated_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_session_outcome_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["agenda_session.id"],
            name=op.f("fk_session_outcome_session_id_agenda_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_outcome")),
        sa.UniqueConstraint("session_id", name=op.f("uq_session_outcome_session_id")),
    )
    with op.batch_alter_table("session_outcome", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_outcome_event_id"), ["event_id"], unique=False)

    op.create_table(
        "material",
        sa.Column("created_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("thumb_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff_user.id"], name=op.f("fk_material_created_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_material_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_material_recommendation_id_recommendation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["agenda_session.id"],
            name=op.f("fk_material_session_id_agenda_session"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material")),
    )
    with op.batch_alter_table("material", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_material_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_material_recommendation_id"), ["recommendation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_material_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_material_sha256"), ["sha256"], unique=False)

    op.create_table(
        "recommendation_addressee",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_recommendation_addressee_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_recommendation_addressee_recommendation_id_recommendation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("recommendation_id", "organisation_id", name=op.f("pk_recommendation_addressee")),
    )
    with op.batch_alter_table("recommendation_addressee", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recommendation_addressee_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "recommendation_step",
        sa.Column("original_language", sa.String(length=2), nullable=False),
        sa.Column("translations", eventhub.core.models.JSONType(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=11), nullable=False),
        sa.Column("dated", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("document_url", sa.String(length=500), nullable=True),
        sa.Column("material_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", eventhub.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["material.id"],
            name=op.f("fk_recommendation_step_material_id_material"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_recommendation_step_recommendation_id_recommendation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["staff_user.id"], name=op.f("fk_recommendation_step_recorded_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation_step")),
    )
    with op.batch_alter_table("recommendation_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_step_material_id"), ["material_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_recommendation_step_recommendation_id"), ["recommendation_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("recommendation_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_step_recommendation_id"))
        batch_op.drop_index(batch_op.f("ix_recommendation_step_material_id"))

    op.drop_table("recommendation_step")
    with op.batch_alter_table("recommendation_addressee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_addressee_organisation_id"))

    op.drop_table("recommendation_addressee")
    with op.batch_alter_table("material", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_material_sha256"))
        batch_op.drop_index(batch_op.f("ix_material_session_id"))
        batch_op.drop_index(batch_op.f("ix_material_recommendation_id"))
        batch_op.drop_index(batch_op.f("ix_material_event_id"))

    op.drop_table("material")
    with op.batch_alter_table("session_outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_outcome_event_id"))

    op.drop_table("session_outcome")
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_session_id"))
        batch_op.drop_index("ix_recommendation_is_public_status")
        batch_op.drop_index(batch_op.f("ix_recommendation_event_id"))

    op.drop_table("recommendation")
    op.drop_table("closing_report")
