"""The one Jinja2 environment: date, time, phone and Markdown filters, labels, URLs."""

from datetime import datetime, timedelta
from typing import Any, overload
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from eventhub import ROOT, labels
from eventhub.accounts.csrf import csrf_input
from eventhub.core import i18n
from eventhub.core.contacts import linked_contacts
from eventhub.core.i18n import current_language
from eventhub.core.models import Event
from eventhub.core.text import format_phone, markdown_to_html
from eventhub.core.typography import clock, number, quote


@overload
def local(dt: datetime, tz: str) -> datetime: ...
@overload
def local(dt: None, tz: str) -> None: ...
def local(dt: datetime | None, tz: str) -> datetime | None:
    return dt.astimezone(ZoneInfo(tz)) if dt else None


def event_date_range(event: Event) -> str:
    """'18 октября 2022 г.', '8–9 сентября 2023 г.', '10 июня 2016 г., 10:00–13:00' in the event's zone,
    written by CLDR for the reader's language."""
    lang = current_language()
    start = local(event.start_at, event.timezone)
    end = local(event.end_at, event.timezone)
    if event.all_day:
        end = end - timedelta(days=1)
        if start.date() == end.date():
            return format_date(start, "long", locale=lang)
        return _date_span(start, end, lang)
    times = f"{clock(start, lang)}–{clock(end, lang)}"
    if start.date() == end.date():
        return f"{format_date(start, 'long', locale=lang)}, {times}"
    return (
        f"{format_date(start, 'long', locale=lang)}, {clock(start, lang)} – "
        f"{format_date(end, 'long', locale=lang)}, {clock(end, lang)}"
    )


def agenda_days(event: Event) -> list[tuple[str | None, list[Any]]]:
    """The sessions grouped by their day in the event's zone, each day headed "Day 1 — 14 May"
    when the agenda spans several days; one group without a heading otherwise. A session
    without a time stays with the one before it."""
    lang = current_language()
    groups: list[tuple[Any, list[Any]]] = []
    for session in event.sessions:
        day = local(session.start_at, event.timezone).date() if session.start_at else None
        if not groups or (day is not None and groups[-1][0] not in (None, day)):
            groups.append((day, [session]))
        else:
            if groups[-1][0] is None and day is not None:
                groups[-1] = (day, groups[-1][1])
            groups[-1][1].append(session)
    if len(groups) < 2:
        return [(None, list(event.sessions))]
    return [
        (i18n.gettext("День %(n)s — %(date)s") % {"n": n, "date": format_date(day, "d MMMM, EEEE", locale=lang)}, items)
        for n, (day, items) in enumerate(groups, start=1)
    ]


def _date_span(start: datetime, end: datetime, lang: str) -> str:
    if lang == "ru" and (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end, 'long', locale=lang)}"
    return f"{format_date(start, 'long', locale=lang)} – {format_date(end, 'long', locale=lang)}"


def date_filter(dt: datetime | None, tz: str = "Asia/Bishkek", fmt: str = "long") -> str:
    if dt is None:
        return ""
    return format_date(local(dt, tz), fmt, locale=current_language())


def time_filter(dt: datetime | None, tz: str = "Asia/Bishkek") -> str:
    if dt is None:
        return ""
    return clock(local(dt, tz))


def datetime_filter(dt: datetime | None, tz: str = "Asia/Bishkek") -> str:
    """Date, and the time when it is not a bare midnight (a date given without a time)."""
    if dt is None:
        return ""
    loc = local(dt, tz)
    if (loc.hour, loc.minute) == (0, 0):
        return format_date(loc, "long", locale=current_language())
    return f"{format_date(loc, 'long', locale=current_language())}, {clock(loc)}"


def plural(n: int, one: str, few: str, many: str) -> str:
    """Deprecated, Russian only: use ngettext("%(num)d участник", "%(num)d участников", n) in
    templates (the catalogue's Plural-Forms pick the form for each language). Kept so a template
    merged from an older branch renders instead of failing; tests/test_translations.py flags it."""
    form = Locale.parse("ru").plural_form(n)
    return f"{n} " + {"one": one, "few": few}.get(form, many)


OG_LOCALES = {"ru": "ru_RU", "ky": "ky_KG", "en": "en_US"}


def og_locale() -> str:
    """Open Graph locale of the reader's language."""
    return OG_LOCALES.get(current_language(), "ru_RU")


def lang_attr(obj: Any, field: str) -> Markup:
    """' lang="ru"' on an element whose text falls back to its original language (WCAG 3.1.2)."""
    if obj is not None and i18n.is_fallback(obj, field):
        return Markup(' lang="{}"').format(obj.original_language)
    return Markup("")


def short_name(obj: Any) -> str:
    """The short name of an organisation or a project when it adds something to its (displayed)
    name; '' when there is none or it is the name itself (seeds have «СПС», «НЭСК» as both), so
    templates never write «НЭСК (НЭСК)»."""
    short = (getattr(obj, "short_name", None) or "").strip()
    if not short or short.casefold() == (i18n.content(obj, "name") or "").strip().casefold():
        return ""
    return short


def markdown_filter(text: str | None) -> Markup:
    return Markup(markdown_to_html(text))


def _query(request: Request, **changes: Any) -> str:
    """The current query string with some parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(params) if params else "?"


templates = Jinja2Templates(directory=str(ROOT / "templates"))
env = templates.env
env.add_extension("jinja2.ext.i18n")
env.install_gettext_callables(  # type: ignore[attr-defined]
    i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext, npgettext=i18n.npgettext
)
env.trim_blocks = True
env.lstrip_blocks = True
env.filters.update(
    date=date_filter,
    time=time_filter,
    datetime=datetime_filter,
    phone=format_phone,
    markdown=markdown_filter,
    number=number,
    quote=quote,
)
env.globals.update(
    labels=labels,
    event_date_range=event_date_range,
    agenda_days=agenda_days,
    plural=plural,
    query=_query,
    csrf_input=csrf_input,
    current_language=current_language,
    languages=i18n.LANGUAGES,
    language_names=i18n.LANGUAGE_NAMES,
    t=i18n.content,
    is_fallback=i18n.is_fallback,
    translation_state=i18n.translation_state,
    linked_contacts=linked_contacts,
    quote=quote,
    lang_attr=lang_attr,
    short_name=short_name,
    og_locale=og_locale,
)
