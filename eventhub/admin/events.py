"""Admin pages of events: list, editor, organisations, agenda, publish / postpone / cancel."""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from eventhub.accounts.csrf import CsrfDep
from eventhub.accounts.permissions import Action, managed_organisations, require, require_event_edit
from eventhub.admin.deps import AdminUser, done, render
from eventhub.admin.forms import Form, ref_choices, save, submit
from eventhub.admin.history import readable_history
from eventhub.admin.translations import save_translations_page, translations_page
from eventhub.agenda.schemas import SessionCreate
from eventhub.agenda.service import (
    create_session,
    delete_session,
    get_session,
    move_session,
    session_input,
    update_session,
)
from eventhub.agenda.translations import agenda_blocks
from eventhub.core import hooks
from eventhub.core.audit import count_event_history, event_history
from eventhub.core.contacts import linked_contacts
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, SettingsDep, get_now
from eventhub.core.errors import Conflict, Invalid, NotFound
from eventhub.core.i18n import N_, _
from eventhub.core.models import Event, EventRole, EventStatus, Organisation, StaffUser, id_of
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.core.validation import WriteModel, validate
from eventhub.core.versions import Block
from eventhub.events.deps import EventFiltersDep
from eventhub.events.editing import (
    cancel_event,
    create_event,
    delete_event,
    event_input,
    get_event_for_staff,
    list_editable_events,
    postpone_event,
    publish_event,
    set_event_organisations,
    set_press_contact_roles,
    update_event,
)
from eventhub.events.schemas import Cancel, EventCreate, EventOrganisations, NoticeIn, Postpone
from eventhub.events.translations import FIELDS as TRANSLATION_FIELDS

router = APIRouter(
    route_class=UnitOfWorkRoute, prefix="/admin/events", default_response_class=HTMLResponse, include_in_schema=False
)
EVENT_FORM = Form(EventCreate, exclude=("organisations", "press_contact_roles"))  # each has its own editor
SESSION_FORM = Form(SessionCreate)
NOTICE_FORM = Form(NoticeIn)
PER_PAGE = 30
BLANK_ROWS = 3


def _event(db: DbDep, slug: str, user: StaffUser) -> Event:
    """An event the user may edit (another organisation's draft is not found)."""
    event = get_event_for_staff(db, slug)
    if event is None:
        raise NotFound(_("Мероприятие «%(slug)s» не найдено") % {"slug": slug})
    require_event_edit(db, user, event)
    return event


def _my_organisations(db: DbDep, user: StaffUser) -> list[tuple[str, str]]:
    managed = managed_organisations(db, user)
    query = select(Organisation).order_by(Organisation.name).limit(2000)
    if managed is not None:
        query = query.where(col(Organisation.id).in_(managed))
    return [
        (o.slug, f"{o.short_name} — {o.name}" if o.short_name and o.short_name != o.name else o.name)
        for o in db.exec(query)
    ]


