"""CSRF protection for every form posted with the admin session cookie.

The token lives in the signed session; forms carry it in a hidden `csrf_token` field
(`{{ csrf_input(request) }}` in templates); `CsrfDep` on a POST route checks it."""

import secrets
from typing import Annotated

from fastapi import Depends, Request
from markupsafe import Markup, escape

from eventhub.core.errors import Forbidden
from eventhub.core.i18n import _
from eventhub.core.tokens import same

SESSION_KEY = "csrf"
FIELD = "csrf_token"


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_KEY)
    if not token:
        token = request.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def csrf_input(request: Request) -> Markup:
    return Markup(f'<input type="hidden" name="{FIELD}" value="{escape(csrf_token(request))}">')


async def verify_csrf(request: Request) -> None:
    """Refuse a form post whose token does not match the session's (403)."""
    expected = request.session.get(SESSION_KEY)
    form = await request.form()
    sent = form.get(FIELD) or request.headers.get("x-csrf-token") or ""
    if not expected or not isinstance(sent, str) or not same(expected, sent):
        raise Forbidden(_("Форма устарела или отправлена с другого сайта. Обновите страницу и отправьте снова."))


CsrfDep = Annotated[None, Depends(verify_csrf)]
