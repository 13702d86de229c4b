"""Changing an event's agenda: sessions, their order, speakers and panels.

Sessions stay inside the event's days and never overlap in one room; every change
touches the event's `updated_at` and is audited against the event."""

from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, delete

from eventhub.accounts.permissions import require_event_edit
from eventhub.agenda.schemas import SessionCreate
from eventhub.agenda.translations import PANEL_FIELDS, SESSION_FIELDS, split_versions
from eventhub.core import audit
from eventhub.core.db import lock_for_update
from eventhub.core.errors import Invalid, NotFound
from eventhub.core.i18n import _
from eventhub.core.models import (
    AgendaSession,
    Event,
    Language,
    Panel,
    Person,
    SessionKind,
    SessionSpeaker,
    SpeakerRole,
    StaffUser,
    id_of,
    table_of,
)
from eventhub.core.validation import merged
from eventhub.core.versions import check_versions
from eventhub.directory.service import resolve
from eventhub.events.editing import aware, event_days, touch

PEOPLE_FIELDS = {
    "speakers": SpeakerRole.speaker,
    "moderators": SpeakerRole.moderator,
    "panellists": SpeakerRole.panellist,
}
SCALAR_FIELDS = ("kind", "title", "description", "start_at", "end_at", "room", "track")


def get_session(event: Event, session_id: int) -> AgendaSession:
    """A session of this event (another event's session is not found here)."""
    for s in event.sessions:
        if s.id == session_id:
            return s
    raise NotFound(
        _("Сессия %(session_id)s не найдена в программе «%(title)s»") % {"session_id": session_id, "title": event.title}
    )


def session_input(session: AgendaSession) -> dict[str, Any]:
    """A stored session in the shape of SessionCreate."""
    data: dict[str, Any] = {name: getattr(session, name) for name in SCALAR_FIELDS}
    for name, role in PEOPLE_FIELDS.items():
        data[name] = [sp.person.slug for sp in session.speakers if sp.role == role]
    panel = session.panel
    data["guiding_questions"] = list(panel.guiding_questions) if panel else []
    data["expected_result"] = panel.expected_result if panel else None
    return data


def session_versions(session: AgendaSession) -> dict[str, dict[str, Any]]:
    """A session's and its panel's versions together, as the `translations` of its body."""
    out: dict[str, dict[str, Any]] = {}
    for obj in (session, session.panel):
        for lang, values in ((obj.translations or {}) if obj is not None else {}).items():
            out.setdefault(lang, {}).update(values)
    return out


def _same_room(a: str | None, b: str | None) -> bool:
    return bool(a and b and a.strip().casefold() == b.strip().casefold())


def _prepare(
    db: Session, event: Event, data: SessionCreate, own: AgendaSession | None
) -> tuple[dict[str, Any], dict[str, list[Person]]]:
    """Column values and people of a session; every field error before any write."""
    tz = event.timezone
    values = data.model_dump(include=set(SCALAR_FIELDS))
    start, end = values["start_at"], values["end_at"] = aware(data.start_at, tz), aware(data.end_at, tz)
    errors: dict[str, str] = {}
    if end and not start:
        errors["start_at"] = _("укажите начало, раз указано окончание")
    elif start and end and end <= start:
        errors["end_at"] = _("окончание должно быть позже начала")
    lo, hi = event_days(event.start_at, event.end_at, tz)
    days = f"{lo:%d.%m.%Y}–{hi - timedelta(days=1):%d.%m.%Y}"
    for name, value in (("start_at", start), ("end_at", end)):
        if value and not lo <= value <= hi and name not in errors:
            errors[name] = _("вне дней мероприятия (%(days)s)") % {"days": days}
    if start and not errors:
        for other in event.sessions:
            if other is own or not other.start_at or not _same_room(other.room, data.room):
                continue
            other_end = other.end_at or other.start_at
            if other.start_at == start or (other.start_at < (end or start) and start < other_end):
                errors["room"] = _("в зале «%(room)s» в это время уже идёт «%(title)s»") % {
                    "room": data.room,
                    "title": other.title,
                }
                break
    if errors:
        raise Invalid(_("Неверные данные сессии"), fields=errors)
    if data.translations is not None:  # None keeps the stored versions (the admin form, a PATCH without them)
        original = own.original_language if own is not None else Language.ru.value
        values["translations"] = check_versions(original, SESSION_FIELDS | PANEL_FIELDS, data.translations)
    people = {name: resolve(db, "people", getattr(data, name), name) for name in PEOPLE_FIELDS}
    return values, people


def _write_people_and_panel(
    db: Session,
    session: AgendaSession,
    data: SessionCreate,
    people: dict[str, list[Person]],
    versions: dict[str, dict[str, Any]] | None,
) -> None:
    session_id = id_of(session)
    db.exec(delete(SessionSpeaker).where(col(SessionSpeaker.session_id) == session_id))
    position = 0
    for name, role in PEOPLE_FIELDS.items():
        for person in people[name]:
            db.add(SessionSpeaker(session_id=session_id, person_id=id_of(person), role=role, position=position))
            position += 1
    wants_panel = data.kind == SessionKind.panel or bool(data.guiding_questions or data.expected_result)
    panel = session.panel
    panel_versions = split_versions(versions)[1] if versions is not None else None
    if wants_panel and panel is None:
        db.add(
            Panel(
                session_id=session_id,
                guiding_questions=data.guiding_questions,
                expected_result=data.expected_result,
                original_language=session.original_language,
                translations=panel_versions or {},
            )  # fmt: skip
        )
    elif wants_panel and panel is not None:
        panel.guiding_questions, panel.expected_result = list(data.guiding_questions), data.expected_result
        if panel_versions is not None:
            panel.translations = panel_versions
    elif panel is not None:
        db.delete(panel)
    db.flush()
    db.refresh(session, ["speakers", "panel"])


