"""Reminders at the times an event's organisers chose, and the message after the event to those
who came. Each person gets each of them once however often cron runs: what was sent is kept in
`registration_notice`, written under the event's lock in the same transaction as the outbox
row. An event without settings reminds once, a day before (`eventhub reminders send --hours`)."""

from datetime import datetime, timedelta
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import AfterValidator, Field
from sqlmodel import Session, col, select

from eventhub.core import audit, i18n
from eventhub.core.errors import Conflict, Invalid
from eventhub.core.i18n import N_, _
from eventhub.core.models import (
    Event,
    EventMailSettings,
    EventStatus,
    Registration,
    RegistrationNotice,
    RegistrationStatus,
    StaffUser,
    SurveyPhase,
    id_of,
)
from eventhub.core.validation import Markdown, Maybe, Multiline, WriteModel, validate
from eventhub.registrations import mail, service
from eventhub.registrations.mail import Site, reply_to
from eventhub.registrations.messages import (
    LANGUAGES,
    MAX_BODY,
    insert_outbox,
    row_values,
    template,
)
from eventhub.surveys import service as surveys

DEFAULT_HOURS = 24
# What the form offers: hours before the start.
REMINDER_CHOICES = (
    (336, N_("за 2 недели")),
    (168, N_("за неделю")),
    (72, N_("за 3 дня")),
    (24, N_("за день")),
    (3, N_("за 3 часа")),
    (1, N_("за час")),
)
MAX_HOURS = max(h for h, _label in REMINDER_CHOICES)
AFTER_EVENT = "after_event"
# Cron thanks people only for events that ended lately, not for every past event at once.
AFTER_EVENT_WINDOW = timedelta(days=14)
MAX_REMINDER_TEXT = 2000


def _known_hours(value: list[int]) -> list[int]:
    allowed = {h for h, _label in REMINDER_CHOICES}
    if any(h not in allowed for h in value):
        raise ValueError(_("неизвестный срок напоминания"))
    return sorted(set(value), reverse=True)


Text = Annotated[str, Multiline(MAX_REMINDER_TEXT)]
LongText = Annotated[str, Markdown(MAX_BODY)]


class MailSettingsInput(WriteModel):
    """The reminder times (none: no reminders), their text, and the after-event message."""

    reminder_hours: Annotated[list[int], AfterValidator(_known_hours)] = Field(default_factory=list, max_length=6)
    reminder_text_ru: Maybe[Text] = None
    reminder_text_ky: Maybe[Text] = None
    reminder_text_en: Maybe[Text] = None
    after_event: bool = False
    after_event_text_ru: Maybe[LongText] = None
    after_event_text_ky: Maybe[LongText] = None
    after_event_text_en: Maybe[LongText] = None


TEXTS = ("reminder_text", "after_event_text")
SETTINGS_FIELDS = ("reminder_hours", "after_event", *(f"{t}_{lang}" for t in TEXTS for lang in LANGUAGES))


def parse_settings(data: dict[str, Any]) -> MailSettingsInput:
    values = {k: data[k] for k in SETTINGS_FIELDS if k in data and data[k] not in ("", None)}
    settings: MailSettingsInput = validate(MailSettingsInput, values)
    if settings.after_event and not any(getattr(settings, f"after_event_text_{lang}") for lang in LANGUAGES):
        raise Invalid(
            _("Настройки не сохранены: исправьте отмеченные поля"),
            fields={"after_event_text_ru": _("напишите текст письма после мероприятия хотя бы на одном языке")},
        )
    return settings


def get_settings(db: Session, event: Event) -> EventMailSettings:
    """The event's settings, or the defaults (not stored) when it has none."""
    return db.get(EventMailSettings, event.id) or EventMailSettings(
        event_id=id_of(event), reminder_hours=[DEFAULT_HOURS]
    )


def settings_values(settings: EventMailSettings) -> dict[str, Any]:
    """The form's values of stored settings."""
    values: dict[str, Any] = {"reminder_hours": list(settings.reminder_hours), "after_event": settings.after_event}
    for text in TEXTS:
        for lang, version in i18n.all_versions(settings, (text,)).items():
            values[f"{text}_{lang}"] = version.get(text) or ""
    return values


