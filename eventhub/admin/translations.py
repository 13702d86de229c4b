"""The side-by-side translation pages of every kind: one template, one save step (eventhub/versions.py)."""

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from eventhub.admin.deps import done, render
from eventhub.core.errors import Invalid
from eventhub.core.i18n import _
from eventhub.core.models import StaffUser
from eventhub.core.versions import Block, save_versions


def translations_page(
    request: Request,
    user: StaffUser,
    blocks: list[Block],
    *,
    typed: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """The page: `context` gives heading, action and event (with tab and back) or back."""
    values = typed if typed is not None else {b.key: b.stored() for b in blocks}
    context = {"event": None, "tab": "translations", "back": None, "subheading": None} | context
    return render(
        request, "admin/translations.html", user, status_code=status, blocks=blocks, values=values, errors=errors or {},
        **context,
    )  # fmt: skip


async def save_translations_page(
    request: Request,
    db: Session,
    user: StaffUser,
    blocks: list[Block],
    *,
    event_id: int | None,
    then: str,
    **context: Any,
) -> Response:
    """Store every block's versions, or none and the page again (`context` as for translations_page)
    with each error beside its field."""
    form = await request.form()
    typed = {b.key: b.posted(form) for b in blocks}
    try:
        save_versions(db, blocks=blocks, typed=typed, user=user, event_id=event_id)
    except Invalid as exc:
        db.rollback()
        return translations_page(request, user, blocks, typed=typed, errors=exc.fields, status=422, **context)
    return done(request, then, _("Переводы сохранены"))
