"""iCalendar (RFC 5545, RFC 7986) of events and agenda sessions: a pure renderer.

Takes loaded objects plus ``base_url`` and ``prodid`` and returns bytes; no database,
settings or clock inside. The bytes are a function of the content alone, so a feed's
ETag changes exactly when what it shows changes:

* ``DTSTAMP`` and ``LAST-MODIFIED`` are the entry's revision time (``updated_at``, which
  the flush hook also moves when the agenda changes). A feed carries no METHOD, and for
  such objects RFC 5545 §3.8.7.2 defines DTSTAMP as that time, not the time of the request.
* ``UID`` is ``event-<id>@<host>`` / ``session-<id>@<host>``: stable across edits of the
  slug or title, unique per row.
* Times are local to the event's zone with a ``VTIMEZONE`` for every ``TZID``, built from
  the tz database for the years the calendar spans; all-day events are ``VALUE=DATE``.

icalendar folds lines at 75 octets counting UTF-8 bytes and never inside a character.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import sqlalchemy as sa

from eventhub import labels
from eventhub.core import i18n
from eventhub.core.i18n import _, content, translation_state
from eventhub.core.models import AgendaSession, Event, EventStatus, SessionSpeaker, SpeakerRole
from eventhub.core.text import one_line, printable, without_controls

REFRESH = timedelta(hours=1)
AGENDA_LINES = 15  # sessions listed in an event's DESCRIPTION before "и ещё N"
UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "Etc/Zulu", "Zulu", "UCT", "Universal", "Etc/Universal"})


# --- identities and small helpers shared with the other renderers ---


def host_of(base_url: str) -> str:
    """The host part of UIDs: 'https://events.example.kg/' -> 'events.example.kg'."""
    return urlsplit(base_url).hostname or "eventhub.local"


def event_uid(event: Event, host: str) -> str:
    return f"event-{event.id}@{host}"


def session_uid(session: AgendaSession, host: str) -> str:
    return f"session-{session.id}@{host}"


def event_url(event: Event, base_url: str) -> str:
    return f"{base_url}/events/{event.slug}"


def local_dates(event: Event) -> tuple[date, date]:
    """An all-day event's first day and the day after its last (DTEND is exclusive)."""
    zone = ZoneInfo(event.timezone)
    start = event.start_at.astimezone(zone)
    end = event.end_at.astimezone(zone)
    last = end.date() if end.time() == datetime.min.time() else end.date() + timedelta(days=1)
    return start.date(), max(last, start.date() + timedelta(days=1))


def location_text(event: Event, room: str | None = None) -> str | None:
    """'Зал 2, Конференц-зал ИПР, ул. Токтогула 1, Бишкек'; the online link when there is no venue."""
    venue = [p.strip() for p in (event.venue_name, event.venue_address, event.city) if p and p.strip()]
    if not venue and event.online_url:
        venue = [event.online_url]
    return ", ".join([room.strip()] + venue if room and room.strip() else venue) or None


def speaker_line(speaker: SessionSpeaker) -> str:
    person = speaker.person
    if person.organisation is not None:
        org = person.organisation.short_name or content(person.organisation, "name")
    else:
        org = person.organisation_name
    return ", ".join(p for p in (person.name, content(person, "position"), org) if p)


def session_revision(session: AgendaSession, event: Event) -> datetime:
    """When anything the session's entry shows last changed (its speakers' names included)."""
    times = [session.updated_at, event.updated_at]
    times += [sp.person.updated_at for sp in session.speakers if sp.person is not None and sp.person.updated_at]
    return max(t for t in times if t is not None)


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


def _local(dt: datetime, tzid: str) -> datetime:
    return dt.astimezone(UTC if tzid in UTC_ZONES else ZoneInfo(tzid))


# --- VTIMEZONE ---


