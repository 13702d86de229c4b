"""Engine, migrations, row locks; the request's session and units of work are in uow.py."""

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

import eventhub.core.changes
import eventhub.core.search
from eventhub import ROOT
from eventhub.core.config import Settings
from eventhub.core.uow import WRITE_OPTION, DbDep, Units, get_db

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["DbDep", "get_db", "lock_for_update", "make_engine", "upgrade"]

SQLITE_HEAP_LIMIT = 8 * 1024 * 1024  # bytes of SQLite memory in one process before it recycles its caches


def make_engine(settings: Settings) -> Engine:
    url = settings.database_url
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        settings.ensure_data_dir()
        # As many pooled connections as the process has threads (settings.threads), and
        # more when a burst needs them (closed on return): a request never waits for a
        # connection held by another request that waits for a thread. SQLite connections are
        # cheap; the one-writer rule is kept by SQLite's lock (writing units begin
        # IMMEDIATE) and, within a process, by the writer gate of core/uow.py.
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=settings.threads, max_overflow=-1
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # let SQLAlchemy's "begin" listener issue BEGIN
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    # Process-wide: the page caches of all pooled connections (up to 2 MB each, one per
    # busy thread) share 8 MB, recycled past that; the OS file cache holds the rest.
    cur.execute(f"PRAGMA soft_heap_limit={SQLITE_HEAP_LIMIT}")
    cur.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    # pysqlite's own BEGIN comes late (before the first write), which breaks read
    # isolation; the documented SQLAlchemy recipe is to emit it here. A writing unit
    # (core/uow.py) takes the write lock at once: a deferred reader upgraded to a writer
    # gets SQLITE_BUSY at once when another writer committed, whatever busy_timeout says.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")


@lru_cache
def _alembic_config(url: str) -> "Config":
    from alembic.config import Config  # imported here: only migrations need Alembic

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Apply Alembic migrations up to `revision`."""
    from alembic import command  # imported here: only migrations need Alembic

    settings.ensure_data_dir()
    command.upgrade(_alembic_config(settings.database_url), revision)
    if revision == "head":
        engine = make_engine(settings)
        try:
            with Units(engine).write() as db:
                eventhub.core.search.fill_if_empty(db)
        finally:
            engine.dispose()


def lock_for_update(db: Session, table: sa.Table, row_id: int) -> None:
    """Serialise writers on one row: FOR UPDATE on PostgreSQL, the write lock on SQLite."""
    if db.get_bind().dialect.name == "sqlite":
        values = {"id": table.c.id}
        if "updated_at" in table.c:  # keep the row's onupdate from firing: a lock is no change
            values["updated_at"] = table.c.updated_at
        db.execute(sa.update(table).where(table.c.id == row_id).values(**values))
    else:
        db.execute(sa.select(table.c.id).where(table.c.id == row_id).with_for_update())
