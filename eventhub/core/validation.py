"""Building blocks of request models: constrained types and Russian field-level messages.

Every write model (API bodies and admin forms alike) is made of these, so a field is
checked the same way wherever it comes from, and `field_errors` turns any pydantic
error list into `{field: message}` for the JSON error body or the form."""

from collections.abc import Iterable, Iterator
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

from eventhub.core.errors import Invalid
from eventhub.core.i18n import N_, _
from eventhub.core.text import InvalidPhone, normalise_phone

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
    extra = {f"x-{k}": v for k, v in (("ref", ref), ("widget", widget), ("group", group)) if v}
    return Field(default, title=title, description=hint, json_schema_extra=extra or None, **kw)


def partial(model: type[BaseModel], name: str) -> type[BaseModel]:
    """`model` with every field optional: the body of a PATCH, merged over the stored values."""
    fields = {}
    for fname, info in model.model_fields.items():
        annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        fields[fname] = (
            annotation | None,
            Field(None, title=info.title, description=info.description, json_schema_extra=info.json_schema_extra),
        )
    doc = f"Fields to change in {model.__name__}; omitted fields keep their values."
    return create_model(name, __base__=WriteModel, __doc__=doc, **fields)


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("недопустимый символ (NUL)"))
    return value


@dataclass(frozen=True, slots=True)
class Line(GroupedMetadata):
    """Non-empty text, stripped, at most `max_length` characters: `Annotated[str, Line(300)]`.

    Metadata rather than a function returning a type, so that mypy reads the annotation as `str`."""

    max_length: int

    def __iter__(self) -> Iterator[object]:
        yield StringConstraints(strip_whitespace=True, min_length=1, max_length=self.max_length)
        yield AfterValidator(_no_nul)


T = TypeVar("T")
# An optional value where a blank string means "none": `Maybe[Slug]`.
Maybe = Annotated[T | None, BeforeValidator(_blank_to_none)]


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value or "\x00" in value:
        raise ValueError(_("нужен адрес, начинающийся с http:// или https://"))
    return value


def _phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except InvalidPhone as exc:
        raise ValueError(str(exc)) from None


def _email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError(_("неверный адрес электронной почты")) from None


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(_("неизвестный часовой пояс: %(value)s (пример: Asia/Bishkek)") % {"value": value}) from None
    return value


Slug = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120, pattern=SLUG_PATTERN)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(_http_url)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), AfterValidator(_phone)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_email)]
TimeZone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64), AfterValidator(_time_zone)]

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
}


def field_message(err: dict[str, Any]) -> str:
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
        return err.get("msg", _("неверное значение"))
    try:
        return _(template).format(**ctx)
    except (KeyError, IndexError):
        return err.get("msg", _("неверное значение"))


def field_name(loc: Iterable[Any]) -> str:
    """('body', 'organisations', 0, 'role') -> 'organisations.0.role'."""
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form")]
    return ".".join(parts)


def field_errors(errors: Iterable[dict[str, Any]]) -> dict[str, str]:
    """{field: message} of a pydantic error list; the first message of a field wins."""
    fields: dict[str, str] = {}
    for err in errors:
        loc = err.get("loc", ())
        name = (
            "body" if err.get("type") == "json_invalid" else field_name(loc) or ("body" if "body" in loc else "request")
        )
        fields.setdefault(name, field_message(err))
    return fields


def validate(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """`model` from `data`, or Invalid with a Russian message per field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Invalid(_("Неверные данные"), fields=field_errors(exc.errors())) from None


def merged(model: type[BaseModel], stored: dict[str, Any], patch: BaseModel) -> Any:
    """A PATCH: the fields sent over the stored ones, validated as a whole by the create model."""
    return validate(model, stored | patch.model_dump(exclude_unset=True))
