"""Static files under content-hashed names, cached for a year by browsers and proxies.

Templates write ``static_url('style.css')`` and get ``/static/style.<hash>.css``; the hash
changes whenever the file does, so the long cache never serves a stale stylesheet. The
plain name (``/static/style.css``) still works and is revalidated on every use."""

import hashlib
import os
import re
import stat
from functools import lru_cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from eventhub import ROOT

STATIC_DIR = ROOT / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
HASH_LENGTH = 12
_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<ext>\.[A-Za-z0-9]+)$")


@lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    # Keyed by mtime and size so an edited file gets a new hash without a restart.
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:HASH_LENGTH]


def file_hash(path: Path | str) -> str:
    st = os.stat(path)
    return _digest(str(path), st.st_mtime_ns, st.st_size)


def hashed_name(name: str, directory: Path = STATIC_DIR) -> str:
    """'style.css' -> 'style.1a2b3c4d5e6f.css' (the name itself when the file is missing)."""
    path = directory / name
    if not path.is_file():
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return f"{name}.{file_hash(path)}"
    return f"{stem}.{file_hash(path)}.{ext}"


def static_url(name: str) -> str:
    """The address of a static file under its hashed name (a Jinja global)."""
    return "/static/" + hashed_name(name)


class HashedStaticFiles(StaticFiles):
    """StaticFiles that also answers hashed names, with a year-long immutable cache."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        match = _HASHED.match(path.replace(os.sep, "/"))
        if match:
            plain = match["stem"] + match["ext"]
            full_path, stat_result = self.lookup_path(plain)
            if stat_result is not None and stat.S_ISREG(stat_result.st_mode):
                response = await super().get_response(plain, scope)
                # An old hash (a page cached before a deploy) gets today's file, but not for a year.
                current = file_hash(full_path) == match["hash"]
                response.headers["Cache-Control"] = IMMUTABLE if current else REVALIDATE
                return response
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", REVALIDATE)
        return response
