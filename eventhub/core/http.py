"""Conditional responses (RFC 9110 §13): one ETag maker, one validator check, one 304."""

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.datastructures import Headers
from starlette.responses import Response


def etag_of(body: bytes) -> str:
    """A strong validator of the bytes: it changes exactly when what a reader gets changes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def is_not_modified(headers: Headers | Mapping[str, str], etags: Iterable[str], last_modified: datetime | None) -> bool:
    """Whether the client's copy is current: If-None-Match decides when present (any of
    `etags`, or "*"; weak comparison), else If-Modified-Since against `last_modified`."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or any(etag in tags for etag in etags)
    if_modified_since = headers.get("if-modified-since")
    if not if_modified_since or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= since


def conditional_response(
    request_headers: Headers | Mapping[str, str],
    body: bytes,
    *,
    media_type: str | None,
    etag: str | None = None,
    last_modified: datetime | None = None,
    headers: Mapping[str, str] | None = None,
    also_matches: Iterable[str] = (),
    encoding: str | None = None,
) -> Response:
    """200 with ETag (the hash of `body` unless given) and Last-Modified, or 304 with the same
    headers when the client's copy is current. `also_matches`: other ETags of the same content
    (e.g. of its gzip encoding); `encoding`: the Content-Encoding of `body` (on the 200 only).
    A Last-Modified in the future is left out (RFC 9110 §8.8.2.1)."""
    etag = etag or etag_of(body)
    out = dict(headers or {})
    out["ETag"] = etag
    if last_modified is not None and last_modified > datetime.now(UTC):
        last_modified = None
    if last_modified is not None:
        out["Last-Modified"] = http_date(last_modified)
    if is_not_modified(request_headers, (etag, *also_matches), last_modified):
        return Response(status_code=304, headers=out)
    if encoding:
        out["Content-Encoding"] = encoding
    return Response(body, media_type=media_type, headers=out)
