"""Staff pages for writing press releases: the list, the editor with a preview, publishing,
scheduling with an embargo, withdrawing; and the list of accredited journalists."""

import re
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import select

from eventhub import labels
from eventhub.accounts.csrf import CsrfDep
from eventhub.accounts.permissions import Action, require
from eventhub.accounts.scopes import release_event_allowed
from eventhub.admin.deps import AdminUser
from eventhub.admin.translations import save_translations_page, translations_page
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, SettingsDep
from eventhub.core.errors import Conflict, Invalid
from eventhub.core.i18n import N_, _
from eventhub.core.models import Language, Organisation, PressRelease, PressReleaseStatus, StaffUser
from eventhub.core.text import markdown_to_html
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.core.validation import validate
from eventhub.core.versions import Block
from eventhub.events.editing import get_event_for_staff
from eventhub.events.translations import RELEASE_FIELDS
from eventhub.outcomes.news import news_draft
from eventhub.press.schemas import PressReleaseWrite
from eventhub.press.service import (
    check_release,
    create_release,
    delete_release,
    get_release,
    is_visible,
    list_all_releases,
    list_contacts,
    list_events_for_form,
    press_accreditations,
    update_release,
)
from eventhub.templating import templates

router = APIRouter(
    route_class=UnitOfWorkRoute, prefix="/admin/press", default_response_class=HTMLResponse, include_in_schema=False
)


def _writer(user: AdminUser) -> StaffUser:
    """Signed in (else the login page) and allowed to write releases (else 403)."""
    return require(user, Action.write_releases)


Writer = Annotated[StaffUser, Depends(_writer)]
ReleaseId = Annotated[int, Path(ge=1, le=2_147_483_647)]
ACTIONS_NEW = ("preview", "save", "schedule", "publish")
ACTIONS_EDIT = (*ACTIONS_NEW, "unpublish")
DONE = {
    "save": N_("Сохранено."),
    "schedule": N_(
        "Публикация запланирована: она появится на сайте, в лентах и в API ровно в момент окончания эмбарго."
    ),
    "publish": N_("Опубликовано."),
    "unpublish": N_("Публикация снята с сайта и снова стала черновиком."),
}
TEXT_FIELDS = ("type", "title", "lead", "body", "language", "event", "source_note", "slug", "embargo_until")
CONTACT_FIELDS = ("name", "organisation", "organisation_name", "role", "phones", "email")


@router.get("")
def admin_press_list(
    request: Request,
    db: DbDep,
    user: Writer,
    now: NowDep,
    status: str | None = None,
    event: Annotated[str | None, Query(max_length=160)] = None,
) -> HTMLResponse:
    """Every release with its status; drafts and scheduled ones too; with `event`, those about it."""
    releases, total = list_all_releases(db, user=user, status=status or None, event_slug=event or None, limit=200)
    about = get_event_for_staff(db, event) if event else None
    if about is not None and not release_event_allowed(db, user, about.id):
        about = None
    return templates.TemplateResponse(
        request,
        "press/admin/list.html",
        {
            "releases": releases,
            "total": total,
            "status": status,
            "now": now,
            "is_visible": is_visible,
            "deleted": request.query_params.get("deleted"),
            "event": about,
        },
    )


@router.get("/new")
def admin_press_new(
    request: Request,
    db: DbDep,
    user: Writer,
    settings: SettingsDep,
    event: str | None = None,
    from_: Annotated[str | None, Query(alias="from")] = None,
) -> HTMLResponse:
    """An empty editor (optionally about one event); `from=report`: a news item prefilled
    from the event's closing report."""
    form = {"type": "press_release", "language": "ru", "event": event or "", "contacts": [], "contact_roles": {}}
    if from_ == "report" and event:
        found = get_event_for_staff(db, event)
        draft = news_draft(db, found, user, settings.base_url) if found is not None else None
        form |= draft or {}
    return _editor(request, db, settings, user, form=form, release=None)


@router.post("/new")
async def admin_press_create(
    request: Request, db: DbDep, user: Writer, _csrf: CsrfDep, now: NowDep, settings: SettingsDep
) -> Response:
    """Preview, save as a draft, schedule or publish a new release."""
    form, action = await _read_form(request, ACTIONS_NEW)
    data, parse_errors = _to_write(form, action, settings.timezone, release=None)
    if action == "preview" or parse_errors or data is None:
        return _preview(request, db, settings, user, form, data, parse_errors, now, release=None, action=action)
    try:
        release = create_release(db, data=data, user=user, now=now)
    except (Invalid, Conflict) as exc:
        db.rollback()
        return _editor(request, db, settings, user, form=form, release=None, errors=exc.fields, status=exc.status_code)
    return RedirectResponse(f"/admin/press/{release.id}?done={action}", status_code=303)


