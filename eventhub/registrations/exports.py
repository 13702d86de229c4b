"""Participant lists as CSV (UTF-8 with BOM, `;` as Excel in Russian expects) and XLSX with a
statistics sheet. Pure: rows of text in, bytes out.

Formula injection: a cell that begins with = + - @ (or a tab / carriage return) could be run
as a formula by a spreadsheet. In CSV such cells get a leading apostrophe (OWASP's advice);
in XLSX they are written as text cells with Excel's quote prefix, so they show unchanged
and are never evaluated."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from eventhub.core.i18n import N_, _
from eventhub.core.text import xml_text

if TYPE_CHECKING:  # openpyxl is imported where it is used (see to_xlsx)
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

RISKY_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ExportRow:
    number: int
    full_name: str
    email: str
    phone: str
    organisation: str
    organisation_kind: str
    position: str
    category: str
    outlet: str
    region: str
    gender: str
    accessibility_needs: str
    status: str
    waitlist_position: str
    registered_at: str
    checked_in_at: str
    # The event's own columns (optional fields it asks, its questions, attendance per day):
    # header → text, in the same order on every row.
    extra: dict[str, str] = field(default_factory=dict)


HEADERS = {
    "number": "№",
    "full_name": N_("ФИО"),
    "email": "E-mail",
    "phone": N_("Телефон"),
    "organisation": N_("Организация"),
    "organisation_kind": N_("Вид организации"),
    "position": N_("Должность"),
    "category": N_("Категория"),
    "outlet": N_("СМИ"),
    "region": N_("Регион"),
    "gender": N_("Пол"),
    "accessibility_needs": N_("Особые потребности"),
    "status": N_("Статус"),
    "waitlist_position": N_("Место в листе ожидания"),
    "registered_at": N_("Зарегистрирован(а)"),
    "checked_in_at": N_("Отметка о приходе"),
}
COLUMNS = [f.name for f in fields(ExportRow) if f.name != "extra"]


def _extra_headers(rows: Sequence[ExportRow]) -> list[str]:
    return list(rows[0].extra) if rows else []


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(RISKY_START) else text


def to_csv(rows: Sequence[ExportRow]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    extra = _extra_headers(rows)
    writer.writerow([_(HEADERS[c]) for c in COLUMNS] + [neutralise(h) for h in extra])
    for row in rows:
        writer.writerow(
            [neutralise(getattr(row, c)) for c in COLUMNS] + [neutralise(row.extra.get(h, "")) for h in extra]
        )
    return "\ufeff".encode() + buf.getvalue().encode("utf-8")


def _cell(ws: "Worksheet", row: int, col: int, value: object) -> "Cell":
    cell = ws.cell(row=row, column=col)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
        return cell
    raw = "" if value is None else str(value)
    text = xml_text(raw)  # a worksheet is XML: openpyxl refuses the C0 controls XML forbids
    cell.value = text
    if raw.startswith(RISKY_START) or text.startswith(RISKY_START):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        cell.quotePrefix = True
    return cell


@dataclass
class StatsTable:
    title: str
    rows: list[tuple[str, int, int]]  # label, registered, attended


def to_xlsx(rows: Sequence[ExportRow], stats: Sequence[StatsTable], *, title: str) -> bytes:
    # Imported here: openpyxl is 11 MB in every worker that would otherwise never export.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = _("Участники")
    bold = Font(bold=True)
    extra = _extra_headers(rows)
    for col, name in enumerate(COLUMNS, 1):
        _cell(ws, 1, col, _(HEADERS[name])).font = bold
    for col, head in enumerate(extra, len(COLUMNS) + 1):
        _cell(ws, 1, col, head).font = bold
    for r, row in enumerate(rows, 2):
        for col, name in enumerate(COLUMNS, 1):
            value = getattr(row, name)
            _cell(ws, r, col, value if name == "number" else value)
        for col, head in enumerate(extra, len(COLUMNS) + 1):
            _cell(ws, r, col, row.extra.get(head, ""))
    widths = {"number": 5, "full_name": 30, "email": 28, "phone": 18, "organisation": 36, "position": 28}
    for col, name in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(name, 16)
    ws.freeze_panes = "B2"

    st = wb.create_sheet(_("Статистика"))
    _cell(st, 1, 1, title).font = Font(bold=True, size=13)
    r = 3
    for table in stats:
        _cell(st, r, 1, table.title).font = bold
        for col, head in enumerate((_("Зарегистрированы"), _("Пришли"), _("Явка, %%") % {}), 2):
            _cell(st, r, col, head).font = bold
        r += 1
        for label, registered, attended in table.rows:
            _cell(st, r, 1, label)
            _cell(st, r, 2, registered)
            _cell(st, r, 3, attended)
            _cell(st, r, 4, round(100 * attended / registered) if registered else 0)
            r += 1
        r += 1
    st.column_dimensions["A"].width = 44
    for letter in "BCD":
        st.column_dimensions[letter].width = 18
    for row in st.iter_rows():
        for cell in row:
            cell.alignment = Alignment(vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
