"""The e-mailed invitation is the feeds' entry: same UID, same instants, same VTIMEZONE.

Read by the parsers the feed tests use (icalendar, vobject, ical; ical.js where installed) and
compared with zoneinfo, in a zone with DST: summer, winter, and half an hour after the clocks
go forward, where icalendar's Timezone.from_tzinfo (the invitation's VTIMEZONE until now)
put the spring onset an hour late."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tests.feeds.parsers import PYTHON_PARSERS, find_icaljs
from tests.registrations.conftest import form, open_event

BERLIN = ZoneInfo("Europe/Berlin")
LOCAL_STARTS = {
    "summer": datetime(2030, 7, 1, 10, 0, tzinfo=BERLIN),  # CEST, +02
    "winter": datetime(2030, 12, 2, 10, 0, tzinfo=BERLIN),  # CET, +01
    "spring-forward": datetime(2030, 3, 31, 3, 30, tzinfo=BERLIN),  # 01:30Z, just after 02:00 CET -> 03:00 CEST
}


def _utc(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _invitation(message) -> bytes:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_payload(decode=True)


def _vtimezone(body: bytes) -> bytes:
    return re.search(rb"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", body, re.S).group(0)


@pytest.fixture()
def berlin_invitations(client, db, clock, mailbox) -> dict[str, tuple[bytes, bytes]]:
    """{name: (invitation e-mailed on registering, the event's feed)} for each Berlin event."""
    clock["now"] = datetime(2030, 1, 10, 6, tzinfo=UTC)
    events = {
        name: open_event(
            db,
            title=f"Семинар в Берлине ({name})",
            start_at=start,
            end_at=start + timedelta(hours=2),
            timezone="Europe/Berlin",
        )
        for name, start in LOCAL_STARTS.items()
    }
    db.commit()
    out = {}
    for i, (name, event) in enumerate(events.items()):
        assert client.post(f"/events/{event.slug}/register", data=form()).status_code == 200
        invitation = _invitation(mailbox.wait_for(i + 1)[i])
        out[name] = (invitation, client.get(f"/events/{event.slug}.ics").content)
    return out


@pytest.mark.parametrize("parser", sorted(PYTHON_PARSERS))
def test_invitation_gives_the_feeds_instants_in_every_parser(berlin_invitations, parser) -> None:
    read = PYTHON_PARSERS[parser]
    for name, (invitation, feed) in berlin_invitations.items():
        [invited], [listed] = read(invitation), read(feed)
        start = LOCAL_STARTS[name]
        assert (invited["start"], invited["end"]) == (_utc(start), _utc(start + timedelta(hours=2))), name
        assert (invited["uid"], invited["start"], invited["end"]) == (listed["uid"], listed["start"], listed["end"])


def test_invitation_vtimezone_is_the_feeds_and_agrees_with_zoneinfo_all_year(berlin_invitations) -> None:
    for name, (invitation, feed) in berlin_invitations.items():
        cal = icalendar.Calendar.from_ical(invitation)
        assert cal["method"] == "REQUEST"
        # The zone as the VTIMEZONE describes it, not looked up by its TZID.
        zone = cal.walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
        hours = (datetime(2030, 1, 1, tzinfo=UTC) + timedelta(hours=h) for h in range(365 * 24))
        wrong = [t for t in hours if t.astimezone(zone).utcoffset() != t.astimezone(BERLIN).utcoffset()]
        assert wrong == [], name
        local = cal.walk("VEVENT")[0]["DTSTART"].dt.replace(tzinfo=None)
        assert local.replace(tzinfo=zone).astimezone(UTC) == LOCAL_STARTS[name].astimezone(UTC)
        assert _vtimezone(invitation) == _vtimezone(feed), name


def test_invitation_and_feed_agree_in_ical_js(berlin_invitations, tmp_path) -> None:
    js, reason = find_icaljs()
    if js is None:
        pytest.skip(reason)
    bodies = {
        f"{name}/{kind}": body
        for name, pair in berlin_invitations.items()
        for kind, body in zip(("invitation", "feed"), pair, strict=True)
    }
    parsed = js.parse_many(bodies, tmp_path)
    for name, start in LOCAL_STARTS.items():
        [invited], [listed] = parsed[f"{name}/invitation"], parsed[f"{name}/feed"]
        assert (invited["start"], invited["end"]) == (_utc(start), _utc(start + timedelta(hours=2))), name
        assert (invited["uid"], invited["start"]) == (listed["uid"], listed["start"])
