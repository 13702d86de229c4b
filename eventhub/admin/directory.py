"""Admin pages of the directory, generated from each kind's description (directory/specs.py)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from eventhub.accounts.csrf import CsrfDep
from eventhub.accounts.permissions import can, require
from eventhub.admin.deps import AdminUser, done, render
from eventhub.admin.forms import ENUM_LABELS, Form, ref_choices, save
from eventhub.admin.translations import save_translations_page, translations_page
from eventhub.core.db import DbDep
from eventhub.core.errors import Conflict
from eventhub.core.i18n import _
from eventhub.core.models import StaffUser
from eventhub.core.text import format_phone
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.core.versions import Block
from eventhub.directory.service import Directory, delete_entry, get_entry, input_of, list_entries, save_entry
from eventhub.directory.specs import DIRECTORIES

PER_PAGE = 50


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(format_phone(v) if str(v).startswith("+") else str(v) for v in value)
    for names in ENUM_LABELS.values():
        if isinstance(value, str) and value in names:
            return names[value]
    return "" if value is None else str(value)


def directory_pages(spec: Directory) -> APIRouter:
    """List with search, new, edit, delete for one kind of entry."""
    router = APIRouter(
        route_class=UnitOfWorkRoute,
        prefix=f"/admin/{spec.key}",
        default_response_class=HTMLResponse,
        include_in_schema=False,
    )
    form = Form(spec.create)
    headers = [spec.create.model_fields[c].title for c in spec.columns]

    def form_page(
        request: Request,
        db: DbDep,
        user: StaffUser,
        obj: Any,
        values: dict[str, Any],
        errors: dict[str, str],
        status: int = 200,
    ) -> HTMLResponse:
        return render(
            request, "admin/directory_form.html", user, status_code=status, spec=spec, obj=obj, form=form, values=values,
            errors=errors, choices=ref_choices(db, form.refs()), can_delete=can(user, spec.delete_action),
        )  # fmt: skip

    @router.get("", name=f"admin_{spec.key}")
    def listing(request: Request, db: DbDep, user: AdminUser, q: str = "", page: int = 1) -> HTMLResponse:
        require(user, spec.action)
        page = max(1, min(page, 10_000))
        rows, total = list_entries(db, spec, q=q, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
        table = [(r, [_cell(getattr(r, c)) for c in spec.columns]) for r in rows]
        return render(
            request, "admin/directory_list.html", user, spec=spec, rows=table, headers=headers, total=total, q=q,
            page=page, pages=max(1, -(-total // PER_PAGE)),
        )  # fmt: skip

    @router.get("/new", name=f"admin_{spec.key}_new")
    def new(request: Request, db: DbDep, user: AdminUser) -> HTMLResponse:
        require(user, spec.action)
        return form_page(request, db, user, None, form.values({}), {})

    @router.post("/new", name=f"admin_{spec.key}_create")
    async def create(request: Request, db: DbDep, user: AdminUser, _csrf: CsrfDep) -> Response:
        require(user, spec.action)
        return await save(
            request, db, form, lambda data: save_entry(db, spec, user=user, data=data),
            again=lambda typed, errors: form_page(request, db, user, None, typed, errors, 422),
            then=lambda obj: (f"/admin/{spec.key}/{obj.slug}", _("Сохранено")),
        )  # fmt: skip

    @router.get("/{slug}", name=f"admin_{spec.key}_edit")
    def edit(request: Request, db: DbDep, user: AdminUser, slug: str) -> HTMLResponse:
        require(user, spec.action)
        obj = get_entry(db, spec, slug)
        return form_page(request, db, user, obj, form.values(input_of(db, spec, obj)), {})

    @router.post("/{slug}", name=f"admin_{spec.key}_update")
    async def update(request: Request, db: DbDep, user: AdminUser, slug: str, _csrf: CsrfDep) -> Response:
        require(user, spec.action)
        obj = get_entry(db, spec, slug)
        return await save(
            request, db, form, lambda data: save_entry(db, spec, user=user, data=data, obj=obj),
            again=lambda typed, errors: form_page(request, db, user, get_entry(db, spec, slug), typed, errors, 422),
            then=lambda saved: (f"/admin/{spec.key}/{saved.slug}", _("Сохранено")),
        )  # fmt: skip

    if spec.texts:
        texts = spec.texts

        def translations_context(obj: Any) -> dict[str, Any]:
            return {
                "heading": getattr(obj, spec.label), "action": f"/admin/{spec.key}/{obj.slug}/translations",
                "back": f"/admin/{spec.key}/{obj.slug}",
            }  # fmt: skip

        @router.get("/{slug}/translations", name=f"admin_{spec.key}_translations")
        def translations(request: Request, db: DbDep, user: AdminUser, slug: str) -> HTMLResponse:
            require(user, spec.action)
            obj = get_entry(db, spec, slug)
            return translations_page(request, user, [Block(obj, texts)], **translations_context(obj))

        @router.post("/{slug}/translations", name=f"admin_{spec.key}_translations_update")
        async def translations_update(
            request: Request, db: DbDep, user: AdminUser, slug: str, _csrf: CsrfDep
        ) -> Response:
            """The entry's versions in the other languages, side by side with the original."""
            require(user, spec.action)
            obj = get_entry(db, spec, slug)
            blocks = [Block(obj, texts)]
            return await save_translations_page(
                request, db, user, blocks, event_id=None, then=f"/admin/{spec.key}/{slug}/translations",
                **translations_context(obj),
            )  # fmt: skip

    @router.post("/{slug}/delete", name=f"admin_{spec.key}_delete")
    def remove(request: Request, db: DbDep, user: AdminUser, slug: str, _csrf: CsrfDep) -> Response:
        obj = get_entry(db, spec, slug)
        try:
            delete_entry(db, spec, user=user, obj=obj)
        except Conflict as exc:
            db.rollback()
            return done(request, f"/admin/{spec.key}/{slug}", exc.message)
        return done(request, f"/admin/{spec.key}", _("Удалено"))

    return router


def routers() -> list[APIRouter]:
    return [directory_pages(spec) for spec in DIRECTORIES.values()]
