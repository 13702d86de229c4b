"""One mechanism for every directory entry (organisation, project, series, person, press
contact): create, change, delete and list, with unique transliterated slugs, references by
slug, search keys and the audit log. A `Directory` describes one kind of entry; the API and
the admin pages are generated from the same description (directory/api.py, admin/directory.py).

The generic helpers here (`resolve`, `loose`) serve events and agendas too; slugs come from
core.text.unique_slug."""

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import BaseModel, Field, create_model
from sqlmodel import Session, SQLModel, select

from eventhub.accounts.permissions import Action, require
from eventhub.core import audit, search
from eventhub.core.errors import Conflict, Invalid, NotFound
from eventhub.core.i18n import _, content, current_language
from eventhub.core.models import (
    EventSeries,
    Language,
    Organisation,
    Person,
    PressContact,
    Project,
    StaffUser,
    table_of,
)
from eventhub.core.text import normalise_query, search_key, slugify, unique_slug
from eventhub.core.validation import merged, partial
from eventhub.core.versions import Fields, check_versions

REF_MODELS: dict[str, type[SQLModel]] = {
    "organisations": Organisation,
    "projects": Project,
    "series": EventSeries,
    "people": Person,
    "press-contacts": PressContact,
}


def ref_fields(schema: type[BaseModel]) -> dict[str, str]:
    """{field: what it refers to} for the fields of `schema` that hold slugs of other entries."""
    out = {}
    for name, info in schema.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if "x-ref" in extra:
            out[name] = str(extra["x-ref"])
    return out


def resolve(db: Session, ref: str, slugs: list[str] | str | None, field_name: str) -> list[Any]:
    """The rows with these slugs, in the given order without repeats; unknown slugs are a field error."""
    if slugs is None:
        return []
    wanted = list(dict.fromkeys([slugs] if isinstance(slugs, str) else slugs))
    if not wanted:
        return []
    model = REF_MODELS[ref]
    slug = table_of(model).c.slug
    rows: list[Any] = list(db.exec(select(model).where(slug.in_(wanted))))  # any kind of entry
    found = {row.slug: row for row in rows}
    missing = [s for s in wanted if s not in found]
    if missing:
        raise Invalid(
            _("Ссылка на несуществующую запись"),
            fields={field_name: _("не найдено: %(join)s") % {"join": ", ".join(missing)}},
        )
    return [found[s] for s in wanted]


def slug_of(db: Session, ref: str, row_id: int | None) -> str | None:
    row: Any = db.get(REF_MODELS[ref], row_id) if row_id is not None else None  # any kind of entry
    return row.slug if row else None


def replace_rows(
    db: Session,
    current: list[Any],
    wanted: list[tuple[Any, ...]],
    key: Callable[[Any], tuple[Any, ...]],
    build: Callable[[int, Any], Any],
) -> bool:
    """Rebuild a child collection when its content (`key` of each row) differs from `wanted`."""
    if [key(c) for c in current] == wanted:
        return False
    for child in list(current):
        db.delete(child)
    db.flush()  # the old rows go first: the new ones may reuse their keys
    for i, item in enumerate(wanted):
        db.add(build(i, item))
    db.flush()
    return True


