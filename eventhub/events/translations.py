"""Versions of texts in the other languages (events, press releases), edited side by side in the admin."""

from typing import Any

from sqlmodel import Session

from eventhub.accounts.audit import record
from eventhub.errors import Invalid
from eventhub.i18n import LANGUAGES, N_, _
from eventhub.models import Event, StaffUser

Fields = dict[str, tuple[str, int]]

# field -> (label, longest text accepted); goals are one per line.
FIELDS: Fields = {
    "title": (N_("Название"), 400),
    "summary": (N_("Кратко"), 2000),
    "description": (N_("Описание"), 20000),
    "goals": (N_("Цели (по одной в строке)"), 4000),
}


RELEASE_FIELDS: Fields = {
    "title": (N_("Название"), 400),
    "lead": (N_("Лид"), 2000),
    "body": (N_("Текст (Markdown)"), 50000),
}


def other_languages(obj: Any) -> list[str]:
    return [lang for lang in LANGUAGES if lang != obj.original_language]


def translation_input(obj: Any, fields: Fields = FIELDS) -> dict[str, dict[str, str]]:
    """What the form shows: each other language's texts, goals joined by lines."""
    out = {}
    for lang in other_languages(obj):
        values = (obj.translations or {}).get(lang, {})
        out[lang] = {f: "\n".join(values.get(f) or []) if f == "goals" else values.get(f) or "" for f in fields}
    return out


def set_event_translations(db: Session, *, event: Event, data: dict[str, dict[str, str]], user: StaffUser) -> Event:
    return set_translations(db, obj=event, fields=FIELDS, data=data, user=user, event_id=event.id)


def set_translations(
    db: Session, *, obj: Any, fields: Fields, data: dict[str, dict[str, str]], user: StaffUser, event_id: int | None
) -> Any:
    """Replace the versions in other languages; empty fields fall back to the original."""
    errors: dict[str, str] = {}
    cleaned: dict[str, dict[str, Any]] = {}
    for lang in other_languages(obj):
        for field, (_label, longest) in fields.items():
            text = str((data.get(lang) or {}).get(field) or "").replace("\r\n", "\n").strip()
            if "\x00" in text:
                errors[f"{lang}.{field}"] = _("Недопустимый символ")
                continue
            if len(text) > longest:
                errors[f"{lang}.{field}"] = _("Не длиннее %(n)s символов") % {"n": longest}
                continue
            if field == "title" and "\n" in text:
                errors[f"{lang}.{field}"] = _("Название — одной строкой")
                continue
            if text:
                value: Any = [line.strip() for line in text.split("\n") if line.strip()] if field == "goals" else text
                cleaned.setdefault(lang, {})[field] = value
    if errors:
        raise Invalid(_("Проверьте переводы"), fields=errors)
    before = obj.translations or {}
    if cleaned != before:
        obj.translations = cleaned
        record(db, user=user, action="translate", entity=obj, event_id=event_id, changes={"translations": [before, cleaned]})
        db.flush()
    return obj
