"""The pure iCalendar renderer: expected files, time zones, folding, all-day events, UIDs."""

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest

from eventhub.feeds import ical
from tests.feeds.parsers import PYTHON_PARSERS, comparable
from tests.feeds.samples import all_day_forum, partner_session, round_table

EXPECTED = Path(__file__).parent / "expected"
BASE = "https://events.example.kg"
PRODID = "-//eventhub//eventhub test//RU"


def _matches_expected(name: str, body: bytes) -> None:
    """Compare with tests/feeds/expected/NAME; EVENTHUB_UPDATE_EXPECTED=1 rewrites the file."""
    path = EXPECTED / name
    if os.environ.get("EVENTHUB_UPDATE_EXPECTED"):
        path.write_bytes(body)
    assert body == path.read_bytes(), f"{name} differs from the expected file (EVENTHUB_UPDATE_EXPECTED=1 rewrites it)"


def test_event_calendar_matches_the_expected_file() -> None:
    body = ical.render_events([round_table()], name="Круглый стол", base_url=BASE, prodid=PRODID)
    _matches_expected("round_table.ics", body)


def test_agenda_calendar_matches_the_expected_file() -> None:
    body = ical.render_agenda(round_table(), base_url=BASE, prodid=PRODID)
    _matches_expected("round_table_agenda.ics", body)


def test_berlin_agenda_matches_the_expected_file() -> None:
    body = ical.render_agenda(partner_session(), base_url=BASE, prodid=PRODID)
    _matches_expected("partner_agenda_berlin.ics", body)


def test_bishkek_10_00_is_04_00z_with_its_vtimezone() -> None:
    body = ical.render_events([round_table()], name="x", base_url=BASE, prodid=PRODID)
    assert b"DTSTART;TZID=Asia/Bishkek:20300610T100000\r\n" in body
    assert b"DTEND;TZID=Asia/Bishkek:20300610T130000\r\n" in body
    cal = icalendar.Calendar.from_ical(body)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Bishkek"]
    assert cal.walk("VEVENT")[0].decoded("DTSTART").astimezone(UTC) == datetime(2030, 6, 10, 4, tzinfo=UTC)


def test_every_tzid_used_has_a_vtimezone() -> None:
    body = ical.render_events([round_table(), partner_session()], name="x", base_url=BASE, prodid=PRODID)
    used = set(re.findall(rb"TZID=([^:;]+)", body))
    defined = set(re.findall(rb"\r\nTZID:([^\r]+)", body))
    assert used == defined == {b"Asia/Bishkek", b"Europe/Berlin"}
    assert body.index(b"BEGIN:VTIMEZONE") < body.index(b"BEGIN:VEVENT")


def test_vtimezone_onsets_are_local_times_in_the_offset_before() -> None:
    text = ical.vtimezone("Europe/Berlin", 2030, 2030).decode()
    # 2030-03-31 01:00Z: 02:00 in CET; 2030-10-27 01:00Z: 03:00 in CEST (RFC 5545 §3.6.5).
    assert (
        "BEGIN:DAYLIGHT\r\nDTSTART:20300331T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
        "TZNAME:CEST\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"
    ) in text
    assert (
        "DTSTART:20301027T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
        "TZNAME:CET\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100"
    ) in text


def test_vtimezone_over_several_years_lists_every_onset() -> None:
    # A rule that changed (New York, 2007): one RDATE per line, the first onset among them.
    text = ical.vtimezone("America/New_York", 2005, 2008).decode()
    assert (
        "DTSTART:20050403T020000\r\nRDATE:20050403T020000\r\nRDATE:20060402T020000\r\n"
        "RDATE:20070311T020000\r\nRDATE:20080309T020000\r\n"
    ) in text
    assert "," not in text
    bishkek = ical.vtimezone("Asia/Bishkek", 2016, 2031).decode()
    assert bishkek.count("BEGIN:STANDARD") == 1 and "DAYLIGHT" not in bishkek
    assert "TZOFFSETFROM:+0600\r\nTZOFFSETTO:+0600" in bishkek


