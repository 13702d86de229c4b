"""Reading events: lists with filters, one event with everything its page shows."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from eventhub.errors import Invalid, NotFound
from eventhub.i18n import _
from eventhub.models import (
    PUBLIC_EVENT_STATUSES,
    AgendaSession,
    Event,
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
)
from eventhub.text import normalise_query

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


def _list_options():  # noqa: ANN202
    return (
        selectinload(Event.organisations).selectinload(EventOrganisation.organisation),
        selectinload(Event.regions),
        selectinload(Event.project),
        selectinload(Event.series),
    )


def _filtered(filters: EventFilters, now: datetime, statuses: tuple[str, ...] = PUBLIC_EVENT_STATUSES) -> sa.Select:
    query = select(Event).where(Event.status.in_(statuses))
    if filters.kind:
        query = query.where(Event.kind == filters.kind)
    if filters.region:
        query = query.where(
            sa.or_(
                Event.venue_region == filters.region,
                Event.id.in_(select(EventRegion.event_id).where(EventRegion.region == filters.region)),
            )
        )
    if filters.organisation:
        query = query.where(
            Event.id.in_(
                select(EventOrganisation.event_id)
                .join(Organisation, Organisation.id == EventOrganisation.organisation_id)
                .where(Organisation.slug == filters.organisation)
            )
        )
    if filters.project:
        query = query.where(Event.project_id.in_(select(Project.id).where(Project.slug == filters.project)))
    if filters.series:
        query = query.where(Event.series_id.in_(select(EventSeries.id).where(EventSeries.slug == filters.series)))
    for word in normalise_query(filters.q or ""):
        query = query.where(Event.search_text.contains(word, autoescape=True))
    if filters.when == "upcoming":
        query = query.where(Event.end_at >= now)
    elif filters.when == "past":
        query = query.where(Event.end_at < now)
    return query


def select_public_events(filters: EventFilters, now: datetime) -> sa.Select:
    """The query behind list_events, unordered and unpaged, for callers that load more (feeds)."""
    return _filtered(filters.validate(), now)


def list_events(
    db: Session, filters: EventFilters, *, now: datetime, offset: int = 0, limit: int = 20
) -> tuple[list[Event], int]:
    """Public events matching the filters: upcoming soonest first, past most recent first.

    Upcoming and past are read as two index-ordered queries rather than one sort on a
    CASE expression, which no index serves and which grew with every event ever held."""
    query = _filtered(filters.validate(), now)
    total = _count(db, query)
    soonest = (Event.start_at, Event.id)
    newest = (Event.start_at.desc(), Event.id.desc())
    if filters.when == "past":
        # Ended before now means started before now: lets the start_at index seek.
        return _page(db, query.where(Event.start_at < now).order_by(*newest), offset, limit), total
    if filters.when == "upcoming":
        return _page(db, query.order_by(*soonest), offset, limit), total
    upcoming = query.where(Event.end_at >= now).order_by(*soonest)
    if offset == 0:
        rows = _page(db, upcoming, 0, limit)
        n_upcoming = len(rows)  # exact whenever the past is needed: the page came out short
    else:
        n_upcoming = _count(db, upcoming)
        rows = _page(db, upcoming, offset, limit) if offset < n_upcoming else []
    if len(rows) < limit and offset + len(rows) < total:
        past = query.where(Event.end_at < now, Event.start_at < now).order_by(*newest)
        rows += _page(db, past, max(0, offset - n_upcoming), limit - len(rows))
    return rows, total


def _count(db: Session, query: sa.Select) -> int:
    return db.exec(select(sa.func.count()).select_from(query.order_by(None).subquery())).one()


def _page(db: Session, query: sa.Select, offset: int, limit: int) -> list[Event]:
    return list(db.exec(query.options(*_list_options()).offset(offset).limit(limit)).all())


def _event_options():  # noqa: ANN202
    return (
        *_list_options(),
        selectinload(Event.sessions)
        .selectinload(AgendaSession.speakers)
        .selectinload(SessionSpeaker.person)
        .selectinload(Person.organisation),
        selectinload(Event.sessions).selectinload(AgendaSession.panel),
        selectinload(Event.press_contacts).selectinload(EventPressContact.contact).selectinload(PressContact.organisation),
    )


def get_public_event(db: Session, slug: str) -> Event:
    """A published, postponed or cancelled event with its agenda, organisations and contacts."""
    event = db.exec(
        select(Event).where(Event.slug == slug, Event.status.in_(PUBLIC_EVENT_STATUSES)).options(*_event_options())
    ).first()
    if event is None:
        raise NotFound(_("Мероприятие «%(slug)s» не найдено") % {"slug": slug})
    return event
