"""What every write does for the feeds: SEQUENCE, revision times, the content version.

Installed once for every ``Session`` (``eventhub.core.db`` imports this module), so write code in
any domain gets it without calling anything:

* ``bump_sequence_if_needed(event)`` runs before each flush for every changed event: the
  iCalendar ``SEQUENCE`` grows when the time, place or status of a public event changes
  (not at its first publication: nobody holds a copy yet). Write code may call it itself; it
  never bumps twice for one change. A session that moves (time or room) raises its own
  ``sequence`` only, so its siblings' entries and the event's stay as clients have them.
* A change to an agenda session, its speakers or panel, or an event's regions or
  organisations touches the parent's ``updated_at``, so an event's ``updated_at`` is the
  revision time of everything its calendar entry shows (its DTSTAMP and LAST-MODIFIED).
* A renamed event keeps its former slug (``EventFormerSlug``): its old addresses answer 301.
* After each flush that wrote anything a feed shows, the one ``content_version`` row is
  bumped in the same transaction: the feeds' cache key, the same for every worker.

Bulk statements bypass the unit of work: an ORM ``update(Event)``/``delete(...)`` through a
session is caught (do_orm_execute); Core statements on the tables are not — call
``bump_content_version(db)`` after them.
"""

from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any, TypeGuard, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.attributes import get_history
from sqlmodel import col

from eventhub.core.models import (
    AgendaSession,
    ClosingReport,
    ContentVersion,
    Event,
    EventFormerSlug,
    EventOrganisation,
    EventRegion,
    EventSeries,
    EventStatus,
    Material,
    Organisation,
    Panel,
    Person,
    Project,
    Recommendation,
    RecommendationAddressee,
    RecommendationStep,
    SessionOutcome,
    SessionSpeaker,
    UTCDateTime,
    table_of,
    utcnow,
)

# Rows whose content some feed, schedule export or add-to-calendar link shows.
FEED_SOURCES: tuple[type, ...] = (
    Event,
    EventRegion,
    EventOrganisation,
    Organisation,
    Project,
    EventSeries,
    AgendaSession,
    SessionSpeaker,
    Person,
    Panel,
    # What the event page's «Итоги» shows (its render cache reads the same version).
    ClosingReport,
    SessionOutcome,
    Recommendation,
    RecommendationAddressee,
    RecommendationStep,
    Material,
)

# A change of any of these is a new version of the event for calendar clients (RFC 5545 §3.8.7.4).
EVENT_SEQUENCE_FIELDS = (
    "start_at",
    "end_at",
    "timezone",
    "all_day",
    "venue_name",
    "venue_address",
    "city",
    "latitude",
    "longitude",
    "online_url",
    "status",
)
SESSION_SEQUENCE_FIELDS = ("start_at", "end_at", "room")


@dataclass(frozen=True)
class Stamp:
    """The content version: any write to what feeds show changes it."""

    version: int
    changed_at: datetime


def read_stamp(db: Session) -> Stamp | None:
    """The current content version (one primary-key read); None if the row is missing."""
    row = db.execute(
        sa.select(col(ContentVersion.version), col(ContentVersion.changed_at)).where(col(ContentVersion.id) == 1)
    ).first()
    return Stamp(*row) if row else None


_local_generation = 0


def local_generation() -> int:
    """Grows on every commit in this process that changed feed content (cache invalidation)."""
    return _local_generation


def _changed(obj: Any, field: str) -> bool:
    history = get_history(obj, field)
    if not history.added:
        return False
    # Old value unknown (an expired attribute set blindly): count it as a change.
    return not history.deleted or history.added[0] != history.deleted[0]


def bump_sequence_if_needed(event: Event) -> bool:
    """Raise ``event.sequence`` if its time, place or status changed since the last flush.

    Idempotent within a flush (does nothing when ``sequence`` itself was already changed);
    new events and drafts that stay drafts keep their sequence. Returns whether it bumped.
    """
    state = sa.inspect(event)
    if state.transient or state.pending or state.deleted:
        return False
    if _changed(event, "sequence"):
        return False
    status = get_history(event, "status")
    was_draft = (status.deleted or status.unchanged or [event.status])[0] == EventStatus.draft
    if was_draft and event.status == EventStatus.draft:
        return False
    if was_draft:
        # The first publication: no subscriber holds a copy to replace. Published before (then
        # withdrawn, maybe changed): they do.
        published = get_history(event, "published_at")
        if (published.deleted or published.unchanged or [None])[0] is None:
            return False
    if not any(_changed(event, f) for f in EVENT_SEQUENCE_FIELDS):
        return False
    event.sequence = (event.sequence or 0) + 1
    return True


