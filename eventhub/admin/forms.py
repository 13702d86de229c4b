"""Admin forms made from the API's request models: one mechanism for every editor page.

A `Form` reads a write model's fields (title, hint, `x-widget`, `x-ref`, `x-group`) and
knows how to show stored values, how to turn posted form data into the model's input,
and how to put every error beside its field while keeping what was typed."""

import enum
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlmodel import Session, select
from starlette.datastructures import FormData
from starlette.responses import Response

from eventhub import labels
from eventhub.admin.deps import done
from eventhub.core.errors import Conflict, Invalid
from eventhub.core.i18n import N_, _, gettext
from eventhub.core.models import (
    EventKind,
    EventRole,
    EventStatus,
    Language,
    OrganisationKind,
    Region,
    RegistrationMode,
    SessionKind,
)
from eventhub.core.validation import validate
from eventhub.directory.service import REF_MODELS

ENUM_LABELS: dict[type, dict[Any, str]] = {
    EventKind: labels.EVENT_KIND,
    EventRole: labels.EVENT_ROLE,
    EventStatus: labels.EVENT_STATUS,
    Language: labels.LANGUAGE,
    OrganisationKind: labels.ORGANISATION_KIND,
    Region: labels.REGION,
    RegistrationMode: labels.REGISTRATION_MODE,
    SessionKind: labels.SESSION_KIND,
}
MULTI = ("multiselect", "checkboxes")
LISTS = ("lines", "pairs")


@dataclass
class FormField:
    name: str
    label: str
    hint: str | None
    widget: str  # text textarea number checkbox datetime select multiselect checkboxes lines pairs
    required: bool
    group: str | None
    ref: str | None
    choices: list[tuple[str, str]]
    max_length: int | None
    step: str = "1"  # numbers: "any" for decimals
    nullable: bool = True  # blank means "none"; otherwise blank means "the default"

    def options(self, refs: dict[str, list[tuple[str, str]]], value: Any) -> list[tuple[str, str]]:
        """Choices to show; for a pick list the chosen ones first, in their order (the agenda's order)."""
        # An enum's labels are source strings, translated here, in the reader's language (the form is
        # built once, at import); a reference list holds names from the database, shown as they are.
        options = refs.get(self.ref, []) if self.ref else [(v, gettext(label)) for v, label in self.choices]
        if self.widget != "multiselect":
            return options
        chosen, names = [str(v) for v in value or []], dict(options)
        return [(c, names[c]) for c in chosen if c in names] + [o for o in options if o[0] not in chosen]


def _unwrap(tp: Any) -> tuple[Any, bool, int | None]:
    """(the base type, whether it is a list, the string length limit) of an annotation."""
    max_length = None
    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            tp, *meta = typing.get_args(tp)
            max_length = next((m.max_length for m in meta if getattr(m, "max_length", None)), max_length)
        elif origin in (typing.Union, types.UnionType):
            tp = next(a for a in typing.get_args(tp) if a is not type(None))
        elif origin is list:
            base, _, inner = _unwrap(typing.get_args(tp)[0])
            return base, True, inner
        else:
            return tp, False, max_length


def _choices(base: Any) -> list[tuple[str, str]]:
    if not (isinstance(base, type) and issubclass(base, enum.Enum)):
        return []
    names = ENUM_LABELS.get(base, {})
    # dict.get of the plain dict: the untranslated source string (options() translates it per request)
    return [(m.value, dict.get(names, m) or (N_("Другое") if m.value == "other" else m.value)) for m in base]


def _widget(base: Any, is_list: bool, ref: str | None, max_length: int | None) -> str:
    if ref:
        return "multiselect" if is_list else "select"
    if base is bool:
        return "checkbox"
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return "checkboxes" if is_list else "select"
    if base in (int, float):
        return "number"
    if base is datetime:
        return "datetime"
    if is_list:
        return "lines"
    return "textarea" if max_length and max_length > 2000 else "text"


