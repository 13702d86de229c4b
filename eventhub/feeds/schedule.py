"""Schedule exports for conference apps: frab ``schedule.xml`` and c3voc ``schedule.json`` (v1).

Pure renderers like ``ical.py``: a loaded event (sessions, speakers, panels) plus
``base_url`` in, bytes out. Giggity, ConfClerk, EventFahrplan and the c3voc tools read these;
the output is valid against the c3voc XSD and JSON schema (copies in ``tests/feeds/schemas``).

Only sessions with a time are scheduled (a schedule slot needs a start). GUIDs are UUIDv5 of
the same stable identities the calendar UIDs use, so they survive edits of titles and slugs.
The acronym is the slug with ``_`` for ``-``: the JSON schema allows no hyphen there.
"""

import json
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from eventhub import __version__, labels
from eventhub.core.i18n import _
from eventhub.core.models import AgendaSession, Event, SessionSpeaker
from eventhub.core.text import slugify, xml_text
from eventhub.feeds.ical import (
    event_url,
    host_of,
    local_dates,
    session_description,
    session_revision,
    session_uid,
    speaker_line,
)

JSON_SCHEMA_ID = "https://c3voc.de/schedule/schema.json"
TIMESLOT = "00:15"


@dataclass(frozen=True)
class _Slot:
    session: AgendaSession
    start: datetime  # local
    end: datetime | None  # local
    room: str


def acronym(event: Event) -> str:
    """'forum-aymakov-2023' -> 'forum_aymakov_2023' (valid for both schemas)."""
    text = "".join(c if c.isascii() and c.isalnum() else "_" for c in event.slug.lower())
    return text.ljust(4, "_")


def _guid(identity: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, identity))