def bump_content_version(db: Session, *, now: datetime | None = None) -> None:
    """Bump the one content_version row in the current transaction (feeds re-render after commit)."""
    now = now or utcnow()
    table = table_of(ContentVersion)
    stamp = sa.literal(now, UTCDateTime())
    bump = (
        sa.update(table)
        .where(table.c.id == 1)
        # Never backwards, even if this machine's clock is behind the last writer's.
        .values(
            version=table.c.version + 1,
            changed_at=sa.case((table.c.changed_at > stamp, table.c.changed_at), else_=stamp),
        )
    )
    # An UPDATE gives a CursorResult; Session.execute is declared to return any Result.
    result = cast(CursorResult[Any], db.execute(bump))
    if result.rowcount == 0:  # a database made without the migration that inserts the row
        db.execute(sa.insert(table).values(id=1, version=1, changed_at=now))
    db.info["feeds_changed"] = True


def _parent_event(db: Session, obj: Any) -> Event | None:
    if isinstance(obj, Event):
        return obj
    if isinstance(obj, (AgendaSession, EventRegion, EventOrganisation)):
        return db.get(Event, obj.event_id) if obj.event_id is not None else None
    session = _parent_session(db, obj)
    return _parent_event(db, session) if session is not None else None


def _parent_session(db: Session, obj: Any) -> AgendaSession | None:
    if isinstance(obj, (SessionSpeaker, Panel)) and obj.session_id is not None:
        return db.get(AgendaSession, obj.session_id)
    return None


T = TypeVar("T")


def _live(obj: T | None, db: Session) -> TypeGuard[T]:
    return obj is not None and obj not in db.deleted and not sa.inspect(obj).deleted


def _keep_former_slug(db: Session, event: Event) -> None:
    """Record the slug an event leaves (whoever had it as a former slug before, it is this
    event's now); the slug it takes is nobody's former slug any more."""
    state = sa.inspect(event)
    if state.deleted or not _changed(event, "slug"):
        return
    old = get_history(event, "slug").deleted
    if event.id is not None and not state.pending and old and old[0] and old[0] != event.slug:
        row = db.get(EventFormerSlug, old[0])
        if row is None:
            db.add(EventFormerSlug(slug=old[0], event_id=event.id, retired_at=utcnow()))
        else:
            row.event_id, row.retired_at = event.id, utcnow()
    taken = db.get(EventFormerSlug, event.slug)
    if taken is not None:
        db.delete(taken)


def _before_flush(db: Session, _flush_context: Any, _instances: Any) -> None:
    now = utcnow()
    touched_events: dict[int, Event] = {}
    changed = [o for o in chain(db.new, db.deleted) if isinstance(o, FEED_SOURCES)]
    changed += [o for o in db.dirty if isinstance(o, FEED_SOURCES) and db.is_modified(o)]
    for obj in changed:
        if isinstance(obj, Event):
            bump_sequence_if_needed(obj)
            _keep_former_slug(db, obj)
            continue
        if isinstance(obj, (SessionSpeaker, Panel)):
            session = _parent_session(db, obj)
            if _live(session, db) and session not in db.new:
                session.updated_at = now
        if isinstance(obj, (AgendaSession, SessionSpeaker, Panel, EventRegion, EventOrganisation)):
            event = _parent_event(db, obj)
            if _live(event, db) and event not in db.new and event.id is not None:
                touched_events[event.id] = event
                if (
                    isinstance(obj, AgendaSession)
                    and obj in db.dirty
                    and event.status != EventStatus.draft
                    and not _changed(obj, "sequence")
                    and any(_changed(obj, f) for f in SESSION_SEQUENCE_FIELDS)
                ):
                    obj.sequence = (obj.sequence or 0) + 1  # this entry only, not the event's
    for event in touched_events.values():
        event.updated_at = now


def _after_flush(db: Session, _flush_context: Any) -> None:
    wrote = any(isinstance(o, FEED_SOURCES) for o in chain(db.new, db.deleted)) or any(
        isinstance(o, FEED_SOURCES) and db.is_modified(o) for o in db.dirty
    )
    if wrote:
        bump_content_version(db)


def _do_orm_execute(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(issubclass(m.class_, FEED_SOURCES) for m in state.all_mappers):
        bump_content_version(state.session)


def _after_commit(db: Session) -> None:
    global _local_generation
    if db.info.pop("feeds_changed", False):
        _local_generation += 1


def _after_rollback(db: Session) -> None:
    db.info.pop("feeds_changed", None)


def _old_value_needed(*_args: Any) -> None:
    """A no-op 'set' listener: with active_history it makes history carry the old value."""


def install() -> None:
    """Register the hooks once (idempotent)."""
    if sa.event.contains(Session, "before_flush", _before_flush):
        return
    sa.event.listen(Session, "before_flush", _before_flush)
    sa.event.listen(Session, "after_flush", _after_flush)
    sa.event.listen(Session, "do_orm_execute", _do_orm_execute)
    sa.event.listen(Session, "after_commit", _after_commit)
    sa.event.listen(Session, "after_rollback", _after_rollback)
    for field in (*EVENT_SEQUENCE_FIELDS, "sequence", "slug", "published_at"):
        sa.event.listen(getattr(Event, field), "set", _old_value_needed, active_history=True)
    for field in (*SESSION_SEQUENCE_FIELDS, "sequence"):
        sa.event.listen(getattr(AgendaSession, field), "set", _old_value_needed, active_history=True)


install()
