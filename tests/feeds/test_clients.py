"""What calendar clients and conference apps get besides the feeds (issue 19): Google and both
Outlooks carry the online link; public feeds and schedule JSON may be fetched from any origin."""

from urllib.parse import parse_qs, urlsplit

from eventhub.feeds import links
from tests.factories import make_event, make_session
from tests.feeds.conftest import make_registration, personal_token
from tests.feeds.samples import partner_session

BASE = "https://events.example.kg"


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_google_and_both_outlooks_carry_the_online_link() -> None:
    event = partner_session()
    found = links.calendar_links(event, BASE)
    assert urlsplit(found.outlook).netloc == "outlook.live.com"
    assert urlsplit(found.outlook_office).netloc == "outlook.office.com"
    for url, field in ((found.google, "details"), (found.outlook, "body"), (found.outlook_office, "body")):
        assert "Онлайн: https://meet.example.org/seminar" in _query(url)[field], url
        assert _query(url)[field].endswith(f"{BASE}/events/onlayn-seminar-partnera")
    assert _query(found.google)["location"] == "https://meet.example.org/seminar"  # no venue: the link is the place


def test_subscribe_links_offer_both_outlooks(client, db) -> None:
    subscribe = links.subscribe_links(links.EventFilters(kind="forum"), BASE)
    assert subscribe.outlook.startswith("https://outlook.live.com/calendar/0/addfromweb?url=webcal%3A%2F%2F")
    assert subscribe.outlook_office.startswith(
        "https://outlook.office.com/calendar/0/addfromweb?url=https%3A%2F%2Fevents.example.kg%2Fcalendar.ics%3Fkind%3Dforum"
    )
    assert "outlook.office.com/calendar/0/addfromweb" in client.get("/events").text


def test_public_feeds_and_schedules_allow_any_origin_personal_ones_do_not(client, db, settings) -> None:
    event = make_event(db)
    make_session(db, event, start_at=event.start_at, end_at=event.end_at)
    token = personal_token(db, settings, make_registration(db, event, email="p@example.kg"))
    db.commit()
    public = [
        "/calendar.ics",
        f"/events/{event.slug}.ics",
        f"/events/{event.slug}/agenda.ics",
        f"/events/{event.slug}/schedule.json",
        f"/events/{event.slug}/schedule.xml",
    ]
    for url in public:
        for _ in range(2):  # rendered, then from the cache before routing
            response = client.get(url, headers={"Origin": "https://widget.example.org"})
            assert response.status_code == 200, url
            assert response.headers["access-control-allow-origin"] == "*", url
        etag = response.headers["etag"]
        assert client.get(url, headers={"If-None-Match": etag}).headers["access-control-allow-origin"] == "*"
    personal = client.get(f"/calendar/personal/{token}.ics", headers={"Origin": "https://widget.example.org"})
    assert personal.status_code == 200 and "access-control-allow-origin" not in personal.headers