def test_all_day_events_are_dates_with_an_exclusive_end() -> None:
    body = ical.render_events([all_day_forum()], name="x", base_url=BASE, prodid=PRODID)
    assert b"DTSTART;VALUE=DATE:20300915\r\n" in body
    assert b"DTEND;VALUE=DATE:20300917\r\n" in body
    assert b"VTIMEZONE" not in body  # dates carry no zone


def test_postponed_events_stay_confirmed_and_say_so() -> None:
    vevent = icalendar.Calendar.from_ical(
        ical.render_events([all_day_forum()], name="x", base_url=BASE, prodid=PRODID)
    ).walk("VEVENT")[0]
    assert vevent["STATUS"] == "CONFIRMED"
    assert vevent["SEQUENCE"] == 1
    assert vevent["DESCRIPTION"].startswith("Мероприятие перенесено. Перенесён с 8 сентября.")


def test_cancelled_events_are_cancelled_in_status_and_title() -> None:
    event = round_table()
    event.status = "cancelled"
    cal = icalendar.Calendar.from_ical(ical.render_events([event], name="x", base_url=BASE, prodid=PRODID))
    vevent = cal.walk("VEVENT")[0]
    assert (vevent["STATUS"], str(vevent["SUMMARY"])) == ("CANCELLED", f"Отменено: {event.title}")
    agenda = icalendar.Calendar.from_ical(ical.render_agenda(event, base_url=BASE, prodid=PRODID))
    assert {str(v["STATUS"]) for v in agenda.walk("VEVENT")} == {"CANCELLED"}


def test_uids_are_stable_when_slug_and_title_change_and_unique() -> None:
    event = round_table()
    before = icalendar.Calendar.from_ical(ical.render_agenda(event, base_url=BASE, prodid=PRODID))
    event.slug, event.title = "drugoy-slug", "Другое название"
    after = icalendar.Calendar.from_ical(ical.render_agenda(event, base_url=BASE, prodid=PRODID))
    uids = [str(v["UID"]) for v in after.walk("VEVENT")]
    assert (
        uids
        == [str(v["UID"]) for v in before.walk("VEVENT")]
        == [
            "session-1@events.example.kg",
            "session-2@events.example.kg",
        ]
    )
    assert ical.event_uid(event, "events.example.kg") == "event-42@events.example.kg"


def test_sessions_without_a_time_are_left_out_of_the_agenda() -> None:
    cal = icalendar.Calendar.from_ical(ical.render_agenda(round_table(), base_url=BASE, prodid=PRODID))
    assert [str(v["SUMMARY"]) for v in cal.walk("VEVENT")] == [
        "Открытие",
        "Панельная дискуссия: Бюджеты айылных аймаков",
    ]


def test_session_entries_name_room_moderator_panellists_and_result() -> None:
    cal = icalendar.Calendar.from_ical(ical.render_agenda(round_table(), base_url=BASE, prodid=PRODID))
    panel = cal.walk("VEVENT")[1]
    assert str(panel["LOCATION"]) == "Большой зал, Конференц-зал ИПР, ул. Уметалиева, 108, Бишкек"
    description = str(panel["DESCRIPTION"])
    assert "Модератор: Надежда Добрецова, директор, ИПР" in description
    assert "Панелисты:\n— Гульмира Абдыразакова, член Оргкомитета, СПС" in description
    assert "Ожидаемый результат: будут сформулированы предложения" in description
    assert str(panel["RELATED-TO"]) == "event-42@events.example.kg"


