"""The outer cache: a public answer replayed byte for byte, inside HEAD handling but before any other layer.

The feeds, the event page and the anonymous API reads are rendered once per content version
(``core.cache``, ``events.page_cache``); without this layer each hit still crossed the whole
stack — language negotiation, body limits, security headers, Brotli of the same bytes per
request. Here the answer *as it left the stack* (compressed, with every header) is kept and
answered to the next request that is the same in everything the answer may depend on:

* only requests without Cookie, Authorization or Range: nothing personal, nothing partial;
* the key is the path, the query and the request headers the stack negotiates on (Accept,
  Accept-Language, Accept-Encoding, If-None-Match, If-Modified-Since), compared exactly —
  a 304 is kept like a 200, for the same validators;
* only answers a route marked as public (``mark``) with the content version it was rendered
  at, and an optional expiry (a page that depends on the clock); kept while that version is
  the current one (read as the feeds read it: trusted for a second, at once after a commit
  in this process) and the expiry has not passed;
* never an answer that sets a cookie or says ``no-store``/``private``; bounded in entries and
  bytes (LRU).
"""

import threading
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eventhub.core.cache import render_cache
from eventhub.core.changes import Stamp
from eventhub.core.http import etag_of, is_not_modified
from eventhub.core.models import utcnow

_STATE_KEY = "eventhub.surface_cache"
_KEY_HEADERS = (
    b"host",
    b"accept",
    b"accept-language",
    b"accept-encoding",
    b"if-none-match",
    b"if-modified-since",
)
_PERSONAL_HEADERS = frozenset({b"cookie", b"authorization", b"range"})
_STORABLE = frozenset({200, 301, 304})


class Mark(NamedTuple):
    stamp: Stamp
    expires_at: datetime | None


class Stored(NamedTuple):
    stamp: Stamp
    expires_at: datetime | None
    start: Message
    body: bytes


def mark(scope: Scope, stamp: Stamp, expires_at: datetime | None = None) -> None:
    """Say that this request's answer is public and the same for everyone until `stamp` changes
    (or `expires_at`): the outermost layer may keep it. Routes call this; nothing else does."""
    state = scope.get("state")
    if isinstance(state, dict) and _STATE_KEY in state:
        state[_STATE_KEY] = Mark(stamp, expires_at)


def mark_current(scope: Scope, db: Any, now: datetime | None = None) -> None:
    """`mark` at the current content version (read as the feeds read it); with `now`, the
    answer also depends on the clock and is kept until the next minute at most."""
    state = scope.get("state")
    if not (isinstance(state, dict) and _STATE_KEY in state):
        return  # not a request the outermost layer may keep: no read needed
    cache = render_cache(scope["app"])
    stamp = cache.stamp(db)
    if stamp is None:
        return
    expires = None if now is None else now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    mark(scope, stamp, expires)


def _key(scope: Scope) -> tuple[bytes, ...] | None:
    if scope["method"] != "GET":
        return None
    wanted: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        if name in _PERSONAL_HEADERS:
            return None
        if name in _KEY_HEADERS:
            wanted[name] = wanted[name] + b"," + value if name in wanted else value
    return (
        scope["path"].encode("utf-8", "surrogateescape"),
        scope.get("query_string", b""),
        *(wanted.get(name, b"") for name in _KEY_HEADERS),
    )


def _validated(scope: Scope, start: Message, body: bytes) -> tuple[Message, bytes]:
    """A marked 200 with its ETag (of these very bytes), or the 304 its request's
    If-None-Match asks for, with the same headers and no body (RFC 9110 §15.4.5)."""
    etag = etag_of(body)
    headers = [*start.get("headers", []), (b"etag", etag.encode())]
    if is_not_modified(Headers(scope=scope), (etag,), None):
        kept = [(n, v) for n, v in headers if n.lower() not in (b"content-length", b"content-type")]
        return {"type": "http.response.start", "status": 304, "headers": kept}, b""
    return {**start, "headers": headers}, body


def _storable(start: Message) -> bool:
    if start["status"] not in _STORABLE:
        return False
    for name, value in start.get("headers", []):
        lowered = name.lower()
        if lowered == b"set-cookie":
            return False
        if lowered == b"cache-control" and (b"no-store" in value or b"private" in value):
            return False
    return True


class SurfaceCache:
    def __init__(self, *, max_entries: int = 1024, max_bytes: int = 64 * 1024 * 1024, max_entry: int = 4 * 1024 * 1024):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry = max_entry
        self._entries: OrderedDict[tuple[bytes, ...], Stored] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0

    def get(self, key: tuple[bytes, ...], stamp: Stamp, now: datetime) -> Stored | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.stamp != stamp or (entry.expires_at is not None and now >= entry.expires_at):
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: tuple[bytes, ...], entry: Stored) -> None:
        if len(entry.body) > self.max_entry:
            return
        with self._lock:
            self._drop(key)
            self._entries[key] = entry
            self._bytes += len(entry.body)
            while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple[bytes, ...]) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def _now(app: Any) -> datetime:
    clock = getattr(app.state, "clock", None)  # tests travel in time (core.deps.get_now)
    return clock() if clock else utcnow()


class SurfaceCacheMiddleware:
    """The outermost layer: answers a kept answer, or runs the stack and keeps a marked one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _key(scope) if scope["type"] == "http" else None
        if key is None:
            await self.app(scope, receive, send)
            return
        app = scope["app"]
        cache = surface_cache(app)
        stamp = render_cache(app).current_stamp()
        if stamp is not None:
            hit = cache.get(key, stamp, _now(app))
            if hit is not None:
                await send(hit.start)
                await send({"type": "http.response.body", "body": hit.body})
                return
        state = scope.setdefault("state", {})
        state[_STATE_KEY] = None
        start: Message | None = None
        held = False  # a marked 200 without a validator waits for its body: it gets an ETag
        chunks: list[bytes] = []
        size = 0
        keep = True

        async def recording(message: Message) -> None:
            nonlocal start, size, keep, held
            if message["type"] == "http.response.start":
                start = message
                keep = _storable(message)
                headers = message.get("headers", [])
                held = (
                    keep
                    and message["status"] == 200
                    and isinstance(state.get(_STATE_KEY), Mark)
                    and not any(name.lower() == b"etag" for name, _ in headers)
                )
                if not held:
                    await send(message)
                return
            if message["type"] != "http.response.body" or not keep:
                await send(message)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cache.max_entry:  # too big to keep: let it stream as it came
                keep = False
                if held and start is not None:
                    held = False
                    await send(start)
                    for earlier in chunks:
                        await send({"type": "http.response.body", "body": earlier, "more_body": True})
                chunks.clear()
                await send(message)
                return
            chunks.append(chunk)
            if message.get("more_body", False):
                if not held:
                    await send(message)
                return
            body = b"".join(chunks)
            assert start is not None
            if held:
                start, body = _validated(scope, start, body)
                await send(start)
                await send({"type": "http.response.body", "body": body})
            else:
                await send(message)
            marked = state.get(_STATE_KEY)
            if isinstance(marked, Mark):
                cache.put(key, Stored(marked.stamp, marked.expires_at, start, body))

        await self.app(scope, receive, recording)


_cache_lock = threading.Lock()


def surface_cache(app: Any) -> SurfaceCache:
    """The app's outermost cache (app.state.surface_cache), made on first use."""
    cache = getattr(app.state, "surface_cache", None)
    if cache is None:
        with _cache_lock:
            cache = getattr(app.state, "surface_cache", None)
            if cache is None:
                cache = app.state.surface_cache = SurfaceCache()
    return cache
