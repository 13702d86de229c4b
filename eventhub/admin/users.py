"""Staff accounts in the browser: admins manage everyone under /admin/users; every staff
member has /admin/account (own sessions, password). The logic is accounts/staff.py and
accounts/sessions.py; these routes only read forms and render."""

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from eventhub.accounts import sessions, staff, totp
from eventhub.accounts.csrf import CsrfDep
from eventhub.accounts.permissions import Action, require
from eventhub.accounts.service import create_user, organisation_ids
from eventhub.admin.deps import AdminUser, done, render
from eventhub.core import audit
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep
from eventhub.core.errors import DomainError, Invalid, NotFound
from eventhub.core.i18n import _
from eventhub.core.models import Organisation, StaffSession, StaffUser
from eventhub.core.tokens import new_token
from eventhub.core.uow import UnitOfWorkRoute

router = APIRouter(route_class=UnitOfWorkRoute, default_response_class=HTMLResponse, include_in_schema=False)


def _manager(user: AdminUser) -> StaffUser:
    return require(user, Action.manage_users)


Manager = Annotated[StaffUser, Depends(_manager)]


def _idle(request: Request) -> timedelta:
    return timedelta(minutes=request.app.state.settings.session_idle_minutes)


def _organisations(db: Session) -> list[Organisation]:
    return list(db.exec(select(Organisation).order_by(col(Organisation.name))))


def _ids(values: list[Any]) -> list[int]:
    return [int(v) for v in values if isinstance(v, str) and v.isdigit() and len(v) < 10]


def _form_values(form: Any) -> dict[str, Any]:
    return {
        "email": str(form.get("email") or "")[:254],
        "full_name": str(form.get("full_name") or "").strip()[:200],
        "role": str(form.get("role") or "")[:40],
        "organisations": _ids(form.getlist("organisations")),
        "is_active": form.get("is_active") == "on",
    }


def _errors(exc: DomainError) -> dict[str, str]:
    return exc.fields or {"__all__": exc.message}


# --- the list, adding ---


@router.get("/admin/users")
def users_page(request: Request, db: DbDep, user: Manager, now: NowDep) -> HTMLResponse:
    live = sessions.open_sessions(db, None, now=now, idle=_idle(request))
    counts: dict[int, int] = {}
    for row in live:
        counts[row.user_id] = counts.get(row.user_id, 0) + 1
    return render(
        request, "admin/users.html", user, users=staff.users(db), counts=counts, roles=staff.ROLE_LABELS,
        organisations=_organisations(db), values={"role": "organiser", "organisations": []},
    )  # fmt: skip


@router.post("/admin/users")
async def add_user(request: Request, db: DbDep, user: Manager, now: NowDep, _csrf: CsrfDep) -> Response:
    """Add a staff member: they get an e-mail with a one-time link to set their password
    (the admin never knows it)."""
    values = _form_values(await request.form())
    try:
        email = staff.normal_email(values["email"])
        staff.check_role(values["role"])
        slugs = [o.slug for o in _organisations(db) if o.id in set(values["organisations"])]
        new = create_user(
            db, email=email, password=new_token(), role=values["role"], full_name=values["full_name"] or None,
            organisations=slugs,
        )  # fmt: skip
        audit.record(
            db, user=user, action="create", entity=new, changes={"email": [None, new.email], "role": [None, new.role]}
        )
        staff.start_reset(db, new, actor=user, now=now, base_url=request.app.state.settings.base_url)
    except DomainError as exc:
        return render(
            request, "admin/users.html", user, status_code=exc.status_code if exc.status_code != 400 else 422,
            users=staff.users(db), counts={}, roles=staff.ROLE_LABELS, organisations=_organisations(db),
            values=values, errors=_errors(exc),
        )  # fmt: skip
    return done(request, f"/admin/users/{new.id}", _("Сотрудник добавлен; ему отправлена ссылка, чтобы задать пароль"))


# --- one account ---


