"""Staff pages of the funders' report: /admin/reports (any events by filter and date range),
/admin/projects/{slug}/report, /admin/organisations/{slug}/report, the exports, and the
uncertain matches to confirm or split."""

from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from eventhub.accounts.csrf import CsrfDep
from eventhub.accounts.permissions import Action, require
from eventhub.admin.deps import AdminUser, done, render
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep
from eventhub.core.errors import Invalid
from eventhub.core.i18n import _
from eventhub.core.models import Organisation, Project, StaffUser
from eventhub.core.text import content_disposition
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.reports import charts, exports, service
from eventhub.reports.service import DIMENSIONS, MEASURES, Report, ReportFilters

router = APIRouter(route_class=UnitOfWorkRoute, default_response_class=HTMLResponse, include_in_schema=False)
STAFF_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTHS_OVER = 24  # more events than this: attendance is charted per month


def _filters(
    project: Annotated[str | None, Query(max_length=120)] = None,
    organisation: Annotated[str | None, Query(max_length=120)] = None,
    date_from: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=20)] = None,
    rows: Annotated[str, Query(max_length=40)] = "region",
    cols: Annotated[str, Query(max_length=40)] = "gender",
    measure: Annotated[str, Query(max_length=40)] = "persons",
) -> ReportFilters:
    return ReportFilters(project or None, organisation or None, date_from or None, date_to or None, rows, cols, measure)


FiltersDep = Annotated[ReportFilters, Depends(_filters)]


def _reporter(user: AdminUser) -> StaffUser:
    return require(user, Action.edit_events)  # organisers (their organisations' events) and admins


ReporterDep = Annotated[StaffUser, Depends(_reporter)]


def chart_data(report: Report) -> list[dict[str, Any]]:
    """The page's charts, each with the table of its numbers."""
    out = []
    for key in ("region", "organisation_kind"):
        tab = report.crosstab(key, "gender", "persons")
        series = [(label, [row[j] for row in tab.cells]) for j, label in enumerate(tab.col_labels)]
        title = _("Уникальные участники: %(dimension)s, по полу") % {"dimension": _(tab.rows.title).lower()}
        out.append({"title": title, "svg": charts.stacked_bars(title, tab.row_labels, series), "table": tab})
    lines = report.events
    if len(lines) > MONTHS_OVER:
        months: dict[str, list[int]] = {}
        for e in lines:
            m = months.setdefault(e.day.strftime("%m.%Y"), [0, 0])
            m[0] += e.registrations
            m[1] += e.attended
        labels, regs, came = list(months), [v[0] for v in months.values()], [v[1] for v in months.values()]
        title = _("Явка по месяцам")
    else:
        labels = [f"{e.day.strftime('%d.%m.%Y')} · {e.title[:40]}" for e in lines]
        regs, came = [e.registrations for e in lines], [e.attended for e in lines]
        title = _("Явка по мероприятиям")
    svg = charts.paired_bars(title, labels, (_("Зарегистрированы"), regs), (_("Пришли"), came))
    out.append({"title": title, "svg": svg, "attendance": list(zip(labels, regs, came, strict=True))})
    return out


def _choices(db: Session) -> dict[str, list[tuple[str, str]]]:
    projects = db.exec(select(Project.slug, Project.name).order_by(col(Project.name))).all()
    orgs = db.exec(select(Organisation.slug, Organisation.name).order_by(col(Organisation.name))).all()
    return {"projects": [(p[0], p[1]) for p in projects], "organisations": [(o[0], o[1]) for o in orgs]}


def report_page(
    request: Request, db: Session, user: StaffUser, filters: ReportFilters, now: Any, *, base: str
) -> HTMLResponse:
    """The report, or the filter form with what is wrong (422), nothing else."""
    context: dict[str, Any] = {
        "filters": filters, "base": base, "dimensions": DIMENSIONS, "measures": MEASURES, **_choices(db),
    }  # fmt: skip
    try:
        report = service.build(db, user, filters, now=now)
    except Invalid as exc:
        response = render(
            request, "reports/report.html", user, status_code=422, report=None, message=exc.message,
            errors=exc.fields, **context,
        )  # fmt: skip
    else:
        response = render(
            request, "reports/report.html", user, report=report, totals=report.totals, charts=chart_data(report),
            tab=report.crosstab(filters.rows, filters.cols, filters.measure),
            one_way=[report.one_way(k) for k in DIMENSIONS], qs=urlencode(filters.query()), **context,
        )  # fmt: skip
    response.headers.update(STAFF_HEADERS)
    return response


