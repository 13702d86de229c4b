"""Changing events: create, edit, delete drafts, publish, postpone, cancel, set organisations.

Every function checks permissions (accounts/permissions.py), validates before writing,
writes the audit log, flushes and never commits. Changes of time, place or status bump
`Event.sequence` (calendar clients replace their copy); any change touches `updated_at`."""

from datetime import datetime, time, timedelta
from typing import Any, overload
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from eventhub.accounts.permissions import (
    Action,
    editable_events_clause,
    require,
    require_event_edit,
    require_managing_organisations,
    require_own_name,
)
from eventhub.accounts.service import organisation_ids
from eventhub.core import audit, hooks
from eventhub.core.db import lock_for_update
from eventhub.core.errors import Conflict, Invalid
from eventhub.core.i18n import _
from eventhub.core.models import (
    Event,
    EventOrganisation,
    EventPressContact,
    EventRegion,
    EventStatus,
    Language,
    Project,
    StaffRole,
    StaffUser,
    id_of,
    rel,
    table_of,
    utcnow,
)
from eventhub.core.text import search_key, unique_slug
from eventhub.core.validation import validate
from eventhub.core.versions import check_versions
from eventhub.directory.service import delete_row, replace_rows, resolve, slug_of
from eventhub.events.schemas import CHANGE_NOTICE_FIELDS, Cancel, EventCreate, EventOrganisationIn, Postpone
from eventhub.events.service import EventFilters, _event_options, _filtered
from eventhub.events.translations import FIELDS as TRANSLATION_FIELDS

# A change to any of these moves the event in people's calendars.
CALENDAR_FIELDS = (
    "start_at", "end_at", "all_day", "timezone", "status",
    "venue_name", "venue_address", "city", "venue_region", "latitude", "longitude", "online_url",
)  # fmt: skip
RELATED_FIELDS = (
    "slug",
    "project",
    "series",
    "regions",
    "press_contacts",
    "press_contact_roles",
    "organisations",
    "translations",
)
SCALAR_FIELDS = tuple(f for f in EventCreate.model_fields if f not in RELATED_FIELDS)
EDITABLE_STATUSES = tuple(EventStatus)
# What participants are written to about when it changes (not a map pin or the region).
NOTIFY_FIELDS = ("start_at", "end_at", "all_day", "timezone", "venue_name", "venue_address", "city", "online_url")


def _announce(db: Session, event: Event, kind: str, before: dict[str, Any], notice: hooks.ChangeNotice | None) -> None:
    """Publish the change to whoever subscribed (registrations writes to its participants)."""
    if notice is None or event.status == EventStatus.draft:
        return
    changed = tuple(f for f, value in before.items() if getattr(event, f) != value)
    if kind == "update" and not set(changed) & set(NOTIFY_FIELDS):
        return
    db.flush()  # the new SEQUENCE is in place before anyone writes a calendar part
    hooks.event_changed(db, hooks.EventChanged(event, kind, changed, before, notice))


def bump_sequence(event: Event) -> None:
    """iCalendar SEQUENCE: calendars replace their copy of the event when it grows."""
    event.sequence = (event.sequence or 0) + 1


def touch(event: Event) -> None:
    """Mark the event changed (feeds use updated_at for LAST-MODIFIED and cache keys)."""
    event.updated_at = utcnow()


@overload
def aware(value: datetime, tz: str) -> datetime: ...
@overload
def aware(value: None, tz: str) -> None: ...
def aware(value: datetime | None, tz: str) -> datetime | None:
    """A time without an offset is read in the event's time zone."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=ZoneInfo(tz))


def event_days(start: datetime, end: datetime, tz: str) -> tuple[datetime, datetime]:
    """The event's days in its zone: from the first midnight to the midnight after the last day."""
    zone = ZoneInfo(tz)
    first = start.astimezone(zone).date()
    last = (end - timedelta(microseconds=1)).astimezone(zone).date()
    return datetime.combine(first, time(), zone), datetime.combine(max(first, last) + timedelta(days=1), time(), zone)


