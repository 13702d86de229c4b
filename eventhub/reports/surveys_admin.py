"""Staff pages of an event's feedback questionnaires: write one, open or close it, the
results with charts and the texts, the export (under /admin/events/{slug}/surveys)."""

import io
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eventhub.accounts.csrf import CsrfDep
from eventhub.core.db import DbDep
from eventhub.core.errors import Invalid
from eventhub.core.i18n import _
from eventhub.core.models import Event, Survey, SurveyQuestionKind
from eventhub.core.text import content_disposition
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.registrations.deps import ManagedDep
from eventhub.reports import charts
from eventhub.reports.admin import STAFF_HEADERS, XLSX
from eventhub.reports.exports import put, sheet_name
from eventhub.surveys import service
from eventhub.templating import templates

router = APIRouter(
    route_class=UnitOfWorkRoute,
    prefix="/admin/events/{slug}/surveys",
    default_response_class=HTMLResponse,
    include_in_schema=False,
)
FIELDS = (
    "title",
    "title_ky",
    "title_en",
    "intro",
    "phase",
    "anonymous",
    "questions_ru",
    "questions_ky",
    "questions_en",
)


def _render(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
    response = templates.TemplateResponse(request, f"surveys/admin/{name}", ctx, status_code=status)
    response.headers.update(STAFF_HEADERS)
    return response


def _list(
    request: Request, db: DbDep, event: Event, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> HTMLResponse:
    surveys = [(s, service.results(db, s)[0]) for s in service.surveys_of(db, event.id or 0)]
    return _render(
        request, "list.html",
        {"event": event, "surveys": surveys, "values": values, "errors": errors, "changes": service.pre_post(db, event.id or 0)},
        status,
    )  # fmt: skip


@router.get("")
def surveys_page(request: Request, db: DbDep, managed: ManagedDep) -> HTMLResponse:
    event, _user = managed
    return _list(request, db, event, {"phase": "post"}, {})


@router.post("")
async def survey_create(request: Request, db: DbDep, managed: ManagedDep, _csrf: CsrfDep) -> Response:
    event, _user = managed
    form = await request.form()
    values = {k: str(form.get(k) or "") for k in FIELDS}
    try:
        survey = service.create_survey(
            db, event=event, title=values["title"], phase=values["phase"], anonymous=bool(values["anonymous"]),
            intro=values["intro"].strip() or None,
            sources={"ru": values["questions_ru"], "ky": values["questions_ky"], "en": values["questions_en"]},
        )  # fmt: skip
    except Invalid as exc:
        db.rollback()
        return _list(request, db, db.get_one(Event, event.id), values, exc.fields | {"__all__": exc.message}, 422)
    survey.translations = {
        lang: {"title": values[f"title_{lang}"].strip()[:300]}
        for lang in ("ky", "en")
        if values[f"title_{lang}"].strip()
    }
    db.add(survey)
    return RedirectResponse(f"/admin/events/{event.slug}/surveys/{survey.id}", status_code=303)


def result_charts(survey: Survey, results: list[service.QuestionResult]) -> list[dict[str, Any]]:
    out = []
    for r in results:
        svg = None
        if r.question.kind != SurveyQuestionKind.text:
            svg = charts.stacked_bars(r.text, r.options, [(_("Ответы"), r.counts)], not_stated_last=False)
        out.append({"result": r, "svg": svg})
    return out


@router.get("/{survey_id:int}")
def survey_results(request: Request, db: DbDep, managed: ManagedDep, survey_id: int) -> HTMLResponse:
    event, _user = managed
    survey = service.survey_of(db, event, survey_id)
    total, results = service.results(db, survey)
    return _render(
        request,
        "results.html",
        {"event": event, "survey": survey, "total": total, "items": result_charts(survey, results)},
    )


@router.post("/{survey_id:int}/toggle")
def survey_toggle(db: DbDep, managed: ManagedDep, survey_id: int, _csrf: CsrfDep) -> Response:
    event, _user = managed
    survey = service.survey_of(db, event, survey_id)
    survey.is_open = not survey.is_open
    db.add(survey)
    return RedirectResponse(f"/admin/events/{event.slug}/surveys/{survey.id}", status_code=303)


@router.get("/{survey_id:int}/export.xlsx")
def survey_export(db: DbDep, managed: ManagedDep, survey_id: int) -> Response:
    """Per question: the counts (with a chart) and the texts; typed cells, filters on headers."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    event, _user = managed
    survey = service.survey_of(db, event, survey_id)
    total, results = service.results(db, survey)
    wb = Workbook()
    ws = wb.active
    used: set[str] = set()
    ws.title = sheet_name(_("Итоги"), used)
    for c, head in enumerate((_("Вопрос"), _("Ответ"), _("Число ответов"), _("Средняя оценка")), 1):
        put(ws, 1, c, head, bold=True)
    row = 2
    for r in results:
        for label, n in zip(r.options, r.counts, strict=True) if r.options else [("", r.answers)]:
            for c, value in enumerate((r.text, label, n, r.mean if r.mean is not None else ""), 1):
                put(ws, row, c, value)
            row += 1
    ws.auto_filter.ref = f"A1:D{max(row - 1, 1)}"
    ws.column_dimensions["A"].width = 50
    ws.column_dimensions["B"].width = 30
    for n, r in enumerate((r for r in results if r.question.kind != SurveyQuestionKind.text), 1):
        sheet = wb.create_sheet(sheet_name(f"{n}. {r.text}", used))
        put(sheet, 1, 1, _("Ответ"), bold=True)
        put(sheet, 1, 2, _("Число ответов"), bold=True)
        for i, (label, count) in enumerate(zip(r.options, r.counts, strict=True), 2):
            put(sheet, i, 1, label)
            put(sheet, i, 2, count)
        sheet.auto_filter.ref = f"A1:B{len(r.options) + 1}"
        chart = BarChart()
        chart.title = r.text[:200]
        chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=len(r.options) + 1), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(r.options) + 1))
        sheet.add_chart(chart, "D2")
    texts = wb.create_sheet(sheet_name(_("Тексты"), used))
    put(texts, 1, 1, _("Вопрос"), bold=True)
    put(texts, 1, 2, _("Ответ"), bold=True)
    row = 2
    for r in results:
        for text in r.texts:
            put(texts, row, 1, r.text)
            put(texts, row, 2, text)
            row += 1
    texts.auto_filter.ref = f"A1:B{max(row - 1, 1)}"
    out = io.BytesIO()
    wb.save(out)
    return Response(
        out.getvalue(), media_type=XLSX,
        headers={**STAFF_HEADERS, "Content-Disposition": content_disposition("attachment", f"{event.slug}-survey-{survey.id}.xlsx")},
    )  # fmt: skip
