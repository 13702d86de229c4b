"""Feeds: what each address shows, how it is rendered once per change, personal tokens.

A feed is described by a ``FeedSpec``: its identity (``key``), headers, and a ``render(db)``
that loads what it shows and calls a pure renderer. ``render_feed`` renders a spec and
records its state; the HTTP layer (``api.py`` with ``cache.py``) keeps the result per
process, keyed by the spec's key and the content version (``content_version`` row, bumped by
every write, see ``changes.py``), so a feed is rendered once per change, in every worker.

``FeedState`` rows give each feed a Last-Modified shared by all workers that moves only
when the rendered bytes change (and then by at least a second, so If-Modified-Since,
which has a one-second resolution, never mistakes two versions for one).
"""

import gzip
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from eventhub import __version__, labels
from eventhub.core import i18n
from eventhub.core.changes import Stamp, read_stamp
from eventhub.core.errors import DomainError, NotFound
from eventhub.core.http import etag_of
from eventhub.core.i18n import _
from eventhub.core.models import (
    PUBLIC_EVENT_STATUSES,
    Event,
    FeedState,
    PersonalCalendar,
    PersonalCalendarLegacy,
    Registration,
    RegistrationStatus,
    rel,
    table_of,
)
from eventhub.core.text import content_disposition
from eventhub.core.tokens import hash_token
from eventhub.core.uow import end_read, independent_write
from eventhub.events.service import (
    EventFilters,
    check_filter_slugs,
    get_public_event,
    select_public_events,
)
from eventhub.feeds import ical, schedule

ICS = "text/calendar; charset=utf-8"
XML = "application/xml; charset=utf-8"
JSON = "application/json"
PUBLIC_CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, max-age=300"
# Feeds filtered by when=upcoming/past change as time passes: their cache lasts an hour.
TIME_BUCKET = timedelta(hours=1)
# Registrations whose events appear in the participant's personal feed.
PERSONAL_STATUSES = (RegistrationStatus.confirmed, RegistrationStatus.attended)
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


def prodid(site_name: str) -> str:
    return f"-//{site_name}//eventhub {__version__}//RU"


# --- the content version ---


# Stamp and read_stamp live in changes.py (beside the bump) so the events domain can read them too.


# --- specs and rendered feeds ---


@dataclass(frozen=True)
class FeedSpec:
    key: str  # identity of the content, e.g. "calendar?kind=forum" or "event/12.ics"
    content_type: str
    filename: str
    render: Callable[[Session], bytes] = field(compare=False)
    cache_control: str = PUBLIC_CACHE
    disposition: str = "inline"
    as_of: datetime | None = None  # besides the content version (time buckets, registrations)
    expires_at: datetime | None = None  # the render is valid until then, whatever the version
    lang: str = i18n.DEFAULT_LANGUAGE  # labels and texts (content versions) in this language

    def __post_init__(self) -> None:
        # Each language is its own feed: its own bytes, validators and cache entry.
        if self.lang != i18n.DEFAULT_LANGUAGE:
            object.__setattr__(self, "key", f"{self.key}#lang={self.lang}")


def feed_language(value: str | None) -> str:
    """The language a feed is written in: ?lang= when it names one of ours, else Russian.

    Only the address decides (not a cookie or Accept-Language), so one address is one feed
    for every calendar app that polls it, and the render cache may answer by address."""
    return i18n.valid_language(value) or i18n.DEFAULT_LANGUAGE


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    gzipped: bytes | None  # None when gzip does not make it smaller
    etag: str  # quoted strong validator of the identity encoding
    last_modified: datetime | None
    content_type: str
    headers: dict[str, str]
    expires_at: datetime | None = None

    @property
    def etag_gzip(self) -> str:
        return self.etag[:-1] + '-gz"'

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


def _whole_second_ceiling(dt: datetime) -> datetime:
    return dt.replace(microsecond=0) + timedelta(seconds=1) if dt.microsecond else dt


def _feed_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def record_feed_state(db: Session, key: str, etag: str, as_of: datetime) -> datetime:
    """The feed's Last-Modified: kept while its ETag stays, moved on (by ≥ 1 s) when it changes.

    Shared by every worker through the feed_state table; a render from an older content
    version never overwrites a newer one. Flushes; the caller's unit commits."""
    key_hash = _feed_key(key)
    row = db.get(FeedState, key_hash)
    if row is not None and row.etag == etag:
        return row.modified_at
    if row is not None and row.as_of > as_of:
        return _whole_second_ceiling(as_of)  # a newer render exists; ours is already stale
    # Whole seconds, as HTTP dates have them; strictly after the Last-Modified of the
    # previous content, so If-Modified-Since never takes one version for another.
    modified = as_of.replace(microsecond=0)
    if row is not None and modified <= row.modified_at:
        modified = row.modified_at + timedelta(seconds=1)
    table = table_of(FeedState)
    dialect = db.get_bind().dialect.name
    values = {"key": key_hash, "etag": etag, "as_of": as_of, "modified_at": modified}
    stmt: postgresql.Insert | sqlite.Insert
    if dialect == "postgresql":
        stmt = postgresql.insert(table).values(values)  # dialect-specific upsert
    else:
        stmt = sqlite.insert(table).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"etag": stmt.excluded.etag, "as_of": stmt.excluded.as_of, "modified_at": stmt.excluded.modified_at},
        where=table.c.as_of <= stmt.excluded.as_of,
    )
    db.execute(stmt)
    return modified


