"""Public pages: the events list and one event."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from eventhub.db import DbDep
from eventhub.deps import NowDep, SettingsDep
from eventhub.events.deps import EventDep, EventFiltersDep
from eventhub.events.service import list_events
from eventhub.feeds.links import calendar_links, subscribe_links
from eventhub.models import EventKind, EventRole, Region
from eventhub.organisations.service import list_organisations
from eventhub.press.service import list_public_releases
from eventhub.projects.service import list_projects
from eventhub.templating import templates

router = APIRouter(default_response_class=HTMLResponse)
PER_PAGE = 20


@router.get("/", include_in_schema=False)
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
            "projects": list_projects(db),
            "subscribe": subscribe_links(filters, settings.base_url),
        },
    )


@router.get("/events/{slug}", include_in_schema=False)
def event_page(request: Request, event: EventDep, db: DbDep, now: NowDep, settings: SettingsDep) -> HTMLResponse:
    """Everything about one event."""
    by_role: dict[str, list] = {}
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
        },
    )
