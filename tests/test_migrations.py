"""The migration history builds the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from eventhub.core import models  # noqa: F401
from eventhub.core.search import engine_object


def _not_search_engine(obj, name, type_, reflected, compare_to) -> bool:
    # As alembic/env.py: the search engines' own objects are the search migration's, not the model's.
    return not (reflected and compare_to is None and engine_object(name))


def test_models_and_migrations_have_no_difference(engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _not_search_engine})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_migrations_reach_a_single_head() -> None:
    from alembic.script import ScriptDirectory

    from eventhub import ROOT
    from eventhub.core.db import _alembic_config

    script = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    assert (ROOT / "alembic" / "versions").is_dir()
