"""The per-process render cache of the public event page (anonymous requests only).

An event page with a long programme takes tens of milliseconds to load and render; most
readers are anonymous and see the same bytes. A request with no cookies and no
Authorization header gets the page rendered for the same address (path and query), the
same language, the same content version and the same minute:

* the content version is the feeds' (``eventhub.core.changes``: every write to events,
  sessions, speakers, organisations… bumps it, for every worker): read like the feeds read
  it — trusted for a second, re-read at once after a commit in this process — so an edit
  shows at once in the worker that made it and within a second in the others;
* the minute bounds what depends on the clock or on rows outside the content version
  (registration opening and closing, the event becoming past, press releases): at most a
  minute late.

Pages that set a cookie are never stored. Entries are bounded in number and bytes (LRU).
A page already stored is answered by ``EventPageCacheMiddleware`` before routing (no
dependencies, no thread hop), as the feeds are; the route stores and answers the rest.
"""

import re
import threading
from collections import OrderedDict
from datetime import datetime, timedelta

from fastapi import Request, Response
from sqlmodel import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from eventhub.core import surface_cache
from eventhub.core.cache import render_cache
from eventhub.core.deps import get_now
from eventhub.core.i18n import current_language

Key = tuple[str, str, str, int, int]
_SKIPPED_HEADERS = {b"content-length", b"set-cookie"}


class PageCache:
    def __init__(self, *, max_entries: int = 128, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Key, tuple[bytes, list[tuple[bytes, bytes]]]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Key) -> Response | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
        body, headers = entry
        response = Response(body)
        response.raw_headers = [*headers, (b"content-length", str(len(body)).encode())]
        return response

    def put(self, key: Key, response: Response) -> None:
        if response.status_code != 200 or any(name == b"set-cookie" for name, _ in response.raw_headers):
            return
        body = bytes(response.body)
        headers = [(n, v) for n, v in response.raw_headers if n not in _SKIPPED_HEADERS]
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            self._entries[key] = (body, headers)
            self._bytes += len(body)
            while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                _, (dropped, _) = self._entries.popitem(last=False)
                self._bytes -= len(dropped)


_cache_lock = threading.Lock()


def page_cache(request: Request) -> PageCache:
    """The app's event page cache, made on first use."""
    cache = getattr(request.app.state, "event_page_cache", None)
    if cache is None:
        with _cache_lock:
            cache = getattr(request.app.state, "event_page_cache", None)
            if cache is None:
                cache = request.app.state.event_page_cache = PageCache()
    return cache


def _key(scope: Scope, version: int, now: datetime) -> Key:
    query = scope.get("query_string", b"").decode("latin-1")
    return (scope["path"], query, current_language(), version, int(now.timestamp() // 60))


def _personal(scope: Scope) -> bool:
    """A cookie (session, language) or a token: the page may differ for this reader."""
    return any(name in (b"cookie", b"authorization") for name, _ in scope["headers"])


def cache_key(request: Request, db: Session, now: datetime) -> Key | None:
    """The key of this request's page, or None if it must be rendered for this reader."""
    if request.method != "GET" or _personal(request.scope):
        return None
    feeds = render_cache(request.app)
    stamp = feeds.stamp(db)
    if stamp is None:
        return None
    return _key(request.scope, stamp.version, now)


EVENT_PAGE = re.compile(r"^/events/[^/.]+$")  # not /events/{slug}.ics, /register, /programme...


class EventPageCacheMiddleware:
    """Answers an anonymous GET of an event page stored at the current content version
    (trusted for a second, as the feeds trust it) before routing; anything else goes on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and EVENT_PAGE.match(scope["path"]):
            hit = _stored_page(scope)
            if hit is not None:
                await hit(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _stored_page(scope: Scope) -> Response | None:
    app = scope["app"]
    cache: PageCache | None = getattr(app.state, "event_page_cache", None)
    if cache is None or _personal(scope):
        return None
    stamp = render_cache(app).current_stamp()
    if stamp is None:  # not read within the second: the route reads it
        return None
    now = get_now(Request(scope))
    hit = cache.get(_key(scope, stamp.version, now))
    if hit is not None:
        hit.headers.add_vary_header("Cookie")  # as the routed page says: a signed-in reader gets another
        surface_cache.mark(scope, stamp, now.replace(second=0, microsecond=0) + timedelta(minutes=1))
    return hit
