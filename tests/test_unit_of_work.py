"""The request's unit of work: one commit, before the answer; a failed commit is an error
answer, never a 200; writing units begin IMMEDIATE on SQLite, reading ones stay deferred."""

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from eventhub.core.config import Settings
from eventhub.core.db import make_engine
from eventhub.core.models import Event, Organisation
from eventhub.core.uow import Units, has_changes, independent_write
from tests.factories import make_organisation

NEW = {"kind": "forum", "title": "Форум аймаков — 2024", "start_at": "2024-09-13T10:00", "end_at": "2024-09-13T17:00"}


def test_a_commit_that_fails_is_an_error_answer_and_stores_nothing(app, db, bearer_as) -> None:
    make_organisation(db, slug="ipr")
    headers = bearer_as("organiser", ("ipr",))

    def refuse(_session) -> None:
        raise sa.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))

    sa.event.listen(db, "before_commit", refuse)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.post("/api/v1/events", json=NEW, headers=headers)
    finally:
        sa.event.remove(db, "before_commit", refuse)
    db.rollback()  # the test's session is the request's: end its failed transaction

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert db.exec(select(Event).where(Event.title == NEW["title"])).all() == []


def test_the_write_is_committed_before_the_answer(client, db, bearer_as) -> None:
    make_organisation(db, slug="ipr")
    headers = bearer_as("organiser", ("ipr",))
    commits: list[str] = []
    # Commits that carry writes (ending a read part early, as the user lookup does, carries none).
    sa.event.listen(db, "before_commit", lambda s: commits.append("commit") if has_changes(s) else None)

    response = client.post("/api/v1/events", json=NEW, headers=headers)

    assert response.status_code == 201
    assert commits == ["commit"]  # once, and done when the client has the 201
    assert db.exec(select(Event.slug).where(Event.title == NEW["title"])).one() == response.json()["slug"]


def test_a_request_answered_with_an_error_keeps_nothing_it_flushed(client, db, bearer_as) -> None:
    make_organisation(db, slug="ipr")
    headers = bearer_as("organiser", ("ipr",))
    body = NEW | {"organisations": [{"organisation": "ipr", "role": "organiser"}, {"organisation": "nowhere"}]}

    response = client.post("/api/v1/events", json=body, headers=headers)

    assert 400 <= response.status_code < 500
    assert db.exec(select(Event).where(Event.title == NEW["title"])).all() == []


def test_writing_units_begin_immediate_and_reading_ones_deferred_on_sqlite(tmp_path) -> None:
    engine = make_engine(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'u.sqlite3'}"))
    begun: list[str] = []
    sa.event.listen(
        engine, "before_cursor_execute", lambda _c, _cur, stmt, *_: begun.append(stmt) if "BEGIN" in stmt else None
    )
    units = Units(engine)
    with units.write() as db:
        db.execute(sa.text("SELECT 1"))
    with units.read() as db:
        db.execute(sa.text("SELECT 1"))
    with Session(engine) as db:
        db.execute(sa.text("SELECT 1"))
        with independent_write(db):  # a GET's own small write
            db.execute(sa.text("SELECT 1"))
    engine.dispose()
    assert begun == ["BEGIN IMMEDIATE", "BEGIN", "BEGIN", "BEGIN IMMEDIATE"]


def test_a_savepoint_rolled_back_leaves_what_the_unit_wrote_before_to_be_committed(db) -> None:
    """A caught IntegrityError inside begin_nested() (two first registrations of one person at
    once) must not make the request's unit forget its earlier writes and answer 2xx unsaved."""
    db.commit()
    make_organisation(db, slug="kept")
    assert has_changes(db)
    try:
        with db.begin_nested():
            make_organisation(db, slug="kept")
    except sa.exc.IntegrityError:
        pass
    assert has_changes(db)


def test_a_bulk_statement_alone_counts_as_a_write(db) -> None:
    org = make_organisation(db, slug="bulk")
    db.commit()
    assert not has_changes(db)
    db.execute(sa.update(Organisation).where(Organisation.id == org.id).values(name="Переименована"))
    assert has_changes(db)
