"""Public pages: the events list and one event."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse
from sqlmodel import select

from eventhub.accounts.deps import OptionalUser
from eventhub.core import surface_cache
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, SettingsDep
from eventhub.core.models import (
    Event,
    EventKind,
    EventOrganisation,
    EventRole,
    EventSeries,
    Organisation,
    Project,
    Region,
)
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.events.deps import EventFiltersDep, get_event_or_404
from eventhub.events.page_cache import cache_key, page_cache
from eventhub.events.service import EventFilters, list_events
from eventhub.feeds.links import calendar_links, subscribe_links
from eventhub.organisations.service import list_organisations
from eventhub.outcomes.pages import event_outcomes
from eventhub.press.service import list_public_releases
from eventhub.projects.service import list_projects
from eventhub.templating import templates

router = APIRouter(route_class=UnitOfWorkRoute, default_response_class=HTMLResponse)
PER_PAGE = 20


HOME_UPCOMING, HOME_PAST, HOME_RELEASES, HOME_PROJECTS = 6, 4, 3, 6


@router.get("/", include_in_schema=False)
def home_page(request: Request, db: DbDep, now: NowDep, settings: SettingsDep) -> HTMLResponse:
    """What the site is: the coming events first, the latest releases, the projects, the
    calendar to subscribe to; the full list with filters is /events."""
    upcoming, total_upcoming = list_events(db, EventFilters(when="upcoming"), now=now, limit=HOME_UPCOMING)
    past, _total = list_events(db, EventFilters(when="past"), now=now, limit=HOME_PAST)
    releases, _total = list_public_releases(db, now=now, limit=HOME_RELEASES)
    projects = list_projects(db, limit=HOME_PROJECTS)
    return templates.TemplateResponse(
        request,
        "public/home.html",
        {
            "upcoming": upcoming,
            "total_upcoming": total_upcoming,
            "past": past,
            "releases": releases,
            "projects": projects,
            "subscribe": subscribe_links(EventFilters(), settings.base_url),
        },
    )


@router.get("/events", include_in_schema=False)
def events_page(
    request: Request, db: DbDep, filters: EventFiltersDep, now: NowDep, settings: SettingsDep, page: int = 1
) -> HTMLResponse:
    """Upcoming and past events with filters."""
    page = max(1, min(page, 10_000))
    events, total = list_events(db, filters, now=now, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    upcoming = [e for e in events if e.end_at >= now]
    past = [e for e in events if e.end_at < now]
    organisers, _ = list_organisations(db, limit=500)
    projects = list_projects(db)
    return templates.TemplateResponse(
        request,
        "events/list.html",
        {
            "filters": filters,
            "upcoming": upcoming,
            "past": past,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "kinds": list(EventKind),
            "regions": list(Region),
            "organisations": organisers,
            "projects": projects,
            "subject": _list_subject(db, filters, organisers, projects),
            "subscribe": subscribe_links(filters, settings.base_url),
        },
    )


def _list_subject(
    db: DbDep, filters: EventFilters, organisations: list[Organisation], projects: list[Project]
) -> tuple[str, object] | None:
    """What a filtered list is the list of — ("series", s), ("project", p) or ("organisation", o) —
    so that /events?series=forum-aymakov, where the event page's series link lands, is headed by
    the series, its years and description instead of the generic «Мероприятия»."""
    if filters.series:
        series = db.exec(select(EventSeries).where(EventSeries.slug == filters.series)).first()
        if series is not None:
            return "series", series
    if filters.project:
        project = next((p for p in projects if p.slug == filters.project), None)
        if project is not None:
            return "project", project
    if filters.organisation:
        org = next((o for o in organisations if o.slug == filters.organisation), None)
        if org is not None:
            return "organisation", org
    return None


@router.get("/events/{slug}", include_in_schema=False)
def event_page(
    request: Request,
    slug: Annotated[str, Path(max_length=160)],
    db: DbDep,
    user: OptionalUser,
    now: NowDep,
    settings: SettingsDep,
) -> Response:
    """Everything about one event (anonymous readers get it from the render cache when current)."""
    key = cache_key(request, db, now) if user is None else None
    if key is not None and (cached := page_cache(request).get(key)) is not None:
        surface_cache.mark_current(request.scope, db, now)
        return cached
    response = _render_event_page(request, get_event_or_404(db, user, slug), db, now, settings)
    if key is not None:
        page_cache(request).put(key, response)
        surface_cache.mark_current(request.scope, db, now)
    return response


def _render_event_page(request: Request, event: Event, db: DbDep, now: NowDep, settings: SettingsDep) -> HTMLResponse:
    by_role: dict[str, list[EventOrganisation]] = {}
    for eo in event.organisations:
        by_role.setdefault(eo.role, []).append(eo)
    releases, _ = list_public_releases(db, now=now, event_id=event.id, limit=50)
    return templates.TemplateResponse(
        request,
        "events/detail.html",
        {
            "event": event,
            "by_role": by_role,
            "roles": list(EventRole),
            "releases": releases,
            "is_past": event.end_at < now,
            "calendar_links": calendar_links(event, settings.base_url),
            "outcomes": event_outcomes(db, event),
        },
    )
