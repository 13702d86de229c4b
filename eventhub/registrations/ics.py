"""The invitation an attendee receives: one VEVENT with METHOD REQUEST, CANCEL or PUBLISH.

Pure: loaded objects and plain values in, bytes out; no database, settings or clock."""

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

from eventhub.core import i18n
from eventhub.core.models import Event
from eventhub.core.text import one_line, without_controls

METHODS = ("REQUEST", "CANCEL", "PUBLISH")


def event_uid(event: Event, host: str) -> str:
    """Stable per event, so a later CANCEL or update replaces the same calendar entry."""
    return f"event-{event.id}@{host}"


def _location(event: Event) -> str | None:
    parts = [event.venue_name, event.venue_address, event.city]
    text = ", ".join(p for p in parts if p)
    return text or (event.online_url or None)


def invitation_ics(
    event: Event,
    *,
    method: str,
    host: str,
    prodid: str,
    now: datetime,
    event_url: str,
    organizer_email: str,
    organizer_name: str,
    attendee_email: str | None = None,
    attendee_name: str | None = None,
    note: str | None = None,
) -> bytes:
    """An iCalendar object with the event for one attendee (RFC 5545 / 5546)."""
    if method not in METHODS:
        raise ValueError(f"unknown METHOD {method!r}")
    cal = icalendar.Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)

    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event, host))
    vevent.add("dtstamp", now)
    # A cancellation must carry a higher SEQUENCE than the request it withdraws.
    vevent.add("sequence", event.sequence + (1 if method == "CANCEL" else 0))
    zone = ZoneInfo(event.timezone)
    if event.all_day:
        start = event.start_at.astimezone(zone).date()
        end = event.end_at.astimezone(zone).date()
        vevent.add("dtstart", start)
        vevent.add("dtend", end if end > start else start + timedelta(days=1))
    else:
        vevent.add("dtstart", event.start_at.astimezone(zone))
        vevent.add("dtend", event.end_at.astimezone(zone))
    vevent.add("summary", i18n.content(event, "title"))
    description = "\n\n".join(p for p in (i18n.content(event, "summary"), note, event_url) if p)
    vevent.add("description", description)
    location = _location(event)
    if location:
        vevent.add("location", location)
    vevent.add("url", event_url)
    cancelled = method == "CANCEL" or event.status == "cancelled"
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE")

    organizer = icalendar.vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = icalendar.vText(one_line(organizer_name))
    vevent.add("organizer", organizer)
    if attendee_email:
        attendee = icalendar.vCalAddress(f"mailto:{attendee_email}")
        if attendee_name:
            attendee.params["cn"] = icalendar.vText(one_line(attendee_name))
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText("DECLINED" if method == "CANCEL" else "ACCEPTED")
        attendee.params["rsvp"] = icalendar.vText("FALSE")
        vevent.add("attendee", attendee)
    if not event.all_day:
        cal.add_component(_vtimezone(event.timezone, event.start_at.year))
    cal.add_component(vevent)
    return without_controls(cal.to_ical())


@lru_cache(maxsize=64)
def _vtimezone(tzid: str, year: int) -> icalendar.Timezone:
    # Only the rules around the event: a short VTIMEZONE (also past 2038). Computing one
    # takes ~20 ms and registrations compose mail under the event's lock, so it is kept
    # (and only ever read: a component can be serialised into many calendars).
    return icalendar.Timezone.from_tzinfo(
        ZoneInfo(tzid), tzid, first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1)
    )
