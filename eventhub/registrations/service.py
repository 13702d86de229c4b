"""Registrations: opening rules, capacity and quotas under the event's lock, the waiting list,
private links, organiser actions, check-in and statistics.

Every writer that counts places takes `lock_for_update` on the event row as the first
statement of its transaction, then counts, then writes: concurrent registrations are
serialised per event, so neither the capacity nor an invitation's quota is ever exceeded
(SQLite: the database write lock; PostgreSQL: SELECT ... FOR UPDATE)."""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from eventhub import labels as event_labels
from eventhub.accounts.scopes import find_registration_of, invitation_of, registration_of
from eventhub.core import audit, i18n
from eventhub.core.db import lock_for_update
from eventhub.core.errors import Conflict, Invalid, NotFound
from eventhub.core.i18n import _
from eventhub.core.models import (
    GENDER_CHOICES,
    Event,
    EventFormSettings,
    EventStatus,
    Gender,
    Invitation,
    OptionalField,
    Organisation,
    PersonalCalendar,
    PersonalCalendarLegacy,
    Region,
    Registration,
    RegistrationCategory,
    RegistrationMode,
    RegistrationStatus,
    StaffUser,
    id_of,
    table_of,
)
from eventhub.core.text import InvalidPhone, format_phone, normalise_phone, normalise_query, search_key
from eventhub.core.tokens import hash_token
from eventhub.registrations import labels, mail, questions, resend
from eventhub.registrations.exports import ExportRow, StatsTable
from eventhub.registrations.mail import Site
from eventhub.registrations.schemas import (
    CONSENT_TEXT,
    PhoneRegistrationCreate,
    RegistrationCreate,
    RegistrationData,
    RegistrationDetails,
    from_form,
    normalise_email,
    parse_registration,
    phone_key,
)

S = RegistrationStatus
HOLDING = (S.confirmed, S.attended)  # take a place
ACTIVE = (S.pending, S.confirmed, S.waitlisted, S.attended)  # count against an invitation's quota
CANCELLABLE = (S.pending, S.confirmed, S.waitlisted)


class RegistrationClosed(Conflict):
    code = "registration_closed"


class QuotaExhausted(Conflict):
    code = "quota_exhausted"


class NoPlaces(Conflict):
    code = "no_places"


# --- opening rules ---


@dataclass(frozen=True)
class Window:
    open: bool
    message: str


def registration_window(event: Event, now: datetime) -> Window:
    """Whether the form accepts registrations now, and why not."""
    if event.status == EventStatus.cancelled:
        return Window(False, _("Мероприятие отменено, регистрация закрыта."))
    if event.status not in (EventStatus.published, EventStatus.postponed):  # postponed: open unless closed
        return Window(False, _("Регистрация на это мероприятие сейчас недоступна."))
    if event.end_at <= now:
        return Window(False, _("Мероприятие уже прошло, регистрация закрыта."))
    if event.registration_mode == RegistrationMode.closed:
        return Window(False, _("Регистрация на это мероприятие закрыта."))
    if event.registration_opens_at and now < event.registration_opens_at:
        return Window(False, _("Регистрация ещё не открыта."))
    closes_at = event.registration_deadline_at or event.start_at
    if now >= closes_at:
        return Window(False, _("Срок регистрации истёк."))
    return Window(True, "")


def check_open(event: Event, now: datetime) -> None:
    window = registration_window(event, now)
    if not window.open:
        raise RegistrationClosed(window.message)


# --- lookups ---


def find_organisation(db: Session, text: str | None) -> Organisation | None:
    """A directory organisation from what the form sent: slug, short name, name, or
    'short — name' as the form's list shows it; case and ё/е do not matter."""
    if not text:
        return None
    candidates = {text, *(p.strip() for p in text.split(" — ") if p.strip())}
    hit = db.exec(
        select(Organisation)
        .where(
            sa.or_(
                col(Organisation.slug).in_(candidates),
                col(Organisation.short_name).in_(candidates),
                col(Organisation.name).in_(candidates),
            )
        )
        .order_by(col(Organisation.id))
    ).first()
    if hit:
        return hit
    folded = {_fold(c) for c in candidates}
    for org in db.exec(select(Organisation).order_by(col(Organisation.id))):
        names = {_fold(org.slug), _fold(org.short_name or ""), _fold(org.name), _fold(organisation_label(org))}
        for lang in i18n.LANGUAGES:  # the form lists the names in the reader's language
            names |= {_fold(i18n.content(org, "name", lang)), _fold(organisation_label(org, lang))}
        if folded & names:
            return org
    return None


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())  # i18n: ignore (matching)


def organisation_label(org: Organisation, lang: str | None = None) -> str:
    """'short — name' with the name in the reader's language (or `lang`)."""
    name = i18n.content(org, "name", lang)
    return f"{org.short_name} — {name}" if org.short_name and org.short_name != name else name


def directory(db: Session) -> list[Organisation]:
    return list(db.exec(select(Organisation).order_by(col(Organisation.name), col(Organisation.id))))


def find_invitation(db: Session, event: Event, token: str | None) -> Invitation:
    """A live invitation of this event by the token in its link."""
    invitation = None
    if token:
        invitation = db.exec(select(Invitation).where(Invitation.token_hash == hash_token(token))).first()
    if invitation is None or invitation.event_id != event.id:
        raise Invalid(
            _("Приглашение не найдено"),
            fields={"invitation": _("ссылка-приглашение неверна или устарела; попросите организаторов прислать новую")},
        )
    if invitation.revoked_at is not None:
        raise Invalid(_("Приглашение отозвано"), fields={"invitation": _("это приглашение отозвано организаторами")})
    return invitation


