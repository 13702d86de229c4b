"""Addresses that last (issue 19): an event renamed once or many times keeps answering at
every former slug with 301 to the same address under the current one, for the page and
every feed and export — calendar clients follow permanent redirects and update the URL."""

import pytest
from sqlmodel import select

from eventhub.core.models import EventFormerSlug
from tests.factories import make_event, make_session

ADDRESSES = (
    "",
    ".ics",
    "/agenda.ics",
    "/schedule.xml",
    "/schedule.json",
    "/press.atom",
    "/register",
    "/programme",
)


def _rename(db, event, *slugs):
    for slug in slugs:
        event.slug = slug
        db.commit()


@pytest.mark.parametrize("suffix", ADDRESSES)
def test_every_address_of_a_renamed_event_moves_permanently(client, db, suffix) -> None:
    event = make_event(db, slug="forum-2030", registration_mode="open")
    make_session(db, event, start_at=event.start_at, end_at=event.end_at)
    db.commit()
    _rename(db, event, "forum-aymakov-2030")

    old = client.get(f"/events/forum-2030{suffix}", params={"lang": "ky"}, follow_redirects=False)

    assert old.status_code == 301
    assert old.headers["location"] == f"/events/forum-aymakov-2030{suffix}?lang=ky"
    assert client.get(old.headers["location"]).status_code == 200


def test_chained_renames_lead_straight_to_the_current_address(client, db) -> None:
    event = make_event(db, slug="a-2030")
    db.commit()
    _rename(db, event, "b-2030", "c-2030", "d-2030")

    for slug in ("a-2030", "b-2030", "c-2030"):
        response = client.get(f"/events/{slug}.ics", follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (301, "/events/d-2030.ics"), slug
    assert client.get("/events/d-2030.ics").status_code == 200


def test_a_slug_taken_back_or_by_another_event_is_that_event_now(client, db) -> None:
    first = make_event(db, slug="x-2030", title="Первое")
    db.commit()
    _rename(db, first, "y-2030")
    second = make_event(db, slug="x-2030", title="Второе")  # a new event takes the freed slug
    db.commit()

    assert client.get("/events/x-2030.ics", follow_redirects=False).status_code == 200
    assert "Второе" in client.get("/events/x-2030.ics").text
    assert client.get("/events/y-2030.ics").status_code == 200
    assert db.exec(select(EventFormerSlug).where(EventFormerSlug.slug == "x-2030")).first() is None

    _rename(db, second, "z-2030")  # the slug is now the second event's former one
    response = client.get("/events/x-2030.ics", follow_redirects=False)
    assert response.headers["location"] == "/events/z-2030.ics"
    _rename(db, first, "x-2030")  # and the first takes it back
    assert "Первое" in client.get("/events/x-2030.ics", follow_redirects=False).text


def test_former_slugs_of_drafts_and_unknown_slugs_stay_404(client, db) -> None:
    event = make_event(db, slug="draft-2030")
    db.commit()
    _rename(db, event, "draft-2031")
    event.status = "draft"
    db.commit()

    assert client.get("/events/draft-2030.ics", follow_redirects=False).status_code == 404
    assert client.get("/events/never-was.ics", follow_redirects=False).status_code == 404
    assert client.get("/events/draft-2030", follow_redirects=False).status_code == 404
