"""The migration history builds the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from eventhub.core import models  # noqa: F401


def test_models_and_migrations_have_no_difference(engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_migrations_reach_a_single_head() -> None:
    from alembic.script import ScriptDirectory

    from eventhub import ROOT
    from eventhub.core.db import _alembic_config

    script = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    assert (ROOT / "alembic" / "versions").is_dir()
