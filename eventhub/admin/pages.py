"""Admin pages: login, logout, the dashboard; the editors live in events.py and directory.py."""

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eventhub.accounts import sessions
from eventhub.accounts.csrf import CsrfDep
from eventhub.accounts.deps import SESSION_KEY, OptionalUser
from eventhub.accounts.permissions import Action, can
from eventhub.accounts.ratelimit import clear_failures, record_failure, retry_after
from eventhub.accounts.service import authenticate
from eventhub.admin import directory, events, users
from eventhub.admin.deps import AdminUser, done, render
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep
from eventhub.core.i18n import _
from eventhub.core.models import Event, EventStatus
from eventhub.core.uow import UnitOfWorkRoute, independent_write
from eventhub.events.editing import list_editable_events
from eventhub.events.service import EventFilters

router = APIRouter(route_class=UnitOfWorkRoute, default_response_class=HTMLResponse, include_in_schema=False)


def _safe_next(target: object) -> str:
    """Only our own admin pages are a place to return to after login (no open redirect)."""
    target = target if isinstance(target, str) else ""
    ok = target.startswith("/admin") and not target.startswith("/admin/login") and "\\" not in target
    return target if ok and "//" not in target else "/admin"


@router.get("/admin/login")
def login_page(request: Request, user: OptionalUser, next: str = "/admin") -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "admin/login.html", None, next=_safe_next(next), email="")


@router.post("/admin/login")
async def login(request: Request, db: DbDep, now: NowDep, _csrf: CsrfDep) -> Response:
    """Sign in; failures are counted per e-mail and address in the database (all workers share it)."""
    form = await request.form()
    # NUL cannot be stored (PostgreSQL) and is in no real address: drop it before counting attempts.
    email = str(form.get("email") or "").replace("\x00", "")[:254]
    password = str(form.get("password") or "")[:1024]
    target = _safe_next(form.get("next"))
    ip = request.client.host if request.client else "unknown"
    wait = retry_after(db, email=email, ip=ip, now=now)
    if wait is not None:
        minutes = -(-wait // 60)
        response = render(
            request, "admin/login.html", None, status_code=429, next=target, email=email,
            error=_("Слишком много неудачных попыток входа. Попробуйте снова через %(minutes)s мин.") % {"minutes": minutes},
        )  # fmt: skip
        response.headers["Retry-After"] = str(wait)
        return response
    user = authenticate(db, email, password)
    if user is None:
        with independent_write(db):  # the failure counts although the answer is a 401
            record_failure(db, email=email, ip=ip, now=now)
        return render(
            request,
            "admin/login.html",
            None,
            status_code=401,
            next=target,
            email=email,
            error=_("Неверный e-mail или пароль"),
        )
    clear_failures(db, email=email, ip=ip)
    user.last_login_at = now
    settings = request.app.state.settings
    plain = sessions.start(
        db, user, now=now, lifetime=timedelta(hours=settings.session_hours),
        ip=ip, user_agent=request.headers.get("user-agent", ""),
    )  # fmt: skip
    request.session.clear()  # a fresh cookie (and CSRF token) for the signed-in user
    request.session[SESSION_KEY] = plain
    return RedirectResponse(target, status_code=303)


@router.post("/admin/logout")
def logout(request: Request, db: DbDep, now: NowDep, _csrf: CsrfDep) -> RedirectResponse:
    """End the server-side session: the cookie, even a copy of it, opens nothing any more."""
    plain = request.session.get(SESSION_KEY)
    settings = request.app.state.settings
    row = sessions.find(db, plain, now=now, idle=timedelta(minutes=settings.session_idle_minutes)) if plain else None
    if row is not None:
        sessions.end(db, row, now=now)
    request.session.clear()
    return done(request, "/admin/login", _("Вы вышли"))


@router.get("/admin")
def dashboard(request: Request, db: DbDep, user: AdminUser, now: NowDep) -> HTMLResponse:
    """What the user may do, and their events: drafts, upcoming, recently changed."""
    counts: dict[str, int] = {}
    upcoming: list[Event] = []
    if can(user, Action.edit_events):
        for status in EventStatus:
            counts[status.value] = list_editable_events(db, user, EventFilters(), status=status, now=now, limit=1)[1]
        upcoming, _ = list_editable_events(db, user, EventFilters(when="upcoming"), status=None, now=now, limit=10)
        upcoming.sort(key=lambda e: e.start_at)
    return render(
        request, "admin/dashboard.html", user, counts=counts, upcoming=upcoming, soon=now + timedelta(days=30)
    )


router.include_router(events.router)
router.include_router(users.router)
for _router in directory.routers():
    router.include_router(_router)
