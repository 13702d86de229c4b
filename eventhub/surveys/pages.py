"""The participant's side of a questionnaire: `/r/{token}/survey/{id}`, from their private
link (the after-event message and the private page link there)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eventhub.core.db import DbDep
from eventhub.core.errors import Conflict, Invalid
from eventhub.core.models import Event
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.surveys import service
from eventhub.templating import templates

router = APIRouter(route_class=UnitOfWorkRoute, default_response_class=HTMLResponse, include_in_schema=False)
HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def _page(
    request: Request, db: DbDep, token: str, survey_id: int, *, values: dict[str, list[str]] | None = None,
    errors: dict[str, str] | None = None, message: str | None = None, status: int = 200, done: bool = False,
) -> HTMLResponse:  # fmt: skip
    reg = service.registration_by_token(db, token)
    event = db.get_one(Event, reg.event_id)
    survey = service.survey_of(db, event, survey_id)
    qs = [(q, *service.text_of(q)) for q in service.questions(db, survey)]
    response = templates.TemplateResponse(
        request, "surveys/answer.html",
        {"event": event, "survey": survey, "questions": qs, "token": token, "values": values or {},
         "errors": errors or {}, "message": message, "done": done or service.answered(db, survey, reg)},
        status_code=status,
    )  # fmt: skip
    response.headers.update(HEADERS)
    return response


@router.get("/r/{token}/survey/{survey_id:int}")
def survey_page(request: Request, db: DbDep, token: str, survey_id: int, done: str | None = None) -> HTMLResponse:
    return _page(request, db, token, survey_id, done=done == "1")


@router.post("/r/{token}/survey/{survey_id:int}")
async def survey_answer(request: Request, db: DbDep, token: str, survey_id: int) -> Response:
    form = await request.form()
    values = {k: [str(v) for v in form.getlist(k)] for k in form.keys() if k.startswith("q")}
    reg = service.registration_by_token(db, token)
    survey = service.survey_of(db, db.get_one(Event, reg.event_id), survey_id)
    try:
        service.answer(db, survey=survey, reg=reg, form=values)
    except (Invalid, Conflict) as exc:
        db.rollback()  # nothing half-stored
        return _page(
            request, db, token, survey_id, values=values, errors=exc.fields, message=exc.message,
            status=exc.status_code,
        )  # fmt: skip
    return RedirectResponse(f"/r/{token}/survey/{survey_id}?done=1", status_code=303, headers=HEADERS)