class Form:
    def __init__(self, model: type[BaseModel], *, exclude: tuple[str, ...] = ()) -> None:
        self.model = model
        self.fields: list[FormField] = []
        for name, info in model.model_fields.items():
            # field() puts strings under x-widget, x-ref and x-group
            extra: dict[str, Any] = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            if name in exclude or extra.get("x-versions"):  # versions have their own side-by-side page
                continue
            annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            base, is_list, max_length = _unwrap(annotation)
            ref = extra.get("x-ref")
            self.fields.append(
                FormField(
                    name=name,
                    label=info.title or name,
                    hint=info.description,
                    widget=extra.get("x-widget") or _widget(base, is_list, ref, max_length),
                    required=info.is_required(),
                    group=extra.get("x-group"),
                    ref=ref,
                    choices=_choices(base),
                    max_length=None if is_list else max_length,
                    step="any" if base is float else "1",
                    nullable=not info.is_required() and info.get_default() is None,
                )
            )

    def groups(self) -> list[tuple[str | None, list[FormField]]]:
        out: dict[str | None, list[FormField]] = {}
        for f in self.fields:
            out.setdefault(f.group, []).append(f)
        return list(out.items())

    def refs(self) -> set[str]:
        return {f.ref for f in self.fields if f.ref}

    def values(self, data: dict[str, Any], tz: str = "Asia/Bishkek") -> dict[str, Any]:
        """Stored values (a request-shaped dict) as the form shows them."""
        out: dict[str, Any] = {}
        for f in self.fields:
            v = data.get(f.name)
            if f.widget == "checkbox":
                out[f.name] = bool(v)
            elif f.widget in MULTI:
                out[f.name] = [str(x) for x in v or []]
            elif f.widget == "lines":
                out[f.name] = "\n".join(str(x) for x in v or [])
            elif f.widget == "pairs":
                out[f.name] = "\n".join(f"{p['value']} | {p['label']}" for p in v or [])
            elif isinstance(v, datetime):
                out[f.name] = v.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")
            else:
                out[f.name] = "" if v is None else str(v)
        return out

    def typed(self, form: FormData) -> dict[str, Any]:
        """What was typed, to show again after an error."""
        out: dict[str, Any] = {}
        for f in self.fields:
            if f.widget == "checkbox":
                out[f.name] = f.name in form
            elif f.widget in MULTI:
                out[f.name] = [v for v in form.getlist(f.name) if isinstance(v, str)]
            else:
                v = form.get(f.name)
                out[f.name] = v if isinstance(v, str) else ""
        return out

    def parse(self, form: FormData) -> dict[str, Any]:
        """Posted form data as the model's input: blanks are none, lines are lists."""
        out: dict[str, Any] = {}
        for name, v in self.typed(form).items():
            widget = next(f.widget for f in self.fields if f.name == name)
            if widget == "checkbox" or widget in MULTI:
                out[name] = [x for x in v if x] if widget in MULTI else v
            elif widget in LISTS:
                lines = [line.strip() for line in v.splitlines() if line.strip()]
                out[name] = [_pair(line) for line in lines] if widget == "pairs" else lines
            elif v.strip() or next(f.nullable for f in self.fields if f.name == name):
                out[name] = v.strip() or None
        return out

    def validate(self, form: FormData, extra: dict[str, Any] | None = None) -> Any:
        """The model from posted data, or Invalid with messages keyed by form field."""
        try:
            return validate(self.model, self.parse(form) | (extra or {}))
        except Invalid as exc:
            raise Invalid(exc.message, fields=self.field_errors(exc.fields)) from None

    def field_errors(self, fields: dict[str, str]) -> dict[str, str]:
        """'goals.3' -> 'goals': 'строка 4: ...' (the form shows one message per field)."""
        out: dict[str, str] = {}
        for key, message in fields.items():
            name, _sep, rest = key.partition(".")
            index = rest.split(".")[0]
            out.setdefault(
                name,
                _("строка %(value)s: %(message)s") % {"value": int(index) + 1, "message": message}
                if index.isdigit()
                else message,
            )
        return out


def _pair(line: str) -> dict[str, str]:
    value, _, label = line.partition("|")
    return {"value": value.strip(), "label": label.strip()}


def ref_choices(db: Session, refs: set[str]) -> dict[str, list[tuple[str, str]]]:
    """Options of the selects that pick other entries: (slug, readable name)."""
    out = {}
    for ref in refs:
        model: Any = REF_MODELS[ref]  # any kind of entry: its name column is found by attribute
        name = model.title if hasattr(model, "title") else model.name
        rows = db.exec(select(model.slug, name, *_short(model)).order_by(name).limit(2000)).all()
        out[ref] = [(r[0], f"{r[2]} — {r[1]}" if len(r) > 2 and r[2] else r[1]) for r in rows]
    return out


def _short(model: Any) -> tuple[Any, ...]:
    return (model.short_name,) if hasattr(model, "short_name") else ()


async def save(
    request: Any,
    db: Session,
    form: Form,
    action: Callable[[Any], Any],
    *,
    again: Callable[[dict[str, Any], dict[str, str]], Response],
    then: Callable[[Any], tuple[str, str]],
    extra: dict[str, Any] | None = None,
) -> Response:
    """The whole post of an editor: run `action` on the valid form and go to `then(result)` (url,
    message), or show the form `again(typed, errors)` with every error beside its field (422)."""
    result, errors, typed = await submit(request, db, form, action, extra=extra)
    if errors:
        return again(typed, errors)
    url, message = then(result)
    return done(request, url, message)


async def submit(
    request: Any, db: Session, form: Form, action: Callable[[Any], Any], *, extra: dict[str, Any] | None = None
) -> tuple[Any, dict[str, str], dict[str, Any]]:
    """Validate the posted form and run `action` on the model: (result, errors, typed values).

    On an error nothing stays changed (rolled back) and the caller shows the form again (422)."""
    posted = await request.form()
    try:
        result = action(form.validate(posted, extra))
    except (Invalid, Conflict) as exc:
        db.rollback()
        errors = form.field_errors(exc.fields) or {"__all__": exc.message}
        return None, errors, form.typed(posted)
    return result, {}, form.typed(posted)