def registration_by_token(db: Session, token: str) -> Registration:
    """The registration behind a private link; a bad or outdated link is a 404."""
    reg = None
    if token and len(token) <= 100:
        reg = db.exec(select(Registration).where(Registration.token_hash == hash_token(token))).first()
    if reg is None:
        raise NotFound(
            _(
                "Ссылка недействительна или устарела. Чтобы получить ссылку снова, зарегистрируйтесь "
                "ещё раз с тем же адресом электронной почты — мы пришлём её на этот адрес."
            )
        )
    return reg


def lock_event(db: Session, event_id: int) -> Event:
    lock_for_update(db, table_of(Event), event_id)
    event = db.get(Event, event_id, populate_existing=True)
    if event is None:
        raise NotFound(_("Мероприятие не найдено"))
    return event


def _press_apart(db: Session, event_id: int) -> bool:
    """Whether the organiser keeps press seats apart from the capacity."""
    settings = db.get(EventFormSettings, event_id)
    return bool(settings and settings.press_outside_capacity)


def _held(db: Session, event_id: int) -> int:
    query = select(sa.func.count()).where(Registration.event_id == event_id, col(Registration.status).in_(HOLDING))
    if _press_apart(db, event_id):
        query = query.where(Registration.category != RegistrationCategory.press)
    return db.exec(query).one()


def outside_capacity(db: Session, event: Event, category: str | None) -> bool:
    return category == RegistrationCategory.press and _press_apart(db, id_of(event))


def free_places(db: Session, event: Event) -> int | None:
    """Places left (None: no limit). Indicative outside the lock."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - _held(db, id_of(event)))


def _next_waitlist_position(db: Session, event_id: int) -> int:
    last = db.exec(select(sa.func.max(Registration.waitlist_position)).where(Registration.event_id == event_id)).one()
    return (last or 0) + 1


def set_status(reg: Registration, status: str, now: datetime) -> None:
    reg.status = status
    reg.status_changed_at = now
    if status != S.waitlisted:
        reg.waitlist_position = None


def audit_status(db: Session, user: StaffUser | None, action: str, reg: Registration, before: str | None) -> None:
    """The audit entry of a change of a registration's status."""
    audit.record(
        db, user=user, action=action, entity=reg, event_id=reg.event_id, changes={"status": [before, reg.status]}
    )


# --- registering ---


def _api_field(q: Any) -> str:
    return f"answers.{q.id}"


def parse_for_event(
    db: Session,
    event: Event,
    data: Any,
    model: type[RegistrationDetails] = RegistrationCreate,
    *,
    form: Any = None,
    email: str | None = None,
    honeypot: bool = False,
) -> RegistrationData:
    """A registration checked as a whole: the common fields, the optional fields the event asks
    and its questions (from the posted `form`'s q_<id> fields, else `answers` of the JSON);
    Invalid names every wrong field at once."""
    errors: dict[str, str] = {}
    parsed: RegistrationData | None = None
    by_phone = questions.form_settings(db, event).phone_only
    if by_phone and model is RegistrationCreate:
        model = PhoneRegistrationCreate
    try:
        parsed = parse_registration(data, model, email=email, honeypot=honeypot)
    except Invalid as exc:
        errors |= exc.fields
    if parsed is not None and not parsed.email:
        parsed = _identified_by_phone(parsed, errors)
    qs = questions.questions(db, event)
    if form is not None:
        raw, field_of = questions.raw_answers_from_form(qs, form), None
    else:
        given = parsed.answers if parsed else data.get("answers")
        raw, field_of = (given if isinstance(given, dict) else {}), _api_field
    try:
        extra = questions.check_extra(
            db, event, standard=parsed.standard() if parsed else {}, answers=raw, field_of=field_of
        )
    except Invalid as exc:
        errors |= exc.fields
    if errors or parsed is None:
        raise Invalid(_("Проверьте поля формы"), fields=errors)
    parsed.extra = extra
    return parsed


def _identified_by_phone(data: RegistrationData, errors: dict[str, str]) -> RegistrationData | None:
    """A registration without an e-mail: its phone is its identity, so a phone is then needed."""
    if not data.phone:
        errors.setdefault("email", _("укажите адрес электронной почты или телефон"))
        errors.setdefault("phone", _("без адреса электронной почты нужен телефон"))
        return None
    data.email_normalised = phone_key(data.phone)
    return data


def _extra(db: Session, event: Event, data: RegistrationData) -> Any:
    if data.extra is None:  # a caller that parsed without the event (a script, a test)
        data.extra = questions.check_extra(
            db, event, standard=data.standard(), answers=data.answers or {}, field_of=_api_field
        )
    return data.extra


@dataclass
class RegisterResult:
    registration: Registration | None  # None: the honeypot was filled, nothing stored
    created: bool
    mails: list[int] = field(default_factory=list)  # outbox ids to send after commit


def check_registration(db: Session, *, event: Event, data: RegistrationData, now: datetime) -> None:
    """Everything `register` checks that needs no lock: for dry runs (stores nothing)."""
    check_open(event, now)
    _extra(db, event, data)
    if data.invitation or event.registration_mode == RegistrationMode.invitation:
        invitation = _invitation_for(db, event, data.invitation)
        used = db.exec(
            select(sa.func.count()).where(
                Registration.invitation_id == invitation.id, col(Registration.status).in_(ACTIVE)
            )
        ).one()
        if used >= invitation.seat_quota:
            raise _quota_error()


