"""The change history of an event as a person reads it: field names in the reader's language,
values as people write them (dates in the event's zone, names instead of slugs and ids).

The audit log keeps what services recorded ({field: [before, after]}, JSON values); this
module only reads it. Domains above admin (registrations) name their own values by adding to
`VALUE_LABELS` (e.g. a registration's status)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from eventhub import labels
from eventhub.core.i18n import N_, _
from eventhub.core.models import (
    AgendaSession,
    AuditLog,
    Event,
    EventSeries,
    Organisation,
    Person,
    PressContact,
    Project,
    StaffUser,
)
from eventhub.templating import date_filter, datetime_filter

ACTIONS = {
    "create": N_("Создание"), "update": N_("Изменение"), "delete": N_("Удаление"), "publish": N_("Публикация"),
    "postpone": N_("Перенос"), "cancel": N_("Отмена"), "reorder": N_("Порядок программы"),
    "approve": N_("Заявка одобрена"), "decline": N_("Заявка отклонена"), "promote": N_("Из листа ожидания"),
    "check_in": N_("Отметка на входе"), "undo_check_in": N_("Отметка снята"),
    "import": N_("Импорт списка"), "send_message": N_("Сообщение участникам"), "retry_mail": N_("Письмо отправлено снова"),
    "mail_settings": N_("Напоминания"), "send_after_event": N_("Письмо после мероприятия"),
    "schedule": N_("Публикация запланирована"), "unpublish": N_("Снято с публикации"),
}  # fmt: skip
ENTITIES = {
    "event": N_("мероприятие"), "agenda_session": N_("сессия программы"), "registration": N_("регистрация"),
    "event_message": N_("сообщение участникам"), "press_release": N_("публикация"), "staff_user": N_("сотрудник"),
    "event_mail_settings": N_("напоминания"), "outbox_message": N_("письмо"), "invitation": N_("приглашение"),
}  # fmt: skip
# Names of fields that are not on the event or session forms.
FIELDS = {
    "status": N_("Статус"), "status_note": N_("Пояснение к статусу"), "slug": N_("Адрес страницы"),
    "organisations": N_("Организации"), "translations": N_("Переводы"), "sessions": N_("Порядок сессий"),
    "previous_start_at": N_("Прежнее начало"), "previous_end_at": N_("Прежнее окончание"),
    "published_at": N_("Опубликовано"), "cancelled_at": N_("Отменено"), "checkin": N_("Сотрудник на входе"),
    "recipients": N_("Получателей"), "audience": N_("Кому"), "sequence": N_("Версия для календарей"),
    "guiding_questions": N_("Вопросы для обсуждения"), "expected_result": N_("Ожидаемый результат"),
}  # fmt: skip
# (entity type, field) → the labels of its values; "*" for any entity.
VALUE_LABELS: dict[tuple[str, str], Any] = {
    ("event", "status"): labels.EVENT_STATUS,
    ("event", "kind"): labels.EVENT_KIND,
    ("agenda_session", "kind"): labels.SESSION_KIND,
    ("*", "registration_mode"): labels.REGISTRATION_MODE,
    ("*", "languages"): labels.LANGUAGE,
    ("*", "language"): labels.LANGUAGE,
    ("*", "original_language"): labels.LANGUAGE,
    ("*", "regions"): labels.REGION,
}
# Fields whose values are slugs of a directory table, shown by name.
REFERENCES: dict[str, tuple[Any, str]] = {
    "project": (Project, "name"), "series": (EventSeries, "title"), "press_contacts": (PressContact, "name"),
    "speakers": (Person, "name"), "moderators": (Person, "name"), "panellists": (Person, "name"),
}  # fmt: skip
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")
ELIDED = "…"
LONGEST = 160


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    at: datetime
    who: str
    what: str
    changes: list[Change]


def field_labels() -> dict[str, str]:
    """Every field's name as the event and session forms show it, then the others."""
    from eventhub.admin.events import EVENT_FORM, SESSION_FORM  # the forms are built from the API models

    names = {f.name: f.label for form in (SESSION_FORM, EVENT_FORM) for f in form.fields}
    return {**names, **FIELDS}