def _observance(instant: datetime, zone: ZoneInfo) -> tuple[timedelta, str, bool]:
    local = instant.astimezone(zone)
    return local.utcoffset() or timedelta(), local.tzname() or "", bool(local.dst())


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """UTC instants in [start, end) where the zone's offset, name or DST flag changes."""
    found = []
    step = timedelta(days=1)
    t = start
    current = _observance(t, zone)
    while t < end:
        nxt = t + step
        if _observance(nxt, zone) != current:
            lo, hi = t, nxt  # binary search to the second
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if _observance(mid, zone) == current:
                    lo = mid
                else:
                    hi = mid
            hi = hi.replace(microsecond=0)
            found.append(hi)
            current = _observance(hi, zone)
        t = nxt
    return found


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _yearly_rule(onsets: list[datetime]) -> dict[str, object] | None:
    """The RRULE (FREQ=YEARLY;BYMONTH;BYDAY) that gives exactly these local onsets, one a year
    in consecutive years at the same wall time, or None when they follow no such rule."""
    if len(onsets) < 2:
        return None
    first = onsets[0]
    if any(
        (d.year, d.month, d.weekday(), d.time()) != (first.year + i, first.month, first.weekday(), first.time())
        for i, d in enumerate(onsets)
    ):
        return None
    day = _WEEKDAYS[first.weekday()]
    if all((d + timedelta(days=7)).month != d.month for d in onsets):
        return {"freq": "YEARLY", "bymonth": first.month, "byday": f"-1{day}"}
    nth = {(d.day - 1) // 7 + 1 for d in onsets}
    if len(nth) == 1:
        return {"freq": "YEARLY", "bymonth": first.month, "byday": f"{nth.pop()}{day}"}
    return None


def _onsets(
    zone: ZoneInfo, start: datetime, end: datetime
) -> dict[tuple[timedelta, timedelta, str, bool], list[datetime]]:
    """(offset_from, offset_to, name, is_dst) -> the local onsets (in the offset before) in [start, end)."""
    offset, name, dst = _observance(start, zone)
    onsets: dict[tuple[timedelta, timedelta, str, bool], list[datetime]] = {
        (offset, offset, name, dst): [(start + offset).replace(tzinfo=None)]
    }
    for instant in _transitions(zone, start, end):
        new_offset, new_name, new_dst = _observance(instant, zone)
        onsets.setdefault((offset, new_offset, new_name, new_dst), []).append((instant + offset).replace(tzinfo=None))
        offset = new_offset
    return onsets


@lru_cache(maxsize=64)
def vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """A VTIMEZONE for ``tzid`` valid from 1 January ``first_year`` to the end of ``last_year``.

    Each onset is written as local time in the offset that was in force before it
    (TZOFFSETFROM), as RFC 5545 §3.6.5 requires; icalendar's ``Timezone.from_tzinfo``
    writes spring onsets in the new offset, an hour late for clients that trust it.

    An observance whose onsets follow a yearly rule that still holds after ``last_year`` is
    one RRULE (Berlin, New York); any other onsets are one RDATE property each. ical.js
    (Thunderbird) reads only the first date of an RDATE that lists several, which put every
    later transition an hour off; one date per line is read the same by every parser.
    """
    zone = ZoneInfo(tzid)
    start = datetime(first_year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    onsets = _onsets(zone, start, end)
    # The same observances two years on: a rule is written only if tzdata keeps it.
    later = _onsets(zone, end, datetime(last_year + 3, 1, 1, tzinfo=zone).astimezone(UTC))
    later = {k: v for k, v in later.items() if k[0] != k[1]}  # transitions only
    tz = icalendar.Timezone()
    tz.add("tzid", tzid)
    for key, times in onsets.items():
        offset_from, offset_to, tzname, is_dst = key
        part = icalendar.TimezoneDaylight() if is_dst else icalendar.TimezoneStandard()
        part.add("dtstart", times[0])
        after = later.get(key, [])
        rule = _yearly_rule(times + after) if len(after) == 2 else None
        if rule is not None:
            part.add("rrule", rule)
        elif len(times) > 1:
            # DTSTART again as the first RDATE: ical.js takes the onsets of an observance with
            # RDATEs from its RDATEs alone and would skip the first (RFC 5545 counts it either way).
            for when in times:
                part.add("rdate", when)
        part.add("tzoffsetfrom", offset_from)
        part.add("tzoffsetto", offset_to)
        if tzname:
            part.add("tzname", tzname)
        tz.add_component(part)
    data: bytes = tz.to_ical()
    return data


# --- components ---


DEFAULT_ZONE = "Asia/Bishkek"  # of a calendar whose events name none (an empty one)


def calendar_zone(events: Iterable[Event]) -> str:
    """The zone most of the calendar's events are in (X-WR-TIMEZONE: where Google and Apple
    show floating and all-day entries); Bishkek for a calendar without events."""
    counts: dict[str, int] = {}
    for e in events:
        counts[e.timezone] = counts.get(e.timezone, 0) + 1
    return max(sorted(counts), key=lambda z: counts[z]) if counts else DEFAULT_ZONE


def _calendar(
    name: str, prodid: str, *, description: str | None, source_url: str | None, zone: str | None = None
) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # icalendar escapes only the properties it knows as TEXT; the name may hold a reader's query.
    name = icalendar.vText(one_line(name))
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    if description:
        cal.add("description", description)
        cal.add("x-wr-caldesc", icalendar.vText(printable(description)))
    if source_url:
        cal.add("source", source_url, parameters={"VALUE": "URI"})
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    if zone:
        cal.add("x-wr-timezone", icalendar.vText(zone))
    return cal


def _status(event: Event) -> str:
    # Postponed events keep CONFIRMED with their new dates; SEQUENCE tells clients to update.
    return "CANCELLED" if event.status == EventStatus.cancelled else "CONFIRMED"


def _summary(title: str, event: Event) -> str:
    # Not every client shows STATUS; the title says it too.
    return _("Отменено: %(title)s") % {"title": title} if event.status == EventStatus.cancelled else title


def _session_time(session: AgendaSession, tzid: str) -> str:
    if session.start_at is None:
        return ""
    start = _local(session.start_at, tzid).strftime("%H:%M")
    return f"{start}–{_local(session.end_at, tzid).strftime('%H:%M')}" if session.end_at else start


def event_description(event: Event, base_url: str) -> str:
    """Date note, status, summary, goals, a short agenda and the address of the page, as plain text.

    The date note comes first: it says what the dates above it do not (a year assumed by the
    editors, a time the source does not give), and clients show only the start of a description."""
    blocks = []
    if content(event, "date_note"):
        blocks.append(content(event, "date_note").strip())
    if event.status == EventStatus.cancelled:
        blocks.append(
            _("Мероприятие отменено.") + (f" {content(event, 'status_note')}" if content(event, "status_note") else "")
        )
    elif event.status == EventStatus.postponed:
        blocks.append(
            _("Мероприятие перенесено.")
            + (f" {content(event, 'status_note')}" if content(event, "status_note") else "")
        )
    elif content(event, "status_note"):
        blocks.append(content(event, "status_note"))
    if content(event, "summary"):
        blocks.append(content(event, "summary").strip())
    if content(event, "goals"):
        blocks.append(_("Цели:\n") + "\n".join(f"{i}. {g.strip()}" for i, g in enumerate(content(event, "goals"), 1)))
    if event.sessions:
        lines = []
        multi_day = local_dates(event)[1] - local_dates(event)[0] > timedelta(days=1)
        for s in event.sessions[:AGENDA_LINES]:
            when = _session_time(s, event.timezone)
            if when and multi_day and s.start_at is not None:  # a time is shown only when it has one
                when = f"{_local(s.start_at, event.timezone).strftime('%d.%m')} {when}"
            lines.append(f"{when} {content(s, 'title')}" if when else f"— {content(s, 'title')}")
        if len(event.sessions) > AGENDA_LINES:
            lines.append(_("…и ещё %(value)s") % {"value": len(event.sessions) - AGENDA_LINES})
        blocks.append(_("Программа:\n") + "\n".join(lines))
    if event.online_url:
        blocks.append(_("Онлайн: %(online_url)s") % {"online_url": event.online_url})
    if note := labels.translation_note(translation_state(event, ("title", "summary", "goals"))):
        blocks.append(note)  # the page's note on its language: nothing when all of it is translated
    blocks.append(_("Подробнее: %(event_url)s") % {"event_url": event_url(event, base_url)})
    return "\n\n".join(blocks)


def _add_times(vevent: icalendar.Event, start: datetime, end: datetime | None, tzid: str) -> None:
    vevent.add("dtstart", _local(start, tzid))
    if end is not None:
        vevent.add("dtend", _local(end, tzid))


def _add_place(vevent: icalendar.Event, event: Event, room: str | None = None) -> None:
    location = location_text(event, room)
    if location:
        vevent.add("location", location)
    if event.latitude is not None and event.longitude is not None:
        vevent.add("geo", (event.latitude, event.longitude))


def _add_online(vevent: icalendar.Event, event: Event) -> None:
    """The online link as RFC 7986 CONFERENCE (clients show a "join" button); the DESCRIPTION
    says it too for clients that show only that."""
    if event.online_url:
        vevent.add(
            "conference",
            icalendar.vUri(event.online_url),
            parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": _("Онлайн-подключение")},
        )


def add_organizer(vevent: icalendar.Event, event: Event) -> None:
    """ORGANIZER: the event's contact for participants (the Reply-To of their e-mails)."""
    if not event.contact_email:
        return
    organizer = icalendar.vCalAddress(f"mailto:{event.contact_email}")
    if event.contact_name:
        organizer.params["cn"] = icalendar.vText(one_line(event.contact_name))
    vevent.add("organizer", organizer)


def event_component(event: Event, *, base_url: str, host: str, organizer: bool = False) -> icalendar.Event:
    """The VEVENT of one event (``organizer``: with the event's contact, for participants' feeds)."""
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event, host))
    vevent.add("dtstamp", _utc(event.updated_at))
    vevent.add("last-modified", _utc(event.updated_at))
    vevent.add("created", _utc(event.created_at))
    vevent.add("sequence", event.sequence or 0)
    vevent.add("status", _status(event))
    vevent.add("summary", _summary(content(event, "title"), event))
    if event.all_day:
        first, after_last = local_dates(event)
        vevent.add("dtstart", first)
        vevent.add("dtend", after_last)
        vevent.add("transp", "TRANSPARENT")
    else:
        _add_times(vevent, event.start_at, event.end_at, event.timezone)
    _add_place(vevent, event)
    vevent.add("description", event_description(event, base_url))
    vevent.add("categories", [labels.EVENT_KIND.get(event.kind, labels.EVENT_KIND["other"])])
    vevent.add("url", event_url(event, base_url), parameters={"VALUE": "URI"})
    vevent.add("class", "PUBLIC")
    _add_online(vevent, event)
    if organizer:
        add_organizer(vevent, event)
    return vevent


