"""JSON API: events."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from eventhub.db import DbDep
from eventhub.deps import NowDep, PaginationDep, SettingsDep
from eventhub.events.deps import EventDep, EventFiltersDep
from eventhub.events.schemas import EventDetail, EventPublic
from eventhub.events.service import list_events
from eventhub.schemas import ERROR_RESPONSES, Page

router = APIRouter(prefix="/events", tags=["events"], responses=ERROR_RESPONSES)


@router.get("", response_model=Page[EventPublic])
def api_list_events(
    db: DbDep, filters: EventFiltersDep, page: PaginationDep, now: NowDep, settings: SettingsDep
) -> Page[EventPublic]:
    """Published events (also postponed and cancelled ones), upcoming first, with filters."""
    events, total = list_events(db, filters, now=now, offset=page.offset, limit=page.limit)
    return Page(
        items=[EventPublic.from_event(e, settings.base_url) for e in events],
        total=total,
        offset=page.offset,
        limit=page.limit,
    )


@router.get("/{slug}", response_model=EventDetail)
def api_get_event(
    event: EventDep,
    settings: SettingsDep,
    include: Annotated[Literal["translations"] | None, Query(description="add every language version")] = None,
) -> EventDetail:
    """One event with its agenda, panels, organisations and press contacts, in the asked language."""
    return EventDetail.from_event(event, settings.base_url, with_translations=include == "translations")
