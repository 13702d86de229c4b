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
    """Public events matching the filters: upcoming soonest first, past most recent first."""
    query = _filtered(filters.validate(), now)
    total = db.exec(select(sa.func.count()).select_from(query.subquery())).one()
    upcoming_first = sa.case((Event.end_at >= now, 0), else_=1)
    soonest = sa.case((Event.end_at >= now, Event.start_at), else_=None)
    order = (upcoming_first, soonest.asc(), Event.start_at.desc(), Event.id)
    if filters.when == "past":
        order = (Event.start_at.desc(), Event.id)
    rows = db.exec(query.options(*_list_options()).order_by(*order).offset(offset).limit(limit)).all()
    return list(rows), total


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