def session_description(session: AgendaSession, event: Event, base_url: str, *, with_event_title: bool = True) -> str:
    """Description, moderators, panellists and speakers, questions and the expected result, as plain text."""
    blocks = [content(event, "title")] if with_event_title else []
    if content(session, "description"):
        blocks.append(content(session, "description").strip())
    moderators = [speaker_line(sp) for sp in session.speakers if sp.role == SpeakerRole.moderator]
    others = [sp for sp in session.speakers if sp.role != SpeakerRole.moderator]
    if moderators:
        blocks.append((_("Модераторы: ") if len(moderators) > 1 else _("Модератор: ")) + "; ".join(moderators))
    panellists = [speaker_line(sp) for sp in others if sp.role == SpeakerRole.panellist]
    speakers = [speaker_line(sp) for sp in others if sp.role != SpeakerRole.panellist]
    if panellists:
        blocks.append(_("Панелисты:\n") + "\n".join(f"— {p}" for p in panellists))
    if speakers:
        blocks.append(_("Выступают:\n") + "\n".join(f"— {p}" for p in speakers))
    if session.panel is not None:
        if content(session.panel, "guiding_questions"):
            blocks.append(
                _("Вопросы для обсуждения:\n")
                + "\n".join(f"— {q}" for q in content(session.panel, "guiding_questions"))
            )
        if content(session.panel, "expected_result"):
            blocks.append(
                _("Ожидаемый результат: %(strip)s") % {"strip": content(session.panel, "expected_result").strip()}
            )
    if event.status == EventStatus.cancelled:
        blocks.insert(0, _("Мероприятие отменено."))
    if event.online_url:
        blocks.append(_("Онлайн: %(online_url)s") % {"online_url": event.online_url})
    blocks.append(_("Подробнее: %(event_url)s") % {"event_url": event_url(event, base_url)})
    return "\n\n".join(blocks)


