"""On-site attendance: one mark per person and day of the event (or per session, where the
organiser keeps a list for it), who marked it and when, and people added at the door.

A registration is `attended` from its first mark on; the marks say on which days. Marks are
written under the event's lock (service._for_action), so a QR code scanned twice at once
still makes one mark."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from eventhub.core.errors import Invalid
from eventhub.core.i18n import _
from eventhub.core.models import (
    AgendaSession,
    Attendance,
    Event,
    Registration,
    RegistrationStatus,
    StaffUser,
    id_of,
)
from eventhub.core.tokens import hash_token
from eventhub.registrations import questions
from eventhub.registrations.mail import Site
from eventhub.registrations.schemas import RegistrationDetails, parse_registration

S = RegistrationStatus


def days(event: Event) -> list[date]:
    return questions.event_days(event)


def day_for(event: Event, now: datetime, day: Any = None) -> date:
    """The day a mark is for: the one asked (a date or 'YYYY-MM-DD'), else today at the event's
    place while it runs, else its first day (a list made the day before)."""
    event_days = days(event)
    if day:
        chosen: date | None
        try:
            chosen = day if isinstance(day, date) else date.fromisoformat(str(day))
        except ValueError:
            chosen = None
        if chosen not in event_days:
            raise Invalid(_("Неверный день"), fields={"day": _("выберите день мероприятия")})
        return chosen
    today = now.astimezone(ZoneInfo(event.timezone)).date()
    return today if today in event_days else event_days[0] if today < event_days[0] else event_days[-1]


def sessions(db: Session, event: Event) -> list[AgendaSession]:
    return list(
        db.exec(
            select(AgendaSession)
            .where(AgendaSession.event_id == event.id)
            .order_by(col(AgendaSession.start_at), col(AgendaSession.position), col(AgendaSession.id))
        )
    )


def _session_of(db: Session, event: Event, session_id: int | None) -> AgendaSession | None:
    if session_id is None:
        return None
    found = db.get(AgendaSession, session_id)
    if found is None or found.event_id != event.id:
        raise Invalid(_("Неверная сессия"), fields={"session": _("выберите сессию этого мероприятия")})
    return found


def _mark_query(reg: Registration, day: date, session_id: int | None) -> Any:
    query = select(Attendance).where(Attendance.registration_id == reg.id)
    if session_id is None:
        return query.where(Attendance.day == day, col(Attendance.session_id).is_(None))
    return query.where(Attendance.session_id == session_id)


@dataclass
class Already:
    at: datetime | None
    by: str | None  # the staff member's name or e-mail


def already(
    db: Session, event: Event, reg: Registration, now: datetime, day: Any = None, session_id: int | None = None
) -> Already | None:
    """When (and by whom) this person was marked for that day or session; None: not yet."""
    query = _mark_query(reg, day_for(event, now, day), session_id)
    if session_id is None and not questions.form_settings(db, event).attendance_per_day:
        # One mark for the whole event: any day's counts.
        query = select(Attendance).where(Attendance.registration_id == reg.id, col(Attendance.session_id).is_(None))
    mark = db.exec(query.order_by(col(Attendance.at))).first()
    if mark is None:
        # A mark from before marks were kept per day: the registration's own time.
        has_any = db.exec(select(sa.func.count()).where(Attendance.registration_id == reg.id)).one()
        if reg.status == S.attended and not has_any and session_id is None:
            return Already(reg.checked_in_at, None)
        return None
    user = db.get(StaffUser, mark.by_user_id) if mark.by_user_id else None
    return Already(mark.at, (user.full_name or user.email) if user else None)


def mark(
    db: Session,
    *,
    event: Event,
    reg: Registration,
    user: StaffUser | None,
    now: datetime,
    day: Any = None,
    session_id: int | None = None,
) -> Attendance | None:
    """Mark `reg` present (call under the event's lock); None when already marked there."""
    _session_of(db, event, session_id)
    the_day = day_for(event, now, day)
    if already(db, event, reg, now, the_day, session_id) is not None:
        return None
    row = Attendance(
        event_id=id_of(event),
        registration_id=id_of(reg),
        day=the_day,
        session_id=session_id,
        at=now,
        by_user_id=user.id if user else None,
    )
    db.add(row)
    db.flush()
    return row


def unmark(
    db: Session, *, event: Event, reg: Registration, now: datetime, day: Any = None, session_id: int | None = None
) -> int:
    """Take back the mark of that day or session; the number of marks left."""
    query = _mark_query(reg, day_for(event, now, day), session_id)
    if session_id is None and not questions.form_settings(db, event).attendance_per_day:
        query = select(Attendance).where(Attendance.registration_id == reg.id, col(Attendance.session_id).is_(None))
    for row in db.exec(query):
        db.delete(row)
    db.flush()
    return db.exec(select(sa.func.count()).where(Attendance.registration_id == reg.id)).one()


def per_day(db: Session, event: Event) -> dict[date, set[int]]:
    """Per day of the event, the registrations marked present that day (not the session lists)."""
    out: dict[date, set[int]] = {d: set() for d in days(event)}
    rows = db.exec(select(Attendance).where(Attendance.event_id == event.id, col(Attendance.session_id).is_(None)))
    for row in rows:
        out.setdefault(row.day, set()).add(row.registration_id)
    return out


def marks_of(db: Session, event: Event) -> dict[int, dict[date, datetime]]:
    """Registration id → {day: time of the mark} (for the exports)."""
    out: dict[int, dict[date, datetime]] = {}
    for row in db.exec(select(Attendance).where(Attendance.event_id == event.id, col(Attendance.session_id).is_(None))):
        out.setdefault(row.registration_id, {})[row.day] = row.at
    return out


def session_marks(db: Session, event: Event, session_id: int) -> set[int]:
    return set(db.exec(select(Attendance.registration_id).where(Attendance.session_id == session_id)))


# --- people added at the door ---


class WalkIn(RegistrationDetails):
    """The door's short form: name, organisation, position, phone, category, gender, region."""


WALK_IN_FIELDS = ("full_name", "organisation_other", "position", "phone", "category", "gender", "region")


def add_walk_in(
    db: Session,
    *,
    event: Event,
    form: dict[str, str],
    user: StaffUser,
    now: datetime,
    site: Site,
    day: Any = None,
    consent_note: str,
) -> Registration:
    """Register a person who came without registering and mark them present at once. With a
    phone already registered, that registration is marked instead of a second one."""
    from eventhub.registrations import service  # it builds on this module's marks

    data = parse_registration({k: v for k, v in form.items() if k in WALK_IN_FIELDS}, WalkIn)
    event = service.lock_event(db, id_of(event))
    day_for(event, now, day)  # a wrong day is refused before anything is written
    if data.phone:
        same = db.exec(
            select(Registration).where(Registration.event_id == event.id, Registration.phone == data.phone)
        ).first()
        if same is not None and same.status in (S.confirmed, S.attended):
            service.check_in(db, event=event, registration_id=id_of(same), user=user, now=now, day=day)
            return same
    # No e-mail: a key of its own keeps it apart from everyone (the phone, when given).
    key = f"tel:{data.phone}" if data.phone else f"walkin:{uuid4().hex}"
    existing = db.exec(
        select(Registration).where(Registration.event_id == event.id, Registration.email_normalised == key)
    ).first()
    reg = existing or Registration(
        event_id=id_of(event),
        email="",
        email_normalised=key,
        token_hash=hash_token(site.private_token(id_of(event), key)),
        full_name=data.full_name,
        consent_text=consent_note,
        consent_at=now,
    )
    reg.full_name = data.full_name
    reg.phone = data.phone
    reg.organisation_name = data.organisation_other
    reg.position = data.position
    reg.category = data.category
    reg.gender = data.gender
    reg.region = data.region
    reg.consent_at = now
    reg.consent_text = consent_note
    reg.created_at = reg.created_at or now
    service.set_status(reg, S.confirmed, now)
    db.add(reg)
    db.flush()
    service.audit_status(db, user, "walk_in", reg, None)
    service.check_in(db, event=event, registration_id=id_of(reg), user=user, now=now, day=day)
    return reg
