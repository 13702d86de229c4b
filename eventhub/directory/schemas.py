"""Request bodies of the directory: organisations, projects, series, people, press contacts.

References to other entries are slugs (`"organisation": "ipr"`); an omitted slug is made
from the name by transliteration."""

from typing import TYPE_CHECKING, Annotated

from annotated_types import Interval, Len

from eventhub.core.i18n import N_
from eventhub.core.models import OrganisationKind, Region
from eventhub.core.validation import Email, Line, Maybe, Multiline, Phone, Slug, Url, WriteModel, field
from eventhub.core.versions import Fields, Text, translations_field, version_model

SLUG_HINT = N_("латиницей; оставьте пустым — адрес составится из названия")
Year = Annotated[int, Interval(ge=1991, le=2100)]


# The texts the public pages show in the reader's language, each with versions in the others.
ORGANISATION_TEXTS: Fields = {
    "name": Text(N_("Полное название"), 300, "line"),
    "description": Text(N_("Описание"), 20_000),
}
PROJECT_TEXTS: Fields = {
    "name": Text(N_("Полное название"), 400, "line"),
    "summary": Text(N_("Кратко"), 2000),
    "description": Text(N_("Описание"), 50_000),
}
SERIES_TEXTS: Fields = {"title": Text(N_("Название"), 300, "line")}
PERSON_TEXTS: Fields = {"position": Text(N_("Должность"), 400, "line")}

# Models made at run time: mypy sees their base class, pydantic and FastAPI the models themselves.
if TYPE_CHECKING:
    OrganisationVersion = WriteModel
    ProjectVersion = WriteModel
    SeriesVersion = WriteModel
    PersonVersion = WriteModel
else:
    OrganisationVersion = version_model("OrganisationVersion", ORGANISATION_TEXTS)
    ProjectVersion = version_model("ProjectVersion", PROJECT_TEXTS)
    SeriesVersion = version_model("SeriesVersion", SERIES_TEXTS)
    PersonVersion = version_model("PersonVersion", PERSON_TEXTS)


class OrganisationCreate(WriteModel):
    slug: Maybe[Slug] = field(None, title=N_("Адрес (slug)"), hint=SLUG_HINT)
    short_name: Maybe[Annotated[str, Line(60)]] = field(
        None, title=N_("Краткое название"), hint=N_("например: АРИС, ИПР, СПС")
    )
    name: Annotated[str, Line(300)] = field(title=N_("Полное название"))
    kind: OrganisationKind = field(OrganisationKind.other, title=N_("Вид организации"))
    website: Maybe[Url] = field(None, title=N_("Сайт"))
    parent: Maybe[Slug] = field(None, title=N_("Входит в"), ref="organisations")
    description: Maybe[Annotated[str, Multiline(20_000)]] = field(None, title=N_("Описание"), widget="textarea")
    translations: dict[str, OrganisationVersion] | None = translations_field()


class Figure(WriteModel):
    value: Annotated[str, Line(40)] = field(title=N_("Число"))
    label: Annotated[str, Line(300)] = field(title=N_("Что оно значит"))


class ProjectCreate(WriteModel):
    slug: Maybe[Slug] = field(None, title=N_("Адрес (slug)"), hint=SLUG_HINT)
    short_name: Maybe[Annotated[str, Line(80)]] = field(
        None, title=N_("Краткое название"), hint=N_("например: ДФ ПСИ-3")
    )
    name: Annotated[str, Line(400)] = field(title=N_("Полное название"))
    summary: Maybe[Annotated[str, Multiline(2000)]] = field(None, title=N_("Кратко"), widget="textarea")
    description: Maybe[Annotated[str, Multiline(50_000)]] = field(
        None, title=N_("Описание"), widget="textarea", hint="Markdown"
    )
    website: Maybe[Url] = field(None, title=N_("Сайт"))
    start_year: Maybe[Year] = field(None, title=N_("Год начала"))
    end_year: Maybe[Year] = field(None, title=N_("Год окончания"))
    regions: Annotated[list[Region], Len(0, 10)] = field([], title=N_("Регионы"))
    funders: Annotated[list[Slug], Len(0, 20)] = field([], title=N_("Финансирование"), ref="organisations")
    implementers: Annotated[list[Slug], Len(0, 20)] = field([], title=N_("Реализация"), ref="organisations")
    partners: Annotated[list[Slug], Len(0, 50)] = field([], title=N_("Партнёры"), ref="organisations")
    figures: Annotated[list[Figure], Len(0, 30)] = field(
        [], title=N_("Цифры"), widget="pairs", hint=N_("по одной в строке: число | что оно значит")
    )
    translations: dict[str, ProjectVersion] | None = translations_field()


class SeriesCreate(WriteModel):
    slug: Maybe[Slug] = field(None, title=N_("Адрес (slug)"), hint=SLUG_HINT)
    title: Annotated[str, Line(300)] = field(title=N_("Название"))
    description: Maybe[Annotated[str, Multiline(20_000)]] = field(None, title=N_("Описание"), widget="textarea")
    first_year: Maybe[Year] = field(None, title=N_("Первый год"))
    last_year: Maybe[Year] = field(None, title=N_("Последний год"))
    project: Maybe[Slug] = field(None, title=N_("Проект"), ref="projects")
    translations: dict[str, SeriesVersion] | None = translations_field()


class PersonCreate(WriteModel):
    slug: Maybe[Slug] = field(None, title=N_("Адрес (slug)"), hint=SLUG_HINT)
    name: Annotated[str, Line(200)] = field(title=N_("Имя и фамилия"))
    position: Maybe[Annotated[str, Line(400)]] = field(None, title=N_("Должность"))
    organisation: Maybe[Slug] = field(None, title=N_("Организация"), ref="organisations")
    organisation_name: Maybe[Annotated[str, Line(300)]] = field(None, title=N_("Организация (если нет в справочнике)"))
    bio: Maybe[Annotated[str, Multiline(5000)]] = field(None, title=N_("О себе"), widget="textarea")
    email: Maybe[Email] = field(None, title="E-mail", hint=N_("виден только сотрудникам"))
    phone: Maybe[Phone] = field(None, title=N_("Телефон"), hint=N_("виден только сотрудникам; 0702 174 107 или +996…"))
    translations: dict[str, PersonVersion] | None = translations_field()


class PressContactCreate(WriteModel):
    slug: Maybe[Slug] = field(None, title=N_("Адрес (slug)"), hint=SLUG_HINT)
    name: Annotated[str, Line(200)] = field(title=N_("Имя и фамилия"))
    organisation: Maybe[Slug] = field(None, title=N_("Организация"), ref="organisations")
    organisation_name: Maybe[Annotated[str, Line(300)]] = field(None, title=N_("Организация (если нет в справочнике)"))
    role: Maybe[Annotated[str, Line(300)]] = field(
        None,
        title=N_("Роль"),
        hint=N_("что верно всегда, например: пресс-секретарь; роль на одном мероприятии — у мероприятия"),
    )
    phones: Annotated[list[Phone], Len(0, 5)] = field(
        [],
        title=N_("Телефоны"),
        widget="lines",
        hint=N_("по одному в строке; местные номера вида 0702 174 107 — кыргызские"),
    )
    email: Maybe[Email] = field(None, title="E-mail")
