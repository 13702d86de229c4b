"""Admin pages: login, logout, the dashboard; the editors live in events.py and directory.py."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eventhub.accounts.csrf import CsrfDep
from eventhub.accounts.deps import SESSION_USER_KEY, OptionalUser
from eventhub.accounts.permissions import Action, can
from eventhub.accounts.ratelimit import clear_failures, record_failure, retry_after
from eventhub.accounts.service import authenticate
from eventhub.admin import directory, events
from eventhub.admin.dashboard import dashboard as panels
from eventhub.admin.deps import AdminUser, done, render
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, SettingsDep
from eventhub.core.i18n import _
from eventhub.core.models import EventStatus
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
    request.session.clear()  # a fresh session (and CSRF token) for the signed-in user
    request.session[SESSION_USER_KEY] = user.id
    return RedirectResponse(target, status_code=303)


@router.post("/admin/logout")
def logout(request: Request, _csrf: CsrfDep) -> RedirectResponse:
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
for _router in directory.routers():
    router.include_router(_router)
