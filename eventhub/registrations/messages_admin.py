"""Organiser pages under /admin/events/{slug}/registrations for writing to registrants: messages
(compose, preview, test, send, history), reminders and the after-event message, WhatsApp phone
lists, and the event's outbox with retry. Organisers of the event's organisations and admins only."""

import logging
from typing import Annotated, Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eventhub import labels as event_labels
from eventhub.accounts.csrf import CsrfDep
from eventhub.core import outbox
from eventhub.core.config import Settings
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep
from eventhub.core.errors import Conflict, Invalid
from eventhub.core.i18n import N_, _
from eventhub.core.models import Event, Language, Region, RegistrationCategory, RegistrationStatus, id_of
from eventhub.core.uow import UnitOfWorkRoute, UnitsLike
from eventhub.registrations import labels, messages, messengers, reminders
from eventhub.registrations.deps import MailAfterResponse, MailDep, ManagedDep, SiteDep
from eventhub.registrations.mail import Site
from eventhub.templating import templates

log = logging.getLogger("eventhub.messages")

router = APIRouter(
    route_class=UnitOfWorkRoute,
    prefix="/admin/events/{slug}/registrations",
    default_response_class=HTMLResponse,
    include_in_schema=False,
)
PER_PAGE = 50
BATCH = 100
STAFF_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
LIST_FIELDS = (*messages.AUDIENCE_LISTS, "reminder_hours")
NOTICES = {
    "sent": N_("Сообщение поставлено в очередь на отправку."),
    "settings": N_("Настройки писем сохранены."),
    "after_event": N_("Письмо после мероприятия поставлено в очередь: %(count)s."),
    "retry": N_("Письмо снова поставлено в очередь."),
}


def _values(multi: Any) -> dict[str, Any]:
    """A form or query string as a dict: the audience's choices as lists, the rest as text."""
    out: dict[str, Any] = {}
    for key in multi.keys():
        values = [v for v in multi.getlist(key) if isinstance(v, str)]
        out[key] = values[:600] if key in LIST_FIELDS else (values[-1] if values else "")
    return out


async def form_values(request: Request) -> dict[str, Any]:
    """The posted form (read in the event loop; the route then runs in a worker thread)."""
    return _values(await request.form())


FormValuesDep = Annotated[dict[str, Any], Depends(form_values)]