@router.get("/accreditation")
def admin_press_accreditation(request: Request, db: DbDep, user: Writer, event: str | None = None) -> HTMLResponse:
    """Journalists who registered with the category press, event by event."""
    about = get_event_for_staff(db, event) if event else None
    if about is not None and not release_event_allowed(db, user, about.id):
        about = None
    return templates.TemplateResponse(
        request,
        "press/admin/accreditation.html",
        {"groups": press_accreditations(db, user=user, event_slug=event or None), "event": event, "about": about},
    )


def _translations_context(release: PressRelease) -> dict[str, Any]:
    return {
        "heading": release.title, "action": f"/admin/press/{release.id}/translations", "back": f"/admin/press/{release.id}",
    }  # fmt: skip


@router.get("/{release_id}/translations")
def admin_press_translations(request: Request, db: DbDep, user: Writer, release_id: ReleaseId) -> HTMLResponse:
    release = get_release(db, user=user, release_id=release_id)
    return translations_page(request, user, [Block(release, RELEASE_FIELDS)], **_translations_context(release))


@router.post("/{release_id}/translations")
async def admin_press_translations_update(
    request: Request, db: DbDep, user: Writer, _csrf: CsrfDep, release_id: ReleaseId
) -> Response:
    """The release's versions in the other languages, side by side with the original."""
    release = get_release(db, user=user, release_id=release_id)
    blocks = [Block(release, RELEASE_FIELDS)]
    return await save_translations_page(
        request, db, user, blocks, event_id=release.event_id, then=f"/admin/press/{release.id}/translations",
        **_translations_context(release),
    )  # fmt: skip


@router.get("/{release_id}")
def admin_press_edit(
    request: Request, db: DbDep, user: Writer, release_id: ReleaseId, settings: SettingsDep, now: NowDep
) -> HTMLResponse:
    """The editor of one release, with its status and what to do next."""
    release = get_release(db, user=user, release_id=release_id)
    return _editor(
        request,
        db,
        settings,
        user,
        form=_form_of(release, settings.timezone),
        release=release,
        now=now,
        done=_(DONE[request.query_params.get("done", "")]) if request.query_params.get("done", "") in DONE else None,
    )


@router.post("/{release_id}")
async def admin_press_update(
    request: Request, db: DbDep, user: Writer, _csrf: CsrfDep, release_id: ReleaseId, now: NowDep, settings: SettingsDep
) -> Response:
    """Preview, save, schedule, publish or withdraw a release."""
    release = get_release(db, user=user, release_id=release_id)
    form, action = await _read_form(request, ACTIONS_EDIT)
    data, parse_errors = _to_write(form, action, settings.timezone, release=release)
    if action == "preview" or parse_errors or data is None:
        return _preview(request, db, settings, user, form, data, parse_errors, now, release=release, action=action)
    try:
        update_release(db, release, data=data, user=user, now=now)
    except (Invalid, Conflict) as exc:
        db.rollback()
        release = get_release(db, user=user, release_id=release_id)
        return _editor(
            request, db, settings, user, form=form, release=release, errors=exc.fields, status=exc.status_code, now=now
        )
    return RedirectResponse(f"/admin/press/{release_id}?done={action}", status_code=303)


@router.post("/{release_id}/delete")
async def admin_press_delete(
    request: Request, db: DbDep, user: Writer, _csrf: CsrfDep, release_id: ReleaseId
) -> Response:
    """Delete a release for good (its contacts stay in the directory)."""
    release = get_release(db, user=user, release_id=release_id)
    if (await request.form()).get("confirm") != "yes":
        raise Invalid(_("Удаление не подтверждено"), fields={"confirm": _("отметьте «Да, удалить безвозвратно»")})
    slug = release.slug
    delete_release(db, release, user=user)
    return RedirectResponse(f"/admin/press?deleted={slug}", status_code=303)


# --- helpers ---


