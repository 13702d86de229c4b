"""Tell other domains that something happened, without importing them.

A lower domain (events) publishes; a higher one (registrations, which imports events)
subscribes when it is imported. Subscribers run in the publisher's transaction, so
whatever they write (outbox rows) commits or rolls back with the change itself.

`EventChanged` is the one topic so far: staff changed an event's time, place or online
link, postponed it or cancelled it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from eventhub.core.config import Settings
from eventhub.core.models import Event

# What staff say about a change, from the route (API body, admin form) down to subscribers.
CHANGE_KINDS = ("update", "postpone", "cancel")


@dataclass
class ChangeNotice:
    """How the people concerned hear of a change: `notify` false for a typo fix; `note` the
    organiser's words in the message. `preview`: compose but write nothing (the caller rolls
    the change back). Subscribers append what they did to `results`."""

    settings: Settings
    now: datetime
    notify: bool = True
    note: str | None = None
    preview: bool = False
    results: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class EventChanged:
    event: Event
    kind: str  # one of CHANGE_KINDS
    changed: tuple[str, ...]  # the columns that changed (start_at, venue_name, status ...)
    before: dict[str, Any]  # their values before the change
    notice: ChangeNotice


Subscriber = Callable[[Session, EventChanged], Any]
_subscribers: list[Subscriber] = []


def on_event_changed(fn: Subscriber) -> Subscriber:
    """Decorator: call `fn(db, change)` for every published EventChanged."""
    if fn not in _subscribers:
        _subscribers.append(fn)
    return fn


def event_changed(db: Session, change: EventChanged) -> None:
    """Run every subscriber now, in `db`'s transaction; each result goes to change.notice.results."""
    for fn in _subscribers:
        result = fn(db, change)
        if result is not None:
            change.notice.results.append(result)
