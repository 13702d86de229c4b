"""What every admin page needs: the signed-in user (or a trip to the login page), rendering, flashes."""

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.exceptions import HTTPException

from eventhub.accounts.deps import OptionalUser
from eventhub.admin.sections import perms_of, workspace_for
from eventhub.core.i18n import _
from eventhub.core.models import StaffRole, StaffUser
from eventhub.templating import templates


def get_admin_user(request: Request, user: OptionalUser) -> StaffUser:
    """The signed-in staff user; anyone else is sent to the login page and back."""
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(303, _("Нужно войти"), headers={"Location": f"/admin/login?next={quote(target)}"})
    if (
        request.app.state.settings.admin_totp_required
        and user.role == StaffRole.admin
        and not user.totp_secret
        and not request.url.path.startswith("/admin/account")
    ):  # admins must set up the second factor before anything else
        raise HTTPException(303, _("Нужен второй фактор"), headers={"Location": "/admin/account#h-totp"})
    request.state.admin_user = user  # the layout's navigation and the event workspace read it
    return user


AdminUser = Annotated[StaffUser, Depends(get_admin_user)]


def render(
    request: Request, template: str, user: StaffUser | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """An admin page; `perms` lets templates show only what the user may do."""
    perms = perms_of(user)
    context = {"user": user, "perms": perms, "errors": {}, "flash": request.session.pop("flash", None)} | context
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def done(request: Request, url: str, message: str) -> RedirectResponse:
    """After a successful post: say so on the next page (303, so reloading does not post again)."""
    request.session["flash"] = message
    return RedirectResponse(url, status_code=303)


def _staff_user(request: Request) -> StaffUser | None:
    return getattr(request.state, "admin_user", None)


# Pages of other domains (registrations, press) extend admin/_layout.html without passing the
# user: the layout asks for it, and for the event's workspace, through these.
templates.env.globals.update(staff_user=_staff_user, staff_perms=perms_of, event_workspace_of=workspace_for)