@router.get("/admin/reports")
def reports(request: Request, db: DbDep, user: ReporterDep, filters: FiltersDep, now: NowDep) -> HTMLResponse:
    """A report over any events: by project, organisation and date range."""
    return report_page(request, db, user, filters, now, base="/admin/reports")


@router.get("/admin/projects/{slug}/report")
def project_report(
    request: Request, db: DbDep, user: ReporterDep, filters: FiltersDep, now: NowDep, slug: str
) -> HTMLResponse:
    return report_page(request, db, user, _with(filters, project=slug), now, base=f"/admin/projects/{slug}/report")


@router.get("/admin/organisations/{slug}/report")
def organisation_report(
    request: Request, db: DbDep, user: ReporterDep, filters: FiltersDep, now: NowDep, slug: str
) -> HTMLResponse:
    return report_page(
        request, db, user, _with(filters, organisation=slug), now, base=f"/admin/organisations/{slug}/report"
    )


def _with(filters: ReportFilters, **values: str) -> ReportFilters:
    return ReportFilters(**(filters.__dict__ | values))


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={**STAFF_HEADERS, "Content-Disposition": content_disposition("attachment", filename)},
    )


def _filename(report: Report, ext: str) -> str:
    stem = report.filters.project or report.filters.organisation or "events"
    return f"report-{stem}.{ext}"


@router.get("/admin/reports/export.xlsx")
def export_xlsx(db: DbDep, user: ReporterDep, filters: FiltersDep, now: NowDep) -> Response:
    """Every table (one sheet each, with a chart), all cross-tabs, and the unique persons."""
    report = service.build(db, user, filters, now=now)
    return _download(exports.to_xlsx(report), XLSX, _filename(report, "xlsx"))


@router.get("/admin/reports/export.csv")
def export_csv(db: DbDep, user: ReporterDep, filters: FiltersDep, now: NowDep) -> Response:
    """The unique persons, one row each (the flat sheet of the XLSX)."""
    report = service.build(db, user, filters, now=now)
    return _download(exports.persons_csv(report), "text/csv; charset=utf-8", _filename(report, "csv"))


@router.get("/admin/reports/matches")
def matches(request: Request, db: DbDep, user: ReporterDep, filters: FiltersDep, now: NowDep) -> HTMLResponse:
    """Uncertain matches: the same person or two? Each answer is kept."""
    report = service.build(db, user, filters, now=now)
    response = render(
        request, "reports/matches.html", user, report=report, pairs=report.uncertain(),
        qs=urlencode(filters.query()), back=_back_url(filters),
    )  # fmt: skip
    response.headers.update(STAFF_HEADERS)
    return response


def _back_url(filters: ReportFilters) -> str:
    return f"/admin/reports?{urlencode(filters.query())}"


@router.post("/admin/reports/matches")
async def decide(request: Request, db: DbDep, user: ReporterDep, now: NowDep, _csrf: CsrfDep) -> Response:
    form = await request.form()
    query = urlencode(parse_qsl(str(form.get("query") or "")[:2000]))  # back to the same list, re-encoded
    try:
        a, b = int(str(form.get("a"))), int(str(form.get("b")))
        same = {"same": True, "different": False}[str(form.get("decision"))]
    except (ValueError, KeyError) as exc:
        raise Invalid(_("Неверный запрос")) from exc
    service.decide(db, user, registration_a=a, registration_b=b, same=same, now=now)
    message = _("Отмечено: один человек") if same else _("Отмечено: разные люди")
    return done(request, f"/admin/reports/matches?{query}" if query else "/admin/reports/matches", message)
