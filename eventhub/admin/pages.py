"""Admin pages: login, logout, the dashboard; the editors live in events.py and directory.py."""

from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eventhub.accounts import sessions, totp
from eventhub.accounts.csrf import CsrfDep
from eventhub.accounts.deps import SESSION_KEY, OptionalUser
from eventhub.accounts.permissions import Action, can
from eventhub.accounts.ratelimit import clear_failures, record_failure, retry_after
from eventhub.accounts.service import authenticate
from eventhub.admin import directory, events, users
from eventhub.admin.dashboard import dashboard as panels
from eventhub.admin.deps import AdminUser, done, render
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, SettingsDep
from eventhub.core.i18n import _
from eventhub.core.models import EventStatus, StaffUser
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
    if user.totp_secret:  # the password was right: now the code from the authenticator
        request.session.clear()
        request.session[PENDING_KEY] = {"user": user.id, "at": now.isoformat(), "next": target}
        return RedirectResponse("/admin/login/code", status_code=303)
    clear_failures(db, email=email, ip=ip)
    return _sign_in(request, db, user, now, ip, target)


def _sign_in(request: Request, db: DbDep, user: StaffUser, now: datetime, ip: str, target: str) -> Response:
    user.last_login_at = now
    settings = request.app.state.settings
    plain = sessions.start(
        db, user, now=now, lifetime=timedelta(hours=settings.session_hours),
        ip=ip, user_agent=request.headers.get("user-agent", ""),
    )  # fmt: skip
    request.session.clear()  # a fresh cookie (and CSRF token) for the signed-in user
    request.session[SESSION_KEY] = plain
    return RedirectResponse(target, status_code=303)


PENDING_KEY = "pending_login"  # who gave the right password and owes the second factor's code
PENDING_FOR = timedelta(minutes=5)


def _pending(request: Request, db: DbDep, now: datetime) -> tuple[StaffUser, str] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        since = datetime.fromisoformat(str(pending.get("at")))
    except ValueError:
        return None
    user = db.get(StaffUser, pending.get("user")) if isinstance(pending.get("user"), int) else None
    if user is None or not user.is_active or not user.totp_secret or not since <= now < since + PENDING_FOR:
        return None
    return user, _safe_next(pending.get("next"))


@router.get("/admin/login/code")
def code_page(request: Request, db: DbDep, now: NowDep) -> Response:
    if _pending(request, db, now) is None:
        return RedirectResponse("/admin/login", status_code=303)
    return render(request, "admin/login_code.html", None)


@router.post("/admin/login/code")
async def code_submit(request: Request, db: DbDep, now: NowDep, _csrf: CsrfDep) -> Response:
    """The second step of a login with the second factor; wrong codes count as failed logins."""
    found = _pending(request, db, now)
    if found is None:
        return RedirectResponse("/admin/login", status_code=303)
    user, target = found
    ip = request.client.host if request.client else "unknown"
    wait = retry_after(db, email=user.email, ip=ip, now=now)
    code = str((await request.form()).get("code") or "")[:20]
    if wait is not None or not totp.verify(user.totp_secret, code, now):
        if wait is None:
            with independent_write(db):
                record_failure(db, email=user.email, ip=ip, now=now)
        error = (
            _("Код не подошёл")
            if wait is None
            else _("Слишком много неудачных попыток входа. Попробуйте снова через %(minutes)s мин.")
            % {"minutes": -(-wait // 60)}
        )
        return render(request, "admin/login_code.html", None, status_code=401 if wait is None else 429, error=error)
    clear_failures(db, email=user.email, ip=ip)
    return _sign_in(request, db, user, now, ip, target)


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
def dashboard(request: Request, db: DbDep, user: AdminUser, now: NowDep, settings: SettingsDep) -> HTMLResponse:
    """The panels of the user's role (admin/dashboard.py) and their events by status."""
    counts: dict[str, int] = {}
    if can(user, Action.edit_events):
        for status in EventStatus:
            counts[status.value] = list_editable_events(db, user, EventFilters(), status=status, now=now, limit=1)[1]
    board = panels(db, user, now, settings.timezone)
    return render(request, "admin/dashboard.html", user, counts=counts, board=board, now=now)


router.include_router(events.router)
router.include_router(users.router)
for _router in directory.routers():
    router.include_router(_router)