def _user_page(
    request: Request, db: Session, actor: StaffUser, target: StaffUser, now: Any, **extra: Any
) -> HTMLResponse:
    values = {
        "full_name": target.full_name or "",
        "role": target.role,
        "organisations": sorted(organisation_ids(db, target)),
        "is_active": target.is_active,
    }
    context = {"values": values} | extra
    return render(
        request, "admin/user_form.html", actor, target=target, roles=staff.ROLE_LABELS,
        organisations=_organisations(db), sessions=sessions.open_sessions(db, target.id, now=now, idle=_idle(request)),
        current_session=getattr(request.state, "staff_session_id", None), **context,
    )  # fmt: skip


@router.get("/admin/users/{user_id}")
def user_page(request: Request, user_id: int, db: DbDep, user: Manager, now: NowDep) -> HTMLResponse:
    return _user_page(request, db, user, staff.user_or_404(db, user_id), now)


@router.post("/admin/users/{user_id}")
async def update_user(
    request: Request, user_id: int, db: DbDep, user: Manager, now: NowDep, _csrf: CsrfDep
) -> Response:
    target = staff.user_or_404(db, user_id)
    values = _form_values(await request.form())
    try:
        changes = staff.update_user(
            db, target, actor=user, now=now, full_name=values["full_name"], role=values["role"],
            organisation_ids=values["organisations"], is_active=values["is_active"],
        )  # fmt: skip
    except DomainError as exc:
        return _user_page(
            request, db, user, target, now, status_code=exc.status_code, values=values, errors=_errors(exc)
        )
    message = _("Изменения сохранены") if changes else _("Изменений нет")
    if {"role", "is_active", "organisations"} & changes.keys():
        message = _("Изменения сохранены; сеансы сотрудника завершены, его API-токены отозваны")
    return done(request, f"/admin/users/{user_id}", message)


@router.post("/admin/users/{user_id}/reset")
def reset_password(request: Request, user_id: int, db: DbDep, user: Manager, now: NowDep, _csrf: CsrfDep) -> Response:
    target = staff.user_or_404(db, user_id)
    staff.start_reset(db, target, actor=user, now=now, base_url=request.app.state.settings.base_url)
    return done(
        request, f"/admin/users/{user_id}",
        _("Пароль сброшен: сотруднику %(email)s отправлена ссылка для нового пароля") % {"email": target.email},
    )  # fmt: skip


@router.post("/admin/users/{user_id}/sessions/{session_id}/end")
def end_user_session(
    request: Request, user_id: int, session_id: int, db: DbDep, user: Manager, now: NowDep, _csrf: CsrfDep
) -> Response:
    _end(db, user_id, session_id, now)
    return done(request, f"/admin/users/{user_id}", _("Сеанс завершён"))


def _end(db: Session, user_id: int, session_id: int, now: Any) -> None:
    row = db.get(StaffSession, session_id) if 0 < session_id < 2**31 else None
    if row is None or row.user_id != user_id:
        raise NotFound(_("Сеанс не найден"))
    sessions.end(db, row, now=now)


# --- one's own account ---


@router.get("/admin/account")
def account_page(request: Request, db: DbDep, user: AdminUser, now: NowDep) -> HTMLResponse:
    return _account(request, db, user, now)


def _account(request: Request, db: Session, user: StaffUser, now: Any, **extra: Any) -> HTMLResponse:
    settings = request.app.state.settings
    setup = request.session.get(TOTP_SETUP_KEY) if not user.totp_secret else None
    qr = totp.qr_data_uri(totp.provisioning_uri(setup, user.email, settings.site_name)) if setup else None
    required = settings.admin_totp_required and user.role == "admin"
    return render(
        request, "admin/account.html", user, roles=staff.ROLE_LABELS,
        sessions=sessions.open_sessions(db, user.id, now=now, idle=_idle(request)),
        current_session=getattr(request.state, "staff_session_id", None),
        totp_setup=setup, totp_qr=qr, totp_required=required, **extra,
    )  # fmt: skip