def _render(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
    response = templates.TemplateResponse(request, f"registrations/admin/{name}", ctx, status_code=status)
    response.headers.update(STAFF_HEADERS)
    return response


def _back(event: Event, path: str, notice: str | None = None, **params: str) -> RedirectResponse:
    query = urlencode({k: v for k, v in {"done": notice, **params}.items() if v})
    return RedirectResponse(
        f"/admin/events/{event.slug}/registrations{path}{'?' + query if query else ''}", status_code=303
    )


def _notice(done: str | None, **values: Any) -> str | None:
    if done not in NOTICES:
        return None
    return _(NOTICES[done]) % values if values else _(NOTICES[done])


def deliver_in_batches(units: UnitsLike, settings: Settings, ids: list[int]) -> None:
    """Background task: send what the request queued, claimed a batch at a time (what is left
    when the process stops is sent by `eventhub outbox send` or the worker)."""
    for start in range(0, len(ids), BATCH):
        try:
            outbox.deliver(units, settings, ids=ids[start : start + BATCH], force=True, limit=BATCH)
        except sa.exc.SQLAlchemyError:
            log.exception("messages: database error while sending; the outbox worker will send the rest")
            return


def _send_later(mailer: MailAfterResponse, ids: list[int]) -> None:
    if ids:
        mailer.background.add_task(deliver_in_batches, mailer.units, mailer.settings, list(ids))


def _choices(db: Any, event: Event) -> dict[str, list[tuple[str, str]]]:
    return {
        "status": [(s.value, labels.STATUS[s]) for s in RegistrationStatus],
        "category": [(c.value, labels.CATEGORY[c]) for c in RegistrationCategory],
        "region": [(r.value, event_labels.REGION[r]) for r in Region],
        "organisation": [(str(o.id), o.name) for o in messages.organisations_of(db, event)],
        "checked_in": [("any", _("все")), ("yes", _("пришли")), ("no", _("не пришли"))],
        "language": [(lang.value, event_labels.LANGUAGE[lang.value]) for lang in Language],
    }


DEFAULT_AUDIENCE = {"audience": "1", "status": [s.value for s in messages.HOLDING], "checked_in": "any"}


# --- messages ---


def _messages_response(
    request: Request,
    db: Any,
    event: Event,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
    notice: str | None = None,
    shown: messages.Preview | None = None,
    status: int = 200,
) -> HTMLResponse:
    return _render(
        request,
        "messages.html",
        {
            "event": event,
            "values": values or {**DEFAULT_AUDIENCE, "original_language": event.original_language},
            "errors": errors or {},
            "error": error,
            "notice": notice,
            "preview": shown,
            "choices": _choices(db, event),
            "history": messages.history(db, event),
            "languages": messages.LANGUAGES,
            "placeholders": messages.PLACEHOLDERS,
            "max_body": messages.MAX_BODY,
            "max_subject": messages.MAX_SUBJECT,
        },
        status,
    )


@router.get("/messages")
def messages_page(request: Request, db: DbDep, managed: ManagedDep, done: str | None = None) -> HTMLResponse:
    """Write to the event's registrants, and what was sent before."""
    event, _user = managed
    return _messages_response(request, db, event, notice=_notice(done))


@router.post("/messages")
def messages_post(
    request: Request,
    db: DbDep,
    managed: ManagedDep,
    _csrf: CsrfDep,
    now: NowDep,
    site: SiteDep,
    mailer: MailDep,
    form: FormValuesDep,
) -> Response:
    """`action`: preview (count and the first recipient's version), test (to oneself), send."""
    event, user = managed
    action = form.get("action") or "preview"
    values = {**form, "audience": "1"}
    try:
        data, audience = _parse(form)
        if action == "send":
            message, ids = messages.send(db, event=event, user=user, data=data, audience=audience, site=site, now=now)
            _send_later(mailer, ids)
            return _back(event, f"/messages/{message.id}", notice="sent")
        if action == "test":
            shown, row = messages.send_test(db, event=event, user=user, data=data, audience=audience, site=site)
            _send_later(mailer, [id_of(row)])
            notice = _("Проверочное письмо отправлено на %(email)s.") % {"email": user.email}
        else:
            shown, notice = messages.preview(db, event=event, data=data, audience=audience, site=site), None
    except Invalid as exc:
        return _messages_response(
            request, db, db.get_one(Event, event.id), values=values, errors=exc.fields, error=exc.message, status=422
        )
    return _messages_response(request, db, db.get_one(Event, event.id), values=values, notice=notice, shown=shown)


def _parse(form: dict[str, Any]) -> tuple[messages.MessageInput, messages.Audience]:
    """Both parts of the form, with the errors of both at once."""
    fields: dict[str, str] = {}
    data = audience = None
    try:
        data = messages.parse_message(form)
    except Invalid as exc:
        fields.update(exc.fields)
    try:
        audience = messages.parse_audience({**form, "audience": "1"})
    except Invalid as exc:
        fields.update(exc.fields)
    if fields or data is None or audience is None:  # either part refused: its fields say why
        raise Invalid(_("Сообщение не отправлено: исправьте отмеченные поля"), fields=fields)
    return data, audience


@router.get("/messages/{message_id:int}")
def message_detail(
    request: Request,
    db: DbDep,
    managed: ManagedDep,
    message_id: int,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    done: str | None = None,
) -> HTMLResponse:
    """One message: its text, audience, and each recipient's delivery."""
    event, _user = managed
    message = messages.get_message(db, event, message_id)
    rows, total = messages.outbox_page(db, event, status=None, message_id=message.id, page=page, per_page=PER_PAGE)
    [(_m, author, delivery)] = [h for h in messages.history(db, event) if h[0].id == message.id]
    return _render(
        request,
        "message.html",
        {
            "event": event,
            "message": message,
            "author": author,
            "delivery": delivery,
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "choices": _choices(db, event),
            "notice": _notice(done),
        },
    )


# --- reminders and after the event ---


def _reminders_response(
    request: Request,
    db: Any,
    event: Event,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    stored = reminders.get_settings(db, event)
    return _render(
        request,
        "reminders.html",
        {
            "event": event,
            "values": values if values is not None else reminders.settings_values(stored),
            "errors": errors or {},
            "error": error,
            "notice": notice,
            "choices": [(str(h), _(label)) for h, label in reminders.REMINDER_CHOICES],
            "languages": messages.LANGUAGES,
            "after_sent": reminders.after_event_sent(db, event),
            "max_text": reminders.MAX_REMINDER_TEXT,
            "max_body": messages.MAX_BODY,
        },
        status,
    )


@router.get("/reminders")
def reminders_page(
    request: Request, db: DbDep, managed: ManagedDep, done: str | None = None, count: int = 0
) -> HTMLResponse:
    """When reminders go and what they say; the message after the event."""
    event, _user = managed
    return _reminders_response(request, db, event, notice=_notice(done, count=count) if done else None)


@router.post("/reminders")
def reminders_save(request: Request, db: DbDep, managed: ManagedDep, _csrf: CsrfDep, form: FormValuesDep) -> Response:
    """Save the reminder times and texts and the after-event message."""
    event, user = managed
    try:
        data = reminders.parse_settings({"reminder_hours": [], **form})
        reminders.save_settings(db, event=event, data=data, user=user)
    except Invalid as exc:
        values = {
            **form,
            "reminder_hours": form.get("reminder_hours", []),
            "after_event": bool(form.get("after_event")),
        }
        return _reminders_response(
            request, db, db.get_one(Event, event.id), values=values, errors=exc.fields, error=exc.message, status=422
        )
    return _back(event, "/reminders", notice="settings")


@router.post("/reminders/after-event")
def after_event_send(
    request: Request,
    db: DbDep,
    managed: ManagedDep,
    _csrf: CsrfDep,
    now: NowDep,
    site: SiteDep,
    mailer: MailDep,
) -> Response:
    """Send the after-event message now to those who came and have not had it."""
    event, user = managed
    try:
        ids = reminders.queue_after_event(db, event_id=id_of(event), now=now, site=site, user=user)
    except Conflict as exc:
        return _reminders_response(request, db, db.get_one(Event, event.id), error=exc.message, status=exc.status_code)
    _send_later(mailer, ids)
    return _back(event, "/reminders", notice="after_event", count=str(len(ids)))


# --- WhatsApp ---


def _site(request: Request) -> Site:
    return Site.from_settings(request.app.state.settings)


def whatsapp_link(request: Request, event: Event, reg: Any) -> str:
    """For the staff registration list: a chat with one registrant."""
    return messengers.whatsapp_link(event, reg, _site(request).event_url(event))


templates.env.globals["whatsapp_link"] = whatsapp_link


@router.get("/phones")
def phones_page(request: Request, db: DbDep, managed: ManagedDep, site: SiteDep) -> HTMLResponse:
    """The phones of an audience, one E.164 number a line, to paste into a WhatsApp group."""
    event, _user = managed
    values = _values(request.query_params) or dict(DEFAULT_AUDIENCE)
    errors: dict[str, str] = {}
    people = []
    try:
        people = messages.recipients(db, event, messages.parse_audience(values))
    except Invalid as exc:
        errors = exc.fields
    phones = messengers.phone_list(people)
    return _render(
        request,
        "phones.html",
        {
            "event": event,
            "values": values,
            "errors": errors,
            "choices": _choices(db, event),
            "people": len(people),
            "phones": phones,
            "without_phone": sum(1 for p in people if not p.phone),
            "group_text": messengers.event_text(event, site.event_url(event)),
        },
        422 if errors else 200,
    )


# --- the outbox ---


@router.get("/outbox")
def outbox_list(
    request: Request,
    db: DbDep,
    managed: ManagedDep,
    status: str | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    done: str | None = None,
) -> HTMLResponse:
    """The e-mails to the event's registrants: waiting, sent and failed, with the error."""
    event, _user = managed
    status = status if status in messages.OUTBOX_STATUSES else None
    rows, total = messages.outbox_page(db, event, status=status, page=page, per_page=PER_PAGE)
    return _render(
        request,
        "outbox.html",
        {
            "event": event,
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "status": status,
            "counts": messages.outbox_counts(db, event),
            "notice": _notice(done),
            "max_attempts": outbox.MAX_ATTEMPTS,
        },
    )


@router.post("/outbox/{outbox_id:int}/retry")
def outbox_retry(
    db: DbDep,
    managed: ManagedDep,
    _csrf: CsrfDep,
    now: NowDep,
    mailer: MailDep,
    outbox_id: int,
) -> Response:
    """Queue a failed e-mail again and try it at once."""
    event, user = managed
    row = messages.retry(db, event=event, outbox_id=outbox_id, user=user, now=now)
    _send_later(mailer, [id_of(row)])
    return _back(event, "/outbox", notice="retry")
