"""Reading events: lists with filters, one event with everything its page shows."""

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from eventhub.core import search
from eventhub.core.changes import Stamp, read_stamp
from eventhub.core.errors import Invalid, NotFound
from eventhub.core.i18n import _
from eventhub.core.models import (
    PUBLIC_EVENT_STATUSES,
    AgendaSession,
    Event,
    EventFormerSlug,
    EventKind,
    EventOrganisation,
    EventPressContact,
    EventRegion,
    EventSeries,
    Organisation,
    Person,
    PressContact,
    Project,
    Region,
    SessionSpeaker,
    rel,
)

WHEN = ("upcoming", "past", "all")


@dataclass(frozen=True)
class EventFilters:
    kind: str | None = None
    region: str | None = None
    organisation: str | None = None  # slug
    project: str | None = None  # slug
    series: str | None = None  # slug
    q: str | None = None
    when: str = "all"

    def validate(self) -> "EventFilters":
        """Unknown values are a 4xx with the field named, not an empty list."""
        fields = {}
        if self.kind and self.kind not in EventKind.__members__.values():
            fields["kind"] = _("неизвестный вид мероприятия: %(kind)s") % {"kind": self.kind}
        if self.region and self.region not in Region.__members__.values():
            fields["region"] = _("неизвестный регион: %(region)s") % {"region": self.region}
        if self.when not in WHEN:
            fields["when"] = _("допустимые значения: %(values)s") % {"values": ", ".join(WHEN)}
        if self.q is not None and len(self.q) > 200:
            fields["q"] = _("запрос длиннее %(max)d символов") % {"max": 200}
        if fields:
            raise Invalid(_("Неверные параметры фильтра"), fields=fields)
        return self


SlugLookup = tuple[
    str, Any, Callable[[str], str], tuple[Any, ...]
]  # attribute, model, message for an unknown slug, extra conditions


def known_slugs(db: Session, filters: Any, lookups: tuple[SlugLookup, ...]) -> dict[str, Any]:
    """The objects that the slugs in `filters` name, by attribute; an unknown slug is a 4xx
    naming its field, as a wrong kind or region is (not an empty list). One function for the
    event filters (/events, the API list, /calendar.ics) and the press room's."""
    found: dict[str, Any] = {}
    fields: dict[str, str] = {}
    for attr, model, unknown, where in lookups:
        slug = getattr(filters, attr)
        if not slug:
            continue
        obj = db.exec(select(model).where(model.slug == slug, *where)).first()
        if obj is None:
            fields[attr] = unknown(slug[:80])
        else:
            found[attr] = obj
    if fields:
        raise Invalid(_("Неверные параметры фильтра"), fields=fields)
    return found


def check_filter_slugs(db: Session, filters: EventFilters) -> dict[str, Any]:
    """The organisation, project and series that `filters` name (an unknown one is a 4xx)."""
    return known_slugs(
        db,
        filters,
        (
            ("organisation", Organisation, lambda slug: _("неизвестная организация") + f": {slug}", ()),
            ("project", Project, lambda slug: _("неизвестный проект") + f": {slug}", ()),
            ("series", EventSeries, lambda slug: _("неизвестная серия мероприятий") + f": {slug}", ()),
        ),
    )


def _list_options() -> tuple[LoaderOption, ...]:
    return (
        selectinload(rel(Event.organisations)).selectinload(rel(EventOrganisation.organisation)),
        selectinload(rel(Event.regions)),
        selectinload(rel(Event.project)),
        selectinload(rel(Event.series)),
    )


