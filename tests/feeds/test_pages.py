"""Pages: "add to calendar" on event pages, "subscribe" on /events."""

import html
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from eventhub.feeds import links
from tests.factories import make_event, make_session
from tests.feeds.samples import all_day_forum, round_table

BASE = "https://events.example.kg"


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_google_and_outlook_links_of_a_timed_event() -> None:
    event = round_table()
    google = _query(links.google_link(event, BASE))
    assert google["action"] == "TEMPLATE"
    assert google["dates"] == "20300610T040000Z/20300610T070000Z"
    assert google["ctz"] == "Asia/Bishkek"
    assert google["text"] == event.title
    assert google["location"] == "Конференц-зал ИПР, ул. Уметалиева, 108, Бишкек"
    assert google["details"].endswith(f"{BASE}/events/kruglyy-stol-msu-2030")
    outlook = _query(links.outlook_link(event, BASE))
    assert (outlook["startdt"], outlook["enddt"]) == ("2030-06-10T04:00:00Z", "2030-06-10T07:00:00Z")
    assert outlook["subject"] == event.title and outlook["rru"] == "addevent"


def test_links_of_an_all_day_event_use_dates() -> None:
    event = all_day_forum()
    assert _query(links.google_link(event, BASE))["dates"] == "20300915/20300917"
    outlook = _query(links.outlook_link(event, BASE))
    assert (outlook["startdt"], outlook["enddt"], outlook["allday"]) == ("2030-09-15", "2030-09-17", "true")


def test_calendar_links_and_webcal() -> None:
    found = links.calendar_links(round_table(), BASE)
    assert found.ics == f"{BASE}/events/kruglyy-stol-msu-2030.ics"
    assert found.webcal == "webcal://events.example.kg/events/kruglyy-stol-msu-2030.ics"
    assert found.agenda_ics == f"{BASE}/events/kruglyy-stol-msu-2030/agenda.ics"
    assert links.calendar_links(all_day_forum(), BASE).agenda_ics is None  # no sessions with a time


def test_event_page_has_the_add_to_calendar_block(client, db) -> None:
    event = make_event(db, start_at=datetime(2030, 6, 10, 4, tzinfo=UTC), end_at=datetime(2030, 6, 10, 7, tzinfo=UTC))
    make_session(db, event, start_at=event.start_at)
    db.commit()
    page = html.unescape(client.get(f"/events/{event.slug}").text)
    assert "Добавить в календарь" in page
    assert f'href="http://testserver/events/{event.slug}.ics" download' in page
    assert f'href="webcal://testserver/events/{event.slug}.ics"' in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "dates=20300610T040000Z%2F20300610T070000Z" in page
    assert "https://outlook.live.com/calendar/0/action/compose?" in page
    assert f'href="http://testserver/events/{event.slug}/agenda.ics"' in page
    assert client.get(f"/events/{event.slug}.ics").status_code == 200


def test_cancelled_event_offers_no_google_or_outlook(client, db) -> None:
    event = make_event(db, status="cancelled")
    db.commit()
    page = client.get(f"/events/{event.slug}").text
    assert "webcal://" in page and "calendar.google.com" not in page


def test_events_page_subscribe_panel_follows_the_filters(client, db) -> None:
    make_event(db, kind="forum", venue_region="naryn")
    db.commit()
    page = html.unescape(client.get("/events").text)
    assert "Подписаться на календарь" in page
    assert 'value="http://testserver/calendar.ics"' in page
    assert "Все мероприятия" in page
    filtered = html.unescape(client.get("/events", params={"kind": "forum", "region": "naryn"}).text)
    assert 'value="http://testserver/calendar.ics?kind=forum&region=naryn"' in filtered
    assert 'href="webcal://testserver/calendar.ics?kind=forum&region=naryn"' in filtered
    assert "cid=webcal%3A%2F%2Ftestserver%2Fcalendar.ics%3Fkind%3Dforum%26region%3Dnaryn" in filtered
    assert "https://outlook.live.com/calendar/0/addfromweb?url=webcal%3A%2F%2Ftestserver" in filtered
    feed = client.get("/calendar.ics?kind=forum&region=naryn")
    assert feed.status_code == 200 and feed.content.count(b"BEGIN:VEVENT") == 1