def session_title(session: AgendaSession) -> str:
    kind = labels.SESSION_KIND.get(session.kind, "")
    title: str = content(session, "title")
    if kind and not title.lower().startswith(kind.lower()):
        return f"{kind}: {title}"
    return title


def session_component(
    session: AgendaSession, event: Event, *, base_url: str, host: str, organizer: bool = False
) -> icalendar.Event:
    """The VEVENT of one timed agenda session (the caller skips sessions without a time)."""
    assert session.start_at is not None, "an untimed session has no entry of its own"
    revised = session_revision(session, event)
    vevent = icalendar.Event()
    vevent.add("uid", session_uid(session, host))
    vevent.add("dtstamp", _utc(revised))
    vevent.add("last-modified", _utc(revised))
    # The event's changes (place, status) and the session's own moves: either makes clients re-read.
    vevent.add("sequence", (event.sequence or 0) + (session.sequence or 0))
    vevent.add("status", _status(event))
    vevent.add("summary", _summary(session_title(session), event))
    _add_times(vevent, session.start_at, session.end_at, event.timezone)
    _add_place(vevent, event, session.room)
    vevent.add("description", session_description(session, event, base_url))
    kind = labels.SESSION_KIND.get(session.kind) or labels.EVENT_KIND.get(event.kind)
    if kind:
        vevent.add("categories", [kind])
    vevent.add("related-to", event_uid(event, host), parameters={"RELTYPE": "PARENT"})
    vevent.add("url", event_url(event, base_url), parameters={"VALUE": "URI"})
    vevent.add("class", "PUBLIC")
    _add_online(vevent, event)
    if organizer:
        add_organizer(vevent, event)
    return vevent


