"""Organiser pages under /admin/events/{slug}/registrations: the list with actions, check-in
at the door, statistics, invitations, import, exports and the sign-in sheet."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from eventhub.accounts.csrf import CsrfDep
from eventhub.accounts.guessing import mark_guess
from eventhub.accounts.scopes import find_registration_of, registration_of
from eventhub.accounts.service import checkin_staff, give_checkin, take_checkin
from eventhub.admin import history
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep
from eventhub.core.errors import Conflict, DomainError, Invalid, NotFound
from eventhub.core.i18n import N_, _
from eventhub.core.models import (
    GENDER_CHOICES,
    Event,
    Organisation,
    Region,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
    id_of,
)
from eventhub.core.text import content_disposition
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.core.validation import validate
from eventhub.registrations import attendance, exports, importer, labels, questions, service
from eventhub.registrations.deps import CheckinDep, MailDep, ManagedDep, SiteDep
from eventhub.registrations.pages import FormDep, choices
from eventhub.registrations.schemas import InvitationIn
from eventhub.templating import templates

router = APIRouter(
    route_class=UnitOfWorkRoute,
    prefix="/admin/events/{slug}/registrations",
    default_response_class=HTMLResponse,
    include_in_schema=False,
)
PER_PAGE = 50
STAFF_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
NOTICES = {
    "approved": N_("Заявка одобрена, участнику отправлено письмо."),
    "undeclined": N_("Отклонение отменено, участнику отправлено письмо."),
    "declined": N_("Заявка отклонена, участнику отправлено письмо."),
    "promoted": N_("Участник переведён из листа ожидания, ему отправлено письмо."),
    "filled": N_("Свободные места распределены по листу ожидания."),
    "imported": N_("Список импортирован."),
    "invitation": N_("Приглашение сохранено."),
    "revoked": N_("Приглашение отозвано."),
    "renewed": N_("Для приглашения создана новая ссылка; прежняя больше не работает."),
    "staff_added": N_("Сотрудник может отмечать участников этого мероприятия."),
    "staff_removed": N_("Сотрудник больше не отмечает участников этого мероприятия."),
}

# The event's history names a registration's status and category as the pages do.
history.VALUE_LABELS[("registration", "status")] = labels.STATUS
history.VALUE_LABELS[("registration", "category")] = labels.CATEGORY


def _render(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
    response = templates.TemplateResponse(request, f"registrations/admin/{name}", ctx, status_code=status)
    response.headers.update(STAFF_HEADERS)
    return response


def _back(event: Event, path: str = "", notice: str | None = None, **params: str) -> RedirectResponse:
    query = urlencode({k: v for k, v in {"done": notice, **params}.items() if v})
    return RedirectResponse(
        f"/admin/events/{event.slug}/registrations{path}{'?' + query if query else ''}", status_code=303
    )


# --- the list and its actions ---


@router.get("")
def registrations_list(
    request: Request,
    db: DbDep,
    managed: ManagedDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    status: str | None = None,
    category: str | None = None,
    region: str | None = None,
    gender: str | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    done: str | None = None,
    undo: int | None = None,
) -> HTMLResponse:
    """An event's registrations with filters and search, and the organiser's actions."""
    event, user = managed
    filters = service.ListFilters(
        status=status or None, category=category or None, region=region or None, gender=gender or None, q=q or None
    )
    undo_reg = find_registration_of(db, event, undo) if done == "declined" else None
    return _list_response(
        request,
        db,
        event,
        filters,
        page,
        notice=_(NOTICES[done]) if done in NOTICES else None,
        undo=undo_reg if undo_reg is not None and undo_reg.status == "declined" else None,
    )


def _list_response(
    request: Request,
    db: Any,
    event: Event,
    filters: service.ListFilters,
    page: int = 1,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
    undo: Registration | None = None,
) -> HTMLResponse:
    rows = service.list_registrations(db, event, filters)
    total = len(rows)
    pages = max(1, -(-total // PER_PAGE))
    page = min(page, pages)
    return _render(
        request,
        "list.html",
        {
            "event": event,
            "rows": rows[(page - 1) * PER_PAGE : page * PER_PAGE],
            "total": total,
            "page": page,
            "pages": pages,
            "filters": filters,
            "counts": service.counts_by_status(db, event),
            "free": service.free_places(db, event),
            "statuses": list(RegistrationStatus),
            "categories": list(RegistrationCategory),
            "regions": list(Region),
            "genders": list(GENDER_CHOICES),
            "extra": service.extra_columns(db, event),
            "undo": undo,
            "notice": notice,
            "error": error,
        },
        status,
    )


ACTIONS = {
    "approve": (service.approve, "approved"),
    "decline": (service.decline, "declined"),
    "promote": (service.promote, "promoted"),
    "undecline": (service.undo_decline, "undeclined"),
}


@router.get("/{reg_id:int}/decline")
def decline_confirm(request: Request, reg_id: int, db: DbDep, managed: ManagedDep) -> HTMLResponse:
    """Asks before a decline: the person is told by e-mail at once."""
    event, _user = managed
    reg = registration_of(db, event, reg_id)
    return _render(request, "decline.html", {"event": event, "reg": reg})


@router.post("/{reg_id:int}/{action}")
def registration_action(
    request: Request,
    reg_id: int,
    action: str,
    db: DbDep,
    managed: ManagedDep,
    _csrf: CsrfDep,
    now: NowDep,
    site: SiteDep,
    mailer: MailDep,
) -> Response:
    """Approve, decline, or move from the waiting list; the participant is told by e-mail."""
    if action not in ACTIONS:
        raise NotFound(_("Нет такого действия"))
    event, user = managed
    func, notice = ACTIONS[action]
    try:
        result = func(db, event=event, registration_id=reg_id, user=user, now=now, site=site)
    except Conflict as exc:
        db.rollback()  # the form is shown again from what is stored
        event = db.get_one(Event, event.id)
        return _list_response(request, db, event, service.ListFilters(), error=exc.message, status=exc.status_code)
    mailer.send(result.mails)
    return _back(event, notice=notice, undo=str(reg_id) if action == "decline" else "")


@router.post("/fill")
def fill_places(
    db: DbDep, managed: ManagedDep, _csrf: CsrfDep, now: NowDep, site: SiteDep, mailer: MailDep
) -> Response:
    """Promote from the waiting list into free places (after the capacity was raised)."""
    event, user = managed
    result = service.fill(db, event=event, user=user, now=now, site=site)
    mailer.send(result.mails)
    return _back(event, notice="filled")


# --- check-in at the door ---


@router.get("/checkin")
def checkin_page(
    request: Request,
    db: DbDep,
    managed: CheckinDep,
    site: SiteDep,
    now: NowDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    code: Annotated[str | None, Query(max_length=300)] = None,
    done: int | None = None,
    day: Annotated[str | None, Query(max_length=10)] = None,
    session: int | None = None,
    walk_in: int | None = None,
) -> HTMLResponse:
    """Made for a phone: search by name (or scan the QR code), one tap to mark arrival; the
    day (or session) being marked; a short form for someone who came unregistered."""
    event, _user = managed
    return _checkin_response(
        request, db, event, site, now=now, q=q, code=code, done=done, day=day, session=session, walk_in=walk_in
    )


def _checkin_response(
    request: Request,
    db: Any,
    event: Event,
    site: Any,
    *,
    now: Any,
    q: str | None = None,
    code: str | None = None,
    done: int | None = None,
    day: str | None = None,
    session: int | None = None,
    walk_in: int | None = None,
    error: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    settings = questions.form_settings(db, event)
    try:
        the_day = attendance.day_for(event, now, day)
    except Invalid:
        the_day, error = attendance.day_for(event, now), error or _("Такого дня у мероприятия нет")
    event_sessions = attendance.sessions(db, event)
    if session is not None and session not in {s.id for s in event_sessions}:
        session, error = None, error or _("Такой сессии у мероприятия нет")
    found: list[tuple[Registration, Organisation | None]] = []
    scanned = None
    if code or (q and service.parse_checkin_code(q)):
        try:
            scanned = service.registration_by_code(db, event=event, code=code or q or "", site=site)  # one is set here
            found = [(scanned, None)]
        except NotFound as exc:
            # A Latin name ("Johnson") or a phone ("0702174107") can read as a code: searched as such.
            if code or not (service.looks_like_phone(q or "") or not any(c.isdigit() for c in q or "")):
                error = error or exc.message
                mark_guess(request)  # a code that matches nothing: counted like a wrong private link
            else:
                found = service.checkin_search(db, event, q or "")
    elif q:
        found = service.checkin_search(db, event, q)
    counts = service.counts_by_status(db, event)
    per_day = settings.attendance_per_day and session is None
    arrived = (
        len(attendance.session_marks(db, event, session))
        if session is not None
        else len(attendance.per_day(db, event).get(the_day, set()))
        if per_day
        else counts["attended"]
    )
    done_reg = find_registration_of(db, event, done)

    def marked(reg: Registration) -> attendance.Already | None:
        return attendance.already(db, event, reg, now, the_day, session)

    return _render(
        request,
        "checkin.html",
        {
            "event": event,
            "q": q or "",
            "found": found,
            "scanned": scanned,
            "error": error,
            "done": done_reg,
            "done_mark": marked(done_reg) if done_reg else None,
            "marked": marked,
            "arrived": arrived,
            "expected": counts["confirmed"] + counts["attended"],
            "days": attendance.days(event) if settings.attendance_per_day else [],
            "day": the_day,
            "sessions": event_sessions,
            "session": session,
            "zone": event.timezone,
            "walk_in": walk_in,
            "values": values or {"category": "participant"},
            "errors": errors or {},
            "choices": choices(),
        },
        status,
    )


@router.post("/checkin")
def checkin_mark(
    request: Request,
    db: DbDep,
    managed: CheckinDep,
    _csrf: CsrfDep,
    now: NowDep,
    site: SiteDep,
    form: FormDep,
) -> Response:
    """Mark arrival (`registration` id, or `code` from the QR code) for the `day` or `session`;
    `undo` takes it back."""
    event, user = managed
    day = form.get("day") or None
    session = int(form["session"]) if form.get("session", "").isdigit() else None
    try:
        if form.get("code"):
            reg_id = id_of(service.registration_by_code(db, event=event, code=form["code"], site=site))
        else:
            reg_id = int(form.get("registration") or "0")
        act = service.undo_check_in if form.get("undo") else service.check_in
        act(db, event=event, registration_id=reg_id, user=user, now=now, day=day, session_id=session)
    except (ValueError, NotFound, Conflict, Invalid) as exc:
        db.rollback()
        message = exc.message if isinstance(exc, DomainError) else _("Неверный номер регистрации")
        return _checkin_response(
            request,
            db,
            db.get_one(Event, event.id),
            site,
            now=now,
            q=form.get("q"),
            day=day,
            session=session,
            error=message,
            status=getattr(exc, "status_code", 422),
        )
    return _back(
        event, "/checkin", done=str(reg_id), q=form.get("q", "")[:200], day=day or "", session=str(session or "")
    )


@router.post("/checkin/walk-in")
def checkin_walk_in(
    request: Request,
    db: DbDep,
    managed: CheckinDep,
    _csrf: CsrfDep,
    now: NowDep,
    site: SiteDep,
    form: FormDep,
) -> Response:
    """Add a person who came without registering: registered and marked present at once."""
    event, user = managed
    day = form.get("day") or None
    try:
        reg = attendance.add_walk_in(
            db,
            event=event,
            form=form,
            user=user,
            now=now,
            site=site,
            day=day,
            consent_note=_("Добавлен(а) на входе сотрудником %(email)s: согласие получено устно.")
            % {"email": user.email},
        )
    except (Invalid, Conflict) as exc:
        db.rollback()  # the form is shown again, with what was typed
        return _checkin_response(
            request,
            db,
            db.get_one(Event, event.id),
            site,
            now=now,
            day=day,
            walk_in=1,
            values={k: v[:300] for k, v in form.items()},
            errors=exc.fields or {"full_name": exc.message},
            error=exc.message,
            status=exc.status_code,
        )
    return _back(event, "/checkin", done=str(id_of(reg)), day=day or "")


# --- check-in staff given this event ---


@router.get("/checkin-staff")
def checkin_staff_page(request: Request, db: DbDep, managed: ManagedDep, done: str | None = None) -> HTMLResponse:
    """Who may mark arrivals: the check-in users given this event, and a form to add one."""
    event, _user = managed
    return _checkin_staff_response(request, db, event, notice=_(NOTICES[done]) if done in NOTICES else None)


def _checkin_staff_response(
    request: Request,
    db: Any,
    event: Event,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return _render(
        request,
        "checkin_staff.html",
        {
            "event": event,
            "staff": checkin_staff(db, event),
            "values": values or {},
            "errors": errors or {},
            "notice": notice,
        },
        status,
    )


@router.post("/checkin-staff")
def checkin_staff_save(request: Request, db: DbDep, managed: ManagedDep, _csrf: CsrfDep, form: FormDep) -> Response:
    """Give the event to a check-in user (by e-mail), or take it back (`remove` = their id)."""
    event, user = managed
    try:
        if form.get("remove"):
            user_id = int(form["remove"]) if form["remove"].isdigit() else 0
            take_checkin(db, event=event, user_id=user_id, user=user)
        else:
            give_checkin(db, event=event, email=form.get("email", ""), user=user)
    except (Invalid, NotFound) as exc:
        errors = exc.fields or {"email": exc.message}
        return _checkin_staff_response(
            request, db, db.get_one(Event, event.id), values=form, errors=errors, status=exc.status_code
        )
    return _back(event, "/checkin-staff", notice="staff_removed" if form.get("remove") else "staff_added")


# --- statistics ---


@router.get("/stats")
def stats_page(request: Request, db: DbDep, managed: ManagedDep) -> HTMLResponse:
    """Registered and attended by gender, organisation kind, region and category."""
    event, _user = managed
    stats = service.statistics(db, event)
    return _render(
        request,
        "stats.html",
        {
            "event": event,
            "stats": stats,
            "tables": [stats[k] for k in ("gender", "organisation_kind", "region", "category")] + stats["more"],
        },
    )


# --- exports ---


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={**STAFF_HEADERS, "Content-Disposition": content_disposition("attachment", filename)},
    )


@router.get("/export.csv")
def export_csv(db: DbDep, managed: ManagedDep) -> Response:
    """Every registration as CSV (UTF-8 with BOM, `;`)."""
    event, _user = managed
    return _download(
        exports.to_csv(service.export_rows(db, event)), "text/csv; charset=utf-8", f"{event.slug}-participants.csv"
    )


@router.get("/export.xlsx")
def export_xlsx(db: DbDep, managed: ManagedDep) -> Response:
    """Every registration as XLSX, with a statistics sheet."""
    event, _user = managed
    body = exports.to_xlsx(
        service.export_rows(db, event), service.stats_tables(service.statistics(db, event)), title=event.title
    )
    return _download(
        body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{event.slug}-participants.xlsx"
    )


@router.get("/sign-in")
def sign_in_sheet(request: Request, db: DbDep, managed: CheckinDep) -> HTMLResponse:
    """A printable sign-in sheet of confirmed participants, with a signature column."""
    event, _user = managed
    rows = service.export_rows(db, event, statuses=(RegistrationStatus.confirmed, RegistrationStatus.attended))
    for n, row in enumerate(rows, 1):
        row.number = n
    return _render(request, "sign_in.html", {"event": event, "rows": rows, "blank": 5})


# --- invitations ---


@router.get("/invitations")
def invitations_page(
    request: Request, db: DbDep, managed: ManagedDep, site: SiteDep, done: str | None = None
) -> HTMLResponse:
    """Organisations invited, their seat quotas, seats used and links."""
    event, _user = managed
    return _invitations_response(request, db, event, site, notice=_(NOTICES[done]) if done in NOTICES else None)


def _invitations_response(
    request: Request,
    db: Any,
    event: Event,
    site: Any,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    rows = [
        (inv, org, used, service.invitation_url(site, event, inv))
        for inv, org, used in service.list_invitations(db, event)
    ]
    return _render(
        request,
        "invitations.html",
        {
            "event": event,
            "rows": rows,
            "values": values or {"seat_quota": "5"},
            "errors": errors or {},
            "notice": notice,
            "directory": [(o, service.organisation_label(o)) for o in service.directory(db)],
        },
        status,
    )


@router.post("/invitations")
def invitation_save(
    request: Request, db: DbDep, managed: ManagedDep, _csrf: CsrfDep, site: SiteDep, form: FormDep
) -> Response:
    """Invite an organisation with a seat quota (or change the quota)."""
    event, _user = managed
    try:
        data = validate(InvitationIn, {k: form[k] for k in InvitationIn.model_fields if k in form})
        service.save_invitation(
            db, event=event, organisation=data.organisation, seat_quota=data.seat_quota, note=data.note, site=site
        )
    except Invalid as exc:
        db.rollback()  # the form is shown again from what is stored
        return _invitations_response(
            request, db, db.get_one(Event, event.id), site, values=form, errors=exc.fields, status=exc.status_code
        )
    return _back(event, "/invitations", notice="invitation")


@router.post("/invitations/{invitation_id}/{action}")
def invitation_action(
    invitation_id: int, action: str, db: DbDep, managed: ManagedDep, _csrf: CsrfDep, now: NowDep, site: SiteDep
) -> Response:
    """Revoke an invitation's link, or give it a new one."""
    if action not in ("revoke", "renew"):
        raise NotFound(_("Нет такого действия"))
    event, _user = managed
    service.revoke_invitation(db, event=event, invitation_id=invitation_id, now=now, site=site, renew=action == "renew")
    return _back(event, "/invitations", notice="renewed" if action == "renew" else "revoked")