def _invitation_for(db: Session, event: Event, token: str | None) -> Invitation:
    if not token:
        raise Invalid(
            _("Регистрация только по приглашениям"),
            fields={"invitation": _("на это мероприятие регистрируются по ссылке-приглашению от организаторов")},
        )
    return find_invitation(db, event, token)


def check_seats(db: Session, invitation: Invitation) -> None:
    """QuotaExhausted when the invitation's seats are all taken (indicative outside the lock)."""
    used = db.exec(
        select(sa.func.count()).where(Registration.invitation_id == invitation.id, col(Registration.status).in_(ACTIVE))
    ).one()
    if used >= invitation.seat_quota:
        raise _quota_error()


def _quota_error() -> QuotaExhausted:
    return QuotaExhausted(
        _("Места по этому приглашению закончились"),
        fields={"invitation": _("все места, выделенные вашей организации, уже заняты; обратитесь к организаторам")},
    )


def placement(
    db: Session, event: Event, invitation: Invitation | None, *, pre_approved: bool = False, category: str | None = None
) -> tuple[str, int | None]:
    """The status (and waiting-list position) a new registration gets, under the lock.
    Invitations and the organiser's own imports count as approved; press seats kept apart
    from the capacity are never full."""
    if event.registration_mode == RegistrationMode.approval and invitation is None and not pre_approved:
        return S.pending, None
    if event.capacity is None or outside_capacity(db, event, category) or _held(db, id_of(event)) < event.capacity:
        return S.confirmed, None
    return S.waitlisted, _next_waitlist_position(db, id_of(event))


def _apply(db: Session, reg: Registration, data: RegistrationData, invitation: Invitation | None) -> None:
    org = db.get(Organisation, invitation.organisation_id) if invitation else find_organisation(db, data.organisation)
    reg.full_name = data.full_name
    reg.phone = data.phone
    reg.organisation_id = org.id if org else None
    reg.organisation_name = None if org else (data.organisation_other or data.organisation)
    reg.position = data.position
    reg.category = data.category
    reg.outlet = data.outlet
    reg.region = data.region
    reg.gender = data.gender
    reg.accessibility_needs = data.accessibility_needs
    reg.language = data.language
    if data.extra is not None:
        questions.apply_extra(reg, data.extra)


STATUS_MAIL: dict[str, str] = {S.confirmed: "confirmed", S.pending: "pending", S.waitlisted: "waitlisted"}


def register(
    db: Session,
    *,
    event_id: int,
    data: RegistrationData,
    now: datetime,
    site: Site,
    consent_text: str = CONSENT_TEXT,
) -> RegisterResult:
    """Register a person (or re-send their private link if they already are).

    Call it at the start of a transaction: it takes the event's lock first."""
    if data.honeypot:
        return RegisterResult(None, created=False)
    event = lock_event(db, event_id)
    check_open(event, now)
    _extra(db, event, data)
    invitation = None
    if data.invitation or event.registration_mode == RegistrationMode.invitation:
        invitation = _invitation_for(db, event, data.invitation)

    existing = db.exec(
        select(Registration).where(
            Registration.event_id == event.id, Registration.email_normalised == data.email_normalised
        )
    ).first()
    if existing is None and not data.email and data.phone:
        # By phone, the phone is the identity: someone registered with an e-mail and this phone
        # is this person too.
        existing = db.exec(
            select(Registration).where(
                Registration.event_id == event.id,
                Registration.phone == data.phone,
                Registration.status != S.cancelled,
            )
        ).first()
    if existing is not None and existing.status != S.cancelled:
        if not existing.email:  # nowhere to send the link again; the page says only that
            return RegisterResult(existing, created=False, mails=[])
        # No duplicate: the link goes again to that address, never to whoever typed it —
        # a few times an hour and a day at most (resend.py), with the same answer.
        if not resend.may_resend(db, event_id=id_of(event), email_normalised=existing.email_normalised, now=now):
            return RegisterResult(existing, created=False, mails=[])
        msg = mail.enqueue(
            db,
            kind="already_registered",
            event=event,
            reg=existing,
            site=site,
            now=now,
            calendar_url=calendar_url(db, site, existing),
        )
        return RegisterResult(existing, created=False, mails=[id_of(msg)])

    if invitation is not None:
        used = db.exec(
            select(sa.func.count()).where(
                Registration.invitation_id == invitation.id, col(Registration.status).in_(ACTIVE)
            )
        ).one()
        if used >= invitation.seat_quota:
            raise _quota_error()

    reg = existing or Registration(
        event_id=id_of(event),
        full_name=data.full_name,  # set again by _apply below, as on a re-registration
        email=data.email,
        email_normalised=data.email_normalised,
        token_hash=hash_token(site.private_token(id_of(event), data.email_normalised)),
        consent_text=consent_text,
    )
    _apply(db, reg, data, invitation)
    reg.email = data.email
    reg.invitation_id = invitation.id if invitation else None
    reg.consent_at = now
    reg.consent_text = consent_text
    reg.checked_in_at = None
    reg.reminder_sent_at = None
    reg.created_at = reg.created_at or now
    status, position = placement(db, event, invitation, category=data.category)
    set_status(reg, status, now)
    reg.waitlist_position = position
    db.add(reg)
    db.flush()
    msg = mail.enqueue(
        db,
        kind=STATUS_MAIL[status],
        event=event,
        reg=reg,
        site=site,
        now=now,
        calendar_url=calendar_url(db, site, reg),
    )
    return RegisterResult(reg, created=True, mails=[id_of(msg)])


