"""JSON API: events."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from eventhub.accounts.deps import CurrentUser, EventEditor
from eventhub.accounts.permissions import Action, require
from eventhub.core import surface_cache
from eventhub.core.audit import count_event_history, event_history
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, PaginationDep, SettingsDep
from eventhub.core.hooks import ChangeNotice
from eventhub.core.models import id_of
from eventhub.core.schemas import ERROR_RESPONSES, WRITE_RESPONSES, Page
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.events.deps import EventDep, EventFiltersDep
from eventhub.events.editing import (
    cancel_event,
    create_event,
    delete_event,
    get_event_for_staff,
    postpone_event,
    publish_event,
    set_event_organisations,
    update_event_partly,
)
from eventhub.events.schemas import (
    AuditEntry,
    Cancel,
    EventCreate,
    EventDetail,
    EventOrganisations,
    EventPublic,
    EventStaff,
    EventUpdate,
    Postpone,
)
from eventhub.events.service import list_events

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/events", tags=["events"], responses=ERROR_RESPONSES)


@router.get("", response_model=Page[EventPublic])
def api_list_events(
    request: Request, db: DbDep, filters: EventFiltersDep, page: PaginationDep, now: NowDep, settings: SettingsDep
) -> Page[EventPublic]:
    """Published events (also postponed and cancelled ones), upcoming first, with filters."""
    surface_cache.mark_current(request.scope, db, now)  # the same for every anonymous reader
    events, total = list_events(db, filters, now=now, offset=page.offset, limit=page.limit)
    return Page(
        items=[EventPublic.from_event(e, settings.base_url) for e in events],
        total=total,
        offset=page.offset,
        limit=page.limit,
    )


@router.get("/{slug}", response_model=EventDetail)
def api_get_event(
    request: Request,
    db: DbDep,
    now: NowDep,
    event: EventDep,
    settings: SettingsDep,
    include: Annotated[Literal["translations"] | None, Query(description="add every language version")] = None,
) -> EventDetail:
    """One event with its agenda, panels, organisations and press contacts, in the asked language."""
    surface_cache.mark_current(request.scope, db, now)
    return EventDetail.from_event(event, settings.base_url, with_translations=include == "translations")


# --- writing (staff, Bearer token) ---


def _staff_view(db: DbDep, slug: str, base_url: str, notice: ChangeNotice | None = None) -> EventStaff:
    event = get_event_for_staff(db, slug)
    assert event is not None  # written by this request just before
    view = EventStaff.from_event(event, base_url)
    if notice is not None:
        view.notified = sum(getattr(r, "queued", 0) for r in notice.results)
    return view


@router.post("", status_code=201, response_model=EventStaff, responses=WRITE_RESPONSES)
def api_create_event(user: EventEditor, body: EventCreate, db: DbDep, settings: SettingsDep) -> EventStaff:
    """Create an event as a draft; an organiser's organisation becomes its organiser unless others are given."""
    event = create_event(db, data=body, user=user)
    return _staff_view(db, event.slug, settings.base_url)


@router.patch("/{slug}", response_model=EventStaff, responses=WRITE_RESPONSES)
def api_update_event(
    user: EventEditor, event: EventDep, body: EventUpdate, db: DbDep, settings: SettingsDep, now: NowDep
) -> EventStaff:
    """Change the fields sent; moving the first day moves the agenda with it. A new time, place or
    online link is e-mailed to the registered participants (with `note`) unless `notify` is false."""
    notice = ChangeNotice(settings, now, notify=body.notify, note=body.note)
    update_event_partly(db, event=event, patch=body, user=user, notice=notice)
    return _staff_view(db, event.slug, settings.base_url, notice)


@router.delete("/{slug}", status_code=204, responses=WRITE_RESPONSES)
def api_delete_event(user: EventEditor, event: EventDep, db: DbDep) -> Response:
    """Delete a draft (public events are cancelled instead)."""
    delete_event(db, event=event, user=user)
    return Response(status_code=204)


@router.put("/{slug}/organisations", response_model=EventStaff, responses=WRITE_RESPONSES)
def api_set_event_organisations(
    user: EventEditor, event: EventDep, body: EventOrganisations, db: DbDep, settings: SettingsDep
) -> EventStaff:
    """Replace the organisations of the event and their roles (organiser, funder, participant...)."""
    set_event_organisations(db, event=event, items=body.organisations, user=user)
    return _staff_view(db, event.slug, settings.base_url)


@router.post("/{slug}/publish", response_model=EventStaff, responses=WRITE_RESPONSES)
def api_publish_event(user: EventEditor, event: EventDep, db: DbDep, now: NowDep, settings: SettingsDep) -> EventStaff:
    """Publish a draft, or a postponed event at its new dates."""
    publish_event(db, event=event, user=user, now=now)
    return _staff_view(db, event.slug, settings.base_url)


@router.post("/{slug}/postpone", response_model=EventStaff, responses=WRITE_RESPONSES)
def api_postpone_event(
    user: EventEditor, event: EventDep, body: Postpone, db: DbDep, settings: SettingsDep, now: NowDep
) -> EventStaff:
    """Move a public event to new dates (required); the agenda moves along, calendars get the change,
    participants an e-mail with `note` (unless `notify` is false)."""
    notice = ChangeNotice(settings, now, notify=body.notify, note=body.note)
    postpone_event(db, event=event, data=body, user=user, notice=notice)
    return _staff_view(db, event.slug, settings.base_url, notice)


@router.post("/{slug}/cancel", response_model=EventStaff, responses=WRITE_RESPONSES)
def api_cancel_event(
    user: EventEditor, event: EventDep, body: Cancel, db: DbDep, now: NowDep, settings: SettingsDep
) -> EventStaff:
    """Cancel a public event with a reason shown on its page and e-mailed to participants
    (with a calendar cancellation for the confirmed), unless `notify` is false."""
    notice = ChangeNotice(settings, now, notify=body.notify, note=body.reason)
    cancel_event(db, event=event, data=body, user=user, now=now, notice=notice)
    return _staff_view(db, event.slug, settings.base_url, notice)


@router.get("/{slug}/audit", response_model=Page[AuditEntry], responses=WRITE_RESPONSES)
def api_event_audit(user: CurrentUser, event: EventDep, db: DbDep, page: PaginationDep) -> Page[AuditEntry]:
    """Who changed what in the event and its agenda, newest first (admins)."""
    require(user, Action.read_audit)
    items = [
        AuditEntry(
            at=e.at,
            user=u.email if u else None,
            action=e.action,
            entity_type=e.entity_type,
            entity_id=e.entity_id,
            changes=e.changes,
        )  # fmt: skip
        for e, u in event_history(db, id_of(event), offset=page.offset, limit=page.limit)
    ]
    return Page(items=items, total=count_event_history(db, id_of(event)), offset=page.offset, limit=page.limit)
