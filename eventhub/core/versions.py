"""Versions of reader-facing texts in the other languages, for every `Translatable` kind.

Each kind names its translatable fields once (`Fields`): the admin's side-by-side pages
(events, press releases, agendas, directory entries) and the `translations` field of the
write API check a version with the same rules (`clean_versions`), and `save_versions`
stores a whole page of them all-or-nothing, audited. Nothing here knows about HTTP."""

from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from annotated_types import Len
from pydantic import BaseModel, Field, TypeAdapter, ValidationError, create_model
from sqlmodel import Session

from eventhub.core.audit import record
from eventhub.core.errors import Invalid
from eventhub.core.i18n import LANGUAGES, N_, _
from eventhub.core.models import StaffUser
from eventhub.core.validation import Line, Markdown, Maybe, Multiline, WriteModel, field_message


@dataclass(frozen=True)
class Text:
    """A translatable field: its label, the longest text accepted and its shape."""

    label: str
    longest: int  # characters; of each item for "lines"
    shape: str = "text"  # "line": one line; "text": paragraphs; "markdown": paragraphs of Markdown; "lines": a list, one item per line
    items: int = 30  # "lines": most items


Fields = dict[str, Text]


def other_languages(obj: Any) -> list[str]:
    return [lang for lang in LANGUAGES if lang != obj.original_language]


def translation_input(obj: Any, fields: Fields) -> dict[str, dict[str, str]]:
    """What a form shows: each other language's texts, lists joined by lines."""
    out = {}
    for lang in other_languages(obj):
        values = (obj.translations or {}).get(lang, {})
        out[lang] = {
            f: "\n".join(values.get(f) or []) if text.shape == "lines" else values.get(f) or ""
            for f, text in fields.items()
        }
    return out


def text_type(text: Text) -> Any:
    """The constrained input type of a translatable field: the one definition of its limits and
    rules, for the write API's `translations`, the side-by-side pages and the object's own field."""
    if text.shape == "lines":
        line: Any = Annotated[str, Line(text.longest)]
        return Annotated[list[line], Len(0, text.items)]
    if text.shape == "line":
        return Annotated[str, Line(text.longest)]
    if text.shape == "markdown":
        return Annotated[str, Markdown(text.longest)]
    return Annotated[str, Multiline(text.longest)]


@cache
def _adapter(text: Text) -> TypeAdapter[Any]:
    maybe: Any = Maybe
    return TypeAdapter(maybe[text_type(text)])


def _clean_text(text: Text, value: Any) -> tuple[Any, str | None]:
    """(the stored value or None when empty, an error)."""
    if text.shape == "lines" and isinstance(value, str):
        value = value.splitlines()
    if text.shape == "lines" and isinstance(value, list):
        value = [v for v in value if not isinstance(v, str) or v.strip()]
    try:
        stored = _adapter(text).validate_python(value)
    except ValidationError as exc:
        message = field_message(dict(exc.errors()[0]))
        return None, message[:1].upper() + message[1:]
    return stored or None, None


def clean_versions(
    original: str, fields: Fields, data: dict[str, Any], *, prefix: str = ""
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """(the versions to store, {"<prefix>lang.field": error}); empty fields are left out."""
    cleaned: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for lang, version in data.items():
        key = f"{prefix}{str(lang)[:8]}"
        if lang not in LANGUAGES:
            errors[key] = _("язык перевода: ru, ky или en")
            continue
        if lang == original:
            if any(v for v in (version or {}).values()):
                errors[key] = _("это язык оригинала: его текст — в основных полях")
            continue
        if not isinstance(version, dict):
            errors[key] = _("нужен объект")
            continue
        for field, value in version.items():
            if field not in fields:
                errors[f"{key}.{str(field)[:40]}"] = _("неизвестное поле")
                continue
            if value is None:
                continue
            stored, error = _clean_text(fields[field], value)
            if error:
                errors[f"{key}.{field}"] = error
            elif stored:
                cleaned.setdefault(lang, {})[field] = stored
    return cleaned, errors


def check_versions(original: str, fields: Fields, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The `translations` of a write API body, ready to store; Invalid names each wrong field."""
    data = {lang: v.model_dump(exclude_none=True) if isinstance(v, BaseModel) else v for lang, v in data.items()}
    cleaned, errors = clean_versions(original, fields, data, prefix="translations.")
    if errors:
        raise Invalid(_("Проверьте переводы"), fields=errors)
    return cleaned


def store_versions(
    db: Session, *, obj: Any, versions: dict[str, dict[str, Any]], user: StaffUser | None, event_id: int | None
) -> bool:
    """Replace the stored versions; audited when they change. True if they did."""
    before = obj.translations or {}
    if versions == before:
        return False
    obj.translations = versions
    record(
        db, user=user, action="translate", entity=obj, event_id=event_id, changes={"translations": [before, versions]}
    )
    db.flush()
    return True


@dataclass
class Block:
    """One object's versions on a side-by-side page; `key` tells apart several objects on one page."""

    obj: Any
    fields: Fields
    key: str = ""
    heading: str | None = None

    @property
    def languages(self) -> list[str]:
        return other_languages(self.obj)

    def name(self, lang: str, field: str) -> str:
        """The form field of one version of one field ("en-title", "s12-en-title")."""
        return f"{self.key}-{lang}-{field}" if self.key else f"{lang}-{field}"

    def error_key(self, lang: str, field: str) -> str:
        return f"{self.key}.{lang}.{field}" if self.key else f"{lang}.{field}"

    def stored(self) -> dict[str, dict[str, str]]:
        return translation_input(self.obj, self.fields)

    def posted(self, form: Any) -> dict[str, dict[str, str]]:
        """What was typed, for each other language (a missing field is empty)."""
        return {lang: {f: str(form.get(self.name(lang, f)) or "") for f in self.fields} for lang in self.languages}


def save_versions(
    db: Session,
    *,
    blocks: list[Block],
    typed: dict[str, dict[str, dict[str, str]]],
    user: StaffUser,
    event_id: int | None,
) -> int:
    """Store what was typed for every block, or nothing if any field is wrong; how many objects changed.

    `typed` is {block key: {lang: {field: text}}}; an empty field falls back to the original."""
    errors: dict[str, str] = {}
    cleaned = []
    for block in blocks:
        data = typed.get(block.key, {})
        versions, block_errors = clean_versions(
            block.obj.original_language, block.fields, {lang: data.get(lang, {}) for lang in block.languages},
            prefix=f"{block.key}." if block.key else "",
        )  # fmt: skip
        errors |= block_errors
        cleaned.append((block, versions))
    if errors:
        raise Invalid(_("Проверьте переводы"), fields=errors)
    return sum(store_versions(db, obj=b.obj, versions=v, user=user, event_id=event_id) for b, v in cleaned)


def version_model(name: str, fields: Fields) -> type[BaseModel]:
    """The request model of one language version of `fields` (API bodies, /openapi.json)."""
    attrs: dict[str, Any] = {}
    maybe: Any = Maybe  # subscripted with types built at run time, which mypy cannot follow
    for field, text in fields.items():
        attrs[field] = (maybe[text_type(text)], Field(None, title=text.label))
    doc = "A version in another language; empty fields fall back to the original."
    return create_model(name, __base__=WriteModel, __doc__=doc, **attrs)


def translations_field() -> Any:
    """The optional `translations` field of a write body: {"ky": {...}, "en": {...}}."""
    return Field(
        None,
        title=N_("Переводы"),
        description='versions in the other languages: {"ky": {...}, "en": {...}}; not the original language',
        json_schema_extra={"x-versions": True},
    )