def render_feed(db: Session, spec: FeedSpec, stamp: Stamp | None) -> tuple[RenderedFeed, bool]:
    """Render a spec at the given content version; returns the feed and whether it may be cached.

    The version is read again after loading: if a write committed in between, the bytes may
    be newer than the version says, so they are served but neither cached nor recorded."""
    token = i18n.set_language(spec.lang)
    try:
        body = spec.render(db)
    finally:
        i18n.reset_language(token)
    end_read(db)  # let the snapshot go (SQLite): the version is read afresh
    after = read_stamp(db)
    stable = stamp is not None and after == stamp
    etag = etag_of(body)
    times = [t for t in (stamp.changed_at if stamp else None, spec.as_of) if t is not None]
    as_of = max(times) if times else None
    last_modified: datetime | None
    if stable and as_of is not None:
        try:
            with independent_write(db):  # a GET's one write: it stands on its own
                last_modified = record_feed_state(db, spec.key, etag, as_of)
        except sa.exc.OperationalError:  # e.g. SQLite busy: serve a safe value, try next time
            last_modified, stable = _whole_second_ceiling(as_of), False
    else:
        # Not recorded: a conservative value (the newest write), never older than the content.
        times = [t for t in (after.changed_at if after else None, as_of) if t is not None]
        last_modified = _whole_second_ceiling(max(times)) if times else None
    zipped = gzip.compress(body, compresslevel=6, mtime=0)
    headers = {
        "Cache-Control": spec.cache_control,
        "Content-Disposition": content_disposition(spec.disposition, spec.filename),
        "X-Content-Type-Options": "nosniff",
        "Vary": "Accept-Encoding",
    }
    if spec.cache_control == PUBLIC_CACHE:  # public: conference apps and widgets fetch them from anywhere
        headers["Access-Control-Allow-Origin"] = "*"
    return (
        RenderedFeed(
            body=body,
            gzipped=zipped if len(zipped) < len(body) else None,
            etag=etag,
            last_modified=last_modified,
            content_type=spec.content_type,
            headers=headers,
            expires_at=spec.expires_at,
        ),
        stable,
    )


# --- what each address shows ---


def _names_for(db: Session, filters: EventFilters) -> list[str]:
    """Reader-facing names of the filters; an unknown organisation, project or series is a 4xx."""
    names = []
    if filters.kind:
        names.append(labels.EVENT_KIND[filters.kind])
    if filters.region:
        names.append(labels.REGION[filters.region])
    for obj in check_filter_slugs(db, filters).values():
        names.append(getattr(obj, "short_name", None) or getattr(obj, "name", None) or obj.title)
    if filters.q:
        names.append(_("поиск «%(q)s»") % {"q": filters.q})
    if filters.when == "upcoming":
        names.append(_("предстоящие"))
    elif filters.when == "past":
        names.append(_("прошедшие"))
    return names


def filters_query(filters: EventFilters) -> str:
    """The canonical query string of a filter set (also the feed's identity)."""
    pairs = [(k, getattr(filters, k)) for k in ("kind", "region", "organisation", "project", "series", "q")]
    pairs = [(k, v) for k, v in pairs if v]
    if filters.when != "all":
        pairs.append(("when", filters.when))
    return urlencode(pairs)


# The whole-site feed shows a window of dates, or it would grow with every event ever held.
WINDOW_DAYS_BACK = 365  # by default: the last 12 months and everything ahead
WINDOW_ZONE = ZoneInfo("Asia/Bishkek")  # days of the window begin at local midnight here
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class FeedWindow:
    """Events that end on or after ``first`` and start before the day after ``last`` (local days);
    None is open. ``default``: no ?from=/?to= was given, the window moves on every day."""

    first: date | None
    last: date | None
    default: bool = False

    @property
    def starts_at(self) -> datetime | None:
        return datetime.combine(self.first, time(), WINDOW_ZONE).astimezone(UTC) if self.first else None

    @property
    def ends_before(self) -> datetime | None:
        return (
            datetime.combine(self.last + timedelta(days=1), time(), WINDOW_ZONE).astimezone(UTC) if self.last else None
        )

    def query(self) -> str:
        """The explicit bounds as a query string (the default window has none)."""
        if self.default:
            return ""
        pairs = [(k, v.isoformat()) for k, v in (("from", self.first), ("to", self.last)) if v is not None]
        return urlencode(pairs)