# --- import ---


@router.get("/import")
def import_page(request: Request, managed: ManagedDep) -> HTMLResponse:
    """Upload an XLSX or CSV list."""
    event, _user = managed
    return _render(
        request, "import.html", {"event": event, "preview": None, "errors": {}, "headers": importer.HEADER_ALIASES}
    )


async def uploaded_file(request: Request) -> tuple[str, bytes]:
    """The uploaded list (read in the event loop; the route then runs in a worker thread)."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return "", b""
    return upload.filename, await upload.read(importer.MAX_BYTES + 1)


@router.post("/import")
def import_preview(
    request: Request,
    upload: Annotated[tuple[str, bytes], Depends(uploaded_file)],
    db: DbDep,
    managed: ManagedDep,
    _csrf: CsrfDep,
    now: NowDep,
) -> HTMLResponse:
    """Show what would be created and what is wrong, row by row; keep a good list on the
    server (an expiring preview row) for the confirmation, which carries only its id."""
    event, user = managed
    filename, content = upload
    preview = rows = None
    preview_id = None
    errors: dict[str, str] = {}
    try:
        rows = importer.read_table(filename, content)
        preview = importer.check_rows(db, event, rows)
    except Invalid as exc:
        errors = exc.fields
    if rows and preview and preview.ok:
        preview_id = importer.store_preview(db, event=event, user=user, filename=filename, rows=rows, now=now)
    response = _render(
        request,
        "import.html",
        {
            "event": event,
            "preview": preview,
            "errors": errors,
            "filename": filename,
            "headers": importer.HEADER_ALIASES,
            "preview_id": preview_id,
        },
        422 if errors or (preview and not preview.ok) else 200,
    )
    return response


@router.post("/import/confirm")
def import_confirm(
    request: Request,
    form: FormDep,
    db: DbDep,
    managed: ManagedDep,
    _csrf: CsrfDep,
    now: NowDep,
    site: SiteDep,
    mailer: MailDep,
) -> Response:
    """Store every row of the checked list, or none (the rows are checked again)."""
    event, user = managed
    errors: dict[str, str] = {}
    stored = None
    try:
        stored = importer.stored_preview(db, event=event, user=user, preview_id=str(form.get("preview") or ""), now=now)
        rows = [{str(k): str(v) for k, v in r.items()} for r in stored.rows][: importer.MAX_ROWS + 1]
        filename = stored.filename
    except Invalid as exc:
        rows, errors, filename = [], dict(exc.fields), ""
    if not form.get("consent"):
        errors["consent"] = _("подтвердите, что участники дали согласие на обработку персональных данных")
    if not rows and not errors:
        errors["file"] = _("в списке нет строк")
    if not errors:
        try:
            created, mails = importer.import_rows(
                db,
                event_id=id_of(event),
                rows=rows,
                user=user,
                now=now,
                site=site,
                consent_note=(
                    _(
                        "Импорт списка организатором %(email)s: организатор подтвердил, что участники дали согласие на обработку персональных данных. %(value)s"
                    )
                    % {"email": user.email, "value": filename}
                ).strip(),
                send_mail=bool(form.get("send_mail")),
            )
        except Invalid as exc:
            db.rollback()  # the form is shown again from what is stored
            errors = {"file": exc.message, **exc.fields}
        else:
            if stored is not None:
                db.delete(stored)  # used: a second confirmation finds nothing
            mailer.send(mails)
            return _back(event, notice="imported", imported=str(len(created)))
    event = db.get_one(Event, event.id)
    preview = importer.check_rows(db, event, rows) if rows else None
    return _render(
        request,
        "import.html",
        {
            "event": event,
            "preview": preview,
            "errors": errors,
            "filename": filename,
            "headers": importer.HEADER_ALIASES,
            "preview_id": stored.id if stored is not None and preview and preview.ok else None,
        },
        422,
    )
