"""Guessing private links, feeds, invitations and check-in codes is slowed (issue 21, item 9)."""

from eventhub.accounts.guessing import BAD_SECRET
from tests.registrations.conftest import form, open_event


def test_wrong_private_links_and_feeds_from_one_address_are_told_to_wait(client, db, clock, mailbox) -> None:
    event = open_event(db, capacity=5)
    db.commit()
    client.post(f"/events/{event.slug}/register", data=form(email="real@example.org"))
    for n in range(BAD_SECRET.count):
        path = f"/r/guess-{n}" if n % 2 else f"/calendar/personal/guess-{n}.ics"
        assert client.get(path).status_code == 404
    stopped = client.get("/r/another-guess")
    assert stopped.status_code == 429 and int(stopped.headers["retry-after"]) <= 61
    assert client.get("/calendar/personal/x.ics").status_code == 429
    assert client.get(f"/events/{event.slug}").status_code == 200  # the rest of the site is open
    from datetime import timedelta

    clock["now"] += timedelta(minutes=1, seconds=1)
    assert client.get("/r/after-the-minute").status_code == 404


def test_wrong_invitations_and_check_in_codes_count_too(client, db, clock, login_as) -> None:
    event = open_event(db, capacity=5, registration_mode="invitation")
    db.commit()
    for n in range(BAD_SECRET.count // 2):
        assert client.get(f"/events/{event.slug}/register?invitation=guess{n}").status_code == 200
    login_as("admin")
    checkin = f"/admin/events/{event.slug}/registrations/checkin"
    for n in range(BAD_SECRET.count - BAD_SECRET.count // 2):
        assert client.get(f"{checkin}?code=1-guess{n}").status_code == 200
    assert client.get(f"{checkin}?code=1-guess").status_code == 429
    assert client.get(f"/events/{event.slug}/register?invitation=x").status_code == 429
