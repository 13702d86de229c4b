"""Who is asking: a Bearer API token, or the admin session cookie. One place for both."""

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from sqlmodel import Session

from eventhub.accounts import ratelimit, sessions
from eventhub.accounts.permissions import Action, require
from eventhub.accounts.service import user_for_token
from eventhub.core.db import DbDep
from eventhub.core.deps import get_now
from eventhub.core.errors import TooManyRequests, Unauthorized
from eventhub.core.i18n import _
from eventhub.core.models import StaffUser, id_of
from eventhub.core.uow import WRITE_METHODS, end_read, has_changes, independent_write

bearer = HTTPBearer(auto_error=False, description="API token from `eventhub token create EMAIL`")
SESSION_KEY = sessions.COOKIE_KEY


def _bearer_token(request: Request) -> str | None:
    """The token of `Authorization: Bearer …`, read as HTTPBearer does, but without declaring
    a security requirement: routes that anyone may read document none (OpenAPI), and only
    those that need a user (``get_current_user``, ``STAFF_ONLY``) declare the Bearer scheme."""
    scheme, token = get_authorization_scheme_param(request.headers.get("authorization"))
    return token if scheme.lower() == "bearer" and token else None


STAFF_ONLY = Depends(bearer)  # in `dependencies=[…]` of a read that checks the user itself: declares Bearer


def get_optional_user(request: Request, db: DbDep) -> StaffUser | None:
    token = _bearer_token(request)
    if token is not None:
        user = user_for_token(db, token)
        if user is not None:
            _let_go(request, db)
            return user  # a valid token is always accepted, whatever others sent from its address
        # Unknown or revoked tokens: BAD_TOKEN.count a minute from one address, then 429 for
        # those only (counted in the database: all workers share it). Tokens are 256-bit
        # random values; the limit is against noise, not guessing.
        ip, now = ratelimit.client_ip(request), get_now(request)
        with independent_write(db):  # counted although the answer is a 401
            wait = ratelimit.wait_for(db, ratelimit.BAD_TOKEN, ip=ip, now=now)
            if wait is None:
                ratelimit.count(db, ratelimit.BAD_TOKEN, ip=ip, now=now)
        if wait is not None:
            raise TooManyRequests(_("Слишком много запросов с неверным токеном; повторите позже"), retry_after=wait)
        raise Unauthorized(_("Недействительный или отозванный токен"))
    return _session_user(request, db)


def _session_user(request: Request, db: Session) -> StaffUser | None:
    """The user of the browser's server-side session (see sessions.py), if it is still live."""
    plain = request.session.get(SESSION_KEY) if "session" in request.scope else None
    if not isinstance(plain, str):
        return None
    settings = request.app.state.settings
    now = get_now(request)
    row = sessions.find(db, plain, now=now, idle=timedelta(minutes=settings.session_idle_minutes))
    user = db.get(StaffUser, row.user_id) if row is not None else None
    if row is None or user is None or not user.is_active:
        return None
    session_id, user_id = id_of(row), row.user_id
    request.state.staff_session_id = session_id
    if sessions.needs_touch(row, now):
        with independent_write(db):  # kept whatever the page answers: it is when the user was last seen
            sessions.touch(db, session_id, now)
        user = db.get(StaffUser, user_id)
    _let_go(request, db)
    return user if user and user.is_active else None


def _let_go(request: Request, db: Session) -> None:
    # FastAPI runs this and the route as separate thread jobs: a writing request must not hold
    # SQLite's write lock (BEGIN IMMEDIATE) while it waits for a thread (the user reloads on use).
    if request.method in WRITE_METHODS and not has_changes(db):
        end_read(db)


def get_current_user(
    user: Annotated[StaffUser | None, Depends(get_optional_user)],
    _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> StaffUser:
    if user is None:
        raise Unauthorized(_("Нужна авторизация"))
    return user


OptionalUser = Annotated[StaffUser | None, Depends(get_optional_user)]
CurrentUser = Annotated[StaffUser, Depends(get_current_user)]


def allowed_to(action: Action) -> Callable[[StaffUser], StaffUser]:
    """Dependency factory: the current user if their role may do `action` (see permissions.py)."""

    def check(user: CurrentUser) -> StaffUser:
        return require(user, action)

    return check


EventEditor = Annotated[StaffUser, Depends(allowed_to(Action.edit_events))]