def _filtered(
    filters: EventFilters, now: datetime, statuses: tuple[str, ...] = PUBLIC_EVENT_STATUSES
) -> SelectOfScalar[Event]:
    query = select(Event).where(col(Event.status).in_(statuses))
    if filters.kind:
        query = query.where(Event.kind == filters.kind)
    if filters.region:
        query = query.where(
            sa.or_(
                col(Event.venue_region) == filters.region,
                col(Event.id).in_(select(EventRegion.event_id).where(EventRegion.region == filters.region)),
            )
        )
    if filters.organisation:
        query = query.where(
            col(Event.id).in_(
                select(EventOrganisation.event_id)
                .join(Organisation, col(Organisation.id) == col(EventOrganisation.organisation_id))
                .where(Organisation.slug == filters.organisation)
            )
        )
    if filters.project:
        query = query.where(col(Event.project_id).in_(select(Project.id).where(Project.slug == filters.project)))
    if filters.series:
        query = query.where(col(Event.series_id).in_(select(EventSeries.id).where(EventSeries.slug == filters.series)))
    if filters.q is not None and filters.q.strip():
        # The search index (title, agenda, organisations, places...); punctuation only finds nothing.
        query = query.where(col(Event.id).in_(search.matching_ids("event", filters.q)))
    if filters.when == "upcoming":
        query = query.where(Event.end_at >= now)
    elif filters.when == "past":
        query = query.where(Event.end_at < now)
    return query


def select_public_events(filters: EventFilters, now: datetime) -> SelectOfScalar[Event]:
    """The query behind list_events, unordered and unpaged, for callers that load more (feeds)."""
    return _filtered(filters.validate(), now)


def list_events(
    db: Session, filters: EventFilters, *, now: datetime, offset: int = 0, limit: int = 20
) -> tuple[list[Event], int]:
    """Public events matching the filters: upcoming soonest first, past most recent first.

    Upcoming and past are read as two index-ordered queries rather than one sort on a
    CASE expression, which no index serves and which grew with every event ever held.
    Upcoming events are found by ``start_at`` from ``now`` less the longest public event
    (cached per content version), so the index seek skips the archive; totals are cached
    per content version (and minute, where "now" splits them)."""
    filters = filters.validate()
    query = _filtered(filters, now)
    stamp = read_stamp(db)
    total = _cached_count(db, query, stamp, (filters, now_bucket(filters.when, now)))
    soonest = (col(Event.start_at), col(Event.id))
    newest = (col(Event.start_at).desc(), col(Event.id).desc())
    if filters.when == "past":
        # Ended before now means started before now: lets the start_at index seek.
        return _page(db, query.where(col(Event.start_at) < now).order_by(*newest), offset, limit), total
    # Anything still running began at most the longest event's length ago.
    reach = _longest_public_event(db, stamp)
    upcoming = (
        _filtered(dataclass_replace(filters, when="all"), now)
        .where(col(Event.end_at) >= now, col(Event.start_at) >= now - reach)
        .order_by(*soonest)
    )
    if filters.when == "upcoming":
        return _page(db, upcoming, offset, limit), total
    if offset == 0:
        rows = _page(db, upcoming, 0, limit)
        n_upcoming = len(rows)  # exact whenever the past is needed: the page came out short
    else:
        n_upcoming = _cached_count(db, upcoming, stamp, (filters, "upcoming", now_bucket("upcoming", now)))
        rows = _page(db, upcoming, offset, limit) if offset < n_upcoming else []
    if len(rows) < limit and offset + len(rows) < total:
        past = query.where(col(Event.end_at) < now, col(Event.start_at) < now).order_by(*newest)
        rows += _page(db, past, max(0, offset - n_upcoming), limit - len(rows))
    return rows, total


