"""Public pages of the press room: the list, one release, its contacts as a vCard, Atom feeds."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from eventhub import __version__, labels
from eventhub.core import i18n
from eventhub.core.contacts import linked_contacts
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, SettingsDep
from eventhub.core.errors import NotFound
from eventhub.core.http import conditional_response
from eventhub.core.i18n import _
from eventhub.core.models import PUBLIC_EVENT_STATUSES, Language, PressRelease
from eventhub.core.text import content_disposition, markdown_to_html
from eventhub.core.typography import quote
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.press.atom import EPOCH, AtomEntry, feed_updated, render_atom
from eventhub.press.deps import ReleaseFiltersDep
from eventhub.press.service import (
    entry_updated,
    filter_choices,
    get_public_event_brief,
    get_public_release,
    list_public_releases,
    public_date,
)
from eventhub.press.vcard import render_vcard
from eventhub.templating import datetime_filter, event_date_range, templates

router = APIRouter(route_class=UnitOfWorkRoute, default_response_class=HTMLResponse)
PER_PAGE = 20
FEED_SIZE = 50
ATOM = "application/atom+xml; charset=utf-8"
SlugPath = Annotated[str, Path(max_length=160)]


@router.get("/press", include_in_schema=False)
def press_page(request: Request, db: DbDep, now: NowDep, filters: ReleaseFiltersDep, page: int = 1) -> HTMLResponse:
    """The press room: public releases, newest first, filtered by event, organisation, language."""
    page = max(1, min(page, 10_000))
    releases, total = list_public_releases(db, now=now, filters=filters, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    return templates.TemplateResponse(
        request,
        "press/list.html",
        {
            "releases": releases,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "filters": filters,
            "languages": list(Language),
            "types": [(key, labels.PRESS_TYPE[key]) for key in labels.PRESS_TYPE],
            **filter_choices(db, now=now),
        },
    )


LangQuery = Annotated[str | None, Query(description="language of the feed: ru (default), ky or en")]


@contextmanager
def _feed_language(lang: str | None) -> Iterator[None]:
    """Write a feed in ?lang= (else Russian): the address alone decides, as for the calendars."""
    from eventhub.feeds.service import feed_language

    token = i18n.set_language(feed_language(lang))
    try:
        yield
    finally:
        i18n.reset_language(token)


@router.get("/press/feed.atom", include_in_schema=False)
def press_feed(request: Request, db: DbDep, now: NowDep, settings: SettingsDep, lang: LangQuery = None) -> Response:
    """Atom feed of the press room (the newest 50 public releases)."""
    with _feed_language(lang):
        return _press_feed(request, db, now, settings)


def _lang_query() -> str:
    """``?lang=xx`` for a feed in another language than the default, else nothing.

    Each language's feed is its own Atom feed (RFC 4287 §4.2.6, §4.2.7.2): its own atom:id
    and rel="self" address. Entries keep their id (the release's address) in every language:
    a translation is the same article, so a reader subscribed to two languages sees it once."""
    lang = i18n.current_language()
    return "" if lang == i18n.DEFAULT_LANGUAGE else f"?lang={lang}"


def _press_feed(request: Request, db: DbDep, now: NowDep, settings: SettingsDep) -> Response:
    releases, _total = list_public_releases(db, now=now, limit=FEED_SIZE)
    base = settings.base_url
    entries = [_entry(r, base) for r in releases]
    lang = _lang_query()
    body = render_atom(
        feed_id=f"{base}/press/feed.atom{lang}",
        title=_("Пресс-центр eventhub"),
        subtitle=_(
            "Анонсы, пресс-релизы и новости о мероприятиях государства, МСУ, партнёров по развитию и ОГО Кыргызстана"
        ),
        self_url=f"{base}/press/feed.atom{lang}",
        alternate_url=f"{base}/press{lang}",
        entries=entries,
        author=_("eventhub — пресс-центр"),
        generator_version=__version__,
        language=i18n.current_language(),
    )
    return _conditional(request, body, ATOM, feed_updated(entries))


@router.get("/events/{slug}/press.atom", include_in_schema=False)
def event_press_feed(
    request: Request, db: DbDep, slug: SlugPath, now: NowDep, settings: SettingsDep, lang: LangQuery = None
) -> Response:
    """Atom feed of the public releases about one event."""
    with _feed_language(lang):
        return _event_press_feed(request, db, slug, now, settings)


def _event_press_feed(request: Request, db: DbDep, slug: SlugPath, now: NowDep, settings: SettingsDep) -> Response:
    event = get_public_event_brief(db, slug)
    releases, _total = list_public_releases(db, now=now, event_id=event.id, limit=FEED_SIZE)
    base = settings.base_url
    entries = [_entry(r, base) for r in releases]
    lang = _lang_query()
    body = render_atom(
        feed_id=f"{base}/events/{event.slug}/press.atom{lang}",
        title=_("Публикации: %(title)s") % {"title": i18n.content(event, "title")},
        self_url=f"{base}/events/{event.slug}/press.atom{lang}",
        alternate_url=f"{base}/events/{event.slug}{lang}",
        entries=entries,
        author=_("eventhub — пресс-центр"),
        updated=feed_updated(entries, fallback=event.published_at or EPOCH),
        generator_version=__version__,
        language=i18n.current_language(),
    )
    return _conditional(request, body, ATOM, feed_updated(entries, fallback=event.published_at or EPOCH))


@router.get("/press/{slug}", include_in_schema=False)
def release_page(request: Request, db: DbDep, slug: SlugPath, now: NowDep, settings: SettingsDep) -> HTMLResponse:
    """One release: its text, the event card with add-to-calendar, the press contacts."""
    release = get_public_release(db, slug, now=now)
    event = release.event if release.event and release.event.status in PUBLIC_EVENT_STATUSES else None
    return templates.TemplateResponse(
        request,
        "press/detail.html",
        {
            "release": release,
            "event": event,
            "contacts": linked_contacts(release.contacts),
            "public_date": public_date(release),
            "updated": entry_updated(release),
            "canonical": f"{settings.base_url}/press/{release.slug}",
            "base_url": settings.base_url,
        },
    )


@router.get("/press/{slug}/contacts.vcf", include_in_schema=False)
def release_vcard(request: Request, db: DbDep, slug: SlugPath, now: NowDep, settings: SettingsDep) -> Response:
    """Every press contact of a release in one vCard file, to add them to a phone in one tap."""
    release = get_public_release(db, slug, now=now)
    contacts = linked_contacts(release.contacts)
    if not contacts:
        raise NotFound(_("У этой публикации нет контактов для прессы"))
    body = render_vcard(
        contacts,
        note=_("Контакт для прессы: %(title)s") % {"title": release.title},
        source_url=f"{settings.base_url}/press/{slug}",
    )
    changed = max([entry_updated(release), *(c.updated_at for c in contacts)])
    response = _conditional(request, body, "text/vcard; charset=utf-8", changed)
    response.headers["Content-Disposition"] = content_disposition("attachment", f"press-contacts-{release.slug}.vcf")
    return response


@router.get("/press/{slug}/release.pdf", include_in_schema=False)
def release_pdf(request: Request, db: DbDep, slug: SlugPath, now: NowDep, settings: SettingsDep) -> Response:
    """The release as an A4 PDF with its press contacts, to send to editors."""
    release = get_public_release(db, slug, now=now)
    event = release.event if release.event and release.event.status in PUBLIC_EVENT_STATUSES else None
    event_lines = []
    if event is not None:
        place = ", ".join(p for p in (event.venue_name, event.venue_address, event.city) if p)
        event_lines = [
            f"{labels.EVENT_KIND.get(event.kind, '')} {quote(i18n.content(event, 'title'))}",
            _("Когда: %(event_date_range)s") % {"event_date_range": event_date_range(event)},
        ]
        if place:
            event_lines.append(_("Где: %(place)s") % {"place": place})
    from eventhub.press.pdf import PdfRelease, render_pdf  # fpdf and Pillow: ~40 MB, loaded on first PDF

    body = render_pdf(
        PdfRelease(
            kind=labels.PRESS_TYPE[release.type] if release.type in labels.PRESS_TYPE else "",
            title=release.title,
            lead=release.lead,
            body_html=markdown_to_html(release.body),
            published=datetime_filter(public_date(release)),
            url=f"{settings.base_url}/press/{release.slug}",
            event_lines=event_lines,
            contacts=linked_contacts(release.contacts),
            source_note=release.source_note,
            created_at=entry_updated(release),
        )
    )
    changed = max([entry_updated(release), *(link.contact.updated_at for link in release.contacts)])
    response = _conditional(request, body, "application/pdf", changed)
    response.headers["Content-Disposition"] = content_disposition("inline", f"{release.slug}.pdf")
    return response


def _entry(r: PressRelease, base: str) -> AtomEntry:
    text = {field: i18n.content(r, field) for field in ("title", "lead", "body")}
    lead = f"<p>{_html_escape(text['lead'])}</p>\n" if text["lead"] else ""
    # The page's note on its language, first in the entry (nothing when all of it is translated).
    if note := labels.translation_note(i18n.translation_state(r, ("title", "lead", "body"))):
        lead = f'<p class="original-language"><em>{_html_escape(note)}</em></p>\n' + lead
    event = r.event if r.event is not None and r.event.status in PUBLIC_EVENT_STATUSES else None
    return AtomEntry(
        url=f"{base}/press/{r.slug}",
        title=text["title"],
        summary=text["lead"],
        content_html=lead + markdown_to_html(text["body"]),
        published=public_date(r) or r.updated_at,  # feeds list public releases: they all have a date
        updated=entry_updated(r),
        language=r.original_language if i18n.is_fallback(r, "title") else i18n.current_language(),
        category=r.type,
        category_label=labels.PRESS_TYPE[r.type] if r.type in labels.PRESS_TYPE else r.type,
        event_url=f"{base}/events/{event.slug}" if event else None,
        event_title=i18n.content(event, "title") if event else None,
    )


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _conditional(request: Request, body: bytes, media_type: str, last_modified: datetime) -> Response:
    """The body with ETag (its hash: it changes the second an embargo ends) and Last-Modified, or 304."""
    return conditional_response(
        request.headers,
        body,
        media_type=media_type,
        last_modified=last_modified,
        headers={"Cache-Control": "no-cache"},
    )
