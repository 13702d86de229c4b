"""Feed addresses: calendars (.ics) and schedule exports, served like static files.

Routes are thin: build the feed's spec (``service``), then ``serve`` it from the render
cache (``cache``) or render it once. ``FeedCacheMiddleware`` answers a request whose exact
address was already rendered at the current content version before routing, which serves a
feed (and its 304s) at the speed of a static file. The router is included before the event
pages, so ``/events/{slug}.ics`` is not taken for a slug.
"""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.responses import Response
from starlette.types import Receive, Scope, Send

from eventhub.core import changes, i18n, surface_cache
from eventhub.core.cache import RenderCache, render_cache
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, SettingsDep, get_now
from eventhub.core.errors import NotFound
from eventhub.core.http import conditional_response
from eventhub.core.i18n import _
from eventhub.core.schemas import Responses
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.events.deps import SLUG_PATTERN, EventFiltersDep
from eventhub.feeds import service, stars
from eventhub.feeds.service import FeedSpec, RenderedFeed

_SLUG = re.compile(SLUG_PATTERN)


def feed_cache(app: FastAPI) -> RenderCache[RenderedFeed]:
    """The app's render cache (in the core: the event pages read its content version too)."""
    return render_cache(app)


def _address(scope: Scope) -> str:
    """The exact request target: path and raw query string."""
    path: str = scope["path"]
    query: bytes = scope.get("query_string", b"")
    return path + "?" + query.decode("latin-1")


# --- HTTP: conditional requests, gzip (HEAD is every route's GET without the body: middleware.HeadAsGet) ---


