"""A participant's personal feed: their confirmed registrations, nobody else's, by a token that can be reset."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from eventhub.core.models import PersonalCalendar
from eventhub.core.tokens import hash_token
from tests.factories import make_event
from tests.feeds.conftest import make_registration, personal_token


def _events(db, n: int):
    return [
        make_event(db, title=f"Мероприятие {i}", start_at=datetime(2030, 6, 1 + i, 4, tzinfo=UTC)) for i in range(n)
    ]


def _summaries(response) -> list[str]:
    unfolded = response.content.replace(b"\r\n ", b"").decode()
    return sorted(line.removeprefix("SUMMARY:") for line in unfolded.split("\r\n") if line.startswith("SUMMARY:"))


def test_feed_has_the_participants_confirmed_and_attended_registrations(client, db, settings) -> None:
    a, b, c, d, e = _events(db, 5)
    owner = make_registration(db, a, email="Aigul@Example.kg", email_normalised="aigul@example.kg")
    make_registration(db, b, email="aigul@example.kg", status="attended")
    make_registration(db, c, email="aigul@example.kg", status="pending")
    make_registration(db, d, email="aigul@example.kg", status="cancelled")
    make_registration(db, e, email="someone.else@example.kg")  # another person
    token = personal_token(db, settings, owner)
    db.commit()
    response = client.get(f"/calendar/personal/{token}.ics")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, max-age=300"
    assert _summaries(response) == ["Мероприятие 0", "Мероприятие 1"]
    assert b"aigul" not in response.content.lower() and "Участник".encode() not in response.content


def test_only_the_hash_of_the_token_is_stored_once_per_person(db, settings) -> None:
    a, b = _events(db, 2)
    first = make_registration(db, a, email="a@example.kg")
    second = make_registration(db, b, email="a@example.kg")
    token = personal_token(db, settings, first)
    assert len(token) >= 32
    assert personal_token(db, settings, second) == token  # one address for all of a person's registrations
    [row] = db.exec(select(PersonalCalendar)).all()
    assert (row.email_normalised, row.generation, row.token_hash) == ("a@example.kg", 0, hash_token(token))


def test_reset_cuts_off_the_old_address_everywhere(client, db, settings) -> None:
    a, b = _events(db, 2)
    first = make_registration(db, a, email="a@example.kg")
    second = make_registration(db, b, email="a@example.kg")
    old = personal_token(db, settings, first)
    db.commit()
    assert client.get(f"/calendar/personal/{old}.ics").status_code == 200
    new = personal_token(db, settings, second, reset=True)  # reset from the other registration's private page
    db.commit()
    assert client.get(f"/calendar/personal/{old}.ics").status_code == 404
    assert client.head(f"/calendar/personal/{old}.ics").status_code == 404
    response = client.get(f"/calendar/personal/{new}.ics")
    assert response.status_code == 200
    assert _summaries(response) == ["Мероприятие 0", "Мероприятие 1"]
    assert personal_token(db, settings, first) == new


def test_feed_follows_registration_changes(client, db, settings) -> None:
    a, b = _events(db, 2)
    owner = make_registration(db, a, email="a@example.kg")
    token = personal_token(db, settings, owner)
    db.commit()
    url = f"/calendar/personal/{token}.ics"
    first = client.get(url)
    assert _summaries(first) == ["Мероприятие 0"]
    other = make_registration(db, b, email="a@example.kg", status="waitlisted")
    db.commit()
    assert client.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    other.status = "confirmed"
    db.commit()
    promoted = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert promoted.status_code == 200
    assert _summaries(promoted) == ["Мероприятие 0", "Мероприятие 1"]
    owner.status = "cancelled"
    db.commit()
    assert _summaries(client.get(url)) == ["Мероприятие 1"]


def test_draft_events_stay_out_of_personal_feeds(client, db, settings) -> None:
    [event] = _events(db, 1)
    owner = make_registration(db, event, email="a@example.kg")
    token = personal_token(db, settings, owner)
    event.status = "draft"
    db.commit()
    assert _summaries(client.get(f"/calendar/personal/{token}.ics")) == []


def test_cancelled_event_stays_as_cancelled_for_registered_people(client, db, settings) -> None:
    [event] = _events(db, 1)
    owner = make_registration(db, event, email="a@example.kg")
    token = personal_token(db, settings, owner)
    event.status = "cancelled"
    event.end_at = event.start_at + timedelta(hours=2)
    db.commit()
    body = client.get(f"/calendar/personal/{token}.ics").content
    assert b"STATUS:CANCELLED" in body
