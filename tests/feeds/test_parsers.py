"""Every feed, read by four parsers: icalendar, vobject, ical (strict) and Mozilla's ical.js.

The demo data's feeds, then the rules that matter to a subscriber: times in the right
zone (Bishkek without DST, Berlin in summer and in winter), SEQUENCE after a postponement,
CANCELLED after a cancellation, folded Cyrillic text."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from eventhub.core.models import Event
from tests.factories import make_event, make_session
from tests.feeds.conftest import PARSERS, make_registration, personal_token
from tests.feeds.parsers import comparable, with_icalendar

DEMO_SLUGS = (
    "kruglyy-stol-aris-2022",
    "fokus-gruppa-mestnoe-samoupravlenie-2030",
    "forum-aymakov-2023",
    "dialog-vklad-ogo-v-razvitie-regionov",
)


ALL = "/calendar.ics?from=2016-01-01"


def _demo_feeds(client, db, settings) -> dict[str, bytes]:
    events = {e.slug: e for e in db.exec(select(Event).where(Event.slug.in_(DEMO_SLUGS))).all()}
    owner = make_registration(db, events["forum-aymakov-2023"], email="aigul@example.kg")
    make_registration(db, events["dialog-vklad-ogo-v-razvitie-regionov"], email="aigul@example.kg")
    token = personal_token(db, settings, owner)
    db.commit()
    urls = [
        "/calendar.ics",  # the last 12 months and ahead: none of the seed events, a valid empty calendar
        ALL,
        "/calendar.ics?kind=forum&from=2016-01-01",
        "/calendar.ics?region=bishkek&from=2016-01-01",
        "/calendar.ics?organisation=ipr&from=2016-01-01",
        "/calendar.ics?project=uspeshnyy-aymak-2&from=2016-01-01",
        "/calendar.ics?from=2022-01-01&to=2022-12-31",
        f"/calendar/personal/{token}.ics",
    ]
    for slug in DEMO_SLUGS:
        urls += [f"/events/{slug}.ics", f"/events/{slug}/agenda.ics"]
    feeds = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        feeds[url] = response.content
    return feeds


@pytest.mark.parametrize("parser", PARSERS)
def test_every_demo_feed_reads_the_same_in_every_parser(client, demo, settings, parse, parser) -> None:
    feeds = _demo_feeds(client, demo, settings)
    parsed = parse(parser, feeds)
    for url, body in feeds.items():
        assert comparable(parsed[url]) == comparable(with_icalendar(body)), url
    assert len(parsed[ALL]) == 4
    assert {e["start"] for e in parsed[ALL]} == {"2022-10-18", "2016-06-10", "2023-09-08", "2019-03-01"}
    assert parsed["/calendar.ics"] == []
    assert [e["start"] for e in parsed["/calendar.ics?from=2022-01-01&to=2022-12-31"]] == ["2022-10-18"]
    personal = parsed[next(u for u in feeds if u.startswith("/calendar/personal/"))]
    assert sorted(e["start"] for e in personal) == ["2019-03-01", "2023-09-08"]


def test_demo_feeds_have_unique_uids_and_a_vtimezone_for_every_tzid(client, demo, settings) -> None:
    for url, body in _demo_feeds(client, demo, settings).items():
        uids = re.findall(rb"\r\nUID:([^\r]+)", body)
        assert len(uids) == len(set(uids)), url
        assert set(re.findall(rb"TZID=([^:;]+)", body)) <= set(re.findall(rb"\r\nTZID:([^\r]+)", body)), url
        for line in body.split(b"\r\n"):
            assert len(line) <= 75, (url, line)
            line.decode("utf-8")


def test_demo_all_day_events_are_whole_days(client, demo) -> None:
    body = client.get("/events/forum-aymakov-2023.ics").content
    assert b"DTSTART;VALUE=DATE:20230908\r\nDTEND;VALUE=DATE:20230909\r\n" in body
    assert b"VTIMEZONE" not in body


def _timed_events(db):
    bishkek = make_event(
        db,
        title="Круглый стол в Бишкеке",
        start_at=datetime(2030, 6, 10, 4, tzinfo=UTC),
        end_at=datetime(2030, 6, 10, 7, tzinfo=UTC),
        timezone="Asia/Bishkek",
    )
    berlin = make_event(
        db,
        kind="seminar",
        title="Онлайн-сессия партнёра",
        start_at=datetime(2030, 7, 1, 8, tzinfo=UTC),
        end_at=datetime(2030, 12, 2, 10, tzinfo=UTC),
        timezone="Europe/Berlin",
        online_url="https://meet.example.org/x",
    )
    make_session(
        db,
        berlin,
        title="Летняя сессия",
        start_at=datetime(2030, 7, 1, 8, tzinfo=UTC),
        end_at=datetime(2030, 7, 1, 9, tzinfo=UTC),
    )
    make_session(
        db,
        berlin,
        title="Зимняя сессия",
        start_at=datetime(2030, 12, 2, 9, tzinfo=UTC),
        end_at=datetime(2030, 12, 2, 10, tzinfo=UTC),
    )
    db.commit()
    return bishkek, berlin


@pytest.mark.parametrize("parser", PARSERS)
def test_local_times_are_right_in_every_parser(client, db, parse, parser) -> None:
    bishkek, berlin = _timed_events(db)
    feeds = {
        "bishkek": client.get(f"/events/{bishkek.slug}.ics").content,
        "berlin": client.get(f"/events/{berlin.slug}/agenda.ics").content,
        "all": client.get("/calendar.ics").content,
    }
    assert b"DTSTART;TZID=Asia/Bishkek:20300610T100000" in feeds["bishkek"]
    assert b"DTSTART;TZID=Europe/Berlin:20300701T100000" in feeds["berlin"]
    assert b"DTSTART;TZID=Europe/Berlin:20301202T100000" in feeds["berlin"]
    parsed = parse(parser, feeds)
    [event] = parsed["bishkek"]
    assert (event["start"], event["end"]) == ("2030-06-10T04:00:00Z", "2030-06-10T07:00:00Z")  # 10:00 in Bishkek
    sessions = {e["summary"]: (e["start"], e["end"]) for e in parsed["berlin"]}
    assert sessions == {
        "Летняя сессия": ("2030-07-01T08:00:00Z", "2030-07-01T09:00:00Z"),  # 10:00 CEST (+02)
        "Зимняя сессия": ("2030-12-02T09:00:00Z", "2030-12-02T10:00:00Z"),  # 10:00 CET (+01)
    }
    starts = {e["summary"]: e["start"] for e in parsed["all"]}
    assert starts == {
        "Круглый стол в Бишкеке": "2030-06-10T04:00:00Z",
        "Онлайн-сессия партнёра": "2030-07-01T08:00:00Z",
    }


@pytest.mark.parametrize("parser", PARSERS)
def test_postponement_raises_sequence_and_cancellation_cancels_in_every_parser(client, db, parse, parser) -> None:
    event = make_event(db, start_at=datetime(2030, 6, 10, 4, tzinfo=UTC), end_at=datetime(2030, 6, 10, 7, tzinfo=UTC))
    db.commit()
    url = f"/events/{event.slug}.ics"
    before = client.get(url).content

    event.status, event.status_note = "postponed", "Перенесено на неделю"
    event.start_at += timedelta(days=7)
    event.end_at += timedelta(days=7)
    db.commit()
    postponed = client.get(url).content

    event.status = "cancelled"
    db.commit()
    cancelled = client.get(url).content

    parsed = parse(parser, {"before": before, "postponed": postponed, "cancelled": cancelled})
    [b], [p], [c] = parsed["before"], parsed["postponed"], parsed["cancelled"]
    assert b["uid"] == p["uid"] == c["uid"]
    assert (b["sequence"], b["status"], b["start"]) == (0, "CONFIRMED", "2030-06-10T04:00:00Z")
    assert p["sequence"] > b["sequence"]
    assert (p["status"], p["start"]) == ("CONFIRMED", "2030-06-17T04:00:00Z")
    assert c["sequence"] > p["sequence"]
    assert c["status"] == "CANCELLED"
    assert c["summary"].startswith("Отменено: ")


@pytest.mark.parametrize("parser", PARSERS)
def test_cyrillic_folded_text_comes_back_whole_in_every_parser(client, db, parse, parser) -> None:
    summary = "Вклад организаций гражданского общества в развитие регионов: «кровеносная система» — ё, ң, ө, ү"
    event = make_event(db, title=summary * 2, summary=summary * 5)
    db.commit()
    body = client.get(f"/events/{event.slug}.ics").content
    assert max(len(line) for line in body.split(b"\r\n")) <= 75
    [parsed] = parse(parser, {"e": body})["e"]
    assert parsed["summary"] == summary * 2
    assert parsed["description"].startswith(summary * 5)


@pytest.mark.parametrize("parser", ["icalendar", "vobject", "ical"])
def test_demo_agendas_without_times_are_the_event_not_an_empty_calendar(client, demo, parse, parser) -> None:
    for slug in DEMO_SLUGS:
        agenda = client.get(f"/events/{slug}/agenda.ics").content
        assert agenda.count(b"BEGIN:VEVENT") == 1, slug
        parsed = parse(parser, {"agenda": agenda, "event": client.get(f"/events/{slug}.ics").content})
        assert comparable(parsed["agenda"]) == comparable(parsed["event"]), slug
        if slug != "kruglyy-stol-aris-2022":  # the round table's report gives no agenda
            assert "Программа:" in parsed["agenda"][0]["description"], slug