def _zones_and_years(pairs: Iterable[tuple[str, datetime]]) -> dict[str, tuple[int, int]]:
    spans: dict[str, tuple[int, int]] = {}
    for tzid, dt in pairs:
        if tzid in UTC_ZONES:
            continue
        year = _local(dt, tzid).year
        first, last = spans.get(tzid, (year, year))
        spans[tzid] = (min(first, year), max(last, year))
    return spans


def _serialise(
    cal: icalendar.Calendar,
    zones: dict[str, tuple[int, int]],
    components: Sequence[icalendar.Event | bytes],
    *,
    empty_year: int | None = None,
) -> bytes:
    """The calendar's bytes. VTIMEZONEs come first so that strict parsers know every TZID
    before it is used. A calendar needs one component at least (RFC 5545 §3.6): one without
    events carries the VTIMEZONE of its X-WR-TIMEZONE for ``empty_year``, so a filter that
    matches nothing is a valid, empty calendar rather than one clients reject."""
    if not components and not zones:
        zone = str(cal.get("X-WR-TIMEZONE") or DEFAULT_ZONE)
        year = empty_year or 2026
        zones = {zone: (year, year)}
    head, tail = cal.to_ical().rsplit(b"END:VCALENDAR", 1)
    parts = [head]
    parts += [vtimezone(tzid, *zones[tzid]) for tzid in sorted(zones)]
    parts += [c if isinstance(c, bytes) else c.to_ical() for c in components]
    parts.append(b"END:VCALENDAR" + tail)
    return without_controls(b"".join(parts))