def personal_calendar(
    db: Session, site: Site, email_normalised: str, *, create: bool = True
) -> PersonalCalendar | None:
    """The person's calendar address (generation 0 the first time, unless `create` is false)."""
    row = db.get(PersonalCalendar, email_normalised)
    if row is None and create:
        row = PersonalCalendar(
            email_normalised=email_normalised, token_hash=hash_token(site.calendar_token(email_normalised, 0))
        )
        try:
            with db.begin_nested():
                db.add(row)
        except sa.exc.IntegrityError:  # the same person's first registration to another event, at once
            row = db.get(PersonalCalendar, email_normalised)
    return row


def calendar_url(db: Session, site: Site, reg: Registration, *, create: bool = True) -> str | None:
    """The address of the participant's personal calendar (None: none issued and `create` false)."""
    row = personal_calendar(db, site, reg.email_normalised, create=create)
    return site.calendar_url(row.email_normalised, row.generation, row.token_hash) if row is not None else None


def reset_calendar_link(db: Session, *, reg: Registration, site: Site) -> str:
    """A new personal calendar address; every older one of this person, from any of their
    registrations, stops working, and the new one lists all of them."""
    personal_calendar(db, site, reg.email_normalised)
    row = db.exec(
        select(PersonalCalendar)
        .where(PersonalCalendar.email_normalised == reg.email_normalised)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    row.generation += 1
    row.token_hash = hash_token(site.calendar_token(row.email_normalised, row.generation))
    db.add(row)
    db.execute(
        sa.delete(PersonalCalendarLegacy).where(col(PersonalCalendarLegacy.email_normalised) == row.email_normalised)
    )
    db.flush()
    return site.calendar_url(row.email_normalised, row.generation)


# --- the participant's own changes ---


def _refuse_if_cancelled(event: Event) -> None:
    if event.status == EventStatus.cancelled:
        raise Conflict(_("Мероприятие отменено: регистрацию больше нельзя изменить или отменить"))


def update_details(db: Session, *, reg: Registration, form: dict[str, Any], now: datetime) -> Registration:
    """Change what the participant may change (not the e-mail: it is the registration's key)."""
    data = parse_for_event(
        db,
        db.get_one(Event, reg.event_id),
        from_form(form, RegistrationDetails),
        RegistrationDetails,
        form=form,
        email=reg.email,
    )
    lock_event(db, reg.event_id)
    db.refresh(reg)
    if reg.status in (S.cancelled, S.declined):
        raise Conflict(_("Отменённую или отклонённую регистрацию изменить нельзя"))
    _refuse_if_cancelled(db.get_one(Event, reg.event_id))
    invitation = db.get(Invitation, reg.invitation_id) if reg.invitation_id else None
    _apply(db, reg, data, invitation)
    db.add(reg)
    db.flush()
    return reg


def fill_from_waitlist(db: Session, *, event: Event, now: datetime, site: Site) -> tuple[list[Registration], list[int]]:
    """Promote the first on the waiting list while places are free (under the lock)."""
    promoted: list[Registration] = []
    mails: list[int] = []
    if event.capacity is None:
        waiting = list(
            db.exec(
                select(Registration)
                .where(Registration.event_id == event.id, Registration.status == S.waitlisted)
                .order_by(col(Registration.waitlist_position), col(Registration.id))
            )
        )
    else:
        free = event.capacity - _held(db, id_of(event))
        if free <= 0:
            return promoted, mails
        waiting = list(
            db.exec(
                select(Registration)
                .where(Registration.event_id == event.id, Registration.status == S.waitlisted)
                .order_by(col(Registration.waitlist_position), col(Registration.id))
                .limit(free)
            )
        )
    for reg in waiting:
        set_status(reg, S.confirmed, now)
        db.add(reg)
        db.flush()
        mails.append(
            id_of(
                mail.enqueue(
                    db,
                    kind="promoted",
                    event=event,
                    reg=reg,
                    site=site,
                    now=now,
                    calendar_url=calendar_url(db, site, reg),
                )
            )
        )
        promoted.append(reg)
    return promoted, mails


@dataclass
class ChangeResult:
    registration: Registration | None
    promoted: list[Registration] = field(default_factory=list)
    mails: list[int] = field(default_factory=list)


def cancel(
    db: Session, *, event_id: int, registration_id: int, now: datetime, site: Site, user: StaffUser | None = None
) -> ChangeResult:
    """Cancel a registration; its place goes to the first on the waiting list, who is told.

    Call it at a transaction's start: the event's lock comes first."""
    event = lock_event(db, event_id)
    reg = registration_of(db, event, registration_id, fresh=True)
    if reg.status not in CANCELLABLE:
        raise Conflict(_("Регистрацию в статусе «%(status)s» отменить нельзя") % {"status": reg.status})
    if event.end_at <= now:
        raise Conflict(_("Мероприятие уже прошло"))
    _refuse_if_cancelled(event)
    before = reg.status
    set_status(reg, S.cancelled, now)
    db.add(reg)
    db.flush()
    audit_status(db, user, "cancel", reg, before)
    mails = [
        id_of(
            mail.enqueue(
                db, kind="cancelled", event=event, reg=reg, site=site, now=now, withdraw_invite=before in HOLDING
            )
        )
    ]
    promoted, more = fill_from_waitlist(db, event=event, now=now, site=site)
    return ChangeResult(reg, promoted, mails + more)


# --- organiser actions ---


def _for_action(db: Session, event: Event, registration_id: int) -> tuple[Event, Registration]:
    event = lock_event(db, id_of(event))
    return event, registration_of(db, event, registration_id, fresh=True)


def approve(
    db: Session, *, event: Event, registration_id: int, user: StaffUser, now: datetime, site: Site
) -> ChangeResult:
    """Pending → confirmed, if a place is free."""
    return _confirm(
        db,
        event,
        registration_id,
        user,
        now,
        site,
        source=S.pending,
        action="approve",
        kind="approved",
        refusal=_("Одобрить можно только заявку, ожидающую подтверждения"),
    )


def promote(
    db: Session, *, event: Event, registration_id: int, user: StaffUser, now: datetime, site: Site
) -> ChangeResult:
    """Waiting list → confirmed (this person, not necessarily the first), if a place is free."""
    return _confirm(
        db,
        event,
        registration_id,
        user,
        now,
        site,
        source=S.waitlisted,
        action="promote",
        kind="promoted",
        refusal=_("Перевести можно только из листа ожидания"),
    )


def _confirm(
    db: Session,
    event: Event,
    registration_id: int,
    user: StaffUser,
    now: datetime,
    site: Site,
    *,
    source: str,
    action: str,
    kind: str,
    refusal: str,
) -> ChangeResult:
    """Confirm a registration that is in `source`, if a place is free, and tell the person."""
    event, reg = _for_action(db, event, registration_id)
    if reg.status != source:
        raise Conflict(refusal)
    if (
        event.capacity is not None
        and not outside_capacity(db, event, reg.category)
        and _held(db, id_of(event)) >= event.capacity
    ):
        raise NoPlaces(_("Свободных мест нет: увеличьте вместимость или дождитесь отмен"))
    set_status(reg, S.confirmed, now)
    db.add(reg)
    db.flush()
    audit_status(db, user, action, reg, source)
    msg = mail.enqueue(
        db, kind=kind, event=event, reg=reg, site=site, now=now, calendar_url=calendar_url(db, site, reg)
    )
    return ChangeResult(reg, mails=[id_of(msg)])


def decline(
    db: Session, *, event: Event, registration_id: int, user: StaffUser, now: datetime, site: Site
) -> ChangeResult:
    """Decline a pending, waiting or confirmed registration; a freed place goes to the waiting list."""
    event, reg = _for_action(db, event, registration_id)
    if reg.status not in CANCELLABLE:
        raise Conflict(_("Эту регистрацию отклонить нельзя"))
    before = reg.status
    set_status(reg, S.declined, now)
    db.add(reg)
    db.flush()
    audit_status(db, user, "decline", reg, before)
    mails = [
        id_of(
            mail.enqueue(
                db, kind="declined", event=event, reg=reg, site=site, now=now, withdraw_invite=before in HOLDING
            )
        )
    ]
    promoted: list[Registration] = []
    more: list[int] = []
    if before in HOLDING:
        promoted, more = fill_from_waitlist(db, event=event, now=now, site=site)
    return ChangeResult(reg, promoted, mails + more)


def undo_decline(
    db: Session, *, event: Event, registration_id: int, user: StaffUser, now: datetime, site: Site
) -> ChangeResult:
    """Take a decline back: the person gets a place if one is free (else the waiting list) and
    is told so."""
    event, reg = _for_action(db, event, registration_id)
    if reg.status != S.declined:
        raise Conflict(_("Отменить можно только отклонение"))
    invitation = db.get(Invitation, reg.invitation_id) if reg.invitation_id else None
    status, position = placement(db, event, invitation, pre_approved=True, category=reg.category)
    set_status(reg, status, now)
    reg.waitlist_position = position
    db.add(reg)
    db.flush()
    audit_status(db, user, "undo_decline", reg, S.declined)
    kind = "approved" if status == S.confirmed else "waitlisted"
    msg = mail.enqueue(
        db, kind=kind, event=event, reg=reg, site=site, now=now, calendar_url=calendar_url(db, site, reg)
    )
    return ChangeResult(reg, mails=[id_of(msg)])


def fill(db: Session, *, event: Event, user: StaffUser, now: datetime, site: Site) -> ChangeResult:
    """Organiser's button after raising the capacity: promote from the waiting list."""
    event = lock_event(db, id_of(event))
    promoted, mails = fill_from_waitlist(db, event=event, now=now, site=site)
    for reg in promoted:
        audit_status(db, user, "promote", reg, S.waitlisted)
    return ChangeResult(None, promoted, mails)


def _code_text(value: str) -> str:
    """The code of a scanned check-in URL or of what was typed."""
    value = (value or "").strip()
    if "code=" in value:
        value = value.split("code=", 1)[1].split("&", 1)[0]
    return value[:40]


_LEGACY_CODE = re.compile(r"^(\d+)-([\w-]{10})$")


def parse_checkin_code(value: str) -> tuple[int, str] | None:
    """The registration id and signature from a scanned QR code (a URL or the bare code), or
    a code typed at the door (Crockford base32, any case, O/0 and I/L/1 alike)."""
    text = _code_text(value)
    legacy = _LEGACY_CODE.match(text)
    if legacy:
        return int(legacy.group(1)), legacy.group(2)
    return mail.read_crockford(text)


def registration_by_code(db: Session, *, event: Event, code: str, site: Site) -> Registration:
    parsed = parse_checkin_code(code)
    reg = find_registration_of(db, event, parsed[0]) if parsed else None
    if reg is None or not site.checkin_code_ok(reg, _code_text(code)):
        raise NotFound(_("QR-код не подходит к этому мероприятию"))
    return reg


def check_in(
    db: Session,
    *,
    event: Event,
    registration_id: int,
    user: StaffUser,
    now: datetime,
    day: Any = None,
    session_id: int | None = None,
) -> Registration:
    """Mark a confirmed participant as arrived — on `day` (default: today at the event) or at a
    session; a second mark changes nothing (see attendance.already)."""
    from eventhub.registrations import attendance  # it builds on this module

    event, reg = _for_action(db, event, registration_id)
    if reg.status not in (S.confirmed, S.attended):
        raise Conflict(
            _("Отметить можно только подтверждённую регистрацию (сейчас: %(status)s)") % {"status": reg.status}
        )
    if attendance.mark(db, event=event, reg=reg, user=user, now=now, day=day, session_id=session_id) is None:
        return reg  # already marked there
    if reg.status == S.confirmed:
        set_status(reg, S.attended, now)
        reg.checked_in_at = now
        db.add(reg)
        db.flush()
        audit_status(db, user, "check_in", reg, S.confirmed)
    return reg


def undo_check_in(
    db: Session,
    *,
    event: Event,
    registration_id: int,
    user: StaffUser,
    now: datetime,
    day: Any = None,
    session_id: int | None = None,
) -> Registration:
    """Take back the mark of that day (or session); with no mark left the person is expected again."""
    from eventhub.registrations import attendance

    event, reg = _for_action(db, event, registration_id)
    if reg.status != S.attended:
        raise Conflict(_("Участник не отмечен"))
    left = attendance.unmark(db, event=event, reg=reg, now=now, day=day, session_id=session_id)
    if not left:
        set_status(reg, S.confirmed, now)
        reg.checked_in_at = None
        db.add(reg)
        db.flush()
        audit_status(db, user, "undo_check_in", reg, S.attended)
    return reg


# --- lists and figures for organisers ---


@dataclass(frozen=True)
class ListFilters:
    status: str | None = None
    category: str | None = None
    region: str | None = None
    gender: str | None = None
    q: str | None = None

    def validate(self) -> "ListFilters":
        fields = {}
        for name, enum in (
            ("status", RegistrationStatus),
            ("category", RegistrationCategory),
            ("region", Region),
            ("gender", Gender),
        ):
            value = getattr(self, name)
            if value and value not in enum.__members__.values():
                fields[name] = _("неизвестное значение")
        if self.q and len(self.q) > 200:
            fields["q"] = _("запрос длиннее 200 символов")
        if fields:
            raise Invalid(_("Неверные параметры фильтра"), fields=fields)
        return self


def _search_text(reg: Registration, org: Organisation | None) -> str:
    return search_key(
        reg.full_name,
        reg.email,
        reg.organisation_name,
        org.name if org else None,
        org.short_name if org else None,
        reg.position,
        reg.phone,
    )


def list_registrations(
    db: Session, event: Event, filters: ListFilters
) -> list[tuple[Registration, Organisation | None]]:
    """An event's registrations with filters; the search folds case, ё/е and Latin/Cyrillic."""
    filters.validate()
    query = (
        select(Registration, Organisation)
        .join(Organisation, col(Organisation.id) == col(Registration.organisation_id), isouter=True)
        .where(Registration.event_id == event.id)
    )
    for name in ("status", "category", "region", "gender"):
        value = getattr(filters, name)
        if value:
            query = query.where(getattr(Registration, name) == value)
    query = query.order_by(
        sa.case((col(Registration.status) == S.waitlisted, 1), else_=0),
        col(Registration.waitlist_position),
        col(Registration.full_name),
        col(Registration.id),
    )
    rows: list[tuple[Registration, Organisation | None]] = list(db.exec(query))
    words = normalise_query(filters.q or "")
    if words:
        # SQLite's lower() folds only ASCII; an event's list is small, so search it here.
        rows = [r for r in rows if all(w in _search_text(*r) for w in words)]
    return rows


_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]+$")