def _duration(slot: _Slot) -> str:
    minutes = int((slot.end - slot.start).total_seconds() // 60) if slot.end and slot.end > slot.start else 0
    return f"{min(minutes // 60, 99):02d}:{minutes % 60:02d}"


def _default_room(event: Event) -> str:
    return (event.venue_name or "").strip() or _("Общая программа")


def _slots(event: Event) -> list[_Slot]:
    zone = ZoneInfo(event.timezone)
    slots = [
        _Slot(
            s,
            s.start_at.astimezone(zone),
            s.end_at.astimezone(zone) if s.end_at else None,
            (s.room or "").strip() or _default_room(event),
        )
        for s in event.sessions
        if s.start_at is not None
    ]
    return sorted(slots, key=lambda sl: (sl.start, sl.session.position, sl.session.id))


def _days(event: Event, slots: list[_Slot]) -> list[tuple[date, list[_Slot]]]:
    first, after_last = local_dates(event)
    if slots:
        first = min(first, slots[0].start.date())
        after_last = max(after_last, max(sl.start.date() for sl in slots) + timedelta(days=1))
    days = []
    day = first
    while day < after_last:
        days.append((day, [sl for sl in slots if sl.start.date() == day]))
        day += timedelta(days=1)
    return days


def _event_hours(event: Event, day: date, zone: ZoneInfo) -> list[datetime]:
    """When a timed event runs on one of its days. "8–10 Sep, 09:00–17:00" is read as those hours
    on every day; an event that runs through the night (its end's time before its start's) runs
    from its start to midnight, whole days, then to its end."""
    if event.all_day:
        return []
    start, end = event.start_at.astimezone(zone), event.end_at.astimezone(zone)
    if not start.date() <= day <= end.date():
        return []
    if start.date() == end.date():
        return [start, end]
    if start.time() < end.time():
        return [datetime.combine(day, start.time(), zone), datetime.combine(day, end.time(), zone)]
    midnight, next_midnight = (
        datetime.combine(day, time(), zone),
        datetime.combine(day + timedelta(days=1), time(), zone),
    )
    return [max(start, midnight), min(end, next_midnight)]


def _day_bounds(event: Event, day: date, slots: list[_Slot], zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The day's first start and last end: its sessions and, for a timed event, its hours that day
    (a multi-day event without sessions gets each day's real hours, not an empty day)."""
    times = [sl.start for sl in slots] + [sl.end or sl.start for sl in slots]
    times += _event_hours(event, day, zone)
    if times:
        return min(times), max(times)
    start = datetime.combine(day, time(), zone)
    return start, datetime.combine(day + timedelta(days=1), time(), zone)


def _rooms(slots: list[_Slot]) -> list[str]:
    seen: dict[str, None] = {}
    for sl in slots:
        seen.setdefault(sl.room, None)
    return list(seen)


def _slug(event: Event, session: AgendaSession) -> str:
    return f"{acronym(event)}-{session.id}-{slugify(session.title, max_length=60)}"


def _persons(session: AgendaSession) -> list[SessionSpeaker]:
    return [sp for sp in session.speakers if sp.person is not None]


def _person_guid(sp: SessionSpeaker, host: str) -> str:
    return _guid(f"person-{sp.person.id}@{host}")


def _track(session: AgendaSession) -> str:
    return session.track or labels.SESSION_KIND.get(session.kind, "") or ""


def _version(event: Event) -> str:
    """Changes with the content: the latest revision time of the event and its sessions."""
    times = [event.updated_at] + [session_revision(s, event) for s in event.sessions]
    return max(times).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _language(event: Event) -> str:
    return event.languages[0] if event.languages else event.original_language or "ru"


# --- JSON (schedule.json v1) ---


def render_schedule_json(event: Event, *, base_url: str) -> bytes:
    """The c3voc schedule.json (v1, as frab and pretalx emit it)."""
    host = host_of(base_url)
    zone = ZoneInfo(event.timezone)
    slots = _slots(event)
    days = _days(event, slots)
    url = event_url(event, base_url)
    rooms = _rooms(slots)
    conference: dict[str, Any] = {
        "acronym": acronym(event),
        "title": event.title,
        "start": days[0][0].isoformat(),
        "end": days[-1][0].isoformat(),
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT,
        "time_zone_name": event.timezone,
        "url": url,
        "rooms": [{"name": r, "guid": _guid(f"{url}#room-{r}")} for r in rooms],
        "days": [],
    }
    if event.summary:
        conference["description"] = event.summary
    for index, (day, day_slots) in enumerate(days, 1):
        start, end = _day_bounds(event, day, day_slots, zone)
        by_room: dict[str, list[dict[str, Any]]] = {r: [] for r in _rooms(day_slots)}
        for sl in day_slots:
            s = sl.session
            item = {
                "guid": _guid(session_uid(s, host)),
                "id": s.id,
                "date": sl.start.isoformat(),
                "start": sl.start.strftime("%H:%M"),
                "duration": _duration(sl),
                "room": sl.room,
                "slug": _slug(event, s),
                "url": url,
                "title": s.title,
                "subtitle": labels.SESSION_KIND.get(s.kind) or None,
                "track": _track(s) or None,
                "type": str(s.kind),
                "language": _language(event),
                "abstract": (s.description or "").strip() or None,
                "description": session_description(s, event, base_url, with_event_title=False),
                "persons": [
                    {
                        "name": sp.person.name,
                        "guid": _person_guid(sp, host),
                        "biography": speaker_line(sp),
                    }
                    for sp in _persons(s)
                ],
                "links": [{"url": url, "title": event.title}],
            }
            if sl.end is not None:
                item["end"] = sl.end.isoformat()
            by_room[sl.room].append(item)
        conference["days"].append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": start.isoformat(),
                "day_end": end.isoformat(),
                "rooms": by_room,
            }
        )
    document = {
        "$schema": JSON_SCHEMA_ID,
        "generator": {"name": "eventhub", "version": __version__},
        "schedule": {"version": _version(event), "base_url": f"{base_url}/", "conference": conference},
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode() + b"\n"


# --- XML (frab schedule.xml) ---


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    # Stored texts may hold characters XML 1.0 forbids (C0 controls): dropped, or the file is not XML.
    el = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = xml_text(text)
    return el


def render_schedule_xml(event: Event, *, base_url: str) -> bytes:
    """The frab/pentabarf schedule.xml."""
    host = host_of(base_url)
    zone = ZoneInfo(event.timezone)
    slots = _slots(event)
    days = _days(event, slots)
    url = event_url(event, base_url)
    root = ET.Element("schedule")
    _sub(root, "generator", name="eventhub", version=__version__)
    _sub(root, "url", f"{url}/schedule.xml")
    _sub(root, "version", _version(event))
    conf = _sub(root, "conference")
    _sub(conf, "title", event.title)
    _sub(conf, "acronym", acronym(event))
    _sub(conf, "start", days[0][0].isoformat())
    _sub(conf, "end", days[-1][0].isoformat())
    _sub(conf, "days", str(len(days)))
    _sub(conf, "timeslot_duration", TIMESLOT)
    _sub(conf, "base_url", f"{base_url}/")
    _sub(conf, "url", url)
    _sub(conf, "time_zone_name", event.timezone)
    for track in sorted({_track(sl.session) for sl in slots} - {""}):
        _sub(conf, "track", track, name=track)
    for index, (day, day_slots) in enumerate(days, 1):
        start, end = _day_bounds(event, day, day_slots, zone)
        day_el = _sub(root, "day", date=day.isoformat(), start=start.isoformat(), end=end.isoformat(), index=str(index))
        for room in _rooms(day_slots):
            room_el = _sub(day_el, "room", name=room, guid=_guid(f"{url}#room-{room}"))
            for sl in (sl for sl in day_slots if sl.room == room):
                s = sl.session
                ev = _sub(room_el, "event", id=str(s.id), guid=_guid(session_uid(s, host)))
                _sub(ev, "date", sl.start.isoformat())
                _sub(ev, "start", sl.start.strftime("%H:%M"))
                _sub(ev, "duration", _duration(sl))
                _sub(ev, "room", room)
                _sub(ev, "slug", _slug(event, s))
                _sub(ev, "url", url)
                _sub(ev, "title", s.title)
                _sub(ev, "subtitle", labels.SESSION_KIND.get(s.kind, ""))
                _sub(ev, "track", _track(s))
                _sub(ev, "type", str(s.kind))
                _sub(ev, "language", _language(event))
                _sub(ev, "abstract", (s.description or "").strip())
                _sub(ev, "description", session_description(s, event, base_url, with_event_title=False))
                persons = _sub(ev, "persons")
                for sp in _persons(s):
                    _sub(persons, "person", sp.person.name, id=str(sp.person.id), guid=_person_guid(sp, host))
                links = _sub(ev, "links")
                _sub(links, "link", event.title, href=url)
    ET.indent(root)
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)  # bytes for any encoding but "unicode"
    return xml + b"\n"
