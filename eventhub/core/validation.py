"""Building blocks of request models: constrained types and Russian field-level messages.

Every write model (API bodies and admin forms alike) is made of these, so a field is
checked the same way wherever it comes from, and `field_errors` turns any pydantic
error list into `{field: message}` for the JSON error body or the form."""

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from annotated_types import GroupedMetadata
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
)
from pydantic.config import JsonDict

from eventhub.core.errors import Invalid
from eventhub.core.i18n import N_, _
from eventhub.core.text import (
    InvalidPhone,
    bad_char,
    char_name,
    html_in_markdown,
    normalise_newlines,
    normalise_phone,
    one_line,
    printable,
    unsafe_link_in_markdown,
)

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class WriteModel(BaseModel):
    """Base of every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def field(
    default: Any = ...,
    *,
    title: str,
    hint: str | None = None,
    ref: str | None = None,
    widget: str | None = None,
    group: str | None = None,
    **kw: Any,
) -> Any:
    """A documented field; `ref` (what a slug points to), `widget` and `group` guide the admin forms."""
    extra: JsonDict = {f"x-{k}": v for k, v in (("ref", ref), ("widget", widget), ("group", group)) if v}
    return Field(default, title=title, description=hint, json_schema_extra=extra or None, **kw)


def partial(model: type[BaseModel], name: str) -> type[BaseModel]:
    """`model` with every field optional: the body of a PATCH, merged over the stored values."""
    fields: dict[str, Any] = {}
    for fname, info in model.model_fields.items():
        annotation: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        fields[fname] = (
            annotation | None,
            Field(None, title=info.title, description=info.description, json_schema_extra=info.json_schema_extra),
        )
    doc = f"Fields to change in {model.__name__}; omitted fields keep their values."
    return create_model(name, __base__=WriteModel, __doc__=doc, **fields)


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


_BREAKS = "\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85"  # what str.splitlines() breaks a line on


def _one_line(value: Any) -> Any:
    """Single-line text: no line break and no other control character (Cc, U+2028/U+2029)."""
    if isinstance(value, str) and (ch := bad_char(value)) is not None:
        if ch in _BREAKS:
            raise ValueError(
                _("недопустимый символ %(char)s: текст должен быть одной строкой") % {"char": char_name(ch)}
            )
        raise ValueError(_("недопустимый символ %(char)s") % {"char": char_name(ch)})
    return value


def _paragraphs(value: Any) -> Any:
    """Multi-line text: newlines (CRLF and CR read as LF) and tabs; no other control character."""
    if not isinstance(value, str):
        return value
    value = normalise_newlines(value)
    if (ch := bad_char(value, multiline=True)) is not None:
        raise ValueError(_("недопустимый символ %(char)s") % {"char": char_name(ch)})
    return value


def _safe_markdown(value: str) -> str:
    html = html_in_markdown(value)
    if html:
        sample = html[0] if len(html[0]) <= 60 else html[0][:57] + "…"
        raise ValueError(
            _(
                "HTML-разметка в тексте не допускается (найдено: %(sample)s). Используйте Markdown: **жирный**, *курсив*, [ссылка](https://…), списки «- » и «1. »"
            )
            % {"sample": one_line(sample)}
        )
    if unsafe_link_in_markdown(value):
        raise ValueError(_("Недопустимая ссылка: разрешены только адреса http(s)://, mailto: и tel:"))
    return value


# The text types are metadata rather than functions returning a type, so that mypy reads
# `Annotated[str, Line(300)]` as `str`. The character check comes last: it runs first.


@dataclass(frozen=True, slots=True)
class Line(GroupedMetadata):
    """Non-empty text on one line, stripped, at most `max_length` characters: `Annotated[str, Line(300)]`."""

    max_length: int

    def __iter__(self) -> Iterator[object]:
        yield StringConstraints(strip_whitespace=True, min_length=1, max_length=self.max_length)
        yield BeforeValidator(_one_line)


@dataclass(frozen=True, slots=True)
class Multiline(GroupedMetadata):
    """Non-empty paragraphs (newlines and tabs kept), stripped, at most `max_length` characters."""

    max_length: int

    def __iter__(self) -> Iterator[object]:
        yield StringConstraints(strip_whitespace=True, min_length=1, max_length=self.max_length)
        yield BeforeValidator(_paragraphs)


@dataclass(frozen=True, slots=True)
class Markdown(GroupedMetadata):
    """Multiline Markdown without raw HTML or script links (what reaches readers is sanitised too)."""

    max_length: int

    def __iter__(self) -> Iterator[object]:
        yield StringConstraints(strip_whitespace=True, min_length=1, max_length=self.max_length)
        yield AfterValidator(_safe_markdown)
        yield BeforeValidator(_paragraphs)


@dataclass(frozen=True, slots=True)
class Choice(GroupedMetadata):
    """One value of `choices`, else `message` (an N_ string) that says in words what may be
    chosen: `Annotated[Gender, Choice(Gender, N_("..."))]`."""

    choices: type[enum.Enum]
    message: str

    def __iter__(self) -> Iterator[object]:
        choices, message = self.choices, self.message

        def check(value: Any) -> Any:
            if isinstance(value, choices) or (isinstance(value, str) and value in choices._value2member_map_):
                return value
            raise ValueError(_(message))

        yield BeforeValidator(check)


@dataclass(frozen=True, slots=True)
class SlugOf(GroupedMetadata):
    """A slug of at most `max_length` characters: lower-case Latin letters, digits and hyphens."""

    max_length: int

    def __iter__(self) -> Iterator[object]:
        yield StringConstraints(strip_whitespace=True, max_length=self.max_length, pattern=SLUG_PATTERN)
        yield BeforeValidator(_one_line)


T = TypeVar("T")
# An optional value where a blank string means "none": `Maybe[Slug]`.
Maybe = Annotated[T | None, BeforeValidator(_blank_to_none)]
# A required value where a blank string is missing ("обязательное поле"), as on a form.
Required = Annotated[T, BeforeValidator(_blank_to_none)]


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value or bad_char(value) is not None:
        raise ValueError(_("нужен адрес, начинающийся с http:// или https://"))
    return value


def _phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except InvalidPhone:
        raise ValueError(
            _("неверный номер телефона: номер «%(number)s» не распознан (пример: 0702 174 107 или +996 702 174 107)")
            % {"number": value}
        ) from None


def _email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError(
            _("неверный адрес электронной почты «%(value)s» (пример: name@example.org)") % {"value": value[:80]}
        ) from None


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(_("неизвестный часовой пояс: %(value)s (пример: Asia/Bishkek)") % {"value": value}) from None
    return value


_Clean = BeforeValidator(_one_line)  # outermost: a control character is named before any other rule
Slug = Annotated[str, SlugOf(120)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(_http_url)]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), AfterValidator(_phone), _Clean
]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_email), _Clean]
TimeZone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64), AfterValidator(_time_zone), _Clean]

_MESSAGES = {
    "missing": N_("обязательное поле"),
    "extra_forbidden": N_("неизвестное поле"),
    "string_too_long": N_("не длиннее {max_length} символов"),
    "too_long": N_("не больше {max_length} элементов"),
    "too_short": N_("не меньше {min_length} элементов"),
    "string_pattern_mismatch": N_("только строчные латинские буквы, цифры и дефис"),
    "string_type": N_("нужна строка"),
    "int_type": N_("нужно целое число"),
    "int_parsing": N_("нужно целое число"),
    "int_from_float": N_("нужно целое число"),
    "float_type": N_("нужно число"),
    "float_parsing": N_("нужно число"),
    "bool_type": N_("нужно да или нет (true/false)"),
    "bool_parsing": N_("нужно да или нет (true/false)"),
    "datetime_type": N_("нужны дата и время, например 2024-09-13T10:00"),
    "datetime_parsing": N_("нужны дата и время, например 2024-09-13T10:00"),
    "datetime_from_date_parsing": N_("нужны дата и время, например 2024-09-13T10:00"),
    "list_type": N_("нужен список"),
    "dict_type": N_("нужен объект"),
    "model_type": N_("нужен объект"),
    "model_attributes_type": N_("нужен объект"),
    "greater_than_equal": N_("не меньше {ge}"),
    "greater_than": N_("больше {gt}"),
    "less_than_equal": N_("не больше {le}"),
    "less_than": N_("меньше {lt}"),
    "enum": N_("допустимые значения: {expected}"),
    "literal_error": N_("допустимые значения: {expected}"),
    "json_invalid": N_("тело запроса — не JSON: {error}"),
    "string_unicode": N_("недопустимый символ: текст не в Юникоде (одиночный суррогат UTF-16)"),
}


def field_message(err: Mapping[str, Any]) -> str:
    """One pydantic error in Russian."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "too_short" and ctx.get("min_length") == 1:
        return _("выберите хотя бы одно значение")
    if kind == "string_too_short":
        return (
            _("не может быть пустым")
            if ctx.get("min_length") == 1
            else _("не короче %(get)s символов") % {"get": ctx.get("min_length")}
        )
    if err.get("input", ...) is None and kind not in ("value_error", "missing"):
        return _("обязательное поле")
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", err.get("msg", _("неверное значение"))))
    template = _MESSAGES.get(kind)
    if template is None:
        return str(err.get("msg", _("неверное значение")))
    try:
        return _(template).format(**ctx)
    except (KeyError, IndexError):
        return str(err.get("msg", _("неверное значение")))


def field_name(loc: Iterable[Any]) -> str:
    """('body', 'organisations', 0, 'role') -> 'organisations.0.role'."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "form", "header", "cookie"):
        parts = parts[1:]  # where FastAPI found it; a field may be called "body" too
    return printable(".".join(str(p) for p in parts), multiline=False)[:200]  # a key holds what the client sent


def field_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """{field: message} of a pydantic error list; the first message of a field wins."""
    fields: dict[str, str] = {}
    for err in errors:
        loc = err.get("loc", ())
        name = (
            "body" if err.get("type") == "json_invalid" else field_name(loc) or ("body" if "body" in loc else "request")
        )
        fields.setdefault(name, printable(field_message(err)))
    return fields


M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], data: dict[str, Any]) -> M:
    """`model` from `data`, or Invalid with a Russian message per field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Invalid(_("Неверные данные"), fields=field_errors(exc.errors())) from None


def merged(model: type[M], stored: dict[str, Any], patch: BaseModel) -> M:
    """A PATCH: the fields sent over the stored ones, validated as a whole by the create model."""
    return validate(model, stored | patch.model_dump(exclude_unset=True))