def _accepts_gzip(header: str | None) -> bool:
    if not header:
        return False
    for part in header.lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            q = params.strip()
            return not (q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"))
    return False


def feed_response(request: Request, rendered: RenderedFeed) -> Response:
    """200 with the validators, or 304 when the client's copy is current."""
    gzipped = rendered.gzipped is not None and _accepts_gzip(request.headers.get("accept-encoding"))
    headers = dict(rendered.headers)
    if gzipped:
        return conditional_response(
            request.headers,
            rendered.gzipped or b"",
            media_type=rendered.content_type,
            etag=rendered.etag_gzip,
            last_modified=rendered.last_modified,
            headers=headers,
            also_matches=(rendered.etag,),
            encoding="gzip",
        )
    return conditional_response(
        request.headers,
        rendered.body,
        media_type=rendered.content_type,
        etag=rendered.etag,
        last_modified=rendered.last_modified,
        headers=headers,
        also_matches=(rendered.etag_gzip,),
    )


def serve(request: Request, db: Any, spec: FeedSpec, now: datetime, *, by_address: bool = True) -> Response:
    """The feed from the render cache, rendered once per content version when missing."""
    cache = feed_cache(request.app)
    generation = changes.local_generation()
    stamp = changes.read_stamp(db)
    cache.remember_stamp(stamp, generation)
    rendered = cache.get(spec.key, stamp, now) if stamp else None
    if rendered is None:
        with cache.render_lock(spec.key):
            rendered = cache.get(spec.key, stamp, now) if stamp else None
            if rendered is None:
                rendered, cacheable = service.render_feed(db, spec, stamp)
                if cacheable and stamp is not None:
                    cache.put(spec.key, stamp, rendered)
    if by_address and stamp is not None and cache.get(spec.key, stamp, now) is rendered:
        cache.remember_address(_address(request.scope), spec.key, stamp)
        surface_cache.mark(request.scope, stamp, rendered.expires_at)
    return feed_response(request, rendered)


class FeedCacheMiddleware:
    """Answers GET (and so HEAD) for an exact feed address already rendered at the current content
    version, before routing and parameter parsing: a feed is served like a static file.

    Only addresses that the routes themselves rendered (and so validated) are in the cache;
    anything else goes on to the routes."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            cache = getattr(scope["app"].state, "render_cache", None)
            address = _address(scope)
            if cache is not None and cache.knows(address):
                request = Request(scope)
                hit = cache.lookup_address(address, get_now(request))
                stamp = cache.current_stamp()
                if hit is not None and stamp is not None:
                    surface_cache.mark(scope, stamp, hit.expires_at)
                    await feed_response(request, hit)(scope, receive, send)
                    return
        await self.app(scope, receive, send)


# --- the addresses ---

router = APIRouter(route_class=UnitOfWorkRoute, tags=["feeds"], default_response_class=Response)
SlugPath = Annotated[str, Path(max_length=160, description="the event's slug")]
LangQuery = Annotated[
    str | None,
    Query(description="language of the labels and texts: ru (default), ky or en; anything else gives Russian"),
]


def _ok(media_type: str, description: str) -> Responses:
    return {
        200: {"content": {media_type: {}}, "description": description},
        304: {"description": "the copy named by If-None-Match / If-Modified-Since is current"},
        404: {"description": "no such public event or calendar"},
    }


_Endpoint = TypeVar("_Endpoint", bound=Callable[..., Response])


def _feed_route(path: str, media_type: str, description: str) -> Callable[[_Endpoint], _Endpoint]:
    """GET (documented; HEAD is the same answer without the body) for one feed address."""

    def register(endpoint: _Endpoint) -> _Endpoint:
        return router.get(path, responses=_ok(media_type, description))(endpoint)

    return register


def _check_slug(slug: str) -> str:
    if not _SLUG.match(slug):
        raise NotFound(_("Мероприятие «%(slug)s» не найдено") % {"slug": slug[:80]})
    return slug


@_feed_route("/calendar.ics", "text/calendar", "iCalendar feed")
def calendar_ics(
    request: Request,
    filters: EventFiltersDep,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    lang: LangQuery = None,
    from_: Annotated[
        str | None,
        Query(alias="from", max_length=20, description="first day (YYYY-MM-DD); default: 12 months ago"),
    ] = None,
    to: Annotated[str | None, Query(max_length=20, description="last day (YYYY-MM-DD); default: none")] = None,
) -> Response:
    """Every public event matching the filters of /events, as an iCalendar feed to subscribe to:
    by default those of the last 12 months and everything ahead; ?from= and ?to= for other dates."""
    spec = service.calendar_feed(
        filters,
        base_url=settings.base_url,
        site_name=settings.site_name,
        now=now,
        lang=service.feed_language(lang),
        window=service.feed_window(from_, to, now),
    )
    return serve(request, db, spec, now)


@_feed_route("/events/{slug}.ics", "text/calendar", "the event as iCalendar")
def event_ics(
    request: Request, slug: SlugPath, db: DbDep, settings: SettingsDep, now: NowDep, lang: LangQuery = None
) -> Response:
    """One event as an iCalendar file."""
    spec = service.event_feed(
        _check_slug(slug), base_url=settings.base_url, site_name=settings.site_name, lang=service.feed_language(lang)
    )
    return serve(request, db, spec, now)


@_feed_route("/events/{slug}/agenda.ics", "text/calendar", "the agenda as iCalendar")
def agenda_ics(
    request: Request, slug: SlugPath, db: DbDep, settings: SettingsDep, now: NowDep, lang: LangQuery = None
) -> Response:
    """Every agenda session that has a time, each its own calendar entry."""
    spec = service.agenda_feed(
        _check_slug(slug), base_url=settings.base_url, site_name=settings.site_name, lang=service.feed_language(lang)
    )
    return serve(request, db, spec, now)


@_feed_route("/events/{slug}/schedule.xml", "application/xml", "frab schedule.xml")
def schedule_xml(request: Request, slug: SlugPath, db: DbDep, settings: SettingsDep, now: NowDep) -> Response:
    """The agenda as a frab schedule.xml (Giggity, ConfClerk, EventFahrplan)."""
    return serve(request, db, service.schedule_feed(_check_slug(slug), "xml", base_url=settings.base_url), now)


@_feed_route("/events/{slug}/schedule.json", "application/json", "c3voc schedule.json v1")
def schedule_json(request: Request, slug: SlugPath, db: DbDep, settings: SettingsDep, now: NowDep) -> Response:
    """The agenda as a c3voc schedule.json (v1)."""
    return serve(request, db, service.schedule_feed(_check_slug(slug), "json", base_url=settings.base_url), now)


@_feed_route("/calendar/personal/{token}.ics", "text/calendar", "the participant's own events")
def personal_ics(
    request: Request,
    token: Annotated[str, Path(max_length=200, description="the private token of the participant's feed")],
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    lang: LangQuery = None,
) -> Response:
    """A participant's confirmed registrations as a private iCalendar feed (in the language of their e-mails unless ?lang= says otherwise)."""
    spec = service.personal_feed(
        db, token, base_url=settings.base_url, site_name=settings.site_name, lang=i18n.valid_language(lang)
    )
    return serve(request, db, spec, now, by_address=False)


@_feed_route("/calendar/starred/{token}.ics", "text/calendar", "the sessions a reader starred")
def starred_ics(
    request: Request,
    token: Annotated[str, Path(max_length=200, description="the secret token of the reader's star list")],
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    lang: LangQuery = None,
) -> Response:
    """The sessions a reader starred on events' pages (no account needed), each its own calendar entry."""
    spec = stars.starred_feed(
        db, token, base_url=settings.base_url, site_name=settings.site_name, lang=service.feed_language(lang)
    )
    return serve(request, db, spec, now, by_address=False)


router.include_router(stars.router)
