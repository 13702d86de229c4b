"""Alembic environment: the URL from the Alembic config or EVENTHUB_DATABASE_URL."""

from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

from alembic import context
from eventhub.core import models  # noqa: F401  (registers every table on the metadata)
from eventhub.core.config import Settings

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or Settings().database_url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
    # UTCDateTime is a TypeDecorator over DateTime(timezone=True): compare the impl.
    from eventhub.core.models import UTCDateTime  # imported here: only autogenerate needs it

    if isinstance(metadata_type, UTCDateTime):
        return not isinstance(inspected_type, type(metadata_type.impl))
    return None


def _include_object(obj, name, type_, reflected, compare_to):
    # The search engines' own objects (FTS5 and its shadow tables, the tsvector column and its
    # GIN index) are made by the search migration, not described by the model.
    from eventhub.core.search import engine_object  # imported here: only autogenerate needs it

    return not (reflected and compare_to is None and engine_object(name))


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    section = config.get_section(config.config_ini_section, {})
    section["sqlalchemy.url"] = _url()
    engine = engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=_compare_type,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
