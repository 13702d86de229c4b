"""Guessing the secrets in addresses is slowed (issue 21, item 9), like unknown API tokens.

Private links (/r/…), personal feeds (/calendar/personal/….ics), invitation links and
check-in codes are 256-bit (codes: 60-bit) secrets; still, an address that keeps trying
wrong ones is told to wait: after BAD_SECRET.count failures a minute, every such request
from it answers 429 until the minute has passed. A failure is a 404 on a private link or
feed, or a route's `mark_guess` (an invitation or a check-in code that matches nothing).
Counted in the database (login_attempt), so every worker process shares the count."""

import re
from datetime import timedelta

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eventhub.accounts import ratelimit
from eventhub.core.i18n import _
from eventhub.core.models import utcnow

BAD_SECRET = ratelimit.Limit("bad-secret", 10, timedelta(minutes=1))
FLAG = "secret_guess_failed"
WATCHED = re.compile(r"^/(r/|calendar/personal/)|^/events/[^/]+/register$|/registrations/checkin$")
NOT_FOUND_IS_A_GUESS = re.compile(r"^/(r/|calendar/personal/)")


def mark_guess(request: Request) -> None:
    """The request named a secret that matches nothing: count it against its address."""
    setattr(request.state, FLAG, True)


class GuessLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not WATCHED.search(scope["path"]):
            await self.app(scope, receive, send)
            return
        app = scope["app"]
        client = scope.get("client")
        ip = (client[0] if client else "unknown")[:64]
        clock = getattr(app.state, "clock", None)
        now = clock() if clock else utcnow()
        units = app.state.units

        def wait() -> int | None:
            with units.read() as db:
                return ratelimit.wait_for(db, BAD_SECRET, ip=ip, now=now)

        seconds = await anyio.to_thread.run_sync(wait)
        if seconds is not None:
            await self._too_many(scope, seconds)(scope, receive, send)
            return
        status: dict[str, int] = {}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        guessed = scope.get("state", {}).get(FLAG) or (
            status.get("code") == 404 and NOT_FOUND_IS_A_GUESS.match(scope["path"])
        )
        if guessed:

            def count() -> None:
                with units.write() as db:
                    ratelimit.count(db, BAD_SECRET, ip=ip, now=now)

            await anyio.to_thread.run_sync(count)

    @staticmethod
    def _too_many(scope: Scope, seconds: int) -> Response:
        message = _("Слишком много неверных ссылок или кодов с вашего адреса; повторите через минуту")
        headers = {"Retry-After": str(seconds), "Cache-Control": "no-store"}
        if scope["path"].endswith(".ics"):
            body = {"error": {"code": "too_many_requests", "message": message, "fields": {}}}
            return JSONResponse(body, status_code=429, headers=headers)
        return PlainTextResponse(message, status_code=429, headers=headers)
