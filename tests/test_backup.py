"""`eventhub export` / `eventhub import`: a round trip loses nothing, on SQLite and PostgreSQL."""

import json
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from eventhub.accounts.service import create_token, create_user
from eventhub.backup import export_database, import_database
from eventhub.core.config import Settings
from eventhub.core.db import make_engine, upgrade
from eventhub.core.errors import Invalid
from eventhub.core.models import AuditLog, Organisation, OutboxMessage, Registration
from eventhub.demo.loader import load_demo
from tests.conftest import PG_URL


@pytest.fixture()
def fresh_engine(tmp_path):
    """Engines on new, migrated databases (SQLite files, or PostgreSQL schemas)."""
    made = []

    def make() -> sa.Engine:
        if PG_URL:
            schema = f"backup_{uuid.uuid4().hex[:8]}"
            admin = make_engine(Settings(database_url=PG_URL))
            with admin.begin() as conn:
                conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
            admin.dispose()
            url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        else:
            url = f"sqlite:///{tmp_path / (uuid.uuid4().hex + '.sqlite3')}"
        settings = Settings(database_url=url, data_dir=tmp_path, secret_key="x")
        upgrade(settings)
        engine = make_engine(settings)
        made.append((engine, url))
        return engine

    yield make
    for engine, url in made:
        engine.dispose()
        if PG_URL:
            schema = url.rsplit("%3D", 1)[1]
            admin = make_engine(Settings(database_url=PG_URL))
            with admin.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


def _fill(engine: sa.Engine, demo_data: dict) -> None:
    with Session(engine) as db:
        load_demo(db, demo_data)
        parent = db.exec(select(Organisation).where(Organisation.slug == "world-bank")).one()
        child = Organisation(slug="zz-child", name="Дочерняя", kind="other")
        db.add(child)
        db.flush()
        # A parent with a higher id than its child exercises the deferred self-reference.
        late_parent = Organisation(slug="zz-parent", name="Головная", kind="other")
        db.add(late_parent)
        db.flush()
        child.parent_id = late_parent.id
        parent.parent_id = None
        user = create_user(db, email="admin@example.org", password="a long passphrase", role="admin")
        create_token(db, user, "ci")
        event_id = db.execute(sa.text("SELECT id FROM event ORDER BY id LIMIT 1")).scalar_one()
        db.add(
            Registration(
                event_id=event_id,
                token_hash="a" * 64,
                full_name="Айгуль Токтогулова",
                email="a@example.org",
                email_normalised="a@example.org",
                phone="+996702174107",
                gender="female",
                consent_at=datetime(2030, 1, 1, tzinfo=UTC),
                consent_text="Согласие",
                status="confirmed",
            )
        )
        db.add(AuditLog(action="update", entity_type="event", entity_id=event_id, changes={"title": ["a", "б"]}))
        db.add(
            OutboxMessage(
                to_address="a@example.org",
                subject="Тема",
                body_text="Текст",
                attachments=[{"filename": "invite.ics", "content": "BEGIN:VCALENDAR"}],
            )
        )
        db.commit()


def _dump(engine: sa.Engine) -> dict[str, list[tuple]]:
    out = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*order))]
    return out


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_round_trip_loses_nothing(fresh_engine, demo_data, tmp_path, suffix) -> None:
    source = fresh_engine()
    _fill(source, demo_data)
    path = tmp_path / f"backup{suffix}"
    exported = export_database(source, path)
    target = fresh_engine()
    imported = import_database(target, path)
    assert imported == {k: v for k, v in exported.items() if v}
    before, after = _dump(source), _dump(target)
    assert [t for t in before if before[t] != after[t]] == []
    assert sum(len(rows) for rows in after.values()) > 100
    # New rows after a restore get fresh ids (sequences reset on PostgreSQL).
    with Session(target) as db:
        db.add(Organisation(slug="after-restore", name="Новая", kind="cso"))
        db.commit()


def test_import_refuses_a_non_empty_database_and_changes_nothing(fresh_engine, demo_data, tmp_path) -> None:
    source = fresh_engine()
    _fill(source, demo_data)
    path = tmp_path / "b.jsonl"
    export_database(source, path)
    with pytest.raises(Invalid, match="не пуста"):
        import_database(source, path)


def test_import_refuses_a_foreign_or_truncated_file(fresh_engine, demo_data, tmp_path) -> None:
    target = fresh_engine()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"hello": 1}\n')
    with pytest.raises(Invalid, match="не файл"):
        import_database(target, bad)
    source = fresh_engine()
    _fill(source, demo_data)
    path = tmp_path / "full.jsonl"
    export_database(source, path)
    lines = path.read_text().splitlines()
    (tmp_path / "cut.jsonl").write_text("\n".join(lines[: len(lines) // 2]) + "\n")
    with pytest.raises(Invalid, match="неполная"):
        import_database(target, tmp_path / "cut.jsonl")
    # Nothing was stored: the transaction rolled back, the migration's own row is still there.
    assert {name: rows for name, rows in _dump(target).items() if rows and name != "content_version"} == {}
    assert len(_dump(target)["content_version"]) == 1
    header = json.loads(lines[0])
    assert header["format"] == "eventhub-backup" and header["version"] == 1
