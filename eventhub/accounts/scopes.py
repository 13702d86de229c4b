"""What staff may read: WHERE clauses and load-one-or-404 helpers that every staff list,
lookup and export goes through (permissions.py says what a role may *do*).

| role          | events at the door (check-in)        | press accreditations, release events | press releases                               |
| ------------- | ------------------------------------ | ------------------------------------ | -------------------------------------------- |
| admin         | every event                          | every event                          | every release                                |
| organiser     | events they may edit                 | events they may edit                 | of events they may edit; without an event:   |
|               |                                      |                                      | written by them or by someone of their       |
|               |                                      |                                      | organisations                                |
| press officer | none                                 | public events                        | without an event, or of a public event       |
| check-in      | events given to them, and public     | none                                 | none                                         |
|               | events their organisations organise  |                                      |                                              |

Objects named by an id in an address are loaded through the event (or release) of that
address: another event's registration or invitation is "not found", never shown.
"""

from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.sql.base import ExecutableOption
from sqlmodel import Session, col, select

from eventhub.accounts.permissions import (
    MANAGING_ROLES,
    Action,
    can,
    editable_events_clause,
    managed_organisations,
)
from eventhub.accounts.service import organisation_ids
from eventhub.core.errors import NotFound
from eventhub.core.i18n import _
from eventhub.core.models import (
    PUBLIC_EVENT_STATUSES,
    Event,
    EventCheckinStaff,
    EventOrganisation,
    Invitation,
    PressRelease,
    Registration,
    StaffRole,
    StaffUser,
    StaffUserOrganisation,
)

# --- objects of an event ---


def registration_of(db: Session, event: Event, registration_id: int | None, *, fresh: bool = False) -> Registration:
    """The registration `registration_id` of `event`; any other is not found (ids are sequential)."""
    reg = _one_of(db, Registration, event, registration_id, fresh)
    if reg is None:
        raise NotFound(_("Регистрация не найдена"))
    return reg


def find_registration_of(db: Session, event: Event, registration_id: int | None) -> Registration | None:
    return _one_of(db, Registration, event, registration_id, False)


def invitation_of(db: Session, event: Event, invitation_id: int | None, *, fresh: bool = False) -> Invitation:
    invitation = _one_of(db, Invitation, event, invitation_id, fresh)
    if invitation is None:
        raise NotFound(_("Приглашение не найдено"))
    return invitation


_OfEvent = TypeVar("_OfEvent", Registration, Invitation)


def _one_of(db: Session, model: type[_OfEvent], event: Event, obj_id: int | None, fresh: bool) -> _OfEvent | None:
    if obj_id is None or event.id is None or not 0 < obj_id < 2**31:
        return None
    query = select(model).where(col(model.id) == obj_id, col(model.event_id) == event.id)
    if fresh:  # after the event's lock: what another transaction committed meanwhile
        query = query.execution_options(populate_existing=True)
    return db.exec(query).first()


# --- events ---


def checkin_events_clause(db: Session, user: StaffUser) -> sa.ColumnElement[bool]:
    """A WHERE clause on Event: where `user` may mark arrivals and print the sign-in sheet."""
    if not can(user, Action.check_in):
        return sa.false()
    if user.role != StaffRole.checkin:
        return editable_events_clause(db, user)
    given = col(Event.id).in_(select(EventCheckinStaff.event_id).where(EventCheckinStaff.user_id == user.id))
    orgs = organisation_ids(db, user)
    if not orgs:
        return given
    return sa.or_(given, sa.and_(col(Event.status).in_(PUBLIC_EVENT_STATUSES), _organised_by(orgs)))


def press_events_clause(db: Session, user: StaffUser) -> sa.ColumnElement[bool]:
    """A WHERE clause on Event: whose journalists' accreditations `user` sees, and which
    events a release of theirs may be about."""
    if user.role == StaffRole.admin and user.is_active:
        return sa.true()
    if can(user, Action.edit_press):  # press officers: every public event, no drafts
        return col(Event.status).in_(PUBLIC_EVENT_STATUSES)
    if can(user, Action.write_releases):
        return editable_events_clause(db, user)
    return sa.false()


def _organised_by(orgs: set[int]) -> sa.ColumnElement[bool]:
    return col(Event.id).in_(
        select(EventOrganisation.event_id).where(
            col(EventOrganisation.organisation_id).in_(orgs), col(EventOrganisation.role).in_(MANAGING_ROLES)
        )
    )


def release_event_allowed(db: Session, user: StaffUser | None, event_id: int | None) -> bool:
    """May `user` attach a release to the event `event_id` (None: no user, as the CLI or the demo)?"""
    if user is None or event_id is None:
        return True
    return db.exec(select(Event.id).where(Event.id == event_id, press_events_clause(db, user))).first() is not None


# --- press releases ---


def releases_clause(db: Session, user: StaffUser) -> sa.ColumnElement[bool]:
    """A WHERE clause on PressRelease: the releases `user` may read and change.

    A release about an event belongs to that event's organisers; one about no event to the
    organisations of its author (and to the press officers, who serve everyone)."""
    if not can(user, Action.write_releases):
        return sa.false()
    about = col(PressRelease.event_id).in_(select(Event.id).where(press_events_clause(db, user)))
    if user.role == StaffRole.admin:
        return sa.true()
    if user.role == StaffRole.press_officer:
        return sa.or_(col(PressRelease.event_id).is_(None), about)
    managed = managed_organisations(db, user) or set()
    authors = select(StaffUserOrganisation.user_id).where(col(StaffUserOrganisation.organisation_id).in_(managed))
    own = sa.or_(col(PressRelease.created_by_id) == user.id, col(PressRelease.created_by_id).in_(authors))
    return sa.or_(sa.and_(col(PressRelease.event_id).is_(None), own), about)


def release_or_404(
    db: Session,
    user: StaffUser,
    *,
    release_id: int | None = None,
    slug: str | None = None,
    options: tuple[ExecutableOption, ...] = (),
) -> PressRelease:
    """A release `user` may change, by id or slug; any other is not found (no 403 that would
    tell another organisation's drafts exist)."""
    query = select(PressRelease).where(releases_clause(db, user)).options(*options)
    query = (
        query.where(PressRelease.id == release_id) if release_id is not None else query.where(PressRelease.slug == slug)
    )
    release = db.exec(query).first()
    if release is None:
        raise NotFound(_("Публикация «%(value)s» не найдена") % {"value": slug or release_id})
    return release