class _Names:
    """Names for the slugs and ids the entries mention, one query per table."""

    def __init__(self, db: Session, entries: Iterable[AuditLog]) -> None:
        wanted: dict[Any, set[str]] = {}
        session_ids: set[int] = set()
        org_slugs: set[str] = set()
        for entry in entries:
            for name, pair in (entry.changes or {}).items():
                for value in pair if isinstance(pair, list) else ():
                    items = value if isinstance(value, list) else [value]
                    if name in REFERENCES:
                        wanted.setdefault(REFERENCES[name], set()).update(str(v) for v in items if v)
                    elif name == "organisations":
                        org_slugs.update(str(i.get("organisation")) for i in items if isinstance(i, dict))
                    elif name == "sessions":
                        session_ids.update(int(v) for v in items if isinstance(v, int))
        self.by_slug: dict[tuple[Any, str], dict[str, str]] = {}
        for (model, attr), slugs in wanted.items():
            rows = db.exec(select(model.slug, getattr(model, attr)).where(col(model.slug).in_(slugs))).all()
            self.by_slug[(model, attr)] = dict(rows)
        self.organisations = dict(
            db.exec(select(Organisation.slug, Organisation.name).where(col(Organisation.slug).in_(org_slugs))).all()
        )
        self.sessions = dict(
            db.exec(select(AgendaSession.id, AgendaSession.title).where(col(AgendaSession.id).in_(session_ids))).all()
        )


def _when(value: str, tz: str) -> str:
    at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if at.tzinfo is None:
        return date_filter(at, tz) if len(value) <= 10 else value
    return datetime_filter(at, tz)


def readable_value(entity: str, name: str, value: Any, names: _Names, tz: str) -> str:
    """One recorded value as a person writes it; "—" for none."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if value == ELIDED:
        return _("(длинный текст)")
    if isinstance(value, bool):
        return _("да") if value else _("нет")
    value_labels = VALUE_LABELS.get((entity, name)) or VALUE_LABELS.get(("*", name))
    if name in REFERENCES:
        found = names.by_slug.get(REFERENCES[name], {})
        items = value if isinstance(value, list) else [value]
        return ", ".join(found.get(str(v), str(v)) for v in items)
    if name == "organisations" and isinstance(value, list):
        role = labels.EVENT_ROLE
        return "; ".join(
            f"{names.organisations.get(str(i.get('organisation')), str(i.get('organisation')))} ({role.get(i.get('role')) or i.get('role')})"
            if isinstance(i, dict) else str(i)
            for i in value
        )  # fmt: skip
    if name == "sessions" and isinstance(value, list):
        return " → ".join(names.sessions.get(v, f"#{v}") for v in value if isinstance(v, int))
    if name == "translations" and isinstance(value, dict):
        return ", ".join(labels.LANGUAGE.get(lang) or lang for lang in value) or "—"
    if isinstance(value, list):
        return ", ".join(readable_value(entity, name, v, names, tz) for v in value)
    if isinstance(value, dict):
        parts = (f"{k}: {readable_value(entity, k, v, names, tz)}" for k, v in value.items() if v not in (None, [], ""))
        return "; ".join(parts) or "—"
    if value_labels is not None and isinstance(value, str):
        return value_labels.get(value) or value
    if isinstance(value, str) and ISO.match(value):
        return _when(value, tz)
    text = str(value)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"


def who_of(user: StaffUser | None) -> str:
    if user is None:
        return _("система")
    return f"{user.full_name} ({user.email})" if user.full_name else user.email


def readable_history(db: Session, event: Event, rows: list[tuple[AuditLog, StaffUser | None]]) -> list[Entry]:
    """The entries of `event_history` written out for the history page."""
    names, fields = _Names(db, (entry for entry, _user in rows)), field_labels()
    out = []
    for entry, user in rows:
        action = _(ACTIONS[entry.action]) if entry.action in ACTIONS else entry.action.replace("_", " ")
        entity = _(ENTITIES[entry.entity_type]) if entry.entity_type in ENTITIES else ""
        changes = [
            Change(
                name,
                _(fields[name]) if name in fields else name.replace("_", " "),
                readable_value(entry.entity_type, name, pair[0], names, event.timezone),
                readable_value(entry.entity_type, name, pair[1], names, event.timezone),
            )
            for name, pair in (entry.changes or {}).items()
            if isinstance(pair, list) and len(pair) == 2 and name not in ("search_text", "sequence")
        ]
        out.append(Entry(entry.at, who_of(user), f"{action}: {entity}" if entity else action, changes))
    return out