def save_settings(db: Session, *, event: Event, data: MailSettingsInput, user: StaffUser) -> EventMailSettings:
    """Store the event's reminder and after-event settings; audited."""
    stored = db.get(EventMailSettings, event.id)
    before = settings_values(stored) if stored else {}
    settings = stored or EventMailSettings(event_id=id_of(event))
    given = [lang for lang in LANGUAGES if any(getattr(data, f"{t}_{lang}") for t in TEXTS)]
    original = event.original_language if event.original_language in given or not given else given[0]
    settings.original_language = original
    settings.reminder_hours = list(data.reminder_hours)
    settings.after_event = data.after_event
    for text in TEXTS:
        setattr(settings, text, getattr(data, f"{text}_{original}"))
    settings.translations = {
        lang: {t: getattr(data, f"{t}_{lang}") for t in TEXTS if getattr(data, f"{t}_{lang}")}
        for lang in LANGUAGES
        if lang != original and any(getattr(data, f"{t}_{lang}") for t in TEXTS)
    }
    db.add(settings)
    db.flush()
    audit.record(
        db,
        user=user,
        action="mail_settings",
        entity=event,
        changes=audit.diff(before, settings_values(settings)),
        event_id=event.id,
    )
    return settings


def _text_for(settings: EventMailSettings | None, field: str, lang: str) -> str | None:
    """The text in `lang`, else the original, else any version written."""
    if settings is None:
        return None
    versions = i18n.all_versions(settings, (field,))
    for candidate in (lang, settings.original_language, *LANGUAGES):
        value: str | None = versions.get(candidate, {}).get(field)
        if value:
            return value
    return None


def _already(db: Session, event_id: int, kind: str) -> set[int]:
    """Registrations of the event that got `kind` since they (last) registered."""
    return set(
        db.exec(
            select(RegistrationNotice.registration_id)
            .join(Registration, col(Registration.id) == col(RegistrationNotice.registration_id))
            .where(
                Registration.event_id == event_id,
                RegistrationNotice.kind == kind,
                col(RegistrationNotice.sent_at) >= col(Registration.consent_at),
            )
        )
    )


# --- reminders ---


def events_needing_reminders(db: Session, *, now: datetime, default_hours: int = DEFAULT_HOURS) -> list[int]:
    """Published events whose earliest possible reminder time has come."""
    found = db.exec(
        select(col(Event.id))
        .where(
            Event.status == EventStatus.published,
            col(Event.start_at) > now,
            col(Event.start_at) <= now + timedelta(hours=max(MAX_HOURS, default_hours)),
        )
        .order_by(col(Event.start_at))
    )
    return [event_id for event_id in found if event_id is not None]  # stored rows: all have one


def queue_reminders(
    db: Session, *, event_id: int, now: datetime, site: Site, default_hours: int = DEFAULT_HOURS
) -> list[int]:
    """The reminder now due for one event's confirmed participants (call at a transaction's start).

    Only the latest reminder time that has passed counts: someone who missed the 7-day one
    (cron was down) gets the 1-day one when its time comes, not both. People who registered
    after a reminder's time just had their confirmation and get no reminder for it."""
    event = service.lock_event(db, event_id)
    settings = db.get(EventMailSettings, event.id)
    hours = list(settings.reminder_hours) if settings else [default_hours]
    due = [h for h in hours if event.start_at - timedelta(hours=h) <= now]
    if event.status != EventStatus.published or event.start_at <= now or not due:
        return []
    current = min(due)
    kind, moment = f"reminder:{current}", event.start_at - timedelta(hours=current)
    done = _already(db, id_of(event), kind)
    people = db.exec(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.confirmed,
            col(Registration.consent_at) <= moment,
            Registration.email != "",  # registered by phone or at the door: no address
        )
        .order_by(col(Registration.id))
    )
    ids = []
    for reg in people:
        if reg.id in done:
            continue
        db.add(RegistrationNotice(registration_id=id_of(reg), kind=kind, sent_at=now))
        reg.reminder_sent_at = now
        db.add(reg)
        note = _text_for(settings, "reminder_text", reg.language)
        msg = mail.enqueue(
            db,
            kind="reminder",
            event=event,
            reg=reg,
            site=site,
            now=now,
            calendar_url=service.calendar_url(db, site, reg),
            note=note,
        )
        ids.append(id_of(msg))
    return ids


