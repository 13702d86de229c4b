"""The report as XLSX (one sheet per table with a native chart, every cross-tab, a flat sheet
of unique persons for the funder's own pivot tables) and that flat sheet as CSV.

Numbers are numbers, dates are dates (never text), every table has a filter on its header
row; text that a spreadsheet would run as a formula stays text (registrations/exports.py)."""

import csv
import io
from datetime import date
from typing import TYPE_CHECKING

from eventhub.core.i18n import _
from eventhub.core.text import xml_text
from eventhub.registrations.exports import RISKY_START, neutralise
from eventhub.reports.service import DIMENSIONS, DIMS, MEASURES, CrossTab, Report, show_phone

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


def person_header() -> list[str]:
    return [
        "№", _("ФИО"), "E-mail", _("Телефон"), _("Организация"),
        *[_(DIMENSIONS[k].title) for k in DIMS],
        _("Мероприятий"), _("Пришёл(ла), раз"), _("Первое мероприятие"), _("Последнее мероприятие"), _("Мероприятия"),
    ]  # fmt: skip


def person_rows(report: Report) -> list[list[object]]:
    events = {e.id: e for e in report.events}
    rows: list[list[object]] = []
    for n, p in enumerate(report.person_rows(), 1):
        days = [events[e].day for e in p.events]
        rows.append(
            [
                n, p.name, ", ".join(p.emails), ", ".join(show_phone(x) for x in p.phones), p.organisation,
                *[DIMENSIONS[k].label(v) for k, v in zip(DIMS, p.values, strict=True)],
                len(set(p.events)), p.attended, min(days), max(days),
                "; ".join(dict.fromkeys(events[e].title for e in p.events)),
            ]
        )  # fmt: skip
    return rows


def persons_csv(report: Report) -> bytes:
    """UTF-8 with BOM and `;`, as Excel in Russian opens it; dates as DD.MM.YYYY."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(person_header())
    for row in person_rows(report):
        writer.writerow(
            [v.strftime("%d.%m.%Y") if isinstance(v, date) else v if isinstance(v, int) else neutralise(v) for v in row]
        )
    return "\ufeff".encode() + buf.getvalue().encode("utf-8")


def put(ws: "Worksheet", row: int, column: int, value: object, *, bold: bool = False) -> None:
    from openpyxl.styles import Font

    cell = ws.cell(row=row, column=column)
    if isinstance(value, (int, float, date)) and not isinstance(value, bool):
        cell.value = value
        if isinstance(value, date):
            cell.number_format = "DD.MM.YYYY"
    else:
        raw = "" if value is None else str(value)
        cell.value = xml_text(raw)
        if raw.startswith(RISKY_START):
            cell.data_type = "s"
            cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)


def _table(ws: "Worksheet", top: int, header: list[str], rows: list[list[object]]) -> tuple[int, int]:
    """A table with a filter on its header; returns its last row and column."""
    from openpyxl.utils import get_column_letter

    for c, name in enumerate(header, 1):
        put(ws, top, c, name, bold=True)
    for r, values in enumerate(rows, top + 1):
        for c, value in enumerate(values, 1):
            put(ws, r, c, value)
    last_row, last_col = top + len(rows), len(header)
    ws.auto_filter.ref = f"A{top}:{get_column_letter(last_col)}{max(last_row, top)}"
    ws.column_dimensions["A"].width = 34
    for c in range(2, last_col + 1):
        ws.column_dimensions[get_column_letter(c)].width = 14
    ws.freeze_panes = ws.cell(row=top + 1, column=2)
    return last_row, last_col


def _bar_chart(
    ws: "Worksheet",
    title: str,
    top: int,
    last_row: int,
    first_col: int,
    last_col: int,
    anchor: str,
    *,
    stacked: bool = False,
) -> None:
    from openpyxl.chart import BarChart, Reference

    if last_row <= top:
        return
    chart = BarChart()
    chart.type = "bar"  # horizontal: long labels stay readable
    chart.title = title
    if stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    data = Reference(ws, min_col=first_col, max_col=last_col, min_row=top, max_row=last_row)
    cats = Reference(ws, min_col=1, min_row=top + 1, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.height = max(7.5, 0.6 * (last_row - top) + 3)
    chart.width = 18
    ws.add_chart(chart, anchor)


def sheet_name(title: str, used: set[str]) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    name = title[:31]
    n = 2
    while name.casefold() in used:
        suffix = f" {n}"
        name = title[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.casefold())
    return name


def _crosstab_rows(tab: CrossTab) -> tuple[list[str], list[list[object]]]:
    header = [f"{_(tab.rows.title)} \\ {_(tab.cols.title)}", *tab.col_labels, _("Итого")]
    rows: list[list[object]] = [
        [label, *cells, total] for label, cells, total in zip(tab.row_labels, tab.cells, tab.row_totals, strict=True)
    ]
    rows.append([_("Итого"), *tab.col_totals, tab.total])
    return header, rows


def to_xlsx(report: Report) -> bytes:
    # Imported here: openpyxl is 11 MB in every worker that would otherwise never export.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    used: set[str] = set()
    totals = report.totals

    ws = wb.active
    ws.title = sheet_name(_("Сводка"), used)
    put(ws, 1, 1, report.title)
    ws["A1"].font = Font(bold=True, size=13)
    figures = [
        (_("Мероприятий"), totals["events"]),
        (_("Из них прошли"), totals["held"]),
        (_("Регистраций"), totals["registrations"]),
        (_("Пришли"), totals["attended"]),
        (_("Уникальных участников"), totals["persons"]),
        (_("Уникальных участников, которые пришли"), totals["attended_persons"]),
        (_("Участвовали в нескольких мероприятиях"), totals["repeat_persons"]),
        (_("Неясных совпадений (проверить)"), totals["uncertain"]),
    ]
    _table(ws, 3, [_("Показатель"), _("Значение")], [list(f) for f in figures])
    ws.column_dimensions["A"].width = 44

    ws = wb.create_sheet(sheet_name(_("Мероприятия"), used))
    rows = [[e.title, e.day, e.registrations, e.attended, e.new_persons] for e in report.events]
    last, _c = _table(ws, 1, [_("Мероприятие"), _("Дата"), _("Регистрации"), _("Пришли"), _("Новые участники")], rows)
    ws.column_dimensions["A"].width = 50
    _bar_chart(ws, _("Явка по мероприятиям"), 1, last, 3, 4, "G2")

    for key in DIMS:
        one = report.one_way(key)
        ws = wb.create_sheet(sheet_name(_(one.dimension.title), used))
        header = [_(one.dimension.title), *[_(MEASURES[m]) for m in ("persons", "registrations", "attended")]]
        last, _c = _table(ws, 1, header, [list(r) for r in one.rows])
        _bar_chart(ws, _(one.dimension.title), 1, last, 2, 2, "F2")

    for tab in report.all_crosstabs("persons"):
        ws = wb.create_sheet(sheet_name(f"{_(tab.rows.title)} × {_(tab.cols.title)}", used))
        put(ws, 1, 1, _("Уникальные участники"), bold=True)
        header, rows = _crosstab_rows(tab)
        last, last_col = _table(ws, 2, header, rows)
        # the chart leaves out the totals row and column
        _bar_chart(ws, header[0], 2, last - 1, 2, last_col - 1, f"A{last + 3}", stacked=True)

    ws = wb.create_sheet(sheet_name(_("Участники"), used))
    _table(ws, 1, person_header(), person_rows(report))
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 28
    ws.column_dimensions["E"].width = 30
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
