"""The texts of events and press releases that have versions in other languages (see eventhub/versions.py)."""

from sqlmodel import Session

from eventhub.core.i18n import N_
from eventhub.core.models import Event, StaffUser
from eventhub.core.versions import Fields, Text, set_translations, version_model

FIELDS: Fields = {
    "title": Text(N_("Название"), 400, "line"),
    "summary": Text(N_("Кратко"), 2000),
    "description": Text(N_("Описание"), 100_000),
    "goals": Text(N_("Цели (по одной в строке)"), 1000, "lines"),
}

RELEASE_FIELDS: Fields = {
    "title": Text(N_("Название"), 400, "line"),
    "lead": Text(N_("Лид"), 3000),
    "body": Text(N_("Текст (Markdown)"), 100_000, "markdown"),
}

EventVersion = version_model("EventVersion", FIELDS)


def set_event_translations(db: Session, *, event: Event, data: dict[str, dict[str, str]], user: StaffUser) -> Event:
    return set_translations(db, obj=event, fields=FIELDS, data=data, user=user, event_id=event.id)