def looks_like_phone(q: str) -> bool:
    return bool(_PHONE_LIKE.match(q.strip())) and sum(c.isdigit() for c in q) >= 7


def checkin_search(
    db: Session, event: Event, q: str, *, limit: int = 30
) -> list[tuple[Registration, Organisation | None]]:
    """People at the door, found by their name; by an e-mail or a phone only when it is given
    whole, so the page cannot list everyone whose address or number holds a fragment."""
    q = q.strip()[:200]
    query = (
        select(Registration, Organisation)
        .join(Organisation, col(Organisation.id) == col(Registration.organisation_id), isouter=True)
        .where(Registration.event_id == event.id)
        .order_by(col(Registration.full_name), col(Registration.id))
    )
    if "@" in q:
        try:
            key = normalise_email(q)[1]
        except ValueError:
            return []
        return list(db.exec(query.where(Registration.email_normalised == key).limit(limit)))
    if _PHONE_LIKE.match(q) and any(c.isdigit() for c in q):
        try:
            phone = normalise_phone(q)
        except InvalidPhone:
            return []
        return list(db.exec(query.where(Registration.phone == phone).limit(limit)))
    words = normalise_query(q)
    if not words:
        return []
    # SQLite's lower() folds only ASCII; an event's list is small, so search it here.
    found: list[tuple[Registration, Organisation | None]] = [
        r for r in db.exec(query) if all(w in search_key(r[0].full_name) for w in words)
    ]
    return found[:limit]


