"""Who may do what: the one place the write API, the admin pages and the services ask.

| role          | events                                                    | directory*        | press contacts, releases | check-in |
| ------------- | --------------------------------------------------------- | ----------------- | ------------------------ | -------- |
| admin         | every event                                               | create/edit/delete | yes                     | yes      |
| organiser     | events where one of their organisations is (co-)organiser | create/edit       | releases only            | own events |
| press officer | read public ones                                          | no                | yes                      | no       |
| check-in      | read public ones                                          | no                | no                       | given events** |

*directory: organisations, projects, series, people.
**check-in staff work only at the events an organiser gave them (event_checkin_staff) and at
the published events their own organisations (co-)organise.
Drafts are visible only to those who may edit them; to everyone else they do not exist (404).
What each role may *read* (lists, exports, releases) is in accounts/scopes.py.
"""

import enum
from typing import TypeGuard

import sqlalchemy as sa
from sqlmodel import Session, col, select

from eventhub.accounts.service import organisation_ids
from eventhub.core.errors import Forbidden, Invalid, NotFound, Unauthorized
from eventhub.core.i18n import _
from eventhub.core.models import (
    PUBLIC_EVENT_STATUSES,
    Event,
    EventCheckinStaff,
    EventOrganisation,
    EventRole,
    StaffRole,
    StaffUser,
)

MANAGING_ROLES = (EventRole.organiser, EventRole.co_organiser)


class Action(enum.StrEnum):
    edit_events = "edit_events"  # create events for one's organisations, edit them
    edit_directory = "edit_directory"  # create and change organisations, projects, series, people
    delete_directory = "delete_directory"
    edit_press = "edit_press"  # press contacts (and releases)
    write_releases = "write_releases"  # press releases: press officers and organisers
    check_in = "check_in"
    read_audit = "read_audit"
    manage_users = "manage_users"  # staff accounts: add, roles, organisations, disable, reset, sessions


GRANTS: dict[str, frozenset[Action]] = {
    StaffRole.admin: frozenset(Action),
    StaffRole.organiser: frozenset({Action.edit_events, Action.edit_directory, Action.check_in, Action.write_releases}),
    StaffRole.press_officer: frozenset({Action.edit_press, Action.write_releases}),
    StaffRole.checkin: frozenset({Action.check_in}),
}


def can(user: StaffUser | None, action: Action) -> TypeGuard[StaffUser]:  # True also tells mypy it is a user
    return user is not None and user.is_active and action in GRANTS.get(user.role, frozenset())


def require(user: StaffUser | None, action: Action) -> StaffUser:
    """The user, if they may do `action`: 401 for nobody, 403 for a role without it."""
    if user is None:
        raise Unauthorized(_("Нужна авторизация"))
    if not can(user, action):
        raise Forbidden(_("Недостаточно прав"))
    return user


def managed_organisations(db: Session, user: StaffUser) -> set[int] | None:
    """Organisations whose events the user runs; None means every organisation (admin)."""
    if user.role == StaffRole.admin:
        return None
    return organisation_ids(db, user) if can(user, Action.edit_events) else set()


def can_edit_event(db: Session, user: StaffUser | None, event: Event) -> bool:
    if not can(user, Action.edit_events):
        return False
    managed = managed_organisations(db, user)
    if managed is None:
        return True
    return bool(managed & _managing_organisations(db, event))


def can_view_event(db: Session, user: StaffUser | None, event: Event) -> bool:
    return event.status in PUBLIC_EVENT_STATUSES or can_edit_event(db, user, event)


def can_check_in(db: Session, user: StaffUser | None, event: Event) -> bool:
    if not can(user, Action.check_in):
        return False
    if user.role != StaffRole.checkin:
        return can_edit_event(db, user, event)
    if event.id is None:
        return False
    given = db.exec(
        select(EventCheckinStaff.event_id).where(
            EventCheckinStaff.event_id == event.id, EventCheckinStaff.user_id == user.id
        )
    ).first()
    if given is not None:
        return True
    return event.status in PUBLIC_EVENT_STATUSES and bool(
        organisation_ids(db, user) & _managing_organisations(db, event)
    )


def require_check_in(db: Session, user: StaffUser | None, event: Event) -> StaffUser:
    """The user, if they may mark arrivals at `event` (and print its sign-in sheet); a draft
    they may not see is a 404, not a 403."""
    user = require(user, Action.check_in)
    if not can_check_in(db, user, event):
        if not can_view_event(db, user, event):
            raise NotFound(_("Мероприятие «%(slug)s» не найдено") % {"slug": event.slug})
        if user.role == StaffRole.checkin:
            raise Forbidden(_("Вам не поручена регистрация участников этого мероприятия"))
        raise Forbidden(_("Это мероприятие ведут другие организации"))
    return user


def require_event_edit(db: Session, user: StaffUser | None, event: Event) -> StaffUser:
    """The user, if they may change `event`; a draft they may not edit is a 404, not a 403."""
    user = require(user, Action.edit_events)
    if not can_edit_event(db, user, event):
        if event.status not in PUBLIC_EVENT_STATUSES:
            raise NotFound(_("Мероприятие «%(slug)s» не найдено") % {"slug": event.slug})
        raise Forbidden(_("Это мероприятие ведут другие организации"))
    return user


def require_managing_organisations(db: Session, user: StaffUser, organisation_roles: list[tuple[int, str]]) -> None:
    """An organiser must stay among the (co-)organisers of what they create or change."""
    managed = managed_organisations(db, user)
    if managed is None:
        return
    if not any(org_id in managed and role in MANAGING_ROLES for org_id, role in organisation_roles):
        raise Invalid(
            _("Среди организаторов нет вашей организации"),
            fields={"organisations": _("укажите свою организацию организатором или соорганизатором")},
        )


def require_own_name(db: Session, user: StaffUser, organisation_roles: list[tuple[int, str]]) -> None:
    """A new event is organised in the name of one of the organiser's organisations: every
    organisation named "organiser" is theirs (others may be co-organisers, partners...).
    The admin form offers only one's own; the API is held to the same."""
    managed = managed_organisations(db, user)
    if managed is None:
        return
    organisers = {org_id for org_id, role in organisation_roles if role == EventRole.organiser}
    if not organisers or not organisers <= managed:
        raise Invalid(
            _("Мероприятие можно создать только от имени своей организации"),
            fields={"organisations": _("организатором укажите одну из своих организаций; другие могут быть соорганизаторами или партнёрами")},
        )  # fmt: skip


def editable_events_clause(db: Session, user: StaffUser) -> sa.ColumnElement[bool]:
    """A WHERE clause: the events `user` may edit (for the admin lists)."""
    managed = managed_organisations(db, user)
    if managed is None:
        return sa.true()
    if not managed:
        return sa.false()
    return col(Event.id).in_(
        select(EventOrganisation.event_id).where(
            col(EventOrganisation.organisation_id).in_(managed), col(EventOrganisation.role).in_(MANAGING_ROLES)
        )
    )


def _managing_organisations(db: Session, event: Event) -> set[int]:
    if event.id is None:
        return set()
    return set(
        db.exec(
            select(EventOrganisation.organisation_id).where(
                EventOrganisation.event_id == event.id, col(EventOrganisation.role).in_(MANAGING_ROLES)
            )
        )
    )