TOTP_SETUP_KEY = "totp_setup"  # the secret being set up, until a first code proves it


@router.post("/admin/account/totp/setup")
def totp_setup(request: Request, db: DbDep, user: AdminUser, now: NowDep, _csrf: CsrfDep) -> Response:
    """A new secret to scan; kept only once a code made from it is entered."""
    request.session[TOTP_SETUP_KEY] = totp.new_secret()
    return RedirectResponse("/admin/account#h-totp", status_code=303)


@router.post("/admin/account/totp")
async def totp_enable(request: Request, db: DbDep, user: AdminUser, now: NowDep, _csrf: CsrfDep) -> Response:
    secret = request.session.get(TOTP_SETUP_KEY)
    code = str((await request.form()).get("code") or "")[:20]
    try:
        if not isinstance(secret, str):
            raise Invalid(_("Код не подошёл"), fields={"code": _("начните настройку заново")})
        totp.enable(db, user, secret=secret, code=code, now=now)
    except DomainError as exc:
        return _account(request, db, user, now, status_code=422, errors=_errors(exc))
    request.session.pop(TOTP_SETUP_KEY, None)
    return done(request, "/admin/account", _("Второй фактор включён: при входе понадобится код из приложения"))


@router.post("/admin/account/totp/disable")
async def totp_disable(request: Request, db: DbDep, user: AdminUser, now: NowDep, _csrf: CsrfDep) -> Response:
    code = str((await request.form()).get("code") or "")[:20]
    try:
        totp.disable(db, user, code=code, now=now, required=request.app.state.settings.admin_totp_required)
    except DomainError as exc:
        return _account(request, db, user, now, status_code=422, errors=_errors(exc))
    return done(request, "/admin/account", _("Второй фактор отключён"))


@router.post("/admin/account/password")
async def change_password(request: Request, db: DbDep, user: AdminUser, now: NowDep, _csrf: CsrfDep) -> Response:
    form = await request.form()
    current, new, again = (str(form.get(k) or "")[:1024] for k in ("current", "password", "password2"))
    try:
        if new != again:
            raise Invalid(_("Пароль не изменён"), fields={"password2": _("пароли не совпадают")})
        staff.change_password(
            db, user, current=current, new=new, now=now, keep_session=getattr(request.state, "staff_session_id", None)
        )
    except DomainError as exc:
        return _account(request, db, user, now, status_code=422, errors=_errors(exc))
    return done(request, "/admin/account", _("Пароль изменён; другие сеансы завершены, API-токены отозваны"))


@router.post("/admin/account/sessions/{session_id}/end")
def end_own_session(
    request: Request, session_id: int, db: DbDep, user: AdminUser, now: NowDep, _csrf: CsrfDep
) -> Response:
    _end(db, user.id or 0, session_id, now)
    return done(request, "/admin/account", _("Сеанс завершён"))


# --- the one-time link (no session: the user is signed out) ---


@router.get("/admin/password/reset/{token}")
def reset_page(request: Request, token: str, db: DbDep, now: NowDep) -> HTMLResponse:
    staff.reset_for(db, token, now=now)
    return render(request, "admin/password_reset.html", None, token=token)


@router.post("/admin/password/reset/{token}")
async def reset_submit(request: Request, token: str, db: DbDep, now: NowDep, _csrf: CsrfDep) -> Response:
    form = await request.form()
    new, again = (str(form.get(k) or "")[:1024] for k in ("password", "password2"))
    try:
        if new != again:
            raise Invalid(_("Пароль не изменён"), fields={"password2": _("пароли не совпадают")})
        staff.finish_reset(db, token, new, now=now)
    except NotFound:
        raise
    except DomainError as exc:
        return render(request, "admin/password_reset.html", None, status_code=422, token=token, errors=_errors(exc))
    request.session.clear()
    return done(request, "/admin/login", _("Пароль задан; войдите с ним"))
