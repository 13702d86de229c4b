"""One feed, four zones, many years: every parser computes the instants tzdata gives (issue 19).

Thunderbird (ical.js) reads only the first date of an RDATE that lists several, so a feed that
spans years put events in zones with daylight saving an hour off after the first year. The
VTIMEZONE now writes a yearly RRULE where tzdata keeps a rule (Berlin, New York since 2007)
and one RDATE per line otherwise (New York's 2007 change, Almaty's move to +05 in 2024)."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from eventhub.core.models import Event
from eventhub.feeds import ical
from tests.feeds.conftest import PARSERS
from tests.feeds.samples import CREATED, REVISED

ZONES = ("Europe/Berlin", "America/New_York", "Asia/Almaty", "Asia/Bishkek")
YEARS = range(2024, 2032)


def _transition_days(zone: ZoneInfo, year: int) -> list[date]:
    """The local days on which the zone's offset changes in ``year`` (and the days after)."""
    days = []
    day = date(year, 1, 1)
    while day.year == year:
        noon = datetime.combine(day, time(12), zone)
        if (noon + timedelta(days=1)).utcoffset() != noon.utcoffset():
            days += [day + timedelta(days=1), day + timedelta(days=2)]
        day += timedelta(days=1)
    return days


def _local_times(tzid: str) -> list[datetime]:
    """10:00 on the first of every month, and 03:30 and 10:00 on and after every transition."""
    zone = ZoneInfo(tzid)
    times = []
    for year in YEARS:
        times += [datetime(year, month, 1, 10, tzinfo=zone) for month in range(1, 13)]
        for day in _transition_days(zone, year):
            times += [datetime.combine(day, time(3, 30), zone), datetime.combine(day, time(10), zone)]
    return times


def _events(extra_years: dict[str, list[int]]) -> tuple[list[Event], dict[str, tuple[str, str]]]:
    events, expected = [], {}
    n = 0
    for tzid in ZONES:
        times = _local_times(tzid) + [datetime(y, 7, 1, 10, tzinfo=ZoneInfo(tzid)) for y in extra_years.get(tzid, [])]
        for local in times:
            n += 1
            start, end = local.astimezone(UTC), (local + timedelta(hours=2)).astimezone(UTC)
            events.append(
                Event(
                    id=n,
                    slug=f"e{n}",
                    kind="seminar",
                    status="published",
                    title=f"{tzid} {local:%Y-%m-%d %H:%M}",
                    start_at=start,
                    end_at=end,
                    timezone=tzid,
                    created_at=CREATED,
                    updated_at=REVISED,
                )
            )
            expected[f"event-{n}@events.example.kg"] = (f"{start:%Y-%m-%dT%H:%M:%SZ}", f"{end:%Y-%m-%dT%H:%M:%SZ}")
    return events, expected


def _feed(extra_years: dict[str, list[int]] | None = None) -> tuple[bytes, dict[str, tuple[str, str]]]:
    events, expected = _events(extra_years or {})
    body = ical.render_events(
        events, name="Мероприятия", base_url="https://events.example.kg", prodid="-//eventhub test//RU"
    )
    return body, expected


def _vtimezones(body: bytes) -> dict[str, bytes]:
    return {
        m.group(1).decode(): m.group(0)
        for m in re.finditer(rb"BEGIN:VTIMEZONE\r\nTZID:([^\r]+)\r\n.*?END:VTIMEZONE\r\n", body, re.S)
    }


def test_observances_are_rules_or_one_rdate_per_line() -> None:
    body, _ = _feed({"America/New_York": [2006]})  # New York's rules changed in 2007
    zones = _vtimezones(body)
    assert set(zones) == set(ZONES)
    for tzid, text in zones.items():
        for rdate in re.findall(rb"\r\nRDATE[;:][^\r]*", text):
            assert b"," not in rdate, (tzid, rdate)  # ical.js reads only the first of a list
    assert zones["Europe/Berlin"].count(b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3") == 1
    assert zones["Europe/Berlin"].count(b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10") == 1
    assert b"RDATE" not in zones["Europe/Berlin"]
    # 2006-2007 in April and October, March and November after: no one rule, a line per date.
    assert zones["America/New_York"].count(b"\r\nRDATE:") >= 2 * (2031 - 2006) - 2
    assert b"TZOFFSETFROM:+0600\r\nTZOFFSETTO:+0500" in zones["Asia/Almaty"]
    assert b"DAYLIGHT" not in zones["Asia/Bishkek"]


@pytest.mark.parametrize("extra", [{}, {"America/New_York": [2006]}], ids=["rules", "rdate-lines"])
@pytest.mark.parametrize("parser", PARSERS)
def test_every_parser_gives_the_instants_of_tzdata_across_years(parse, parser, extra) -> None:
    body, expected = _feed(extra)
    [parsed] = parse(parser, {"feed": body}).values()
    got = {e["uid"]: (e["start"], e["end"]) for e in parsed}
    wrong = {uid: (got.get(uid), want) for uid, want in expected.items() if got.get(uid) != want}
    assert not wrong, f"{len(wrong)} of {len(expected)} instants differ, e.g. {list(wrong.items())[:3]}"