def loose(tp: Any) -> Any:
    """A type without its constraints: response models describe stored data, they do not police it."""
    origin = typing.get_origin(tp)
    if origin is Annotated:
        return loose(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return typing.Union[tuple(loose(a) for a in typing.get_args(tp))]  # noqa: UP007
    if origin is list:
        return types.GenericAlias(list, loose(typing.get_args(tp)[0]))  # list[...] of a type made here
    if origin is dict:
        return types.GenericAlias(dict, (str, loose(typing.get_args(tp)[1])))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return dict[str, Any]
    return tp


def out_model(schema: type[BaseModel], name: str, *, translated: bool = False) -> type[BaseModel]:
    """The response model of an entry: the request's fields, plus id and timestamps (and, for
    kinds with versions in other languages, which language the texts are in)."""
    fields: dict[str, Any] = {"id": (int, ...), "slug": (str, ...)}
    if translated:
        fields["language"] = (
            str,
            Field(description="language of the texts: the asked one on reads, else the original"),
        )
        fields["original_language"] = (str, ...)
    for fname, info in schema.model_fields.items():
        if fname != "slug":
            fields[fname] = (loose(info.annotation) | None, None)
    fields["updated_at"] = (datetime | None, None)
    return create_model(name, **fields)


@dataclass
class Children:
    """Collections of an entry edited as plain fields (e.g. a project's funders)."""

    fields: tuple[str, ...]
    read: Callable[[Session, Any], dict[str, Any]]
    write: Callable[[Session, Any, dict[str, Any]], None]  # values: field -> resolved rows or plain values


@dataclass
class Directory:
    key: str  # URL segment: /api/v1/{key}, /admin/{key}; also what `x-ref` names
    model: type[SQLModel]
    create: type[BaseModel]
    title: str  # "Организации"
    new_title: str  # "Новая организация"
    label: str  # the attribute that names an entry; the slug is made from it
    columns: tuple[str, ...] = ()  # extra columns of the admin list
    action: Action = Action.edit_directory
    delete_action: Action = Action.delete_directory
    public: bool = True  # anonymous GET allowed
    private_fields: tuple[str, ...] = ()  # shown to staff only
    search: tuple[str, ...] = ()  # fields that make `search_text`
    children: Children | None = None
    check: Callable[[Any], dict[str, str]] | None = None  # cross-field rules -> {field: message}
    texts: Fields | None = None  # the fields with versions in other languages (`translations` of the body)
    update: type[BaseModel] = field(init=False)
    out: type[BaseModel] = field(init=False)

    def __post_init__(self) -> None:
        base = self.create.__name__.removesuffix("Create")
        self.update = partial(self.create, f"{base}Update")
        self.out = out_model(self.create, f"{base}Out", translated=self.texts is not None)


def input_of(db: Session, spec: Directory, obj: Any) -> dict[str, Any]:
    """A stored entry in the shape of its request body (references as slugs)."""
    refs = ref_fields(spec.create)
    child_fields = spec.children.fields if spec.children else ()
    data = {
        name: slug_of(db, refs[name], getattr(obj, f"{name}_id")) if name in refs else getattr(obj, name)
        for name in spec.create.model_fields
        if name not in child_fields and name != "translations"  # versions are stored and diffed on their own
    }
    if spec.children:
        data |= spec.children.read(db, obj)
    return data


def output_of(
    db: Session, spec: Directory, obj: Any, *, private: bool = True, localise: bool = False
) -> dict[str, Any]:
    """An entry as the API shows it: as stored after a write, in the reader's language on reads."""
    data = input_of(db, spec, obj) | {"id": obj.id, "updated_at": getattr(obj, "updated_at", None)}
    if spec.texts:
        data["translations"] = obj.translations or {}
        data["original_language"] = obj.original_language
        data["language"] = current_language() if localise else obj.original_language
        if localise:
            data |= {f: content(obj, f) for f in spec.texts}
    return data if private else {k: v for k, v in data.items() if k not in spec.private_fields}


def save_entry(db: Session, spec: Directory, *, user: StaffUser | None, data: Any, obj: Any = None) -> Any:
    """Create (obj None) or change an entry from a validated request body; audited."""
    require(user, spec.action)
    errors = spec.check(data) if spec.check else {}
    if errors:
        raise Invalid(_("Неверные данные"), fields=errors)
    versions = None  # None keeps the stored versions (an admin form, a PATCH without them)
    if spec.texts and getattr(data, "translations", None) is not None:
        original = obj.original_language if obj is not None else Language.ru.value
        versions = check_versions(original, spec.texts, data.translations)
    child_fields = spec.children.fields if spec.children else ()
    resolved = {name: resolve(db, ref, getattr(data, name), name) for name, ref in ref_fields(spec.create).items()}
    values = data.model_dump(exclude={"slug", "translations", *child_fields})
    for name in ref_fields(spec.create):
        if name not in child_fields:
            values.pop(name)
            values[f"{name}_id"] = resolved[name][0].id if resolved[name] else None
    values["slug"] = unique_slug(
        db, spec.model, values[spec.label], wanted=data.slug, own_id=obj.id if obj is not None else None
    )
    if spec.search:
        values["search_text"] = search_key(*(values.get(f) for f in spec.search))
    before = input_of(db, spec, obj) if obj is not None else {}
    before_versions = (obj.translations or {}) if obj is not None and spec.texts else {}
    if versions is not None:
        values["translations"] = versions
    if obj is None:
        obj = spec.model(**values)
        db.add(obj)
    else:
        audit.apply_changes(obj, values)
    db.flush()
    if spec.children:
        spec.children.write(db, obj, {f: resolved.get(f, getattr(data, f)) for f in child_fields})
        db.flush()
    changes = audit.diff(before, input_of(db, spec, obj))
    if versions is not None and versions != before_versions:
        changes["translations"] = [before_versions, versions]
    audit.record(db, user=user, action="update" if before else "create", entity=obj, changes=changes)
    db.flush()
    return obj


def update_entry(db: Session, spec: Directory, *, user: StaffUser | None, obj: Any, patch: BaseModel) -> Any:
    """Change the fields sent in `patch`; the result is validated as a whole."""
    data = merged(spec.create, input_of(db, spec, obj), patch)
    return save_entry(db, spec, user=user, data=data, obj=obj)


def delete_entry(db: Session, spec: Directory, *, user: StaffUser | None, obj: Any) -> None:
    """Delete an entry nothing refers to any more; otherwise 409 saying why."""
    require(user, spec.delete_action)
    changes = audit.diff(input_of(db, spec, obj), {})
    delete_row(
        db,
        obj,
        _("«%(getattr)s» нельзя удалить: на запись ссылаются мероприятия или другие записи")
        % {"getattr": getattr(obj, spec.label)},
    )
    audit.record(db, user=user, action="delete", entity=obj, changes=changes)
    db.flush()


def delete_row(db: Session, obj: Any, refused: str) -> None:
    """Delete a row with the database's cascades; a row still referred to is a 409 saying `refused`."""
    model = type(obj)
    try:
        with db.begin_nested():
            db.execute(sa.delete(model).where(model.id == obj.id))
    except sa.exc.IntegrityError:
        raise Conflict(refused, fields={"slug": _("запись используется")}) from None
    db.expunge(obj)


def get_entry(db: Session, spec: Directory, slug: str) -> Any:
    obj = db.exec(select(spec.model).where(table_of(spec.model).c.slug == slug)).first()
    if obj is None:
        raise NotFound(_("Запись «%(slug)s» не найдена") % {"slug": slug})
    return obj


def list_entries(
    db: Session, spec: Directory, *, q: str | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[Any], int]:
    """Entries by name; `q` matches words of the name (any case, Cyrillic or Latin) or of the slug."""
    if q is not None and len(q) > 200:
        raise Invalid(_("Неверные параметры фильтра"), fields={"q": _("запрос длиннее 200 символов")})
    model, columns = spec.model, table_of(spec.model).c
    query = select(model)
    kind = search.kind_of(model)
    if kind and q is not None and q.strip():
        query = query.where(columns.id.in_(search.matching_ids(kind, q)))
    for word in normalise_query(q or "") if not kind else ():
        if spec.search:
            query = query.where(columns.search_text.contains(word, autoescape=True))
        else:
            latin = slugify(word, max_length=0)
            query = query.where(
                sa.or_(
                    getattr(model, spec.label).contains(word, autoescape=True),
                    columns.slug.contains(latin, autoescape=True),
                )
            )
    total = db.exec(select(sa.func.count()).select_from(query.subquery())).one()
    rows = db.exec(query.order_by(getattr(model, spec.label), columns.id).offset(offset).limit(limit)).all()
    return list(rows), total
