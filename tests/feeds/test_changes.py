"""What every write does for the feeds: SEQUENCE, revision times, the content version."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from eventhub.core import changes
from eventhub.core.db import lock_for_update
from eventhub.core.models import Event, Panel
from eventhub.feeds.service import read_stamp
from tests.factories import add_speaker, make_event, make_panel, make_person, make_session
from tests.feeds.conftest import make_registration
from tests.feeds.parsers import with_icalendar


def _fresh(db, event: Event) -> Event:
    """The event as a new request would load it (attributes expired, not yet loaded)."""
    db.commit()
    db.expire_all()
    return db.get(Event, event.id)


def test_new_events_start_at_sequence_0(db) -> None:
    event = make_event(db)
    db.commit()
    assert event.sequence == 0


def test_postponing_cancelling_moving_raise_sequence(db) -> None:
    event = _fresh(db, make_event(db))
    event.status = "postponed"
    event.start_at += timedelta(days=7)
    event.end_at += timedelta(days=7)
    event = _fresh(db, event)
    assert event.sequence == 1  # one change, one bump, however many fields
    event.venue_name = "Другой зал"
    event = _fresh(db, event)
    assert event.sequence == 2
    event.status = "cancelled"
    event = _fresh(db, event)
    assert event.sequence == 3


def test_text_edits_and_same_values_keep_sequence(db) -> None:
    event = _fresh(db, make_event(db))
    event.title = "Новое название"
    event.summary = "Новое описание"
    event = _fresh(db, event)
    event.start_at = datetime(
        event.start_at.year, event.start_at.month, event.start_at.day, event.start_at.hour, tzinfo=UTC
    )
    event.status = "published"
    event = _fresh(db, event)
    assert event.sequence == 0


def test_drafts_keep_sequence_until_published(db) -> None:
    event = _fresh(db, make_event(db, status="draft"))
    event.start_at += timedelta(days=1)
    event.end_at += timedelta(days=1)
    event = _fresh(db, event)
    assert event.sequence == 0
    event.status, event.published_at = "published", datetime(2030, 1, 1, tzinfo=UTC)
    event = _fresh(db, event)
    assert event.sequence == 0  # the first publication: no subscriber has a copy to replace
    event.status = "draft"
    event = _fresh(db, event)
    event.start_at += timedelta(days=1)
    event.end_at += timedelta(days=1)
    event.status = "published"  # published again after a change: subscribers must re-read
    event = _fresh(db, event)
    assert event.sequence > 0


def test_bump_sequence_if_needed_is_idempotent_for_one_change(db) -> None:
    event = _fresh(db, make_event(db))
    event.end_at += timedelta(hours=1)
    assert changes.bump_sequence_if_needed(event) is True
    assert changes.bump_sequence_if_needed(event) is False  # already bumped: the hook will not bump again
    event = _fresh(db, event)
    assert event.sequence == 1


def test_moving_a_session_raises_its_own_sequence_only(db) -> None:
    event = make_event(db)
    session = make_session(db, event, start_at=event.start_at, end_at=event.start_at + timedelta(hours=1))
    sibling = make_session(db, event, start_at=event.start_at, end_at=event.start_at + timedelta(hours=1))
    event = _fresh(db, event)
    revised = event.updated_at
    session = db.get(type(session), session.id)
    session.room = "Зал 2"
    event = _fresh(db, event)
    assert event.sequence == 0
    assert {s.id: s.sequence for s in event.sessions} == {session.id: 1, sibling.id: 0}
    assert event.updated_at > revised
    moved = db.get(type(session), session.id)
    moved.title = "Другое название"  # a text edit: re-read on the next poll, no new version
    event = _fresh(db, event)
    assert {s.id: s.sequence for s in event.sessions} == {session.id: 1, sibling.id: 0}


def test_agenda_details_touch_the_event_and_session_without_sequence(db) -> None:
    event = make_event(db)
    session = make_session(db, event, start_at=event.start_at)
    event = _fresh(db, event)
    event_revised, session_revised = event.updated_at, event.sessions[0].updated_at
    make_panel(db, session, expected_result="предложения")
    add_speaker(db, session, make_person(db), "moderator")
    event = _fresh(db, event)
    assert event.updated_at > event_revised
    assert event.sessions[0].updated_at > session_revised
    assert event.sequence == 0
    panel = db.exec(select(Panel).where(Panel.session_id == session.id)).one()
    before = event.updated_at
    panel.expected_result = "другой результат"
    event = _fresh(db, event)
    assert event.updated_at > before


def test_content_version_moves_with_feed_content_only(db) -> None:
    event = make_event(db)
    db.commit()
    first = read_stamp(db)
    make_registration(db, event, email="a@example.kg")
    db.commit()
    assert read_stamp(db) == first  # registrations do not re-render every feed
    person = make_person(db)
    db.commit()
    second = read_stamp(db)
    assert second.version > first.version and second.changed_at >= first.changed_at
    person.name = "Новое имя"
    db.commit()
    assert read_stamp(db).version > second.version


def test_orm_bulk_updates_bump_the_version(db) -> None:
    event = make_event(db)
    db.commit()
    before = read_stamp(db)
    db.execute(sa.update(Event).where(Event.id == event.id).values(title="Массовое изменение"))
    db.commit()
    assert read_stamp(db).version > before.version


def test_commits_that_changed_feeds_advance_the_local_generation(db) -> None:
    before = changes.local_generation()
    make_event(db)
    db.commit()
    assert changes.local_generation() == before + 1
    db.commit()
    assert changes.local_generation() == before + 1


def test_version_time_never_goes_backwards(db, monkeypatch) -> None:
    make_event(db)
    db.commit()
    ahead = read_stamp(db).changed_at
    monkeypatch.setattr(changes, "utcnow", lambda: ahead - timedelta(hours=1))  # a writer whose clock is behind
    make_event(db)
    db.commit()
    assert read_stamp(db).changed_at == ahead


def test_row_lock_is_not_a_change(db) -> None:
    event = make_event(db)
    db.commit()
    revised = event.updated_at
    lock_for_update(db, Event.__table__, event.id)
    db.commit()
    db.expire_all()
    assert db.get(Event, event.id).updated_at == revised


def test_deleting_an_event_with_its_agenda_is_a_change(client, db) -> None:
    event = make_event(db)
    session = make_session(db, event, start_at=event.start_at)
    make_panel(db, session)
    add_speaker(db, session, make_person(db), "moderator")
    db.commit()
    before = read_stamp(db)
    assert client.get(f"/events/{event.slug}.ics").status_code == 200
    db.delete(db.get(Event, event.id))
    db.commit()
    assert read_stamp(db).version > before.version
    assert client.get(f"/events/{event.slug}.ics").status_code == 404


def test_loading_the_demo_twice_leaves_the_feeds_alone(demo, demo_data) -> None:
    from eventhub.demo.loader import load_demo  # imported here: like the CLI command

    before = read_stamp(demo)
    assert load_demo(demo, demo_data) == 0
    demo.commit()
    assert read_stamp(demo) == before


def test_a_subscriber_re_reads_only_the_moved_session(client, db) -> None:
    event = make_event(db, status="draft")
    first = make_session(db, event, title="Первая", start_at=event.start_at, end_at=event.start_at + timedelta(hours=1))
    make_session(db, event, title="Вторая", start_at=event.start_at, end_at=event.start_at + timedelta(hours=1))
    db.commit()
    event.status, event.published_at = "published", datetime(2030, 1, 1, tzinfo=UTC)
    db.commit()

    def sequences() -> dict[str, int]:
        parsed = with_icalendar(client.get(f"/events/{event.slug}/agenda.ics").content)
        return {e["summary"].split(": ")[-1]: e["sequence"] for e in parsed}

    assert sequences() == {"Первая": 0, "Вторая": 0}  # publishing is no new version
    first.start_at += timedelta(minutes=30)
    first.end_at += timedelta(minutes=30)
    db.commit()
    assert sequences() == {"Первая": 1, "Вторая": 0}
    assert with_icalendar(client.get(f"/events/{event.slug}.ics").content)[0]["sequence"] == 0
    event.venue_name = "Другой зал"  # the place of every entry: all re-read
    db.commit()
    assert sequences() == {"Первая": 2, "Вторая": 1}