# --- after the event ---


SUBJECT_AFTER = N_("Спасибо за участие: {event}")
GREETING = N_("Здравствуйте, {name}!")
SURVEY_LINE = N_("Пожалуйста, ответьте на несколько вопросов о мероприятии — опрос на вашей странице: {link}")


def events_after(db: Session, *, now: datetime) -> list[int]:
    """Events that ended lately and whose organisers want the after-event message sent."""
    found = db.exec(
        select(col(Event.id))
        .join(EventMailSettings, col(EventMailSettings.event_id) == col(Event.id))
        .where(
            col(EventMailSettings.after_event).is_(True),
            Event.status == EventStatus.published,
            col(Event.end_at) <= now,
            col(Event.end_at) >= now - AFTER_EVENT_WINDOW,
        )
        .order_by(col(Event.end_at))
    )
    return [event_id for event_id in found if event_id is not None]  # stored rows: all have one


def queue_after_event(
    db: Session, *, event_id: int, now: datetime, site: Site, user: StaffUser | None = None
) -> list[int]:
    """The after-event message to everyone who came and has not had it (call at a transaction's
    start). `user`: staff sending it from the admin before cron would."""
    event = service.lock_event(db, event_id)
    settings = db.get(EventMailSettings, event.id)
    if event.start_at > now:
        raise Conflict(_("Письмо после мероприятия можно отправить, когда оно началось"))
    if settings is None or not any(_text_for(settings, "after_event_text", lang) for lang in LANGUAGES):
        raise Conflict(_("Сначала напишите текст письма после мероприятия и сохраните настройки"))
    done = _already(db, id_of(event), AFTER_EVENT)
    people = db.exec(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            sa.or_(
                col(Registration.status) == RegistrationStatus.attended, col(Registration.checked_in_at).is_not(None)
            ),
            col(Registration.status).not_in((RegistrationStatus.cancelled, RegistrationStatus.declined)),
            Registration.email != "",
        )
        .order_by(col(Registration.id))
    )
    # an open feedback questionnaire: the message says where to answer it (the private page)
    survey = any(s.is_open and s.phase == SurveyPhase.post for s in surveys.surveys_of(db, id_of(event)))
    versions = {}
    for lang in LANGUAGES:
        token = i18n.set_language(lang)
        try:
            versions[lang] = {
                "subject": _(SUBJECT_AFTER),
                # Some version exists (checked above) and every language falls back to it.
                "body": _(GREETING)
                + "\n\n"
                + (_text_for(settings, "after_event_text", lang) or "")
                + ("\n\n" + _(SURVEY_LINE) if survey else ""),
            }
        finally:
            i18n.reset_language(token)
    rows, templates = [], {}
    for reg in people:
        if reg.id in done:
            continue
        db.add(RegistrationNotice(registration_id=id_of(reg), kind=AFTER_EVENT, sent_at=now))
        lang = reg.language if reg.language in LANGUAGES else settings.original_language
        if lang not in templates:
            templates[lang] = template(
                event=event, versions=versions, original=settings.original_language, lang=lang, site=site
            )
        rendered = templates[lang].personal(
            {"name": reg.full_name, "link": site.private_url(reg), "event": i18n.content(event, "title", lang)}
        )
        rows.append(
            row_values(rendered, to=reg.email, kind=AFTER_EVENT, registration_id=reg.id, reply_to=reply_to(event))
        )
    db.flush()
    ids = insert_outbox(db, rows, now=now)
    if user is not None and rows:
        audit.record(
            db,
            user=user,
            action="send_after_event",
            entity=event,
            changes={"recipients": [None, len(rows)]},
            event_id=event.id,
        )
    return ids


def after_event_sent(db: Session, event: Event) -> int:
    """How many people of the event have had the after-event message."""
    return len(_already(db, id_of(event), AFTER_EVENT))
