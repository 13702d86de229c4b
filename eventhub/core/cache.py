"""The per-process render cache: what is rendered once per content version and served like a
static file (the feeds; the event pages read its trusted content version).

Entries are keyed by the feed's identity and the content version (``Stamp``) they were
rendered at, so a write anywhere (any worker, any process) makes them unreachable; an LRU
bounded in entries and bytes drops them. Two things keep the common request free of any
database work:

* the content version read last is trusted for ``check_interval`` seconds (1 s): another
  worker's write shows within that second; a write committed in this process shows at once
  (``changes.local_generation``);
* each exact request address (path and query string) that was rendered points at its entry,
  so a middleware (``feeds.api.FeedCacheMiddleware``) answers before routing and validation.

Concurrent misses of one feed render it once (a lock per feed, taken in the thread pool).
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from eventhub.core import changes
from eventhub.core.changes import Stamp

_LOCKS = 64


class Entry(Protocol):
    @property
    def size(self) -> int: ...  # bytes held

    @property
    def expires_at(self) -> datetime | None: ...  # valid until then, whatever the version


E = TypeVar("E", bound=Entry)


class RenderCache(Generic[E]):
    def __init__(
        self,
        *,
        max_entries: int = 512,
        max_bytes: int = 128 * 1024 * 1024,
        check_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.check_interval = check_interval
        self._entries: OrderedDict[tuple[str, Stamp], E] = OrderedDict()
        self._addresses: OrderedDict[str, tuple[str, Stamp]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._render_locks = [threading.Lock() for _ in range(_LOCKS)]
        self._stamp: Stamp | None = None
        self._checked_at = 0.0
        self._generation = -1
        self.renders = 0  # how many renders were stored (tests and the bench read it)

    # -- the content version --

    def current_stamp(self) -> Stamp | None:
        """The content version if read recently enough to trust, else None (read it again)."""
        if self._stamp is None or changes.local_generation() != self._generation:
            return None
        if self.clock() - self._checked_at >= self.check_interval:
            return None
        return self._stamp

    def remember_stamp(self, stamp: Stamp | None, generation: int) -> None:
        """Record a version read from the database; ``generation`` is local_generation() from before the read."""
        with self._lock:
            self._stamp = stamp
            self._generation = generation
            self._checked_at = self.clock()

    def stamp(self, db: Any) -> Stamp | None:
        """The trusted content version, or the one read now from `db` (and remembered)."""
        stamp = self.current_stamp()
        if stamp is None:
            generation = changes.local_generation()
            stamp = changes.read_stamp(db)
            self.remember_stamp(stamp, generation)
        return stamp

    # -- entries --

    def get(self, key: str, stamp: Stamp, now: datetime) -> E | None:
        with self._lock:
            entry = self._entries.get((key, stamp))
            if entry is None:
                return None
            if entry.expires_at is not None and now >= entry.expires_at:
                self._drop((key, stamp))
                return None
            self._entries.move_to_end((key, stamp))
            return entry

    def put(self, key: str, stamp: Stamp, rendered: E) -> None:
        with self._lock:
            if (key, stamp) in self._entries:
                self._drop((key, stamp))
            self._entries[(key, stamp)] = rendered
            self._bytes += rendered.size
            self.renders += 1
            while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                self._drop(next(iter(self._entries)))

    def _drop(self, entry_key: tuple[str, Stamp]) -> None:
        entry = self._entries.pop(entry_key, None)
        if entry is not None:
            self._bytes -= entry.size

    def remember_address(self, address: str, key: str, stamp: Stamp) -> None:
        with self._lock:
            self._addresses[address] = (key, stamp)
            self._addresses.move_to_end(address)
            while len(self._addresses) > 4 * self.max_entries:
                self._addresses.popitem(last=False)

    def knows(self, address: str) -> bool:
        return address in self._addresses

    def lookup_address(self, address: str, now: datetime) -> E | None:
        """The fast path: the entry an exact request address points at, if still current."""
        stamp = self.current_stamp()
        if stamp is None:
            return None
        target = self._addresses.get(address)
        if target is None or target[1] != stamp:
            return None
        return self.get(target[0], stamp, now)

    def render_lock(self, key: str) -> threading.Lock:
        return self._render_locks[hash(key) % _LOCKS]


_cache_lock = threading.Lock()


def render_cache(app: Any) -> RenderCache[Any]:
    """The app's render cache (app.state.render_cache), made on first use."""
    cache = getattr(app.state, "render_cache", None)
    if cache is None:
        with _cache_lock:
            cache = getattr(app.state, "render_cache", None)
            if cache is None:
                cache = app.state.render_cache = RenderCache()
    return cache