def _changes(before: dict[str, Any], before_versions: dict[str, Any], session: AgendaSession) -> dict[str, list[Any]]:
    """What changed in a session, its people and panel, and their versions in other languages."""
    changes = audit.diff(before, session_input(session))
    after_versions = session_versions(session)
    if after_versions != before_versions:
        changes["translations"] = [before_versions or None, after_versions or None]
    return changes


def _renumber(sessions: list[AgendaSession]) -> None:
    for i, s in enumerate(sessions):
        s.position = i


def _locked(db: Session, event: Event, user: StaffUser | None) -> None:
    require_event_edit(db, user, event)
    lock_for_update(db, table_of(Event), id_of(event))


def _done(
    db: Session, event: Event, user: StaffUser | None, action: str, session: AgendaSession, changes: dict[str, Any]
) -> None:
    touch(event)
    audit.record(db, user=user, action=action, entity=session, event_id=event.id, changes=changes)
    db.flush()


def create_session(db: Session, *, event: Event, data: SessionCreate, user: StaffUser | None) -> AgendaSession:
    """Add a session; with a start time it goes after the sessions that start no later."""
    _locked(db, event, user)
    values, people = _prepare(db, event, data, None)
    versions = values.pop("translations", None)
    session = AgendaSession(event_id=id_of(event), **values)
    if versions is not None:
        session.translations = split_versions(versions)[0]
    db.add(session)
    db.flush()
    _write_people_and_panel(db, session, data, people, versions)
    ordered = [s for s in event.sessions if s is not session]
    start = session.start_at
    index = next((i for i, s in enumerate(ordered) if start and s.start_at and s.start_at > start), len(ordered))
    ordered.insert(index, session)
    _renumber(ordered)
    db.expire(event, ["sessions"])
    _done(db, event, user, "create", session, _changes({}, {}, session))
    return session


def update_session(
    db: Session, *, event: Event, session: AgendaSession, data: SessionCreate, user: StaffUser | None
) -> AgendaSession:
    """Change a session to `data` (a whole body)."""
    _locked(db, event, user)
    before, before_versions = session_input(session), session_versions(session)
    values, people = _prepare(db, event, data, session)
    versions = values.pop("translations", None)
    if versions is not None:
        values["translations"] = split_versions(versions)[0]
    audit.apply_changes(session, values)
    _write_people_and_panel(db, session, data, people, versions)
    changes = _changes(before, before_versions, session)
    if changes:
        _done(db, event, user, "update", session, changes)
    return session


def update_session_partly(
    db: Session, *, event: Event, session: AgendaSession, patch: Any, user: StaffUser | None
) -> AgendaSession:
    """PATCH: the sent fields over the stored ones, validated as a whole."""
    require_event_edit(db, user, event)
    data = merged(SessionCreate, session_input(session), patch)
    return update_session(db, event=event, session=session, data=data, user=user)


def delete_session(db: Session, *, event: Event, session: AgendaSession, user: StaffUser | None) -> None:
    _locked(db, event, user)
    changes = audit.diff(session_input(session), {})
    remaining = [s for s in event.sessions if s is not session]
    db.delete(session)
    _renumber(remaining)
    db.flush()
    db.expire(event, ["sessions"])
    _done(db, event, user, "delete", session, changes)


def reorder_sessions(db: Session, *, event: Event, ids: list[int], user: StaffUser | None) -> list[AgendaSession]:
    """Put the sessions in the order of `ids`, which must name each session of the event once."""
    _locked(db, event, user)
    by_id = {id_of(s): s for s in event.sessions}
    if sorted(ids) != sorted(by_id):
        foreign = [i for i in ids if i not in by_id]
        hint = (
            _("не из этой программы: %(join)s") % {"join": ", ".join(map(str, foreign))}
            if foreign
            else _("нужна каждая сессия ровно один раз")
        )
        raise Invalid(_("Неверный порядок"), fields={"ids": hint})
    before = [id_of(s) for s in event.sessions]
    _renumber([by_id[i] for i in ids])
    db.flush()
    db.expire(event, ["sessions"])
    if before != ids:
        touch(event)
        audit.record(
            db, user=user, action="reorder", entity=event, event_id=event.id, changes={"sessions": [before, ids]}
        )
        db.flush()
    return list(event.sessions)


def move_session(db: Session, *, event: Event, session: AgendaSession, step: int, user: StaffUser | None) -> None:
    """One place up (step -1) or down (+1): what the agenda page's arrows do."""
    ids = [id_of(s) for s in event.sessions]
    i = ids.index(id_of(session))
    j = min(max(i + step, 0), len(ids) - 1)
    ids[i], ids[j] = ids[j], ids[i]
    reorder_sessions(db, event=event, ids=ids, user=user)