@router.get("")
def events_list(
    request: Request, db: DbDep, user: AdminUser, filters: EventFiltersDep, now: NowDep, status: str = "", page: int = 1
) -> HTMLResponse:
    """The events the user may edit, with filters and their status."""
    require(user, Action.edit_events)
    page = max(1, min(page, 10_000))
    rows, total = list_editable_events(
        db, user, filters, status=status or None, now=now, offset=(page - 1) * PER_PAGE, limit=PER_PAGE
    )
    return render(
        request, "admin/events.html", user, events=rows, total=total, filters=filters, status=status, page=page,
        pages=max(1, -(-total // PER_PAGE)), statuses=list(EventStatus), now=now,
    )  # fmt: skip


def audience(db: DbDep, event: Event, kind: str, settings: Any, now: Any) -> Any:
    """Who a change of `event` would be written to (registrations answers through the hook)."""
    if event.status == EventStatus.draft:
        return None
    notice = hooks.ChangeNotice(settings, now, preview=True)
    hooks.event_changed(db, hooks.EventChanged(event, kind, (), {}, notice))
    return notice.results[0] if notice.results else None


def _event_page(
    request: Request,
    db: DbDep,
    user: StaffUser,
    event: Event | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    preview: Any = None,
) -> HTMLResponse:
    settings, now = request.app.state.settings, get_now(request)
    return render(
        request, "admin/event_form.html", user, status_code=status, event=event, form=EVENT_FORM, values=values,
        errors=errors, choices=ref_choices(db, EVENT_FORM.refs()), organisers=_my_organisations(db, user),
        audience=audience(db, event, "update", settings, now) if event else None,
        notice_form=NOTICE_FORM, preview=preview,
    )  # fmt: skip


@router.get("/new")
def event_new(request: Request, db: DbDep, user: AdminUser, settings: SettingsDep) -> HTMLResponse:
    require(user, Action.edit_events)
    values = EVENT_FORM.values({"timezone": settings.timezone, "languages": ["ru"], "registration_mode": "closed"})
    return _event_page(request, db, user, None, values, {})


@router.post("/new")
async def event_create(request: Request, db: DbDep, user: AdminUser, _csrf: CsrfDep) -> Response:
    require(user, Action.edit_events)
    organiser = (await request.form()).get("organiser") or None
    return await save(
        request, db, EVENT_FORM, lambda data: create_event(db, data=data, user=user),
        extra={"organisations": [{"organisation": organiser, "role": "organiser"}] if organiser else None},
        again=lambda typed, errors: _event_page(request, db, user, None, typed | {"organiser": organiser or ""}, errors, 422),
        then=lambda event: (f"/admin/events/{event.slug}/agenda", _("Черновик создан. Теперь можно составить программу.")),
    )  # fmt: skip


@router.get("/{slug}")
def event_edit(request: Request, db: DbDep, user: AdminUser, slug: str) -> HTMLResponse:
    event = _event(db, slug, user)
    values = EVENT_FORM.values(event_input(db, event), event.timezone) | {"notify": True, "note": ""}
    return _event_page(request, db, user, event, values, {})


def _queued(notice: hooks.ChangeNotice) -> str:
    queued = sum(getattr(r, "queued", 0) for r in notice.results)
    return _("Письма участникам поставлены в очередь: %(n)s.") % {"n": queued} if queued else ""


@router.post("/{slug}")
async def event_update(
    request: Request, db: DbDep, user: AdminUser, slug: str, settings: SettingsDep, now: NowDep, _csrf: CsrfDep
) -> Response:
    """Save; a change of time, place or link that people would be written to is first shown as
    a preview (count and message) and saved on the second, confirming post."""
    event = _event(db, slug, user)
    posted = await request.form()
    typed_notice = NOTICE_FORM.typed(posted)
    try:
        told = NOTICE_FORM.validate(posted)
    except Invalid as exc:
        typed = EVENT_FORM.typed(posted) | typed_notice
        return _event_page(request, db, user, event, typed, exc.fields, 422)
    confirmed = posted.get("confirm") == "notify"
    notice = hooks.ChangeNotice(
        settings, now, notify=told.notify, note=told.note, preview=told.notify and not confirmed
    )
    saved, errors, typed = await submit(
        request, db, EVENT_FORM, lambda data: update_event(db, event=event, data=data, user=user, notice=notice)
    )
    typed |= typed_notice
    if errors:
        return _event_page(request, db, user, _event(db, slug, user), typed, errors, 422)
    preview = next((r for r in notice.results if getattr(r, "total", 0)), None)
    if notice.preview and preview is not None:
        db.rollback()  # nothing is saved until the organiser has seen who will be written to
        return _event_page(request, db, user, _event(db, slug, user), typed, {}, preview=preview)
    return done(request, f"/admin/events/{saved.slug}", " ".join(filter(None, (_("Сохранено"), _queued(notice)))))


@router.post("/{slug}/delete")
def event_delete(request: Request, db: DbDep, user: AdminUser, slug: str, _csrf: CsrfDep) -> Response:
    event = _event(db, slug, user)
    try:
        delete_event(db, event=event, user=user)
    except Conflict as exc:
        db.rollback()
        return done(request, f"/admin/events/{slug}", exc.message)
    return done(request, "/admin/events", _("Черновик удалён"))


# --- the change history ---

HISTORY_PER_PAGE = 100


@router.get("/{slug}/history")
def history_page(request: Request, db: DbDep, user: AdminUser, slug: str, page: int = 1) -> HTMLResponse:
    """Who changed what and when, written out for a person (admin.history)."""
    event = _event(db, slug, user)
    require(user, Action.read_audit)
    total = count_event_history(db, id_of(event))
    pages = max(1, -(-total // HISTORY_PER_PAGE))
    page = max(1, min(page, pages))
    rows = event_history(db, id_of(event), offset=(page - 1) * HISTORY_PER_PAGE, limit=HISTORY_PER_PAGE)
    return render(
        request, "admin/history.html", user, event=event, entries=readable_history(db, event, rows), total=total,
        page=page, pages=pages,
    )  # fmt: skip


# --- organisations and their roles ---


def _organisations_page(
    request: Request,
    db: DbDep,
    user: StaffUser,
    event: Event,
    rows: list[dict[str, Any]],
    errors: dict[str, str],
    status: int = 200,
    contact_roles: dict[str, str] | None = None,
) -> HTMLResponse:
    rows = rows + [{"organisation": "", "role": "", "note": ""}] * BLANK_ROWS
    return render(
        request, "admin/event_organisations.html", user, status_code=status, event=event, rows=rows, errors=errors,
        organisations=ref_choices(db, {"organisations"})["organisations"], roles=list(EventRole),
        press_contacts=linked_contacts(event.press_contacts), contact_roles=contact_roles or {},
    )  # fmt: skip


@router.get("/{slug}/organisations")
def organisations_edit(request: Request, db: DbDep, user: AdminUser, slug: str) -> HTMLResponse:
    event = _event(db, slug, user)
    return _organisations_page(request, db, user, event, event_input(db, event)["organisations"], {})


@router.post("/{slug}/organisations")
async def organisations_update(request: Request, db: DbDep, user: AdminUser, slug: str, _csrf: CsrfDep) -> Response:
    """Replace the list: rows with an organisation chosen and not marked for removal."""
    event = _event(db, slug, user)
    form = await request.form()
    rows: list[dict[str, str]] = []  # every posted row (to show again)
    kept: list[int] = []  # the indexes of those kept
    sent = str(form.get("rows") or "")
    for i in range(min(int(sent) if sent.isdigit() else 0, 300)):
        row = {k: str(form.get(f"{k}-{i}") or "").strip() for k in ("organisation", "role", "note")}
        rows.append(row)
        if row["organisation"] and f"remove-{i}" not in form:
            kept.append(i)
    items = [{k: v or None for k, v in rows[i].items()} for i in kept]
    try:
        body = validate(EventOrganisations, {"organisations": items})
        set_event_organisations(db, event=event, items=body.organisations, user=user)
    except Invalid as exc:
        db.rollback()
        errors: dict[str, str] = {}
        for key, message in exc.fields.items():
            parts = key.split(".")
            at = kept[int(parts[1])] if len(parts) > 1 and parts[1].isdigit() else None
            errors[f"row-{at}" if at is not None else "__all__"] = message
        return _organisations_page(request, db, user, _event(db, slug, user), rows, errors, status=422)
    return done(request, f"/admin/events/{slug}/organisations", _("Организации сохранены"))


@router.post("/{slug}/press-contacts")
async def press_contact_roles_update(
    request: Request, db: DbDep, user: AdminUser, slug: str, _csrf: CsrfDep
) -> Response:
    """The role of each press contact for this event (on the organisations page)."""
    event = _event(db, slug, user)
    form = await request.form()
    roles = {c.contact.slug: str(form.get(f"press-role-{c.contact.slug}") or "") for c in event.press_contacts}
    try:
        set_press_contact_roles(db, event=event, roles=roles, user=user)
    except Invalid as exc:
        db.rollback()
        event = _event(db, slug, user)
        errors = {"press_contact_roles": next(iter(exc.fields.values()), exc.message)}
        rows = event_input(db, event)["organisations"]
        return _organisations_page(request, db, user, event, rows, errors, status=422, contact_roles=roles)
    return done(request, f"/admin/events/{slug}/organisations", _("Роли контактов сохранены"))


# --- texts in other languages ---


def _translations_context(event: Event) -> dict[str, Any]:
    return {"event": event, "heading": event.title, "action": f"/admin/events/{event.slug}/translations"}


@router.get("/{slug}/translations")
def translations_edit(request: Request, db: DbDep, user: AdminUser, slug: str) -> HTMLResponse:
    event = _event(db, slug, user)
    return translations_page(request, user, [Block(event, TRANSLATION_FIELDS)], **_translations_context(event))


@router.post("/{slug}/translations")
async def translations_update(request: Request, db: DbDep, user: AdminUser, slug: str, _csrf: CsrfDep) -> Response:
    """Save the versions side by side; an error keeps everything typed."""
    event = _event(db, slug, user)
    blocks = [Block(event, TRANSLATION_FIELDS)]
    return await save_translations_page(
        request, db, user, blocks, event_id=event.id, then=f"/admin/events/{slug}/translations",
        **_translations_context(event),
    )  # fmt: skip


# --- agenda ---


@router.get("/{slug}/agenda")
def agenda(request: Request, db: DbDep, user: AdminUser, slug: str) -> HTMLResponse:
    event = _event(db, slug, user)
    return render(request, "admin/agenda.html", user, event=event)


def _agenda_translations_context(event: Event) -> dict[str, Any]:
    return {
        "event": event, "tab": "agenda", "heading": event.title, "subheading": _("Переводы программы"),
        "action": f"/admin/events/{event.slug}/agenda/translations", "back": f"/admin/events/{event.slug}/agenda",
    }  # fmt: skip


@router.get("/{slug}/agenda/translations")
def agenda_translations_edit(request: Request, db: DbDep, user: AdminUser, slug: str) -> HTMLResponse:
    event = _event(db, slug, user)
    return translations_page(request, user, agenda_blocks(event), **_agenda_translations_context(event))


@router.post("/{slug}/agenda/translations")
async def agenda_translations_update(
    request: Request, db: DbDep, user: AdminUser, slug: str, _csrf: CsrfDep
) -> Response:
    """Every session's and panel's versions in one go: all saved, or none and the errors beside the fields."""
    event = _event(db, slug, user)
    blocks = agenda_blocks(event)
    return await save_translations_page(
        request, db, user, blocks, event_id=event.id, then=f"/admin/events/{slug}/agenda/translations",
        **_agenda_translations_context(event),
    )  # fmt: skip


def _session_page(
    request: Request,
    db: DbDep,
    user: StaffUser,
    event: Event,
    session: Any,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    return render(
        request, "admin/session_form.html", user, status_code=status, event=event, session=session, form=SESSION_FORM,
        values=values, errors=errors, choices=ref_choices(db, SESSION_FORM.refs()),
    )  # fmt: skip


@router.get("/{slug}/sessions/new")
def session_new(request: Request, db: DbDep, user: AdminUser, slug: str) -> HTMLResponse:
    event = _event(db, slug, user)
    last = event.sessions[-1] if event.sessions else None
    start = (last.end_at or last.start_at) if last else event.start_at
    values = SESSION_FORM.values({"start_at": None if event.all_day else start}, event.timezone)
    return _session_page(request, db, user, event, None, values, {})


@router.post("/{slug}/sessions/new")
async def session_create(request: Request, db: DbDep, user: AdminUser, slug: str, _csrf: CsrfDep) -> Response:
    event = _event(db, slug, user)
    return await save(
        request, db, SESSION_FORM, lambda data: create_session(db, event=event, data=data, user=user),
        again=lambda typed, errors: _session_page(request, db, user, _event(db, slug, user), None, typed, errors, 422),
        then=lambda _obj: (f"/admin/events/{slug}/agenda", _("Сессия добавлена")),
    )  # fmt: skip


@router.get("/{slug}/sessions/{session_id}")
def session_edit(request: Request, db: DbDep, user: AdminUser, slug: str, session_id: int) -> HTMLResponse:
    event = _event(db, slug, user)
    session = get_session(event, session_id)
    return _session_page(
        request, db, user, event, session, SESSION_FORM.values(session_input(session), event.timezone), {}
    )


@router.post("/{slug}/sessions/{session_id}")
async def session_update(
    request: Request, db: DbDep, user: AdminUser, slug: str, session_id: int, _csrf: CsrfDep
) -> Response:
    event = _event(db, slug, user)
    session = get_session(event, session_id)

    def again(typed: dict[str, Any], errors: dict[str, str]) -> HTMLResponse:
        event = _event(db, slug, user)
        return _session_page(request, db, user, event, get_session(event, session_id), typed, errors, 422)

    return await save(
        request, db, SESSION_FORM, lambda data: update_session(db, event=event, session=session, data=data, user=user),
        again=again, then=lambda _obj: (f"/admin/events/{slug}/agenda", _("Сессия сохранена")),
    )  # fmt: skip


@router.post("/{slug}/sessions/{session_id}/delete")
def session_delete(
    request: Request, db: DbDep, user: AdminUser, slug: str, session_id: int, _csrf: CsrfDep
) -> Response:
    event = _event(db, slug, user)
    delete_session(db, event=event, session=get_session(event, session_id), user=user)
    return done(request, f"/admin/events/{slug}/agenda", _("Сессия удалена"))


@router.post("/{slug}/sessions/{session_id}/move")
async def session_move(
    request: Request, db: DbDep, user: AdminUser, slug: str, session_id: int, _csrf: CsrfDep
) -> Response:
    event = _event(db, slug, user)
    step = -1 if (await request.form()).get("direction") == "up" else 1
    move_session(db, event=event, session=get_session(event, session_id), step=step, user=user)
    return done(request, f"/admin/events/{slug}/agenda#session-{session_id}", _("Порядок изменён"))


# --- publish, postpone, cancel: a confirmation page each ---


class Confirm(WriteModel):
    """Nothing to fill in: the button is the confirmation."""


DONE = {
    "publish": N_("Мероприятие опубликовано"),
    "postpone": N_("Мероприятие перенесено на новые даты"),
    "cancel": N_("Мероприятие отменено"),
}


def _told(notice: hooks.ChangeNotice, notify: bool, note: str | None) -> hooks.ChangeNotice:
    notice.notify, notice.note = notify, note
    return notice


ACTIONS: dict[str, tuple[str, str, Form, Callable[..., Any], Callable[[Event], dict[str, Any]]]] = {
    "publish": (
        N_("Опубликовать"), N_("Мероприятие появится на сайте, в API и в календарях."), Form(Confirm),
        lambda db, event, data, user, now, notice: publish_event(db, event=event, user=user, now=now),
        lambda event: {},
    ),
    "postpone": (
        N_("Перенести"), N_("Укажите новые даты. Программа сдвинется вместе с мероприятием, подписчики календарей получат изменение."),
        Form(Postpone),
        lambda db, event, data, user, now, notice: postpone_event(
            db, event=event, data=data, user=user, notice=_told(notice, data.notify, data.note)
        ),
        lambda event: {"start_at": event.start_at, "end_at": event.end_at, "notify": True},
    ),
    "cancel": (
        N_("Отменить"), N_("Мероприятие останется на сайте с пометкой «Отменено» и причиной."), Form(Cancel),
        lambda db, event, data, user, now, notice: cancel_event(
            db, event=event, data=data, user=user, now=now, notice=_told(notice, data.notify, data.reason)
        ),
        lambda event: {"notify": True},
    ),
}  # fmt: skip


def _action_routes(name: str) -> None:
    title, text, form, act, initial = ACTIONS[name]

    def page(
        request: Request,
        db: DbDep,
        user: StaffUser,
        event: Event,
        values: dict[str, Any],
        errors: dict[str, str],
        status: int = 200,
        preview: Any = None,
    ) -> HTMLResponse:
        settings, now = request.app.state.settings, get_now(request)
        told = audience(db, event, name, settings, now) if name != "publish" else None
        return render(
            request, "admin/confirm.html", user, status_code=status, event=event, action=name, title=_(title), text=_(text),
            form=form, values=values, errors=errors, choices={}, audience=told, preview=preview,
        )  # fmt: skip

    @router.get(f"/{{slug}}/{name}", name=f"event_{name}_confirm")
    def confirm(request: Request, db: DbDep, user: AdminUser, slug: str) -> HTMLResponse:
        event = _event(db, slug, user)
        return page(request, db, user, event, form.values(initial(event), event.timezone), {})

    @router.post(f"/{{slug}}/{name}", name=f"event_{name}")
    async def perform(
        request: Request, db: DbDep, user: AdminUser, slug: str, settings: SettingsDep, now: NowDep, _csrf: CsrfDep
    ) -> Response:
        """Do it; the "preview" button does it in a transaction rolled back, to show the message."""
        event = _event(db, slug, user)
        previewing = (await request.form()).get("step") == "preview"
        notice = hooks.ChangeNotice(settings, now, preview=previewing)
        result, errors, typed = await submit(request, db, form, lambda data: act(db, event, data, user, now, notice))
        if errors:
            return page(request, db, user, _event(db, slug, user), typed, errors, 422)
        if previewing:
            db.rollback()
            preview = next(iter(notice.results), None)
            return page(request, db, user, _event(db, slug, user), typed, {}, preview=preview)
        message = _(DONE[name])
        return done(request, f"/admin/events/{slug}", " ".join(filter(None, (message, _queued(notice)))))


for _name in ACTIONS:
    _action_routes(_name)