# Rendered VEVENTs of events, reused by every feed that shows them (the whole-site feed is
# rendered again after any write; most of its entries did not change). The key holds all an
# event's entry depends on: its revision time (``updated_at`` moves with its agenda, regions and
# organisations, see core/changes.py), SEQUENCE, status, the language and the address.
_EVENT_BYTES: "OrderedDict[tuple[object, ...], bytes]" = OrderedDict()
_EVENT_BYTES_MAX = 50_000
_EVENT_BYTES_LOCK = threading.Lock()


def _event_bytes(event: Event, *, base_url: str, host: str, organizer: bool) -> bytes:
    key = (
        event.id,
        event.updated_at,
        event.sequence,
        event.status,
        i18n.current_language(),
        base_url,
        organizer,
        (event.contact_name, event.contact_email) if organizer else None,
    )
    # Rows as stored only (their updated_at moves with every change); not objects built in memory.
    stored = event.id is not None and sa.inspect(event).persistent and not sa.inspect(event).modified
    if stored:
        with _EVENT_BYTES_LOCK:
            found = _EVENT_BYTES.get(key)
            if found is not None:
                _EVENT_BYTES.move_to_end(key)
                return found
    data: bytes = event_component(event, base_url=base_url, host=host, organizer=organizer).to_ical()
    if stored:
        with _EVENT_BYTES_LOCK:
            _EVENT_BYTES[key] = data
            while len(_EVENT_BYTES) > _EVENT_BYTES_MAX:
                _EVENT_BYTES.popitem(last=False)
    return data


def render_events(
    events: Sequence[Event],
    *,
    name: str,
    base_url: str,
    prodid: str,
    description: str | None = None,
    source_url: str | None = None,
    organizer: bool = False,
    empty_year: int | None = None,
) -> bytes:
    """A calendar with one VEVENT per event (cancelled ones included, so clients remove them).

    ``organizer``: entries name the event's contact (participants' own feeds; public feeds do not
    publish a staff member's address). ``empty_year``: the year of the VTIMEZONE that keeps a
    calendar without events valid."""
    host = host_of(base_url)
    cal = _calendar(name, prodid, description=description, source_url=source_url, zone=calendar_zone(events))
    timed = [e for e in events if not e.all_day]
    zones = _zones_and_years(pair for e in timed for pair in ((e.timezone, e.start_at), (e.timezone, e.end_at)))
    components = [_event_bytes(e, base_url=base_url, host=host, organizer=organizer) for e in events]
    return _serialise(cal, zones, components, empty_year=empty_year)


def render_agenda(
    event: Event,
    *,
    base_url: str,
    prodid: str,
    source_url: str | None = None,
) -> bytes:
    """A calendar with one VEVENT per agenda session that has a time; sessions without one are left out.

    When no session has a time (all four seed events: the sources give dates only), the
    calendar carries the event itself instead — the same VEVENT, with the same UID, as
    /events/{slug}.ics, whose DESCRIPTION lists the agenda. A calendar with no component is
    invalid (RFC 5545 §3.6) and shows a subscriber nothing; one all-day entry per untimed
    session would pile several look-alike entries on the same day and pretend to a schedule
    nobody gave. The same UID means a subscriber of both addresses sees one event, and once
    sessions get times the event entry leaves this calendar and the sessions take its place.
    """
    host = host_of(base_url)
    timed = [s for s in event.sessions if s.start_at is not None]
    cal = _calendar(
        _("Программа: %(title)s") % {"title": content(event, "title")},
        prodid,
        description=_("Программа мероприятия «%(title)s»: %(event_url)s")
        % {"title": content(event, "title"), "event_url": event_url(event, base_url)},
        source_url=source_url,
        zone=event.timezone,
    )
    if not timed:
        zones = (
            {}
            if event.all_day
            else _zones_and_years(((event.timezone, event.start_at), (event.timezone, event.end_at)))
        )
        return _serialise(cal, zones, [event_component(event, base_url=base_url, host=host)])
    zones = _zones_and_years(
        pair
        for s in timed
        if s.start_at is not None  # all are; says so to the type checker
        for pair in ((event.timezone, s.start_at), (event.timezone, s.end_at or s.start_at))
    )
    components = [session_component(s, event, base_url=base_url, host=host) for s in timed]
    return _serialise(cal, zones, components)