async def _read_form(request: Request, actions: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    raw = await request.form()
    form: dict[str, Any] = {name: _str(raw.get(name)) for name in TEXT_FIELDS}
    form["contacts"] = [_str(v) for v in raw.getlist("contacts") if _str(v)]
    # Each contact's role for this release: an input beside its checkbox (press/admin/form.html).
    form["contact_roles"] = {
        str(k).removeprefix("contact_role-"): _str(v) for k, v in raw.items() if str(k).startswith("contact_role-")
    }
    for name in CONTACT_FIELDS:
        form[f"new_contact_{name}"] = _str(raw.get(f"new_contact_{name}"))
    action = _str(raw.get("action")) or "save"
    if action not in actions:
        raise Invalid(
            _("Неизвестное действие"),
            fields={"action": _("допустимые действия: %(join)s") % {"join": ", ".join(actions)}},
        )
    return form, action


def _str(value: Any) -> str:
    return value[:200_000] if isinstance(value, str) else ""


def _to_write(
    form: dict[str, Any], action: str, tz: str, *, release: PressRelease | None
) -> tuple[PressReleaseWrite | None, dict[str, str]]:
    """What the form asks for, checked by the API's write model, plus every error by form field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {name: form[name] for name in ("type", "title", "lead", "body", "language", "source_note")}
    values["event"] = form["event"]
    values["contacts"] = form["contacts"]
    values["contact_roles"] = {s: form["contact_roles"].get(s, "") for s in form["contacts"]}
    if form["slug"].strip():
        values["slug"] = form["slug"]
    contact = {name: form[f"new_contact_{name}"] for name in CONTACT_FIELDS}
    if any(v.strip() for v in contact.values()):
        contact["phones"] = [p for p in re.split(r"[,;\n]", contact["phones"]) if p.strip()]
        values["new_contacts"] = [contact]
    embargo = None
    if form["embargo_until"].strip():
        try:
            embargo = datetime.fromisoformat(form["embargo_until"].strip()).replace(tzinfo=ZoneInfo(tz))
        except ValueError:
            errors["embargo_until"] = _("не удалось разобрать дату и время: укажите их в виде 01.03.2030 10:00")
    if action == "schedule":
        values["status"] = PressReleaseStatus.scheduled.value
        values["embargo_until"] = embargo
    elif action == "publish":
        values["status"] = PressReleaseStatus.published.value
    elif action == "unpublish":
        values["status"] = PressReleaseStatus.draft.value
    elif release is None:
        values["status"] = PressReleaseStatus.draft.value
        if embargo is not None:
            values["embargo_until"] = embargo
    elif embargo != release.embargo_until and embargo is not None:
        # Saving keeps the status; an embargo is checked only when it was changed.
        values["embargo_until"] = embargo
    try:
        return validate(PressReleaseWrite, values), errors
    except Invalid as exc:
        errors = _form_errors(exc.fields) | errors
        wrong = {key.split(".")[0] for key in exc.fields}
    # The other fields are still checked against the database: the form shows every error at once.
    try:
        return validate(PressReleaseWrite, {k: v for k, v in values.items() if k not in wrong}), errors
    except Invalid:
        return None, errors


def _form_errors(fields: dict[str, str]) -> dict[str, str]:
    """API field names as the form's: 'new_contacts.0.phones.1' -> 'new_contact_phones', 'contacts.2' -> 'contacts'."""
    out: dict[str, str] = {}
    for key, message in fields.items():
        parts = key.split(".")
        name = f"new_contact_{parts[2]}" if parts[0] == "new_contacts" and len(parts) > 2 else parts[0]
        out.setdefault(name, message)
    return out


def _form_of(release: PressRelease, tz: str) -> dict[str, Any]:
    form = {name: getattr(release, name) or "" for name in ("type", "title", "lead", "body", "source_note", "slug")}
    form["language"] = release.original_language
    form["event"] = release.event.slug if release.event else ""
    form["contacts"] = [link.contact.slug for link in release.contacts]
    form["contact_roles"] = {link.contact.slug: link.role or "" for link in release.contacts}
    form["embargo_until"] = (
        release.embargo_until.astimezone(ZoneInfo(tz)).replace(tzinfo=None).isoformat(timespec="seconds")
        if release.embargo_until
        else ""
    )
    return form


def _preview(
    request: Request,
    db: DbDep,
    settings: Any,
    user: StaffUser,
    form: dict[str, Any],
    data: PressReleaseWrite | None,
    parse_errors: dict[str, str],
    now: datetime,
    *,
    release: PressRelease | None,
    action: str,
) -> HTMLResponse:
    """Re-render the editor with the sanitised preview and every message; store nothing."""
    errors = dict(parse_errors)
    try:
        if data is not None:
            check_release(db, data, now=now, release=release)
    except Invalid as exc:
        errors = _form_errors(exc.fields) | errors
    preview = None
    if action == "preview":
        preview = {"title": form["title"], "lead": form["lead"], "body_html": markdown_to_html(form["body"])}
    return _editor(
        request,
        db,
        settings,
        user,
        form=form,
        release=release,
        errors=errors,
        preview=preview,
        now=now,
        status=422 if errors else 200,
    )


def _editor(
    request: Request,
    db: DbDep,
    settings: Any,
    user: StaffUser,
    *,
    form: dict[str, Any],
    release: PressRelease | None,
    errors: dict[str, str] | None = None,
    preview: dict[str, Any] | None = None,
    now: datetime | None = None,
    done: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    for name in TEXT_FIELDS:
        form.setdefault(name, "")
    for name in CONTACT_FIELDS:
        form.setdefault(f"new_contact_{name}", "")
    errors = _form_errors(errors or {})
    return templates.TemplateResponse(
        request,
        "press/admin/form.html",
        {
            "form": form,
            "release": release,
            "errors": errors,
            "preview": preview,
            "done": done,
            "visible": release is not None and now is not None and is_visible(release, now),
            "events": list_events_for_form(db, user),
            "all_contacts": list_contacts(db),
            "organisations": db.exec(select(Organisation).order_by(Organisation.name)).all(),
            "types": [(key, labels.PRESS_TYPE[key]) for key in labels.PRESS_TYPE],
            "languages": list(Language),
            "timezone": settings.timezone,
        },
        status_code=status,
    )
