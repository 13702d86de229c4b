"""The whole-site feed's window, empty calendars, X-WR-TIMEZONE, ORGANIZER and the online link
(issue 19)."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import make_event, make_session
from tests.feeds.conftest import PARSERS, make_registration, personal_token
from tests.feeds.rfc5545 import check


def _at(days: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(hour=4, minute=0, second=0, microsecond=0)


def _titles(body: bytes) -> set[str]:
    return {value for name, value in check(body) if name == "SUMMARY"}


def test_the_default_window_is_the_last_twelve_months_and_everything_ahead(client, db) -> None:
    make_event(db, title="Давно", start_at=_at(-400), end_at=_at(-400) + timedelta(hours=3))
    make_event(db, title="Весной", start_at=_at(-300), end_at=_at(-300) + timedelta(hours=3))
    make_event(db, title="Через пять лет", start_at=_at(5 * 365), end_at=_at(5 * 365) + timedelta(hours=3))
    make_event(db, title="Начался давно, идёт", start_at=_at(-500), end_at=_at(3))
    db.commit()

    assert _titles(client.get("/calendar.ics").content) == {"Весной", "Через пять лет", "Начался давно, идёт"}
    everything = client.get("/calendar.ics", params={"from": "2000-01-01"}).content
    assert _titles(everything) == {"Давно", "Весной", "Через пять лет", "Начался давно, идёт"}
    year_ago = (datetime.now(UTC) - timedelta(days=400)).date()
    only_old = client.get("/calendar.ics", params={"from": str(year_ago), "to": str(year_ago)}).content
    assert _titles(only_old) == {"Давно", "Начался давно, идёт"}  # both held that day
    assert _titles(client.get("/calendar.ics", params={"to": str(year_ago)}).content) == {
        "Давно",
        "Начался давно, идёт",
    }
    assert f"SOURCE;VALUE=URI:http://testserver/calendar.ics?from={year_ago}".encode() in only_old.replace(
        b"\r\n ", b""
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "20260101"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "2026-05-01", "to": "2026-04-30"}, "to"),
    ],
)
def test_a_bad_window_is_a_clear_400(client, db, query, field) -> None:
    response = client.get("/calendar.ics", params=query, headers={"Accept": "application/json"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_window"
    assert field in error["fields"]
    page = client.get("/calendar.ics", params=query)
    assert page.status_code == 400
    assert "ГГГГ-ММ-ДД" in page.text or "раньше" in page.text


@pytest.mark.parametrize("parser", PARSERS)
def test_a_filter_that_matches_nothing_is_a_valid_empty_calendar(client, db, parse, parser) -> None:
    make_event(db, kind="forum")
    db.commit()
    body = client.get("/calendar.ics?kind=seminar").content

    check(body)  # one component at least
    assert b"BEGIN:VEVENT" not in body
    assert b"X-WR-TIMEZONE:Asia/Bishkek\r\n" in body
    assert b"BEGIN:VTIMEZONE\r\nTZID:Asia/Bishkek\r\n" in body
    assert parse(parser, {"empty": body})["empty"] == []


def test_entries_carry_the_zone_the_online_link_and_in_personal_feeds_the_organizer(client, db, settings) -> None:
    event = make_event(
        db,
        title="Онлайн-диалог",
        timezone="Europe/Berlin",
        online_url="https://meet.example.org/dialog?id=1,2",
        contact_name="Айгуль Токтосунова, ИПР",
        contact_email="aigul@ipr.example.kg",
        registration_mode="open",
    )
    make_session(db, event, title="Открытие", start_at=event.start_at, end_at=event.start_at + timedelta(hours=1))
    registration = make_registration(db, event, email="reader@example.kg")
    token = personal_token(db, settings, registration)
    db.commit()

    public = [
        client.get(u).content
        for u in ("/calendar.ics", f"/events/{event.slug}.ics", f"/events/{event.slug}/agenda.ics")
    ]
    personal = client.get(f"/calendar/personal/{token}.ics").content
    for body in [*public, personal]:
        check(body)
        unfolded = body.replace(b"\r\n ", b"")
        assert b"X-WR-TIMEZONE:Europe/Berlin\r\n" in unfolded
        assert b";VALUE=URI:https://meet.example.org/dialog?id=1,2\r\n" in unfolded  # CONFERENCE
        assert b"https://meet.example.org/dialog?id=1\\,2" in unfolded  # in the DESCRIPTION text
    for body in public:  # a staff member's address is not published
        assert b"ORGANIZER" not in body and b"aigul@" not in body
    organizer = 'ORGANIZER;CN="Айгуль Токтосунова, ИПР":mailto:aigul@ipr.example.kg\r\n'.encode()
    assert organizer in personal.replace(b"\r\n ", b"")