def render_sessions(
    sessions: Sequence[AgendaSession],
    *,
    name: str,
    base_url: str,
    prodid: str,
    empty_year: int | None = None,
) -> bytes:
    """Timed sessions of any events (each with its ``event`` loaded), one entry each: a reader's
    starred sessions. The entries are those of each event's agenda.ics (same UIDs)."""
    host = host_of(base_url)
    timed = [s for s in sessions if s.start_at is not None]
    cal = _calendar(
        name,
        prodid,
        description=None,
        source_url=None,
        zone=calendar_zone([s.event for s in timed]) if timed else DEFAULT_ZONE,
    )
    zones = _zones_and_years(
        pair
        for s in timed
        if s.start_at is not None  # all are; says so to the type checker
        for pair in ((s.event.timezone, s.start_at), (s.event.timezone, s.end_at or s.start_at))
    )
    components = [session_component(s, s.event, base_url=base_url, host=host) for s in timed]
    return _serialise(cal, zones, components, empty_year=empty_year)


INVITATION_METHODS = ("REQUEST", "CANCEL", "PUBLISH")


def render_invitation(
    event: Event,
    *,
    method: str,
    base_url: str,
    prodid: str,
    now: datetime,
    organizer_email: str,
    organizer_name: str,
    attendee_email: str | None = None,
    attendee_name: str | None = None,
    note: str | None = None,
    sequence: int | None = None,
) -> bytes:
    """The event for one attendee (RFC 5546): METHOD REQUEST with a confirmation, CANCEL when it
    is withdrawn, PUBLISH as a download from the private page.

    `sequence`: what this attendee's copy must carry (never below what they were sent before);
    by default the event's, one more for a CANCEL. A PUBLISH (a file to import) names no
    attendee. A CANCEL of a still-held event withdraws one attendee and so has no STATUS;
    STATUS:CANCELLED is for the event itself being cancelled.

    The VEVENT and VTIMEZONE are the feeds' own, so a subscriber of a feed and the invited
    attendee see the same entry (same UID, times and zone rules). What an iTIP message adds:
    ORGANIZER and ATTENDEE, DTSTAMP = ``now`` (with a METHOD it is when the object was made,
    RFC 5545 §3.8.7.2) and, for CANCEL, a SEQUENCE above the request it withdraws."""
    if method not in INVITATION_METHODS:
        raise ValueError(f"unknown METHOD {method!r}")
    host = host_of(base_url)
    vevent = event_component(event, base_url=base_url, host=host)
    vevent.pop("DTSTAMP")
    vevent.add("dtstamp", _utc(now))
    if sequence is None:
        sequence = (event.sequence or 0) + (1 if method == "CANCEL" else 0)
    vevent.pop("SEQUENCE")
    vevent.add("sequence", sequence)
    vevent.pop("ORGANIZER", None)  # the iTIP organizer below (the site's sender)
    withdrawn = method == "CANCEL" and event.status != "cancelled"  # one attendee, not the event
    if withdrawn:
        vevent.pop("STATUS")  # the entry's own STATUS (CANCELLED once the event is) stays otherwise
    if note:
        description = str(vevent.pop("DESCRIPTION"))
        vevent.add("description", f"{description}\n\n{note}")
    organizer = icalendar.vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = icalendar.vText(one_line(organizer_name))
    vevent.add("organizer", organizer)
    if attendee_email and method != "PUBLISH":
        attendee = icalendar.vCalAddress(f"mailto:{attendee_email}")
        if attendee_name:
            attendee.params["cn"] = icalendar.vText(one_line(attendee_name))
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText("DECLINED" if withdrawn else "ACCEPTED")
        attendee.params["rsvp"] = icalendar.vText("FALSE")
        vevent.add("attendee", attendee)
    cal = icalendar.Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    zones = (
        {} if event.all_day else _zones_and_years(((event.timezone, event.start_at), (event.timezone, event.end_at)))
    )
    return _serialise(cal, zones, [vevent])
