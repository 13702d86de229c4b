"""Loading an event for a route: shared by the API and the pages."""

from typing import Annotated

from fastapi import Depends, Path

from eventhub.accounts.deps import OptionalUser
from eventhub.accounts.permissions import can_view_event
from eventhub.core.db import DbDep
from eventhub.core.errors import NotFound
from eventhub.core.i18n import _
from eventhub.core.models import Event
from eventhub.events.editing import get_event_for_staff
from eventhub.events.service import EventFilters, check_filter_slugs, event_not_found, get_public_event

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,159}$"


def get_event_or_404(db: DbDep, user: OptionalUser, slug: Annotated[str, Path(max_length=160)]) -> Event:
    """A public event; staff who may edit it also get it as a draft."""
    if user is None:
        return get_public_event(db, slug)
    event = get_event_for_staff(db, slug)
    if event is None:
        raise event_not_found(db, slug)
    if not can_view_event(db, user, event):
        raise NotFound(_("Мероприятие «%(slug)s» не найдено") % {"slug": slug})
    return event


def get_event_filters(
    db: DbDep,
    kind: str | None = None,
    region: str | None = None,
    organisation: str | None = None,
    project: str | None = None,
    series: str | None = None,
    q: str | None = None,
    when: str = "all",
) -> EventFilters:
    """The filters of /events, /calendar.ics and the API list, validated once: an unknown
    value, or a slug that names nothing, is a 4xx naming the field."""
    filters = EventFilters(
        kind=kind or None,
        region=region or None,
        organisation=organisation or None,
        project=project or None,
        series=series or None,
        q=q or None,
        when=when or "all",
    ).validate()
    check_filter_slugs(db, filters)
    return filters


EventDep = Annotated[Event, Depends(get_event_or_404)]
EventFiltersDep = Annotated[EventFilters, Depends(get_event_filters)]
