"""One search across kinds: the /search page and /api/v1/search, both from `search_all`.

The index and its ranking are eventhub.core.search; this module says, for each kind a reader
finds, what of it is public, how a hit is loaded and shown. A new kind (recommendations) is
one more `Shown(...)` in SHOWN, after its `register(Kind(...))` in core/search.py."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from pydantic import BaseModel, Field
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from eventhub.core import search
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep
from eventhub.core.errors import Invalid
from eventhub.core.i18n import N_, _, content, gettext
from eventhub.core.models import (
    PUBLIC_EVENT_STATUSES,
    AgendaSession,
    Event,
    EventOrganisation,
    Organisation,
    PressRelease,
    Project,
    SessionSpeaker,
    rel,
)
from eventhub.core.schemas import ERROR_RESPONSES
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.press.service import visible_clause
from eventhub.templating import templates

PER_KIND = 10  # hits of each kind on the page (the API pages further with offset/limit)
SNIPPET = 220  # characters of text around the first matched word


@dataclass(frozen=True)
class Shown:
    """How one kind of document is shown to readers."""

    kind: str
    label: str  # N_() plural name, the section's heading and count
    path: str  # /events/{slug}
    visible: Callable[[datetime], Any]  # a subquery of the ids a reader may see
    load: Callable[[Session, Sequence[int]], dict[int, Any]]
    title: Callable[[Any], str]
    texts: Callable[[Any], list[str | None]]  # what the snippet is cut from, best first
    when: Callable[[Any], datetime | None] = lambda _obj: None


def _by_id(rows: Any) -> dict[int, Any]:
    return {r.id: r for r in rows}


def _load_events(db: Session, ids: Sequence[int]) -> dict[int, Any]:
    options = (
        selectinload(rel(Event.organisations)).selectinload(rel(EventOrganisation.organisation)),
        selectinload(rel(Event.sessions))
        .selectinload(rel(AgendaSession.speakers))
        .selectinload(rel(SessionSpeaker.person)),
        selectinload(rel(Event.sessions)).selectinload(rel(AgendaSession.panel)),
        selectinload(rel(Event.project)),
        selectinload(rel(Event.series)),
    )
    return _by_id(db.exec(select(Event).where(col(Event.id).in_(ids)).options(*options)))


def _event_texts(e: Event) -> list[str | None]:
    texts: list[str | None] = [content(e, "summary"), content(e, "description"), *(content(e, "goals") or [])]
    texts += [e.venue_name, e.venue_address, e.city]
    for eo in e.organisations:
        texts += [content(eo.organisation, "name"), eo.organisation.short_name]
    texts += [content(e.project, "name") if e.project else None, content(e.series, "title") if e.series else None]
    for s in e.sessions:
        texts += [content(s, "title"), content(s, "description")]
        if s.panel:
            texts += [*(content(s.panel, "guiding_questions") or []), content(s.panel, "expected_result")]
        texts += [
            f"{sp.person.name}, {sp.person.position}" if sp.person.position else sp.person.name for sp in s.speakers
        ]
    return texts


def _load(model: Any) -> Callable[[Session, Sequence[int]], dict[int, Any]]:
    return lambda db, ids: _by_id(db.exec(select(model).where(col(model.id).in_(ids))))


def _all(_now: datetime) -> Any:
    return None  # every row is public


SHOWN: tuple[Shown, ...] = (
    Shown(
        "event",
        N_("Мероприятия"),
        "/events/{slug}",
        lambda _now: select(Event.id).where(col(Event.status).in_(PUBLIC_EVENT_STATUSES)),
        _load_events,
        lambda e: content(e, "title"),
        _event_texts,
        lambda e: e.start_at,
    ),
    Shown(
        "press",
        N_("Пресс-центр"),
        "/press/{slug}",
        lambda now: select(PressRelease.id).where(visible_clause(now)),
        _load(PressRelease),
        lambda r: content(r, "title"),
        lambda r: [content(r, "lead"), content(r, "body")],
        lambda r: r.published_at or r.embargo_until,
    ),
    Shown(
        "organisation",
        N_("Организации"),
        "/organisations/{slug}",
        _all,
        _load(Organisation),
        lambda o: f"{content(o, 'name')} ({o.short_name})" if o.short_name else content(o, "name"),
        lambda o: [content(o, "description")],
    ),
    Shown(
        "project",
        N_("Проекты"),
        "/projects/{slug}",
        _all,
        _load(Project),
        lambda p: f"{content(p, 'name')} ({p.short_name})" if p.short_name else content(p, "name"),
        lambda p: [content(p, "summary"), content(p, "description")],
    ),
)
SHOWN_BY_KIND = {s.kind: s for s in SHOWN}


@dataclass
class Found:
    kind: str
    obj: Any
    url: str
    title: str
    snippet: str
    title_html: Markup
    snippet_html: Markup
    when: datetime | None


@dataclass
class KindResults:
    kind: str
    label: str
    total: int
    items: list[Found]


def _snippet(shown: Shown, obj: Any, q: str) -> str:
    texts = [t for t in shown.texts(obj) if t]
    if not texts:
        return ""
    counts = [search.matched_groups(t, q) for t in texts]
    return texts[counts.index(max(counts))]  # the text holding most of the words, the first of those


def search_all(
    db: Session,
    q: str | None,
    *,
    now: datetime,
    kinds: Sequence[str] | None = None,
    offset: int = 0,
    limit: int = PER_KIND,
) -> list[KindResults]:
    """Each kind's hits (best first) and count; an empty or punctuation-only query finds nothing."""
    q = q or ""
    out = []
    for shown in SHOWN:
        if kinds and shown.kind not in kinds:
            continue
        hits, total = search.search(db, shown.kind, q, now=now, visible=shown.visible(now), offset=offset, limit=limit)
        objects = shown.load(db, [h.ref_id for h in hits]) if hits else {}
        items = []
        for hit in hits:
            obj = objects.get(hit.ref_id)
            if obj is None:
                continue
            title, text = shown.title(obj), _snippet(shown, obj, q)
            items.append(
                Found(
                    kind=shown.kind,
                    obj=obj,
                    url=shown.path.format(slug=obj.slug),
                    title=title,
                    snippet=search.snippet(text, q, limit=SNIPPET),
                    title_html=search.highlight(title, q),
                    snippet_html=search.highlight(text, q, limit=SNIPPET),
                    when=shown.when(obj),
                )
            )
        out.append(KindResults(shown.kind, gettext(shown.label), total, items))
    return out


