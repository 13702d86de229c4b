"""JSON API: registering (anonymous), and an event's registrations for its staff."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, PaginationDep
from eventhub.core.errors import Invalid
from eventhub.core.i18n import N_, _
from eventhub.core.models import id_of
from eventhub.core.schemas import ERROR_RESPONSES, ErrorResponse, Page
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.registrations import service
from eventhub.registrations.deps import MailDep, ManagedApiDep, PublicEventDep, RegistrationLimit, SiteDep
from eventhub.registrations.schemas import (
    CONSENT_TEXT,
    RegistrationAccepted,
    RegistrationCreate,
    RegistrationStaff,
    RegistrationValid,
)

router = APIRouter(route_class=UnitOfWorkRoute, tags=["registrations"], responses=ERROR_RESPONSES)

ACCEPTED = N_(
    "Заявка принята. На указанный адрес отправлено письмо со статусом регистрации и личной ссылкой; "
    "если этот адрес уже зарегистрирован, повторная регистрация не создана, а ссылка отправлена ещё раз."
)
MAX_BODY = 64 * 1024


async def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object (read in the event loop; the route runs in a thread)."""
    body = await request.body()
    if len(body) > MAX_BODY:
        raise Invalid(
            _("Слишком большой запрос"), fields={"request": _("не больше %(MAX_BODY)s байт") % {"MAX_BODY": MAX_BODY}}
        )
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Invalid(_("Тело запроса — не JSON"), fields={"request": _("ожидается объект JSON")}) from exc
    if not isinstance(data, dict):
        raise Invalid(_("Тело запроса — не объект JSON"), fields={"request": _("ожидается объект JSON")})
    return data


def _self_contained(schema: dict[str, Any]) -> dict[str, Any]:
    """A model's JSON Schema with its `$defs` (the enums) written in place: pasted into the OpenAPI
    document, `#/$defs/...` would point at the document's root, where nothing is."""
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if isinstance(ref := node.get("$ref"), str) and ref.startswith("#/$defs/"):
                rest = {k: v for k, v in node.items() if k != "$ref"}
                return inline(defs[ref.removeprefix("#/$defs/")]) | {k: inline(v) for k, v in rest.items()}
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    inlined: dict[str, Any] = inline(schema)
    return inlined


@router.post(
    "/events/{slug}/registrations",
    response_model=RegistrationAccepted | RegistrationValid,
    status_code=202,
    responses={
        200: {"model": RegistrationValid, "description": "dry_run: the form is valid, nothing stored"},
        409: {"model": ErrorResponse, "description": "registration closed, or the invitation's seats are used up"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _self_contained(RegistrationCreate.model_json_schema())}},
        }
    },
)
def api_register(
    _limit: RegistrationLimit,
    db: DbDep,
    event: PublicEventDep,
    now: NowDep,
    site: SiteDep,
    mailer: MailDep,
    data: Annotated[dict[str, Any], Depends(json_object)],
    dry_run: Annotated[bool, Query(description="only validate the form; store and send nothing")] = False,
) -> Any:
    """Register for an event. Anonymous. The answer is the same for a new address and for one
    already registered (whose owner gets their private link again by e-mail): it says nothing
    about anyone. The consent text the person agreed to is `consent_text` of
    `GET /api/v1/registrations/consent`."""
    form = service.parse_for_event(db, event, data)  # RegistrationCreate: unknown fields are refused too
    if dry_run:
        service.check_registration(db, event=event, data=form, now=now)
        return JSONResponse(RegistrationValid().model_dump(), status_code=200)
    event_id = id_of(event)
    result = service.register(db, event_id=event_id, data=form, now=now, site=site)
    mailer.send(result.mails)
    return RegistrationAccepted(message=_(ACCEPTED))


@router.get("/registrations/consent")
def api_consent_text() -> dict[str, str]:
    """The consent text a registration agrees to (stored with each registration)."""
    return {"consent_text": _(CONSENT_TEXT)}


@router.get("/events/{slug}/registrations", response_model=Page[RegistrationStaff])
def api_list_registrations(
    db: DbDep,
    managed: ManagedApiDep,
    page: PaginationDep,
    status: str | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[RegistrationStaff]:
    """The event's registrations with personal data: its organisers only (Bearer token)."""
    event, _user = managed
    rows = service.list_registrations(db, event, service.ListFilters(status=status or None, q=q or None))
    return Page(
        items=[RegistrationStaff.model_validate(reg) for reg, _org in rows[page.offset : page.offset + page.limit]],
        total=len(rows),
        offset=page.offset,
        limit=page.limit,
    )