def shift_days(value: datetime | None, days: int, tz: str) -> datetime | None:
    """The same wall-clock time `days` later in the event's zone."""
    if value is None or not days:
        return value
    return (value.astimezone(ZoneInfo(tz)) + timedelta(days=days)).astimezone(value.tzinfo)


def _dates(start: datetime, end: datetime, tz: str, all_day: bool) -> tuple[datetime, datetime]:
    start, end = aware(start, tz), aware(end, tz)
    if all_day:
        start, end = event_days(start, end, tz)
    if end <= start:
        raise Invalid(_("Неверные даты"), fields={"end_at": _("окончание должно быть позже начала")})
    return start, end


def _check_agenda_fits(event: Event, start: datetime, end: datetime, tz: str) -> int:
    """Days the agenda moves with the event's first day; a field error if it would not fit."""
    days = (start.astimezone(ZoneInfo(tz)).date() - event.start_at.astimezone(ZoneInfo(tz)).date()).days
    lo, hi = event_days(start, end, tz)
    for s in event.sessions:
        s_start, s_end = shift_days(s.start_at, days, tz), shift_days(s.end_at, days, tz)
        if (s_start and not lo <= s_start <= hi) or (s_end and not lo <= s_end <= hi):
            raise Invalid(
                _("Программа не помещается в новые даты"),
                fields={
                    "end_at": _("сессия «%(title)s» выходит за дни мероприятия: сначала измените программу")
                    % {"title": s.title}
                },
            )
    return days


def _move_agenda(event: Event, days: int, tz: str) -> None:
    for s in event.sessions:
        s.start_at, s.end_at = shift_days(s.start_at, days, tz), shift_days(s.end_at, days, tz)


def event_input(db: Session, event: Event) -> dict[str, Any]:
    """A stored event in the shape of EventCreate (references as slugs)."""
    db.refresh(event, ["regions", "organisations", "press_contacts"])
    return {name: getattr(event, name) for name in SCALAR_FIELDS} | {
        "slug": event.slug,
        "project": slug_of(db, "projects", event.project_id),
        "series": slug_of(db, "series", event.series_id),
        "regions": sorted(r.region for r in event.regions),
        "press_contacts": [c.contact.slug for c in event.press_contacts],
        "press_contact_roles": {c.contact.slug: c.role for c in event.press_contacts if c.role},
        "organisations": [
            {"organisation": eo.organisation.slug, "role": str(eo.role), "note": eo.note} for eo in event.organisations
        ],
    }


def _press_contact_roles(db: Session, data: EventCreate) -> dict[int, str | None] | None:
    """Roles by contact id, for contacts of the event only; None keeps the stored roles."""
    if data.press_contact_roles is None:
        return None
    unknown = [s for s in data.press_contact_roles if s not in data.press_contacts]
    if unknown:
        raise Invalid(
            _("Роль можно указать только контакту этого мероприятия"),
            fields={
                "press_contact_roles": _("нет среди контактов мероприятия: %(slugs)s")
                % {"slugs": ", ".join(unknown[:5])}
            },
        )
    contacts = resolve(db, "press-contacts", list(data.press_contact_roles), "press_contact_roles")
    by_slug = {c.slug: c.id for c in contacts}
    return {by_slug[s]: (r or None) for s, r in data.press_contact_roles.items() if s in by_slug}


def _organisation_rows(db: Session, items: list[EventOrganisationIn]) -> list[tuple[int, str, str | None]]:
    orgs = resolve(db, "organisations", [i.organisation for i in items], "organisations")
    by_slug = {o.slug: o.id for o in orgs}
    rows: list[tuple[int, str, str | None]] = []
    seen: set[tuple[int, str]] = set()
    for n, item in enumerate(items):
        key = (by_slug[item.organisation], item.role)
        if key in seen:
            raise Invalid(_("Повтор"), fields={f"organisations.{n}.role": _("эта организация уже указана в этой роли")})
        seen.add(key)
        rows.append((*key, item.note))
    return rows


