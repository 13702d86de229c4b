"""Public registration pages: the form, and a participant's private page `/r/{token}`."""

import base64
from datetime import timedelta
from types import SimpleNamespace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eventhub import __version__
from eventhub import labels as event_labels
from eventhub.accounts.guessing import mark_guess
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, get_now
from eventhub.core.errors import Conflict, Invalid
from eventhub.core.i18n import N_, _, current_language
from eventhub.core.models import (
    GENDER_CHOICES,
    PUBLIC_EVENT_STATUSES,
    AgeGroup,
    Disability,
    Event,
    Invitation,
    Language,
    Organisation,
    Region,
    RegistrationCategory,
    id_of,
)
from eventhub.core.outbox import qr_png
from eventhub.core.text import content_disposition, format_phone
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.feeds.ical import render_invitation
from eventhub.feeds.links import calendar_links
from eventhub.registrations import labels, questions, renewal, service
from eventhub.registrations.deps import MailDep, PublicEventDep, RegistrationLimit, SiteDep
from eventhub.registrations.schemas import CONSENT_TEXT, from_form
from eventhub.surveys import service as surveys
from eventhub.templating import templates

router = APIRouter(route_class=UnitOfWorkRoute, default_response_class=HTMLResponse, include_in_schema=False)

PRIVATE_HEADERS = {
    # The token is in the address: keep it out of Referer headers, caches and search engines.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}
NEUTRAL_DONE = N_(
    "Спасибо! Мы отправили письмо на адрес {email}: в нём статус вашей регистрации и личная ссылка, "
    "по которой можно изменить данные или отменить участие. Если вы уже регистрировались с этим "
    "адресом, повторной регистрации не будет — в письме будет ссылка на прежнюю."
)


def choices() -> dict[str, list[tuple[str, str]]]:
    """The form's options, named in the reader's language."""
    return {
        "category": [(c.value, labels.CATEGORY[c]) for c in RegistrationCategory],
        "region": [(r.value, event_labels.REGION[r]) for r in Region],
        "gender": [(g.value, labels.GENDER[g]) for g in GENDER_CHOICES],  # "no answer" is the form's own empty choice
        "language": [(lang.value, event_labels.LANGUAGE[lang.value]) for lang in Language],
        "age_group": [(a.value, questions.AGE_GROUP[a]) for a in AgeGroup],
        "disability": [(d.value, questions.DISABILITY[d]) for d in Disability],
    }


def event_form(db: DbDep, event: Event) -> dict[str, Any]:
    """What the event's own form adds: its switched-on fields, its questions, the travel dates."""
    settings = questions.form_settings(db, event)
    days = questions.event_days(event)
    return {
        "asks": set(settings.fields),
        "form_settings": settings,
        "questions": questions.questions(db, event),
        "q": questions,
        "travel_min": (days[0] - timedelta(days=1)).isoformat(),
        "travel_max": (days[-1] + timedelta(days=1)).isoformat(),
    }


def registration_state(request: Request, event: Event) -> service.Window:
    """For the event page's registration block (no database: the mode, dates and status)."""
    return service.registration_window(event, get_now(request))


def previous_dates(event: Event) -> SimpleNamespace:
    """The event as it was before its last postponement, for event_date_range."""
    return SimpleNamespace(
        start_at=event.previous_start_at, end_at=event.previous_end_at, all_day=event.all_day, timezone=event.timezone
    )


templates.env.globals["registration_state"] = registration_state
templates.env.globals["previous_dates"] = previous_dates
templates.env.globals["reg_labels"] = labels


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields (read in the event loop; routes then run in threads)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


FormDep = Annotated[dict[str, str], Depends(form_fields)]


def _form_context(db: DbDep, event: Event, now: Any, invitation_token: str | None) -> dict[str, Any]:
    window = service.registration_window(event, now)
    invitation: Invitation | None = None
    invitation_error = None
    if window.open and (invitation_token or event.registration_mode == "invitation"):
        try:
            invitation = service._invitation_for(db, event, invitation_token)
            # Seats used up: said before anyone fills the form in vain.
            service.check_seats(db, invitation)
        except Invalid as exc:
            invitation, invitation_error = None, exc.fields.get("invitation", exc.message)
        except Conflict as exc:
            invitation, invitation_error = None, f"{exc.message}: {exc.fields.get('invitation', '')}"
    return {
        "event": event,
        "window": window,
        "invitation": invitation,
        "invitation_org": db.get(Organisation, invitation.organisation_id) if invitation else None,
        "invitation_token": invitation_token if invitation else None,
        "invitation_error": invitation_error,
        "free_places": service.free_places(db, event),
        "directory": [(o, service.organisation_label(o)) for o in service.directory(db)],
        "choices": choices(),
        "consent_text": _(CONSENT_TEXT),
        **event_form(db, event),
    }


def _render_form(
    request: Request,
    ctx: dict[str, Any],
    values: dict[str, str],
    errors: dict[str, str],
    message: str | None,
    status: int,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "registrations/register.html",
        {**ctx, "values": values, "errors": errors, "message": message},
        status_code=status,
    )


@router.get("/events/{slug}/register")
def register_form(
    request: Request, db: DbDep, event: PublicEventDep, now: NowDep, invitation: str | None = None
) -> HTMLResponse:
    """The registration form (or why registration is not possible)."""
    if invitation is not None and len(invitation) > 100:
        invitation = ""
    ctx = _form_context(db, event, now, invitation)
    if invitation and ctx["invitation_error"]:
        mark_guess(request)  # an invitation that matches nothing: counted like a wrong private link
    return _render_form(request, ctx, {"category": "participant", "language": current_language()}, {}, None, 200)


@router.post("/events/{slug}/register")
def register_submit(
    request: Request,
    _limit: RegistrationLimit,
    db: DbDep,
    event: PublicEventDep,
    now: NowDep,
    site: SiteDep,
    mailer: MailDep,
    form: FormDep,
) -> HTMLResponse:
    """Register; the answer is the same whether the address is new or already registered."""
    event_id = id_of(event)
    try:
        data = service.parse_for_event(
            db, event, from_form(form), form=form, honeypot=bool(form.get("website", "").strip())
        )
        result = service.register(db, event_id=event_id, data=data, now=now, site=site)
    except (Invalid, Conflict) as exc:
        db.rollback()
        event = db.get_one(Event, event_id)
        ctx = _form_context(db, event, now, form.get("invitation") or None)
        values = {k: v[:2000] for k, v in form.items() if k not in ("website",)}
        return _render_form(request, ctx, values, exc.fields, exc.message, exc.status_code)
    mailer.send(result.mails)
    if not data.email:
        return _done_by_phone(request, db, event_id, result, site)
    return templates.TemplateResponse(
        request,
        "registrations/done.html",
        {"event": db.get(Event, event_id), "message": _(NEUTRAL_DONE).format(email=data.email)},
    )


def _done_by_phone(request: Request, db: DbDep, event_id: int, result: Any, site: Any) -> HTMLResponse:
    """Registered by phone: no letter can carry the code, so this page shows it — once, to whoever
    made the registration. A phone already registered gets no name, code or link of anyone."""
    reg = result.registration if result.created else None
    ctx: dict[str, Any] = {"event": db.get(Event, event_id), "reg": reg}
    if reg is not None:
        event = db.get_one(Event, event_id)
        code = site.checkin_code(reg)
        ctx |= {
            "code": code,
            "qr": "data:image/png;base64," + base64.b64encode(qr_png(site.checkin_url(event, reg))).decode(),
            "private_url": site.private_url(reg),
        }
    response = templates.TemplateResponse(request, "registrations/done_phone.html", ctx)
    response.headers.update(PRIVATE_HEADERS)
    return response


# --- the private page ---


def _private_context(db: DbDep, reg: Any, site: Any, now: Any) -> dict[str, Any]:
    event = db.get_one(Event, reg.event_id)
    org = db.get(Organisation, reg.organisation_id) if reg.organisation_id else None
    return {
        "reg": reg,
        "event": event,
        "org": org,
        "org_label": service.organisation_label(org) if org else (reg.organisation_name or ""),
        "calendar_url": service.calendar_url(db, site, reg, create=False),  # a read: issued on registering
        # The event page's "add to calendar" buttons (Google, Outlook, subscribe), for public events.
        "calendar_links": calendar_links(event, site.base_url) if event.status in PUBLIC_EVENT_STATUSES else None,
        "can_change": reg.status in service.CANCELLABLE and event.end_at > now and event.status != "cancelled",
        "directory": [(o, service.organisation_label(o)) for o in service.directory(db)],
        "choices": choices(),
        "invited": reg.invitation_id is not None,
        "invitation_org": org if reg.invitation_id else None,
        **event_form(db, event),
        "surveys": surveys.open_surveys(db, reg),
    }


def _private_response(request: Request, ctx: dict[str, Any], status: int = 200, **extra: Any) -> HTMLResponse:
    response = templates.TemplateResponse(request, "registrations/private.html", {**ctx, **extra}, status_code=status)
    response.headers.update(PRIVATE_HEADERS)
    return response


def _values(db: Any, reg: Any, org_label: str) -> dict[str, str]:
    event = db.get_one(Event, reg.event_id)
    return questions.form_values(questions.questions(db, event), reg.answers or {}) | {
        "age_group": reg.age_group or "",
        "disability": reg.disability or "",
        "travel_region": reg.travel_region or "",
        "travel_district": reg.travel_district or "",
        "arrival_date": reg.arrival_date.isoformat() if reg.arrival_date else "",
        "departure_date": reg.departure_date.isoformat() if reg.departure_date else "",
        "accommodation": "" if reg.accommodation is None else ("yes" if reg.accommodation else "no"),
        "full_name": reg.full_name,
        "phone": format_phone(reg.phone),
        "organisation": org_label if reg.organisation_id else "",
        "organisation_other": reg.organisation_name or "",
        "position": reg.position or "",
        "category": reg.category,
        "outlet": reg.outlet or "",
        "region": reg.region or "",
        "gender": reg.gender if reg.gender in GENDER_CHOICES else "",
        "accessibility_needs": reg.accessibility_needs or "",
        "language": reg.language,
    }


@router.get("/r/{token}")
def private_page(
    request: Request, token: str, db: DbDep, site: SiteDep, now: NowDep, done: str | None = None
) -> HTMLResponse:
    """A participant's own registration: view, change, cancel, calendar."""
    reg = service.registration_by_token(db, token)
    ctx = _private_context(db, reg, site, now)
    return _private_response(
        request,
        ctx,
        values=_values(db, reg, ctx["org_label"]),
        errors={},
        token=token,
        done=done if done in ("saved", "cancelled", "calendar") else None,
    )


@router.post("/r/{token}")
def private_update(request: Request, token: str, db: DbDep, site: SiteDep, now: NowDep, form: FormDep) -> Response:
    """Save changed details."""
    reg = service.registration_by_token(db, token)
    try:
        service.update_details(db, reg=reg, form=form, now=now)
    except (Invalid, Conflict) as exc:
        db.rollback()  # the form is shown again from what is stored
        reg = service.registration_by_token(db, token)
        ctx = _private_context(db, reg, site, now)
        return _private_response(
            request,
            ctx,
            status=exc.status_code,
            values={k: v[:2000] for k, v in form.items()},
            errors=exc.fields,
            message=exc.message,
            token=token,
            done=None,
        )
    return RedirectResponse(f"/r/{token}?done=saved", status_code=303, headers=PRIVATE_HEADERS)


@router.post("/r/{token}/cancel")
def private_cancel(request: Request, token: str, db: DbDep, site: SiteDep, now: NowDep, mailer: MailDep) -> Response:
    """Cancel; the place goes to the first on the waiting list."""
    reg = service.registration_by_token(db, token)
    reg_id, event_id = id_of(reg), reg.event_id
    try:
        result = service.cancel(db, event_id=event_id, registration_id=reg_id, now=now, site=site)
    except Conflict as exc:
        db.rollback()  # the form is shown again from what is stored
        reg = service.registration_by_token(db, token)
        ctx = _private_context(db, reg, site, now)
        return _private_response(
            request,
            ctx,
            status=exc.status_code,
            values=_values(db, reg, ctx["org_label"]),
            errors={},
            message=exc.message,
            token=token,
            done=None,
        )
    mailer.send(result.mails)
    return RedirectResponse(f"/r/{token}?done=cancelled", status_code=303, headers=PRIVATE_HEADERS)


@router.post("/r/{token}/calendar")
def private_calendar_reset(request: Request, token: str, db: DbDep, site: SiteDep, now: NowDep) -> Response:
    """A new personal calendar link; the old one stops working."""
    reg = service.registration_by_token(db, token)
    try:
        renewal.refuse_if_closed(reg)
    except Conflict as exc:
        return _refused(request, db, reg, site, now, token, exc)
    service.reset_calendar_link(db, reg=reg, site=site)
    return RedirectResponse(f"/r/{token}?done=calendar", status_code=303, headers=PRIVATE_HEADERS)


@router.post("/r/{token}/renew")
def private_link_renew(
    request: Request, token: str, db: DbDep, site: SiteDep, now: NowDep, mailer: MailDep
) -> Response:
    """A new private link, sent to the registration's address; this one stops working."""
    reg = service.registration_by_token(db, token)
    try:
        message_id = renewal.renew_private_link(db, reg=reg, site=site, now=now)
    except Conflict as exc:
        return _refused(request, db, reg, site, now, token, exc)
    mailer.send([message_id])
    event = db.get_one(Event, reg.event_id)
    message = _("Мы отправили новую личную ссылку на ваш адрес. Прежняя ссылка больше не работает.")
    response = templates.TemplateResponse(request, "registrations/done.html", {"event": event, "message": message})
    response.headers.update(PRIVATE_HEADERS)
    return response


def _refused(request: Request, db: Any, reg: Any, site: Any, now: Any, token: str, exc: Conflict) -> HTMLResponse:
    ctx = _private_context(db, reg, site, now)
    return _private_response(
        request, ctx, status=exc.status_code, values=_values(db, reg, ctx["org_label"]), errors={},
        message=exc.message, token=token, done=None,
    )  # fmt: skip


@router.get("/r/{token}/event.ics")
def private_ics(token: str, db: DbDep, site: SiteDep, now: NowDep) -> Response:
    """The event as a calendar file to import (PUBLISH: no attendee, no private link)."""
    reg = service.registration_by_token(db, token)
    event = db.get_one(Event, reg.event_id)
    body = render_invitation(
        event,
        method="PUBLISH",
        base_url=site.base_url,
        prodid=f"-//{site.site_name}//eventhub {__version__}//RU",
        now=now,
        organizer_email=site.from_address,
        organizer_name=site.site_name,
        sequence=max(event.sequence, reg.ics_sequence or 0),  # never older than the invitation they hold
    )
    headers = {**PRIVATE_HEADERS, "Content-Disposition": content_disposition("attachment", f"{event.slug}.ics")}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)