def test_event_entry_has_location_geo_url_categories_and_short_agenda() -> None:
    vevent = icalendar.Calendar.from_ical(
        ical.render_events([round_table()], name="x", base_url=BASE, prodid=PRODID)
    ).walk("VEVENT")[0]
    assert str(vevent["LOCATION"]) == "Конференц-зал ИПР, ул. Уметалиева, 108, Бишкек"
    assert (vevent["GEO"].latitude, vevent["GEO"].longitude) == (42.8746, 74.5698)
    assert str(vevent["URL"]) == f"{BASE}/events/kruglyy-stol-msu-2030"
    assert vevent["CATEGORIES"].cats == ["Круглый стол"]
    description = str(vevent["DESCRIPTION"])
    assert "Цели:\n1. Обсудить бюджеты айылных аймаков.\n2." in description
    assert (
        "Программа:\n10:00–10:20 Открытие\n10:20–12:00 Бюджеты айылных аймаков\n— Свободное обсуждение" in description
    )
    assert vevent.decoded("DTSTAMP") == vevent.decoded("LAST-MODIFIED") == datetime(2030, 5, 1, 9, 30, tzinfo=UTC)


def test_calendar_has_names_and_refresh_hints() -> None:
    cal = icalendar.Calendar.from_ical(
        ical.render_events(
            [], name="Мероприятия — eventhub", base_url=BASE, prodid=PRODID, source_url=f"{BASE}/calendar.ics"
        )
    )
    assert str(cal["X-WR-CALNAME"]) == str(cal["NAME"]) == "Мероприятия — eventhub"
    assert str(cal["SOURCE"]) == f"{BASE}/calendar.ics"
    body = ical.render_events([], name="x", base_url=BASE, prodid=PRODID)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body and b"X-PUBLISHED-TTL:PT1H\r\n" in body


@pytest.mark.parametrize("title", ["Ж" * 200, "Ё" + "ж" * 37 + " " * 3 + "🙂" * 30, "a" + "Ш" * 100])
def test_cyrillic_is_folded_at_75_octets_without_splitting_a_character(title: str) -> None:
    event = round_table()
    event.title = title
    body = ical.render_events([event], name=title, base_url=BASE, prodid=PRODID)
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # each physical line is whole UTF-8: no character split across a fold
    unfolded = body.replace(b"\r\n ", b"").decode()
    assert f"\r\nSUMMARY:{title}\r\n" in unfolded
    assert str(icalendar.Calendar.from_ical(body).walk("VEVENT")[0]["SUMMARY"]) == title


def test_rendering_is_a_function_of_the_content() -> None:
    first = ical.render_events([round_table(), all_day_forum()], name="x", base_url=BASE, prodid=PRODID)
    assert first == ical.render_events([round_table(), all_day_forum()], name="x", base_url=BASE, prodid=PRODID)


@pytest.mark.parametrize("parser", ["icalendar", "vobject", "ical"])
def test_agenda_without_session_times_carries_the_event_itself(parser) -> None:
    """No session has a time: the agenda calendar is not empty (RFC 5545 §3.6) but holds the
    event's own entry, the same UID and dates as /events/{slug}.ics, with the agenda in it."""
    event = round_table()
    for s in event.sessions:
        s.start_at = s.end_at = None
    read = PYTHON_PARSERS[parser]
    agenda = read(ical.render_agenda(event, base_url=BASE, prodid=PRODID))
    single = read(ical.render_events([event], name="x", base_url=BASE, prodid=PRODID))
    assert len(agenda) == 1
    assert comparable(agenda) == comparable(single)
    assert agenda[0]["uid"] == "event-42@events.example.kg"
    assert agenda[0]["start"] == "2030-06-10T04:00:00Z"  # a timed event keeps its VTIMEZONE
    assert "Программа:\n— Открытие" in agenda[0]["description"]

    forum = all_day_forum()  # no agenda at all, whole days
    [entry] = read(ical.render_agenda(forum, base_url=BASE, prodid=PRODID))
    assert (entry["uid"], entry["start"], entry["end"]) == ("event-44@events.example.kg", "2030-09-15", "2030-09-17")
