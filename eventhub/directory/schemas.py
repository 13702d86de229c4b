"""Request bodies of the directory: organisations, projects, series, people, press contacts.

References to other entries are slugs (`"organisation": "ipr"`); an omitted slug is made
from the name by transliteration."""

from typing import Annotated

from annotated_types import Interval, Len

from eventhub.models import OrganisationKind, Region
from eventhub.validation import Email, Line, Maybe, Phone, Slug, Url, WriteModel, field

SLUG_HINT = "латиницей; оставьте пустым — адрес составится из названия"
Year = Annotated[int, Interval(ge=1991, le=2100)]


class OrganisationCreate(WriteModel):
    slug: Maybe(Slug) = field(None, title="Адрес (slug)", hint=SLUG_HINT)
    short_name: Maybe(Line(60)) = field(None, title="Краткое название", hint="например: АРИС, ИПР, СПС")
    name: Line(300) = field(title="Полное название")
    kind: OrganisationKind = field(OrganisationKind.other, title="Вид организации")
    website: Maybe(Url) = field(None, title="Сайт")
    parent: Maybe(Slug) = field(None, title="Входит в", ref="organisations")
    description: Maybe(Line(20_000)) = field(None, title="Описание", widget="textarea")


class Figure(WriteModel):
    value: Line(40) = field(title="Число")
    label: Line(300) = field(title="Что оно значит")


class ProjectCreate(WriteModel):
    slug: Maybe(Slug) = field(None, title="Адрес (slug)", hint=SLUG_HINT)
    short_name: Maybe(Line(80)) = field(None, title="Краткое название", hint="например: ДФ ПСИ-3")
    name: Line(400) = field(title="Полное название")
    summary: Maybe(Line(2000)) = field(None, title="Кратко", widget="textarea")
    description: Maybe(Line(50_000)) = field(None, title="Описание", widget="textarea", hint="Markdown")
    website: Maybe(Url) = field(None, title="Сайт")
    start_year: Maybe(Year) = field(None, title="Год начала")
    end_year: Maybe(Year) = field(None, title="Год окончания")
    regions: Annotated[list[Region], Len(0, 10)] = field([], title="Регионы")
    funders: Annotated[list[Slug], Len(0, 20)] = field([], title="Финансирование", ref="organisations")
    implementers: Annotated[list[Slug], Len(0, 20)] = field([], title="Реализация", ref="organisations")
    partners: Annotated[list[Slug], Len(0, 50)] = field([], title="Партнёры", ref="organisations")
    figures: Annotated[list[Figure], Len(0, 30)] = field(
        [], title="Цифры", widget="pairs", hint="по одной в строке: число | что оно значит"
    )


class SeriesCreate(WriteModel):
    slug: Maybe(Slug) = field(None, title="Адрес (slug)", hint=SLUG_HINT)
    title: Line(300) = field(title="Название")
    description: Maybe(Line(20_000)) = field(None, title="Описание", widget="textarea")
    first_year: Maybe(Year) = field(None, title="Первый год")
    last_year: Maybe(Year) = field(None, title="Последний год")
    project: Maybe(Slug) = field(None, title="Проект", ref="projects")


class PersonCreate(WriteModel):
    slug: Maybe(Slug) = field(None, title="Адрес (slug)", hint=SLUG_HINT)
    name: Line(200) = field(title="Имя и фамилия")
    position: Maybe(Line(400)) = field(None, title="Должность")
    organisation: Maybe(Slug) = field(None, title="Организация", ref="organisations")
    organisation_name: Maybe(Line(300)) = field(None, title="Организация (если нет в справочнике)")
    bio: Maybe(Line(5000)) = field(None, title="О себе", widget="textarea")
    email: Maybe(Email) = field(None, title="E-mail", hint="виден только сотрудникам")
    phone: Maybe(Phone) = field(None, title="Телефон", hint="виден только сотрудникам; 0702 174 107 или +996…")


class PressContactCreate(WriteModel):
    slug: Maybe(Slug) = field(None, title="Адрес (slug)", hint=SLUG_HINT)
    name: Line(200) = field(title="Имя и фамилия")
    organisation: Maybe(Slug) = field(None, title="Организация", ref="organisations")
    organisation_name: Maybe(Line(300)) = field(None, title="Организация (если нет в справочнике)")
    role: Maybe(Line(300)) = field(None, title="Роль", hint="например: член Оргкомитета")
    phones: Annotated[list[Phone], Len(0, 5)] = field(
        [], title="Телефоны", widget="lines", hint="по одному в строке; местные номера вида 0702 174 107 — кыргызские"
    )
    email: Maybe(Email) = field(None, title="E-mail")
