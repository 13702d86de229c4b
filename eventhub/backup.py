"""Backups: every table to a versioned JSON Lines file, and back into an empty database.

Line 1 is a header (format, version, Alembic revision, counts); every other line is
{"table": name, "row": {column: value}}. Streaming both ways keeps memory flat for
millions of registrations; a name ending in .gz is compressed."""

import base64
import gzip
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from eventhub.core import models  # noqa: F401  (registers every table)
from eventhub.core.errors import Invalid
from eventhub.core.models import UTCDateTime, utcnow

# Tables whose rows the migrations themselves create: replaced, not refused, on import.
SEEDED_BY_MIGRATIONS = {"content_version"}
FORMAT = "eventhub-backup"
VERSION = 1
BATCH = 1000


def _open(path: Path, mode: str) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt" if mode == "r" else "wt", encoding="utf-8")
    return path.open(mode, encoding="utf-8")


def _tables() -> list[sa.Table]:
    return list(SQLModel.metadata.sorted_tables)


def _revision(conn: Connection) -> str | None:
    try:
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:
        return None


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):  # dates: a recommendation's steps and due date
        return value.isoformat()
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    return value


def _decode(column: sa.Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, UTCDateTime | sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, sa.Date):
        return date.fromisoformat(value)
    if isinstance(value, dict) and set(value) == {"$b64"}:
        return base64.b64decode(value["$b64"])
    return value


def export_database(engine: Engine, path: Path) -> dict[str, int]:
    """Write every row of every table; returns the row count per table."""
    counts: dict[str, int] = {}
    with engine.connect() as conn, _open(path, "w") as out:
        tables = _tables()
        for table in tables:
            counts[table.name] = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        header = {
            "format": FORMAT,
            "version": VERSION,
            "revision": _revision(conn),
            "exported_at": utcnow().isoformat(),
            "counts": counts,
        }
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        for table in tables:
            order = list(table.primary_key.columns) or list(table.columns)
            result = conn.execution_options(yield_per=BATCH).execute(sa.select(table).order_by(*order))
            for row in result.mappings():
                line = {"table": table.name, "row": {k: _encode(v) for k, v in row.items()}}
                out.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
    return counts


def _read(path: Path) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    fh = _open(path, "r")
    try:
        header = json.loads(fh.readline() or "{}")
    except json.JSONDecodeError as exc:
        fh.close()
        raise Invalid("Это не файл резервной копии eventhub", fields={"file": str(exc)}) from exc
    if header.get("format") != FORMAT:
        fh.close()
        raise Invalid("Это не файл резервной копии eventhub", fields={"file": "нет заголовка eventhub-backup"})
    if header.get("version") != VERSION:
        fh.close()
        raise Invalid("Неподдерживаемая версия формата", fields={"version": str(header.get("version"))})

    def rows() -> Iterator[dict[str, Any]]:
        with fh:
            for n, line in enumerate(fh, start=2):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise Invalid(f"Строка {n} повреждена", fields={"line": str(n)}) from exc

    return header, rows()


def import_database(engine: Engine, path: Path) -> dict[str, int]:
    """Restore a backup into an empty, migrated database, in one transaction."""
    header, rows = _read(path)
    tables = {t.name: t for t in _tables()}
    counts = {name: 0 for name in tables}
    with engine.begin() as conn:
        revision = _revision(conn)
        if header.get("revision") and revision != header["revision"]:
            raise Invalid(
                "Схема базы не совпадает с резервной копией",
                fields={"revision": f"в базе {revision}, в копии {header['revision']}; выполните eventhub db upgrade"},
            )
        for existing in tables.values():
            if existing.name in SEEDED_BY_MIGRATIONS:
                continue
            if conn.execute(sa.select(sa.func.count()).select_from(existing)).scalar_one():
                raise Invalid("База данных не пуста", fields={"table": existing.name})
        for name in SEEDED_BY_MIGRATIONS:
            conn.execute(tables[name].delete())
        deferred: list[tuple[sa.Table, dict[str, Any], dict[str, Any]]] = []
        batch: list[dict[str, Any]] = []
        current: sa.Table | None = None

        def flush() -> None:
            if batch and current is not None:
                conn.execute(current.insert(), batch)
                batch.clear()

        for item in rows:
            table = tables.get(item.get("table", ""))
            if table is None:
                raise Invalid("Неизвестная таблица в копии", fields={"table": str(item.get("table"))})
            if table is not current:
                flush()
                current = table
            row = {c.name: _decode(c, item["row"].get(c.name)) for c in table.columns if c.name in item["row"]}
            # A row may point at a later row of its own table (organisation.parent_id): set it after.
            self_refs = {
                fk.parent.name: row[fk.parent.name]
                for fk in table.foreign_keys
                if fk.column.table is table and row.get(fk.parent.name) is not None
            }
            if self_refs:
                # Keep columns with an onupdate default (updated_at) as they were.
                self_refs |= {c.name: row.get(c.name) for c in table.columns if c.onupdate is not None}
                row.update(dict.fromkeys(k for k in self_refs if table.c[k].onupdate is None))
                deferred.append((table, {c.name: row[c.name] for c in table.primary_key.columns}, self_refs))
            batch.append(row)
            counts[table.name] += 1
            if len(batch) >= BATCH:
                flush()
        flush()
        for table, key, values in deferred:
            conn.execute(table.update().where(*(table.c[k] == v for k, v in key.items())).values(**values))
        expected = header.get("counts") or {}
        wrong = {
            name: f"ожидалось {n}, прочитано {counts.get(name, 0)}"
            for name, n in expected.items()
            if counts.get(name, 0) != n
        }
        if wrong:
            raise Invalid("Копия неполная", fields=wrong)
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn, tables.values())
    return {k: v for k, v in counts.items() if v}


def _reset_sequences(conn: Connection, tables: Any) -> None:
    for table in tables:
        pk = list(table.primary_key.columns)
        for column in pk if len(pk) == 1 else []:
            if isinstance(column.type, sa.Integer) and column.autoincrement in (True, "auto"):
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                    )
                )