class BadWindow(DomainError):
    """400: ?from= or ?to= is not a date, or the window ends before it begins."""

    code = "bad_window"


def _window_date(name: str, value: str) -> date:
    try:
        if not _DATE_RE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise BadWindow(
            _("Неверные границы календаря"),
            fields={name: _("нужна дата в виде ГГГГ-ММ-ДД, например 2026-01-31")},
        ) from None


def feed_window(first: str | None, last: str | None, now: datetime) -> FeedWindow:
    """?from= and ?to= (dates YYYY-MM-DD, both included; either may be left out for an open end);
    neither: the last 12 months and everything ahead of today (in Bishkek)."""
    first, last = (first or "").strip() or None, (last or "").strip() or None
    if first is None and last is None:
        today = now.astimezone(WINDOW_ZONE).date()
        return FeedWindow(today - timedelta(days=WINDOW_DAYS_BACK), None, default=True)
    window = FeedWindow(
        _window_date("from", first) if first else None,
        _window_date("to", last) if last else None,
    )
    if window.first and window.last and window.last < window.first:
        raise BadWindow(
            _("Неверные границы календаря"),
            fields={"to": _("дата «to» раньше даты «from»")},
        )
    return window


def calendar_feed(
    filters: EventFilters,
    *,
    base_url: str,
    site_name: str,
    now: datetime,
    lang: str = i18n.DEFAULT_LANGUAGE,
    window: FeedWindow | None = None,
) -> FeedSpec:
    """/calendar.ics: every public event matching the filters (cancelled ones with STATUS:CANCELLED)
    within the window (by default the last 12 months and everything ahead)."""
    filters = filters.validate()
    window = window or feed_window(None, None, now)
    query = filters_query(filters)
    query = "&".join(q for q in (query, window.query()) if q)
    key = f"calendar?{query}"
    as_of = expires_at = None
    if window.default and window.first is not None:
        # The default window moves at local midnight: one feed per day, rendered once a day.
        today = datetime.combine(window.first + timedelta(days=WINDOW_DAYS_BACK), time(), WINDOW_ZONE)
        key += f"@{window.first.isoformat()}"
        as_of, expires_at = today.astimezone(UTC), (today + timedelta(days=1)).astimezone(UTC)
    if filters.when != "all":
        # Upcoming/past as of the start of the hour: the same bytes for everyone in that hour.
        now = datetime.fromtimestamp(now.timestamp() // TIME_BUCKET.total_seconds() * TIME_BUCKET.total_seconds(), UTC)
        key += f"@{now.isoformat()}"
        as_of = max(as_of, now) if as_of else now
        expires_at = min(expires_at, now + TIME_BUCKET) if expires_at else now + TIME_BUCKET
    source_query = "&".join(q for q in (query, "" if lang == i18n.DEFAULT_LANGUAGE else f"lang={lang}") if q)
    source = f"{base_url}/calendar.ics" + (f"?{source_query}" if source_query else "")
    page_query = filters_query(filters)

    def render(db: Session) -> bytes:
        names = _names_for(db, filters)
        select_events = select_public_events(filters, now)
        if window.starts_at is not None:
            # The (status, end_at) index seeks past the archive: the feed costs its window.
            select_events = select_events.where(col(Event.end_at) >= window.starts_at)
        if window.ends_before is not None:
            select_events = select_events.where(col(Event.start_at) < window.ends_before)
        events = db.exec(
            select_events.options(selectinload(rel(Event.sessions))).order_by(col(Event.start_at), col(Event.id))
        ).all()
        title = " · ".join([_("Мероприятия"), *names]) + f" — {site_name}"
        return ical.render_events(
            events,
            name=title,
            description=_("Мероприятия %(site_name)s: %(base_url)s/events")
            % {"site_name": site_name, "base_url": base_url}
            + (f"?{page_query}" if page_query else ""),
            base_url=base_url,
            prodid=prodid(site_name),
            source_url=source,
            empty_year=(window.first or now.date()).year,
        )

    return FeedSpec(key, ICS, "calendar.ics", render, as_of=as_of, expires_at=expires_at, lang=lang)


def event_feed(slug: str, *, base_url: str, site_name: str, lang: str = i18n.DEFAULT_LANGUAGE) -> FeedSpec:
    """/events/{slug}.ics: the event as one calendar entry."""

    def render(db: Session) -> bytes:
        event = get_public_event(db, slug)
        return ical.render_events(
            [event],
            name=i18n.content(event, "title"),
            base_url=base_url,
            prodid=prodid(site_name),
            source_url=f"{ical.event_url(event, base_url)}.ics" + _lang_query(lang),
        )

    return FeedSpec(f"event/{slug}.ics", ICS, f"{slug}.ics", render, disposition="attachment", lang=lang)


def agenda_feed(slug: str, *, base_url: str, site_name: str, lang: str = i18n.DEFAULT_LANGUAGE) -> FeedSpec:
    """/events/{slug}/agenda.ics: every agenda session with a time as its own entry (the event itself when none has one)."""

    def render(db: Session) -> bytes:
        event = get_public_event(db, slug)
        return ical.render_agenda(
            event,
            base_url=base_url,
            prodid=prodid(site_name),
            source_url=f"{ical.event_url(event, base_url)}/agenda.ics" + _lang_query(lang),
        )

    return FeedSpec(f"event/{slug}/agenda.ics", ICS, f"{slug}-agenda.ics", render, disposition="attachment", lang=lang)


def _lang_query(lang: str) -> str:
    return "" if lang == i18n.DEFAULT_LANGUAGE else f"?lang={lang}"


def schedule_feed(slug: str, fmt: str, *, base_url: str) -> FeedSpec:
    """/events/{slug}/schedule.xml (frab) and schedule.json (c3voc v1)."""
    renderer = schedule.render_schedule_xml if fmt == "xml" else schedule.render_schedule_json

    def render(db: Session) -> bytes:
        return renderer(get_public_event(db, slug), base_url=base_url)

    return FeedSpec(f"event/{slug}/schedule.{fmt}", XML if fmt == "xml" else JSON, f"{slug}-schedule.{fmt}", render)


# --- personal feeds ---


def find_calendar_owner(db: Session, token: str) -> str:
    """The person (normalised e-mail) a personal-feed address belongs to (issued by
    registrations, or per registration before 2026-12); NotFound for anything else, an
    address reset since included."""
    owner = None
    if TOKEN_RE.match(token):
        digest = hash_token(token)
        owner = (
            db.exec(select(PersonalCalendar.email_normalised).where(PersonalCalendar.token_hash == digest)).first()
            or db.exec(
                select(PersonalCalendarLegacy.email_normalised).where(PersonalCalendarLegacy.token_hash == digest)
            ).first()
        )
    if owner is None:
        raise NotFound(_("Календарь не найден"))
    return owner


def personal_registrations(db: Session, owner: str) -> list[Registration]:
    """The participant's registrations that belong in their feed: confirmed or attended, public events.

    The participant is the e-mail address of the token. This assumes the token reaches only
    that mailbox (e-mail, or the private page whose link is e-mailed)."""
    return list(
        db.exec(
            select(Registration)
            .join(Event, col(Event.id) == col(Registration.event_id))
            .where(
                Registration.email_normalised == owner,
                col(Registration.status).in_(PERSONAL_STATUSES),
                col(Event.status).in_(PUBLIC_EVENT_STATUSES),
            )
            .order_by(col(Registration.event_id))
        ).all()
    )


def personal_feed(db: Session, token: str, *, base_url: str, site_name: str, lang: str | None = None) -> FeedSpec:
    """/calendar/personal/{token}.ics: the events of the participant's confirmed registrations."""
    owner = find_calendar_owner(db, token)
    registrations = personal_registrations(db, owner)
    event_ids = [r.event_id for r in registrations]
    fingerprint = hashlib.sha256(
        repr([(r.id, r.event_id, r.status, r.updated_at.isoformat()) for r in registrations]).encode()
    ).hexdigest()[:16]
    # Registrations do not bump the content version (they are frequent); their own times do.
    all_times = db.exec(
        select(sa.func.max(Registration.updated_at)).where(Registration.email_normalised == owner)
    ).one()
    language = db.exec(
        select(Registration.language)
        .where(Registration.email_normalised == owner)
        .order_by(col(Registration.id).desc())
        .limit(1)
    ).first()

    def render(db: Session) -> bytes:
        events = db.exec(
            select(Event)
            .where(col(Event.id).in_(event_ids), col(Event.status).in_(PUBLIC_EVENT_STATUSES))
            .options(selectinload(rel(Event.sessions)))
            .order_by(col(Event.start_at), col(Event.id))
        ).all()
        return ical.render_events(
            events,
            name=_("Мои мероприятия — %(site_name)s") % {"site_name": site_name},
            base_url=base_url,
            prodid=prodid(site_name),
            organizer=True,  # the participant's own feed: the contact who answers their e-mails
            empty_year=(all_times or datetime.now(UTC)).year,
        )

    return FeedSpec(
        f"personal/{hash_token(token)}#{fingerprint}",
        ICS,
        "my-events.ics",
        render,
        cache_control=PRIVATE_CACHE,
        as_of=all_times,
        lang=lang or feed_language(language),  # ?lang=, else the language of the participant's latest e-mails
    )