def now_bucket(when: str, now: datetime) -> int | None:
    """The minute, for counts that "now" splits (upcoming, past); None when it does not matter."""
    return None if when == "all" else int(now.timestamp() // 60)


# Per-process memo of values that only a write can change, keyed by the content version
# (``eventhub.core.changes`` bumps it in the writing transaction, for every worker). The
# version's change time is part of the key, so a rolled-back version number never matches.
_MEMO: "OrderedDict[tuple[Any, ...], Any]" = OrderedDict()
_MEMO_LOCK = threading.Lock()
_MEMO_SIZE = 256


def _memo(key: tuple[Any, ...], stamp: Stamp | None, compute: Callable[[], Any]) -> Any:
    if stamp is None:
        return compute()
    full_key = (stamp, *key)
    with _MEMO_LOCK:
        if full_key in _MEMO:
            _MEMO.move_to_end(full_key)
            return _MEMO[full_key]
    value = compute()
    with _MEMO_LOCK:
        _MEMO[full_key] = value
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return value


def _cached_count(db: Session, query: SelectOfScalar[Event], stamp: Stamp | None, key: tuple[Any, ...]) -> int:
    count: int = _memo(("count", *key), stamp, lambda: _count(db, query))
    return count


def _longest_public_event(db: Session, stamp: Stamp | None) -> timedelta:
    """How long the longest public event lasts (a scan, once per content version and process)."""

    def compute() -> timedelta:
        if db.get_bind().dialect.name == "sqlite":
            span = sa.func.julianday(Event.end_at) - sa.func.julianday(Event.start_at)
            days = db.exec(select(sa.func.max(span)).where(col(Event.status).in_(PUBLIC_EVENT_STATUSES))).one()
            longest = timedelta(days=float(days or 0))
        else:
            # Two timestamps differ by an interval (SQLAlchemy's typing says datetime).
            span = sa.type_coerce(col(Event.end_at) - col(Event.start_at), sa.Interval())
            longest = db.exec(
                select(sa.func.max(span)).where(col(Event.status).in_(PUBLIC_EVENT_STATUSES))
            ).one() or timedelta(0)
        return longest + timedelta(seconds=1)  # julianday's float rounding

    longest: timedelta = _memo(("longest",), stamp, compute)
    return longest


def _count(db: Session, query: SelectOfScalar[Event]) -> int:
    return db.exec(select(sa.func.count()).select_from(query.order_by(None).subquery())).one()


def _page(db: Session, query: SelectOfScalar[Event], offset: int, limit: int) -> list[Event]:
    return list(db.exec(query.options(*_list_options()).offset(offset).limit(limit)).all())


def _event_options() -> tuple[LoaderOption, ...]:
    return (
        *_list_options(),
        selectinload(rel(Event.sessions))
        .selectinload(rel(AgendaSession.speakers))
        .selectinload(rel(SessionSpeaker.person))
        .selectinload(rel(Person.organisation)),
        selectinload(rel(Event.sessions)).selectinload(rel(AgendaSession.panel)),
        selectinload(rel(Event.press_contacts))
        .selectinload(rel(EventPressContact.contact))
        .selectinload(rel(PressContact.organisation)),
    )


def get_public_event(db: Session, slug: str) -> Event:
    """A published, postponed or cancelled event with its agenda, organisations and contacts."""
    event = db.exec(
        select(Event).where(Event.slug == slug, col(Event.status).in_(PUBLIC_EVENT_STATUSES)).options(*_event_options())
    ).first()
    if event is None:
        raise event_not_found(db, slug)
    return event


def current_slug(db: Session, former: str, *, public: bool = True) -> str | None:
    """The slug now of the event that once had ``former`` (renamed since, maybe several times)."""
    query = (
        select(Event.slug)
        .join(EventFormerSlug, col(EventFormerSlug.event_id) == col(Event.id))
        .where(EventFormerSlug.slug == former)
    )
    if public:
        query = query.where(col(Event.status).in_(PUBLIC_EVENT_STATUSES))
    return db.exec(query).first()


def event_not_found(db: Session, slug: str, *, public: bool = True) -> NotFound:
    """The 404 for an unknown slug; for a former slug of an event it carries the current one and
    the error handler answers 301 to the same address under it (``renamed_location``)."""
    error = NotFound(_("Мероприятие «%(slug)s» не найдено") % {"slug": slug[:80]})
    now = current_slug(db, slug, public=public) if len(slug) <= 160 else None
    if now is not None:
        error.extra["renamed"] = (slug, now)
    return error


def renamed_location(path: str, query: str, old: str, new: str) -> str | None:
    """'/events/old/agenda.ics', '?lang=ky' -> '/events/new/agenda.ics?lang=ky' (None if the path
    does not name the event under /events/)."""
    prefix = f"/events/{old}"
    rest = path[len(prefix) :]
    if not path.startswith(prefix) or (rest and rest[0] not in "/."):
        return None
    return f"/events/{new}{rest}" + (f"?{query}" if query else "")
