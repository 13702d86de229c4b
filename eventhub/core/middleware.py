"""ASGI middleware shared by every route: NUL bytes, body size, security headers, language, HEAD."""

import logging
import re
from collections.abc import Sequence
from typing import Any, Literal

import itsdangerous
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eventhub.core import i18n

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "fields": {}}}, status_code=status)


class RejectNulBytes:
    """A NUL byte in the address is never meaningful, and PostgreSQL text cannot hold one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = scope.get("query_string", b"")
            if "\x00" in scope["path"] or b"%00" in query or b"\x00" in query:
                await _error(400, "bad_request", "NUL byte in the request address")(scope, receive, send)
                return
        await self.app(scope, receive, send)


class LimitBodySize:
    """413 for bodies over the limit, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_max_bytes: int, upload_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_max_bytes if scope["path"].endswith(self.upload_paths or ("\0",)) else self.max_bytes
        too_big = _error(
            413, "payload_too_large", i18n.gettext("Тело запроса больше %(kb)d КБ") % {"kb": limit // 1024}
        )
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await too_big(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooBig
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooBig:
            await too_big(scope, receive, send)


class _TooBig(Exception):
    pass


# Answers that may hold personal data or a secret: staff pages, private links. (Personal
# feeds say `private, max-age=300` themselves: calendar clients poll them, no shared cache keeps them.)
PRIVATE_PATHS = re.compile(r"^/(admin(/|$)|r/)")


def is_private(scope: Scope) -> bool:
    """Whether an answer must carry `Cache-Control: no-store`: staff pages, private pages,
    every answer to a request with a token (API) or a staff session, every answer to a
    form post (the registration confirmation among them)."""
    if PRIVATE_PATHS.match(scope["path"]) or scope.get("method") not in ("GET", "HEAD"):
        return True
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            return True
        if name == b"cookie" and b"eventhub_session=" in value and scope["path"].startswith(("/api/", "/admin")):
            return True
    query = scope.get("query_string", b"")
    return b"invitation=" in query or b"code=" in query


class SecurityHeaders:
    """CSP without inline script, no framing, nosniff, a strict referrer policy."""

    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] in ("/docs", "/docs/oauth2-redirect")

        private = is_private(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if private:  # decided here for every route: personal data is never cached
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                present = {k.lower() for k, _ in headers}
                extra = [h for h in SECURITY_HEADERS if h[0] not in present]
                if not docs and b"content-security-policy" not in present:
                    extra.append((b"content-security-policy", CSP.encode()))
                if self.hsts:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                message = {**message, "headers": headers + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# Answers whose bytes do not depend on the negotiated language: static files, and feeds
# written in the language of their address (?lang=) alone. Their errors still do.
LANGUAGE_FREE = re.compile(
    r"^/static/|\.(ics|atom)$|/schedule\.(xml|json)$|^/(sitemap\.xml|robots\.txt|healthz|openapi\.json|favicon\.ico)$"
)
VARY_LANGUAGE = b"Accept-Language, Cookie"


def _add_vary(headers: list[tuple[bytes, bytes]], value: bytes) -> list[tuple[bytes, bytes]]:
    """One Vary header: `value` joined to what the route already said."""
    said = [v for k, v in headers if k.lower() == b"vary"]
    rest = [(k, v) for k, v in headers if k.lower() != b"vary"]
    return [*rest, (b"vary", b", ".join([*said, value]))]


class LanguageMiddleware:
    """Pick the reader's language once per request: ?lang=, the cookie, Accept-Language.

    An explicit ?lang= is remembered in a cookie; unknown values fall back quietly. Without
    ?lang= the answer depends on the cookie and Accept-Language, and says so in Vary (for
    every such request alike, so a shared cache keys on both); CompressionMiddleware merges
    it with Accept-Encoding into one Vary header."""

    def __init__(self, app: ASGIApp, default: str) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        asked = i18n.valid_language(request.query_params.get("lang"))
        lang = i18n.negotiate(
            asked, request.cookies.get(i18n.COOKIE), request.headers.get("accept-language"), self.default
        )
        scope.setdefault("state", {})["lang"] = lang
        token = i18n.set_language(lang)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-language", lang.encode()))
                if not asked and (message["status"] >= 400 or not LANGUAGE_FREE.search(scope["path"])):
                    headers = _add_vary(headers, VARY_LANGUAGE)
                # A feed's ?lang= is part of its address: calendar clients keep no cookies, and
                # a cookie would keep every cache from storing the feed.
                remember = not LANGUAGE_FREE.search(scope["path"])
                if asked and remember and asked != request.cookies.get(i18n.COOKIE):
                    cookie = f"{i18n.COOKIE}={asked}; Path=/; Max-Age=31536000; SameSite=Lax"
                    headers.append((b"set-cookie", cookie.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            i18n.reset_language(token)


class HeadAsGet:
    """HEAD wherever GET answers (RFC 9110 §9.3.2): the request runs as GET and the body is
    dropped, so status and headers (Content-Length, ETag, Vary, 304 on a conditional
    request) are those of the GET. Outermost, so the headers are those sent after
    compression. Other methods pass untouched: POST-only routes still answer 405 (a GET
    there is one, with Allow), and OPTIONS is left to the routes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        finished = False

        async def send_without_body(message: Message) -> None:
            nonlocal finished
            if message["type"] == "http.response.start":
                await send(message)
            elif message["type"] == "http.response.body":
                if not finished and not message.get("more_body", False):
                    finished = True
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
            else:
                await send(message)

        await self.app({**scope, "method": "GET", "eventhub.head": True}, receive, send_without_body)


class KeyRingSessions(SessionMiddleware):
    """Starlette's signed cookie, signed with the first key of the ring and verified with any
    (itsdangerous signs with the last of its list): a key rotation signs nobody out. The
    cookie holds the server-side session's random id (accounts/sessions.py), the form token
    and a flash message, never who the user is."""

    def __init__(
        self,
        app: ASGIApp,
        secret_keys: Sequence[str],
        session_cookie: str,
        max_age: int,
        same_site: Literal["lax", "strict", "none"] = "lax",
        https_only: bool = False,
    ) -> None:
        super().__init__(
            app, secret_key=secret_keys[0], session_cookie=session_cookie, max_age=max_age,
            same_site=same_site, https_only=https_only,
        )  # fmt: skip
        self.signer = itsdangerous.TimestampSigner(list(reversed(secret_keys)))


# --- the access log: addresses without the secrets they carry ---

_SECRET_IN_PATH = re.compile(r"(/r/|/calendar/personal/|/admin/password/reset/)[^/?.\s]+")
_SECRET_IN_QUERY = re.compile(r"([?&](?:invitation|code|token|reset)=)[^&\s]*")


def redact(target: str) -> str:
    """A request target fit for a log: private-link, personal-feed, invitation, check-in and
    reset tokens replaced by ***."""
    return _SECRET_IN_QUERY.sub(r"\1***", _SECRET_IN_PATH.sub(r"\1***", target))


class RedactSecrets(logging.Filter):
    """On uvicorn's access logger: its record's arguments are (client, method, target, http, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args: Any = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


def redact_access_log() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecrets) for f in access.filters):
        access.addFilter(RedactSecrets())
