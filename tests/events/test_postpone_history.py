"""Publishing a postponed event again keeps what happened: the notice and the previous dates,
on the page, in the API and in the calendar feed (publish used to clear the notice)."""

from tests.conftest import at
from tests.factories import make_event


def test_publishing_again_after_a_postponement_keeps_the_notice_and_the_previous_dates(client, db, bearer_as) -> None:
    event = make_event(db, title="Форум аймаков", start_at=at(2030, 9, 13, 3))
    db.commit()
    headers = bearer_as("admin")
    body = {
        "start_at": "2030-09-20T09:00",
        "end_at": "2030-09-20T13:00",
        "note": "Перенесено на неделю",
        "notify": False,
    }
    postponed = client.post(f"/api/v1/events/{event.slug}/postpone", json=body, headers=headers).json()
    assert (postponed["previous_start_at"], postponed["notified"]) == ("2030-09-13T03:00:00Z", 0)

    published = client.post(f"/api/v1/events/{event.slug}/publish", headers=headers).json()
    assert (published["status"], published["status_note"]) == ("published", "Перенесено на неделю")
    assert (published["previous_start_at"], published["start_at"]) == ("2030-09-13T03:00:00Z", "2030-09-20T03:00:00Z")
    assert "Перенесено на неделю" in client.get(f"/events/{event.slug}").text
    feed = client.get("/calendar.ics").text.replace("\r\n ", "")
    assert "Перенесено на неделю" in feed