def counts_by_status(db: Session, event: Event) -> dict[str, int]:
    rows = db.exec(
        select(Registration.status, sa.func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    )
    counts = {s.value: 0 for s in RegistrationStatus}
    counts.update({status: n for status, n in rows})
    return counts


@dataclass
class Breakdown:
    title: str
    rows: list[tuple[str, int, int]]  # (label, registered, attended)

    @property
    def max(self) -> int:
        return max([r[1] for r in self.rows] + [1])


def _stat_value(value: str | None, order: list[str]) -> str | None:
    """A value statistics count on its own line, or None ("Не указано") for no answer — and for
    Gender.undisclosed of older rows, the same answer."""
    return value if value in order else None


def statistics(db: Session, event: Event) -> dict[str, Any]:
    """Registered (confirmed or attended) and attended, by gender, organisation kind, region, category."""
    rows = db.execute(
        sa.select(
            col(Registration.gender),
            col(Organisation.kind),
            col(Registration.region),
            col(Registration.category),
            col(Registration.status),
            col(Registration.age_group),
            col(Registration.disability),
            col(Registration.travel_region),
            col(Registration.answers),
        )
        .join(Organisation, col(Organisation.id) == col(Registration.organisation_id), isouter=True)
        .where(col(Registration.event_id) == event.id, col(Registration.status).in_(HOLDING))
    ).all()
    dims = {
        "gender": (
            _("Пол"),
            0,
            labels.GENDER,
            [g.value for g in GENDER_CHOICES],
        ),  # undisclosed (older rows) counts as not stated
        "organisation_kind": (
            _("Вид организации"),
            1,
            event_labels.ORGANISATION_KIND,
            [k.value for k in event_labels.ORGANISATION_KIND],
        ),
        "region": (_("Регион"), 2, event_labels.REGION, [r.value for r in event_labels.REGION]),
        "category": (_("Категория"), 3, labels.CATEGORY, [c.value for c in labels.CATEGORY]),
    }
    result: dict[str, Any] = {}
    for key, (title, idx, names, order) in dims.items():
        registered = Counter(_stat_value(r[idx], order) for r in rows)
        attended = Counter(_stat_value(r[idx], order) for r in rows if r[4] == S.attended)
        keys = [k for k in order if registered.get(k)] + ([None] if registered.get(None) else [])
        result[key] = Breakdown(
            title,
            [
                (names.get(k) or _(labels.NOT_GIVEN), registered[k], attended[k])  # labels are never empty
                for k in keys
            ],
        )
    # What this event's own form adds: the optional fields it asks, its choice questions.
    settings = questions.form_settings(db, event)
    more: list[Breakdown] = []
    optional = (
        (OptionalField.age_group, _("Возрастная группа"), 5, questions.AGE_GROUP),
        (OptionalField.disability, _("Инвалидность"), 6, questions.DISABILITY),
        (OptionalField.travel_from, _("Откуда едут"), 7, event_labels.REGION),
    )
    for name, title, idx, names in optional:
        if questions.asks(settings, name):
            order = [str(k) for k in names]
            registered = Counter(_stat_value(r[idx], order) for r in rows)
            attended = Counter(_stat_value(r[idx], order) for r in rows if r[4] == S.attended)
            keys = [k for k in order if registered.get(k)] + ([None] if registered.get(None) else [])
            more.append(
                Breakdown(title, [(names.get(k) or _(labels.NOT_GIVEN), registered[k], attended[k]) for k in keys])
            )
    if settings.attendance_per_day:
        from eventhub.registrations import attendance  # it builds on this module

        by_day = attendance.per_day(db, event)
        more.insert(
            0,
            Breakdown(
                _("Явка по дням"),
                [
                    (_("День %(n)s · %(date)s") % {"n": n, "date": day.strftime("%d.%m.%Y")}, len(rows), len(ids))
                    for n, (day, ids) in enumerate(sorted(by_day.items()), 1)
                ],
            ),
        )
    answered = [(r[8] or {}, r[4] == S.attended) for r in rows]
    more += [Breakdown(title, table) for title, table in questions.choice_statistics(db, event, answered)]
    result["more"] = more
    total = len(rows)
    came = sum(1 for r in rows if r[4] == S.attended)
    result["attendance"] = Breakdown(_("Явка"), [(_("Зарегистрированы"), total, came)])
    result["totals"] = {"registered": total, "attended": came, **counts_by_status(db, event)}
    return result


# --- invitations ---


def list_invitations(db: Session, event: Event) -> list[tuple[Invitation, Organisation, int]]:
    used = (
        select(Registration.invitation_id, sa.func.count().label("n"))
        .where(Registration.event_id == event.id, col(Registration.status).in_(ACTIVE))
        .group_by(col(Registration.invitation_id))
        .subquery()
    )
    rows = db.exec(
        select(Invitation, Organisation, sa.func.coalesce(used.c.n, 0))
        .join(Organisation, col(Organisation.id) == col(Invitation.organisation_id))
        .join(used, used.c.invitation_id == col(Invitation.id), isouter=True)
        .where(Invitation.event_id == event.id)
        .order_by(col(Organisation.name))
    )
    return list(rows)


def invitation_url(site: Site, event: Event, invitation: Invitation) -> str | None:
    found = site.find_token("invitation", f"{event.id}:{invitation.organisation_id}", invitation.token_hash)
    if found is None:
        return None
    token = found[1]  # made by whichever key of the ring made it
    return f"{site.base_url}/events/{event.slug}/register?invitation={token}"


def save_invitation(
    db: Session, *, event: Event, organisation: str, seat_quota: int, note: str | None, site: Site
) -> Invitation:
    """Invite an organisation (or change its quota); the link can be shown again any time."""
    lock_event(db, id_of(event))
    org = find_organisation(db, organisation)
    if org is None:  # the quota and the note were checked by InvitationIn
        raise Invalid(
            _("Проверьте поля приглашения"), fields={"organisation": _("выберите организацию из справочника")}
        )
    invitation = db.exec(
        select(Invitation).where(Invitation.event_id == event.id, Invitation.organisation_id == org.id)
    ).first()
    if invitation is None:
        invitation = Invitation(
            event_id=id_of(event),
            organisation_id=id_of(org),
            token_hash=hash_token(site.invitation_token(id_of(event), id_of(org), 0)),
        )
    invitation.seat_quota = seat_quota
    if note is not None:  # a form sent without a note (the quota changed) keeps the one written
        invitation.note = note or None
    invitation.revoked_at = None
    db.add(invitation)
    db.flush()
    return invitation


def revoke_invitation(
    db: Session, *, event: Event, invitation_id: int, now: datetime, site: Site, renew: bool = False
) -> Invitation:
    """Revoke an invitation's link; with `renew`, give it a new link instead (the old one stops working)."""
    lock_event(db, id_of(event))
    invitation = invitation_of(db, event, invitation_id, fresh=True)
    if renew:
        generation = site.find_generation(
            "invitation", f"{event.id}:{invitation.organisation_id}", invitation.token_hash
        )
        generation = 0 if generation is None else generation + 1
        invitation.token_hash = hash_token(site.invitation_token(id_of(event), invitation.organisation_id, generation))
        invitation.revoked_at = None
    else:
        invitation.revoked_at = now
    db.add(invitation)
    db.flush()
    return invitation


# --- reminders ---


# --- exports ---


def export_rows(db: Session, event: Event, *, statuses: tuple[str, ...] | None = None) -> list[ExportRow]:
    """The event's registrations as rows of text for CSV, XLSX and the sign-in sheet."""
    rows = list_registrations(db, event, ListFilters())
    if statuses:
        rows = [r for r in rows if r[0].status in statuses]
        rows.sort(key=lambda r: (r[0].full_name.casefold(), r[0].id))
    zone = ZoneInfo(event.timezone)

    def when(dt: datetime | None) -> str:
        return dt.astimezone(zone).strftime("%d.%m.%Y %H:%M") if dt else ""

    extra = extra_columns(db, event)
    out = []
    for n, (reg, org) in enumerate(rows, 1):
        out.append(
            ExportRow(
                number=n,
                full_name=reg.full_name,
                email=reg.email,
                phone=format_phone(reg.phone),
                organisation=(org.name if org else reg.organisation_name) or "",
                organisation_kind=(event_labels.ORGANISATION_KIND.get(org.kind) or "") if org else "",
                position=reg.position or "",
                category=labels.CATEGORY.get(reg.category) or reg.category,
                outlet=reg.outlet or "",
                region=(event_labels.REGION.get(reg.region) or "") if reg.region else "",
                gender=(labels.GENDER.get(reg.gender) or "") if reg.gender in GENDER_CHOICES else "",
                accessibility_needs=reg.accessibility_needs or "",
                status=labels.STATUS.get(reg.status) or reg.status,
                waitlist_position=str(reg.waitlist_position or ""),
                registered_at=when(reg.created_at),
                checked_in_at=when(reg.checked_in_at),
                extra={head: text(reg) for head, text in extra},
            )
        )
    return out


def _date_text(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def extra_columns(db: Session, event: Event) -> list[tuple[str, Any]]:
    """(header, reg → text) of what this event's form adds: its optional fields, then its
    questions (archived ones too: their answers were given), then attendance per day."""
    settings = questions.form_settings(db, event)
    out: list[tuple[str, Any]] = []
    F = OptionalField
    if questions.asks(settings, F.age_group):
        out.append(
            (_("Возрастная группа"), lambda r: questions.AGE_GROUP.get(r.age_group) or "" if r.age_group else "")
        )
    if questions.asks(settings, F.disability):
        out.append((_("Инвалидность"), lambda r: questions.DISABILITY.get(r.disability) or "" if r.disability else ""))
    if questions.asks(settings, F.travel_from):
        out.append(
            (
                _("Откуда: область"),
                lambda r: (event_labels.REGION.get(r.travel_region) or "") if r.travel_region else "",
            )
        )
        out.append((_("Откуда: район"), lambda r: r.travel_district or ""))
    if questions.asks(settings, F.travel_dates):
        out.append((_("Дата приезда"), lambda r: _date_text(r.arrival_date)))
        out.append((_("Дата отъезда"), lambda r: _date_text(r.departure_date)))
    if questions.asks(settings, F.accommodation):
        out.append(
            (
                _("Проживание"),
                lambda r: "" if r.accommodation is None else (_(questions.YES) if r.accommodation else _(questions.NO)),
            )
        )
    if settings.attendance_per_day:
        from eventhub.registrations import attendance

        marks = attendance.marks_of(db, event)
        zone = ZoneInfo(event.timezone)
        for n, day in enumerate(attendance.days(event), 1):
            out.append(
                (
                    _("День %(n)s · %(date)s") % {"n": n, "date": day.strftime("%d.%m.%Y")},
                    lambda r, day=day: (
                        marks[r.id][day].astimezone(zone).strftime("%H:%M") if day in marks.get(r.id, {}) else ""
                    ),
                )
            )
    seen: set[str] = set()
    for q in questions.questions(db, event, archived=True):
        head = questions.label(q)
        while head in seen:  # two questions of one wording stay two columns
            head += " "
        seen.add(head)
        out.append((head, lambda r, q=q: questions.answer_text(q, (r.answers or {}).get(str(q.id)))))
    return out


def stats_tables(stats: dict[str, Any]) -> list[StatsTable]:
    return [
        StatsTable(stats[k].title, stats[k].rows)
        for k in ("attendance", "gender", "organisation_kind", "region", "category")
    ] + [StatsTable(b.title, b.rows) for b in stats.get("more", [])]
