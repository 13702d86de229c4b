"""What the dashboard shows each role: plain functions of (db, user, now), one per panel.

Organisers: their upcoming events with registration counts and what waits for them; check-in
staff: today's and tomorrow's events with a big check-in button; press officers (and
organisers): drafts, releases under embargo, journalists' accreditation requests; admins all
of that and the recent activity. Every query goes through accounts.permissions / scopes, so a
panel lists only what the user may open."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from eventhub.accounts import scopes
from eventhub.accounts.permissions import Action, can, editable_events_clause
from eventhub.admin.history import ACTIONS, ENTITIES, who_of
from eventhub.core.i18n import _
from eventhub.core.models import (
    AuditLog,
    Event,
    EventStatus,
    PressRelease,
    PressReleaseStatus,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
    StaffUser,
)

UPCOMING = 12
S = RegistrationStatus


@dataclass
class EventCounts:
    event: Event
    registered: int = 0  # confirmed or already arrived
    waiting: int = 0  # on the waiting list
    to_approve: int = 0  # pending the organiser's approval
    arrived: int = 0


@dataclass
class Todo:
    text: str
    href: str


@dataclass
class OrganiserPanel:
    events: list[EventCounts]
    todo: list[Todo]
    drafts: int


@dataclass
class PressPanel:
    drafts: list[PressRelease]
    scheduled: list[PressRelease]
    accreditations: list[tuple[Event, int]]  # upcoming events with journalists registered


@dataclass
class Activity:
    at: datetime
    who: str
    what: str
    event: Event | None


@dataclass
class Dashboard:
    organiser: OrganiserPanel | None = None
    checkin: list[EventCounts] | None = None
    press: PressPanel | None = None
    activity: list[Activity] = field(default_factory=list)


def _counts(db: Session, events: list[Event]) -> list[EventCounts]:
    """Registration counts of `events`, one grouped query."""
    out = {e.id: EventCounts(e) for e in events}
    if not out:
        return []
    rows = db.exec(
        select(Registration.event_id, Registration.status, sa.func.count())
        .where(col(Registration.event_id).in_(list(out)))
        .group_by(col(Registration.event_id), col(Registration.status))
    ).all()
    for event_id, status, n in rows:
        c = out[event_id]
        if status in (S.confirmed, S.attended):
            c.registered += n
        if status == S.attended:
            c.arrived += n
        elif status == S.waitlisted:
            c.waiting += n
        elif status == S.pending:
            c.to_approve += n
    return list(out.values())


def organiser_panel(db: Session, user: StaffUser, now: datetime) -> OrganiserPanel:
    """Upcoming (and running) events the user edits, their counts, and what needs them."""
    mine = editable_events_clause(db, user)
    events = list(
        db.exec(
            select(Event)
            .where(mine, col(Event.end_at) >= now, Event.status != EventStatus.cancelled)
            .order_by(col(Event.start_at), col(Event.id))
            .limit(UPCOMING)
        ).all()
    )
    counts = _counts(db, events)
    drafts = db.exec(select(sa.func.count()).select_from(Event).where(mine, Event.status == EventStatus.draft)).one()
    todo: list[Todo] = []
    for c in counts:
        base = f"/admin/events/{c.event.slug}"
        if c.to_approve:
            todo.append(Todo(_("«%(title)s»: заявок ждут одобрения — %(n)s") % {"title": c.event.title, "n": c.to_approve},
                             f"{base}/registrations?status=pending"))  # fmt: skip
        if c.event.status == EventStatus.draft and c.event.start_at - now < timedelta(days=30):
            todo.append(Todo(_("«%(title)s» ещё черновик, а до начала меньше месяца") % {"title": c.event.title},
                             f"{base}/publish"))  # fmt: skip
        if c.event.status == EventStatus.postponed:
            todo.append(Todo(_("«%(title)s» перенесено: проверьте даты и опубликуйте снова") % {"title": c.event.title},
                             base))  # fmt: skip
    return OrganiserPanel(counts, todo, drafts)


def checkin_panel(db: Session, user: StaffUser, now: datetime, tz: str) -> list[EventCounts]:
    """Events of today and tomorrow (the site's zone) where the user may mark arrivals."""
    local = now.astimezone(ZoneInfo(tz))
    today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    events = list(
        db.exec(
            select(Event)
            .where(
                scopes.checkin_events_clause(db, user),
                col(Event.status).in_((EventStatus.published, EventStatus.postponed)),
                col(Event.start_at) < today + timedelta(days=2),
                col(Event.end_at) >= today,
            )
            .order_by(col(Event.start_at), col(Event.id))
            .limit(UPCOMING)
        ).all()
    )
    return _counts(db, events)


def press_panel(db: Session, user: StaffUser, now: datetime) -> PressPanel:
    releases = scopes.releases_clause(db, user)

    def of(status: str, order: Any) -> list[PressRelease]:
        return list(
            db.exec(select(PressRelease).where(releases, PressRelease.status == status).order_by(order).limit(10)).all()
        )

    accreditations = db.exec(
        select(Event, sa.func.count())
        .join(Registration, col(Registration.event_id) == col(Event.id))
        .where(
            Registration.category == RegistrationCategory.press,
            scopes.press_events_clause(db, user),
            col(Event.end_at) >= now,
        )
        .group_by(col(Event.id))
        .order_by(col(Event.start_at))
        .limit(10)
    ).all()
    return PressPanel(
        of(PressReleaseStatus.draft, col(PressRelease.updated_at).desc()),
        of(PressReleaseStatus.scheduled, col(PressRelease.embargo_until)),
        [(e, n) for e, n in accreditations],
    )


def recent_activity(db: Session, limit: int = 15) -> list[Activity]:
    rows = db.exec(
        select(AuditLog, StaffUser, Event)
        .join(StaffUser, col(StaffUser.id) == col(AuditLog.user_id), isouter=True)
        .join(Event, col(Event.id) == col(AuditLog.event_id), isouter=True)
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
        .limit(limit)
    ).all()
    out = []
    for entry, who, event in rows:
        action = _(ACTIONS[entry.action]) if entry.action in ACTIONS else entry.action.replace("_", " ")
        entity = _(ENTITIES[entry.entity_type]) if entry.entity_type in ENTITIES else ""
        out.append(Activity(entry.at, who_of(who), f"{action}: {entity}" if entity else action, event))
    return out


def dashboard(db: Session, user: StaffUser, now: datetime, tz: str) -> Dashboard:
    """The panels of `user`'s role (an admin's: all of them)."""
    board = Dashboard()
    if can(user, Action.edit_events):
        board.organiser = organiser_panel(db, user, now)
    if can(user, Action.check_in) and not can(user, Action.edit_events):
        board.checkin = checkin_panel(db, user, now, tz)
    elif can(user, Action.check_in):  # organisers and admins: the door of today's events too
        board.checkin = checkin_panel(db, user, now, tz) or None
    if can(user, Action.write_releases):
        board.press = press_panel(db, user, now)
    if can(user, Action.read_audit):
        board.activity = recent_activity(db)
    return board
