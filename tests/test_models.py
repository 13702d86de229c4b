"""Constraints of the data model that no caller can bypass."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from eventhub.core.models import Event
from tests.factories import make_event, make_organisation


def test_event_end_before_start_is_refused_by_the_database(db) -> None:
    start = datetime(2030, 1, 1, 4, tzinfo=UTC)
    with pytest.raises(sa.exc.IntegrityError):
        make_event(db, start_at=start, end_at=start - timedelta(minutes=1))


def test_event_slug_is_unique(db) -> None:
    make_event(db, slug="forum-2030")
    with pytest.raises(sa.exc.IntegrityError):
        make_event(db, slug="forum-2030")


def test_organisation_slug_is_unique(db) -> None:
    make_organisation(db, slug="aris")
    with pytest.raises(sa.exc.IntegrityError):
        make_organisation(db, slug="aris")


def test_unknown_time_zone_is_refused(db) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        make_event(db, timezone="Asia/Frunze-Old")


def test_times_come_back_in_utc_whatever_zone_they_were_given_in(db) -> None:
    from zoneinfo import ZoneInfo

    local = datetime(2030, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Bishkek"))
    event = make_event(db, start_at=local, end_at=local + timedelta(hours=3))
    db.expire_all()
    stored = db.exec(select(Event).where(Event.id == event.id)).one()
    assert stored.start_at == datetime(2030, 6, 10, 4, 0, tzinfo=UTC)
    assert stored.start_at.tzinfo is not None


def test_naive_datetimes_are_refused(db) -> None:
    with pytest.raises(sa.exc.StatementError):
        make_event(db, start_at=datetime(2030, 1, 1, 10), end_at=datetime(2030, 1, 1, 12))