def _default_organisations(db: Session, user: StaffUser) -> list[tuple[int, str, str | None]]:
    if user.role == StaffRole.admin:
        return []
    mine = sorted(organisation_ids(db, user))
    if len(mine) != 1:
        raise Invalid(
            _("Укажите организатора"),
            fields={"organisations": _("укажите, какая из ваших организаций проводит мероприятие")},
        )
    return [(mine[0], "organiser", None)]


def _prepare(db: Session, data: EventCreate, *, event: Event | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Column values and related rows from a validated body; every field error before any write."""
    tz = data.timezone
    values = data.model_dump(include=set(SCALAR_FIELDS))
    values["start_at"], values["end_at"] = _dates(data.start_at, data.end_at, tz, data.all_day)
    opens, deadline = aware(data.registration_opens_at, tz), aware(data.registration_deadline_at, tz)
    values["registration_opens_at"], values["registration_deadline_at"] = opens, deadline
    if deadline and opens and deadline < opens:
        raise Invalid(_("Неверные даты"), fields={"registration_deadline_at": _("не раньше открытия регистрации")})
    if deadline and deadline > values["end_at"]:
        raise Invalid(_("Неверные даты"), fields={"registration_deadline_at": _("не позже окончания мероприятия")})
    (project,) = resolve(db, "projects", data.project, "project") or (None,)
    (series,) = resolve(db, "series", data.series, "series") or (None,)
    if series is not None:
        values["series_edition"] = data.series_edition or str(values["start_at"].astimezone(ZoneInfo(tz)).year)
        if project is None and event is None and series.project_id:  # a new edition: the series' project
            project = db.get(Project, series.project_id)
    values["project_id"] = project.id if project else None
    values["series_id"] = series.id if series else None
    values["languages"] = [str(v) for v in dict.fromkeys(data.languages)]
    values["search_text"] = search_key(data.title, data.summary, data.city)
    if data.translations is not None:  # None keeps the stored versions (the admin form, a PATCH without them)
        original = event.original_language if event is not None else Language.ru.value
        values["translations"] = check_versions(original, TRANSLATION_FIELDS, data.translations)
    related = {
        "regions": [str(v) for v in dict.fromkeys(data.regions)],
        "press_contacts": [c.id for c in resolve(db, "press-contacts", data.press_contacts, "press_contacts")],
        "press_contact_roles": _press_contact_roles(db, data),
        "organisations": None if data.organisations is None else _organisation_rows(db, data.organisations),
    }
    return values, related


def _write_related(db: Session, event: Event, related: dict[str, Any]) -> None:
    event_id = id_of(event)
    db.refresh(event, ["regions", "organisations", "press_contacts"])
    replace_rows(
        db, sorted(event.regions, key=lambda r: r.region), sorted((r,) for r in related["regions"]),
        lambda r: (r.region,), lambda i, w: EventRegion(event_id=event_id, region=w[0]),
    )  # fmt: skip
    # A contact's role here: as given, else as stored (the main editor sends only the slugs).
    roles = related["press_contact_roles"]
    kept = {c.contact_id: c.role for c in event.press_contacts}
    replace_rows(
        db, event.press_contacts,
        [(c, roles.get(c) if roles is not None else kept.get(c)) for c in related["press_contacts"]],
        lambda c: (c.contact_id, c.role),
        lambda i, w: EventPressContact(event_id=event_id, contact_id=w[0], role=w[1], position=i),
    )  # fmt: skip
    if related["organisations"] is not None:
        replace_rows(
            db, event.organisations, related["organisations"],
            lambda eo: (eo.organisation_id, eo.role, eo.note),
            lambda i, w: EventOrganisation(event_id=event_id, organisation_id=w[0], role=w[1], note=w[2], position=i),
        )  # fmt: skip
    db.expire(event, ["regions", "organisations", "press_contacts"])


def create_event(db: Session, *, data: EventCreate, user: StaffUser | None) -> Event:
    """A new draft; an organiser's own organisation becomes its organiser unless others are given."""
    user = require(user, Action.edit_events)
    values, related = _prepare(db, data)
    if related["organisations"] is None:
        related["organisations"] = _default_organisations(db, user)
    roles = [(org, role) for org, role, _ in related["organisations"]]
    require_managing_organisations(db, user, roles)
    require_own_name(db, user, roles)
    values["slug"] = unique_slug(db, Event, data.title, wanted=data.slug)
    event = Event(**values, status=EventStatus.draft, created_by_id=user.id)
    db.add(event)
    db.flush()
    _write_related(db, event, related)
    changes = audit.diff({}, event_input(db, event))
    if event.translations:
        changes["translations"] = [None, event.translations]
    audit.record(db, user=user, action="create", entity=event, event_id=event.id, changes=changes)
    db.flush()
    return event


def update_event(
    db: Session, *, event: Event, data: EventCreate, user: StaffUser | None, notice: hooks.ChangeNotice | None = None
) -> Event:
    """Change an event to `data` (a whole body: PATCH merges first); moving its first day moves the agenda.

    With a `notice`, a change of time, place or online link is announced (participants' mail)."""
    user = require_event_edit(db, user, event)
    lock_for_update(db, table_of(Event), id_of(event))
    before = event_input(db, event)
    calendar_before = {f: getattr(event, f) for f in CALENDAR_FIELDS}
    before_versions = event.translations or {}
    values, related = _prepare(db, data, event=event)
    if related["organisations"] is not None:
        require_managing_organisations(db, user, [(org, role) for org, role, _ in related["organisations"]])
    values["slug"] = unique_slug(db, Event, data.title, wanted=data.slug, own_id=event.id)
    days = _check_agenda_fits(event, values["start_at"], values["end_at"], data.timezone)
    _move_agenda(event, days, data.timezone)
    changed = audit.apply_changes(event, values)
    if set(changed) & set(CALENDAR_FIELDS):
        bump_sequence(event)
    _write_related(db, event, related)
    changes = audit.diff(before, event_input(db, event))
    if "translations" in values and values["translations"] != before_versions:
        changes["translations"] = [before_versions, values["translations"]]
    if changes:
        touch(event)
        audit.record(db, user=user, action="update", entity=event, event_id=event.id, changes=changes)
    db.flush()
    _announce(db, event, "update", calendar_before, notice)
    return event


def update_event_partly(
    db: Session, *, event: Event, patch: Any, user: StaffUser | None, notice: hooks.ChangeNotice | None = None
) -> Event:
    """PATCH: the sent fields over the stored ones, validated as a whole."""
    require_event_edit(db, user, event)
    sent = patch.model_dump(exclude_unset=True, exclude=CHANGE_NOTICE_FIELDS)
    data = validate(EventCreate, event_input(db, event) | sent)
    return update_event(db, event=event, data=data, user=user, notice=notice)


def set_event_organisations(
    db: Session, *, event: Event, items: list[EventOrganisationIn], user: StaffUser | None
) -> Event:
    """Replace the organisations of an event and their roles."""
    data = validate(EventCreate, event_input(db, event) | {"organisations": [i.model_dump() for i in items]})
    return update_event(db, event=event, data=data, user=user)


def set_press_contact_roles(db: Session, *, event: Event, roles: dict[str, str], user: StaffUser | None) -> Event:
    """The role of each press contact on this event (by contact slug; empty: none)."""
    data = validate(EventCreate, event_input(db, event) | {"press_contact_roles": roles})
    return update_event(db, event=event, data=data, user=user)


def _set_status(db: Session, event: Event, user: StaffUser, action: str, values: dict[str, Any]) -> Event:
    changes = audit.apply_changes(event, values)
    bump_sequence(event)
    touch(event)
    audit.record(db, user=user, action=action, entity=event, event_id=event.id, changes=changes)
    db.flush()
    return event


def publish_event(db: Session, *, event: Event, user: StaffUser | None, now: datetime | None = None) -> Event:
    """Make a draft (or a postponed event, with its new dates) public."""
    user = require_event_edit(db, user, event)
    if event.status == EventStatus.published:
        raise Conflict(_("Мероприятие уже опубликовано"))
    if event.status == EventStatus.cancelled:
        raise Conflict(_("Отменённое мероприятие нельзя опубликовать снова"))
    # A postponed event keeps its note and previous dates: the page and feeds still say it moved.
    values = {"status": EventStatus.published.value, "published_at": event.published_at or now or utcnow()}
    return _set_status(db, event, user, "publish", values)


def postpone_event(
    db: Session, *, event: Event, data: Postpone, user: StaffUser | None, notice: hooks.ChangeNotice | None = None
) -> Event:
    """Move a public event to new dates; its agenda moves with it, registration stays as it was."""
    user = require_event_edit(db, user, event)
    if event.status not in (EventStatus.published, EventStatus.postponed):
        raise Conflict(_("Перенести можно опубликованное мероприятие; у черновика просто измените даты"))
    lock_for_update(db, table_of(Event), id_of(event))
    start, end = _dates(data.start_at, data.end_at, event.timezone, event.all_day)
    if (start, end) == (event.start_at, event.end_at):
        raise Invalid(_("Даты не изменились"), fields={"start_at": _("новые даты совпадают с прежними")})
    _move_agenda(event, _check_agenda_fits(event, start, end, event.timezone), event.timezone)
    note = data.note or _("Мероприятие перенесено на новые даты.")
    before = {f: getattr(event, f) for f in ("start_at", "end_at", "status")}
    values = {
        "start_at": start, "end_at": end, "status": EventStatus.postponed.value, "status_note": note,
        "previous_start_at": event.start_at, "previous_end_at": event.end_at,
    }  # fmt: skip
    _set_status(db, event, user, "postpone", values)
    _announce(db, event, "postpone", before, notice)
    return event


def cancel_event(
    db: Session,
    *,
    event: Event,
    data: Cancel,
    user: StaffUser | None,
    now: datetime | None = None,
    notice: hooks.ChangeNotice | None = None,
) -> Event:
    """Cancel a public event, saying why; it stays visible, marked cancelled."""
    user = require_event_edit(db, user, event)
    if event.status == EventStatus.cancelled:
        raise Conflict(_("Мероприятие уже отменено"))
    if event.status == EventStatus.draft:
        raise Conflict(_("Черновик не нужно отменять — его можно удалить"))
    before = {"status": event.status}
    values = {"status": EventStatus.cancelled.value, "cancelled_at": now or utcnow(), "status_note": data.reason}
    _set_status(db, event, user, "cancel", values)
    _announce(db, event, "cancel", before, notice)
    return event


def delete_event(db: Session, *, event: Event, user: StaffUser | None) -> None:
    """Delete a draft; public events are cancelled instead, so links and calendars stay valid."""
    user = require_event_edit(db, user, event)
    if event.status != EventStatus.draft:
        raise Conflict(_("Опубликованное мероприятие нельзя удалить — его можно отменить"))
    changes = audit.diff(event_input(db, event), {})
    delete_row(db, event, _("Черновик нельзя удалить: на него ссылаются публикации"))
    audit.record(db, user=user, action="delete", entity=event, event_id=event.id, changes=changes)
    db.flush()


def get_event_for_staff(db: Session, slug: str) -> Event | None:
    """Any event with everything its pages show, whatever its status (permissions are the caller's)."""
    return db.exec(select(Event).where(Event.slug == slug).options(*_event_options())).first()


def list_editable_events(
    db: Session,
    user: StaffUser,
    filters: EventFilters,
    *,
    status: str | None,
    now: datetime,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Event], int]:
    """The events `user` may edit, newest first, with the public filters and a status."""
    if status and status not in EventStatus.__members__.values():
        raise Invalid(
            _("Неверные параметры фильтра"), fields={"status": _("неизвестный статус: %(status)s") % {"status": status}}
        )
    query = _filtered(filters.validate(), now, statuses=(status,) if status else EDITABLE_STATUSES)
    query = query.where(editable_events_clause(db, user))
    total = db.exec(select(sa.func.count()).select_from(query.subquery())).one()
    rows = db.exec(
        query.options(selectinload(rel(Event.organisations)).selectinload(rel(EventOrganisation.organisation)))
        .order_by(col(Event.start_at).desc(), col(Event.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), total