# --- routes ---

QueryParam = Annotated[
    str | None,
    Query(description="what the reader typed; words match by stem and prefix, in Cyrillic or Latin letters"),
]
router = APIRouter(route_class=UnitOfWorkRoute, default_response_class=HTMLResponse)
api_router = APIRouter(route_class=UnitOfWorkRoute, tags=["search"], responses=ERROR_RESPONSES)


@router.get("/search", include_in_schema=False)
def search_page(
    request: Request, db: DbDep, now: NowDep, q: QueryParam = None, kind: str | None = None
) -> HTMLResponse:
    kinds = [kind] if kind in SHOWN_BY_KIND else None
    results = search_all(db, q, now=now)
    shown = [r for r in results if not kinds or r.kind in kinds]
    if kinds:  # one kind: more of it
        shown = search_all(db, q, now=now, kinds=kinds, limit=50)
    return templates.TemplateResponse(
        request,
        "search/results.html",
        {
            "q": (q or "")[: search.MAX_QUERY_CHARS],
            "kind": kinds[0] if kinds else "",
            "counts": results,
            "results": shown,
            "total": sum(r.total for r in results),
            "searched": search.has_terms(q),
        },
    )


class SearchItem(BaseModel):
    kind: str = Field(examples=["event"])
    slug: str
    title: str = Field(description="in the reader's language where it exists")
    url: str = Field(examples=["/events/forum-aymakov-2023"])
    snippet: str = Field(description="plain text around the first matched word")
    date: datetime | None = Field(description="events: the start; press releases: the publication")


class SearchKind(BaseModel):
    kind: str
    total: int = Field(description="matches of this kind in all pages")
    items: list[SearchItem]


class SearchResults(BaseModel):
    q: str
    total: int
    kinds: list[SearchKind] = Field(description="events, press releases, organisations, projects: best first in each")


@api_router.get("/search", response_model=SearchResults)
def api_search(
    db: DbDep,
    now: NowDep,
    q: QueryParam = None,
    kind: Annotated[str | None, Query(description="only this kind: event, press, organisation or project")] = None,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = PER_KIND,
) -> SearchResults:
    """Events, press releases, organisations and projects matching `q`, best first: a match in
    the title over one elsewhere, upcoming events over past ones. No words, no results."""
    if kind and kind not in SHOWN_BY_KIND:
        raise Invalid(
            _("Неверные параметры фильтра"),
            fields={
                "kind": _("неизвестный вид: %(kind)s; допустимые: %(kinds)s")
                % {"kind": kind, "kinds": ", ".join(SHOWN_BY_KIND)}
            },
        )
    results = search_all(db, q, now=now, kinds=[kind] if kind else None, offset=offset, limit=limit)
    return SearchResults(
        q=(q or "")[: search.MAX_QUERY_CHARS],
        total=sum(r.total for r in results),
        kinds=[
            SearchKind(
                kind=r.kind,
                total=r.total,
                items=[
                    SearchItem(kind=f.kind, slug=f.obj.slug, title=f.title, url=f.url, snippet=f.snippet, date=f.when)
                    for f in r.items
                ],
            )
            for r in results
        ],
    )
