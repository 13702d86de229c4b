"""The papers of the day, as A4 PDFs (fpdf2 with the embedded DejaVu fonts): the sign-in sheet
per day, the per-diem sheet (also XLSX), name badges (8 per page), table tents and
certificates of attendance. Pure renderers: the caller gives the words (already in the
event's or the person's language) and the rows; no database inside."""

import io
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from eventhub.core.i18n import _
from eventhub.core.text import xml_text

FONTS = Path(__file__).resolve().parent.parent / "press" / "fonts"
FAMILY = "DejaVu"
ACCENT = (11, 92, 173)
MUTED = (85, 93, 102)


@dataclass(frozen=True)
class Header:
    """What every page names: the event, its date and place, and who stands behind it."""

    title: str
    when: str  # "14–15 мая 2030, Бишкек"
    lines: Sequence[str] = ()  # "Проект: …", "При поддержке: …", "Организаторы: …"
    language: str = "ru"


def _pdf(header: Header, *, landscape: bool = False) -> "_Paper":
    pdf = _Paper(orientation="L" if landscape else "P", format="A4", unit="mm")
    pdf.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_title(header.title)
    pdf.set_lang(header.language)
    pdf.set_creator("eventhub")
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, margin=14)
    pdf.header_obj = header
    return pdf


class _Paper(FPDF):
    header_obj: Header | None = None
    show_header = True
    page_label = ""

    def header(self) -> None:
        h = self.header_obj
        if h is None or not self.show_header:
            return
        self.set_font(FAMILY, "B", 11)
        self.set_text_color(0, 0, 0)
        self.multi_cell(0, 5.5, h.title, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, "", 8.5)
        self.set_text_color(*MUTED)
        self.multi_cell(0, 4.2, " · ".join([h.when, *h.lines]), new_x="LMARGIN", new_y="NEXT")
        if self.page_label:
            self.set_font(FAMILY, "B", 10)
            self.set_text_color(*ACCENT)
            self.cell(0, 6, self.page_label, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(1.5)

    def footer(self) -> None:
        if not self.show_header:
            return
        self.set_y(-10)
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 4, f"{self.page_no()}/{{nb}}", align="R")


def _wrap(text: str) -> str:
    # fpdf2 breaks lines at spaces; a name without any ("Abdykadyrovakyzy…") must break too.
    words = []
    for word in (text or "").split(" "):
        while len(word) > 28:
            words.append(word[:28])
            word = word[28:]
        words.append(word)
    return xml_text(" ".join(words))


# --- the sign-in sheet ---


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: float  # relative


def sign_in_sheet(
    header: Header, day_label: str, columns: Sequence[Column], rows: Sequence[dict[str, str]], *, blank: int = 5
) -> bytes:
    """№, name, the chosen columns and a signature box per person; `blank` empty rows for
    walk-ins. Landscape when the columns need it."""
    pdf = _pdf(header, landscape=len(columns) > 4)
    pdf.page_label = day_label
    pdf.add_page()
    heads = ["№", _("ФИО"), *(c.title for c in columns), _("Подпись")]
    widths = (8, 46, *(c.width for c in columns), 30)
    pdf.set_font(FAMILY, "", 9)
    with pdf.table(
        col_widths=widths,
        line_height=5.2,
        headings_style=FontFace(emphasis="BOLD", fill_color=(232, 238, 246)),
        padding=1.2,
        repeat_headings=1,
        text_align="LEFT",
    ) as table:
        head = table.row()
        for text in heads:
            head.cell(text)
        for n, row in enumerate(rows, 1):
            cells = table.row()
            cells.cell(str(n))
            cells.cell(_wrap(row.get("full_name", "")))
            for c in columns:
                cells.cell(_wrap(row.get(c.key, "")))
            cells.cell("\n")  # room to sign
        for n in range(len(rows) + 1, len(rows) + 1 + blank):
            cells = table.row()
            for text in [str(n)] + [""] * (len(heads) - 1):
                cells.cell(text or "\n")
    return bytes(pdf.output())


# --- the per-diem sheet ---


@dataclass(frozen=True)
class PerDiemRow:
    full_name: str
    travelling_from: str
    days: int
    rate: Decimal

    @property
    def total(self) -> Decimal:
        return self.rate * self.days


def money(value: Decimal) -> str:
    """1 500,00 — as a cashier in the region writes it."""
    whole, _dot, cents = f"{value:.2f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    return " ".join([whole, *groups]).replace("- ", "-") + "," + cents


PER_PAGE = 18


def per_diem_pdf(header: Header, rows: Sequence[PerDiemRow], currency: str) -> bytes:
    """Name, travelling from, days, rate, total, signature; a total under every page and the
    overall total at the end."""
    pdf = _pdf(header)
    pdf.page_label = _("Ведомость выплаты суточных (%(currency)s)") % {"currency": currency}
    pdf.set_auto_page_break(False)
    heads = ["№", _("ФИО"), _("Откуда"), _("Дней"), _("Ставка"), _("Сумма"), _("Подпись")]
    widths = (8, 48, 36, 12, 20, 24, 38)
    chunks = [rows[i : i + PER_PAGE] for i in range(0, len(rows), PER_PAGE)] or [[]]
    overall = Decimal(0)
    number = 0
    for i, chunk in enumerate(chunks):
        pdf.add_page()
        pdf.set_font(FAMILY, "", 8.5)
        page_total = sum((r.total for r in chunk), Decimal(0))
        overall += page_total
        with pdf.table(
            col_widths=widths,
            line_height=5,
            headings_style=FontFace(emphasis="BOLD", fill_color=(232, 238, 246)),
            padding=1.2,
            text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
        ) as table:
            head = table.row()
            for text in heads:
                head.cell(text)
            for r in chunk:
                number += 1
                cells = table.row()
                for text in (
                    str(number),
                    _wrap(r.full_name),
                    _wrap(r.travelling_from),
                    str(r.days),
                    money(r.rate),
                    money(r.total),
                    "\n",
                ):
                    cells.cell(text)
            bold = FontFace(emphasis="BOLD")
            total_row = table.row(style=bold)
            total_row.cell(_("Итого по странице"), colspan=5)
            total_row.cell(money(page_total))
            total_row.cell("")
            if i == len(chunks) - 1:
                last = table.row(style=bold)
                last.cell(_("Итого по ведомости"), colspan=5)
                last.cell(money(overall))
                last.cell("")
        if i == len(chunks) - 1:
            pdf.ln(8)
            pdf.set_font(FAMILY, "", 9)
            pdf.cell(0, 6, _("Выдал: ____________________        Проверил: ____________________"))
    return bytes(pdf.output())


def per_diem_xlsx(header: Header, rows: Sequence[PerDiemRow], currency: str) -> bytes:
    from openpyxl import Workbook  # imported here, as in exports
    from openpyxl.styles import Font

    from eventhub.registrations.exports import _cell

    wb = Workbook()
    ws = wb.active
    ws.title = _("Суточные")
    _cell(ws, 1, 1, header.title).font = Font(bold=True, size=12)
    _cell(ws, 2, 1, header.when)
    heads = [
        "№",
        _("ФИО"),
        _("Откуда"),
        _("Дней"),
        _("Ставка") + f", {currency}",
        _("Сумма") + f", {currency}",
        _("Подпись"),
    ]
    for col, text in enumerate(heads, 1):
        _cell(ws, 4, col, text).font = Font(bold=True)
    r = 4
    for n, row in enumerate(rows, 1):
        r += 1
        for col, value in enumerate(
            (n, row.full_name, row.travelling_from, row.days, float(row.rate), float(row.total), ""), 1
        ):
            _cell(ws, r, col, value)
        ws.cell(row=r, column=5).number_format = "#,##0.00"
        ws.cell(row=r, column=6).number_format = "#,##0.00"
    total = ws.cell(row=r + 1, column=6)
    total.value = f"=SUM(F5:F{r})" if rows else 0
    total.number_format = "#,##0.00"
    total.font = Font(bold=True)
    _cell(ws, r + 1, 2, _("Итого по ведомости")).font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (5, 34, 28, 8, 12, 14, 20), strict=True):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- badges, table tents, certificates ---


@dataclass(frozen=True)
class Person:
    full_name: str
    organisation: str = ""
    category: str = ""
    qr: str | None = None  # what the badge's QR code holds (the check-in address)
    code: str = ""


def _qr(pdf: FPDF, value: str, x: float, y: float, size: float) -> None:
    import segno  # imported here, as in the outbox

    buf = io.BytesIO()
    segno.make(value, error="m").save(buf, kind="png", scale=4, border=1)
    buf.seek(0)
    pdf.image(buf, x=x, y=y, w=size, h=size)


def _fit(pdf: FPDF, text: str, width: float, start: float, smallest: float, style: str = "B") -> None:
    """The largest font size (from `start` down to `smallest`) at which `text`'s longest word fits."""
    size = start
    longest = max((text or "").split() or [""], key=len)
    while size > smallest:
        pdf.set_font(FAMILY, style, size)
        if pdf.get_string_width(longest) <= width:
            break
        size -= 1
    pdf.set_font(FAMILY, style, size)


def badges(header: Header, people: Sequence[Person]) -> bytes:
    """8 badges a page (2 × 4, 105 × 74 mm, cut along the lines): name large, organisation,
    category, QR code."""
    pdf = _pdf(header)
    pdf.show_header = False
    pdf.set_auto_page_break(False)
    w, h = 105.0, 74.25
    for i, person in enumerate(people):
        if i % 8 == 0:
            pdf.add_page()
        col, row = i % 2, (i % 8) // 2
        x, y = col * w, row * h
        pdf.set_draw_color(190, 190, 190)
        pdf.rect(x, y, w, h)
        pdf.set_xy(x + 6, y + 5)
        pdf.set_font(FAMILY, "", 7.5)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(w - 12, 3.6, _wrap(header.title), align="L", new_x="LEFT", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        text_width = w - 12 - (26 if person.qr else 0)
        pdf.set_xy(x + 6, y + 20)
        _fit(pdf, person.full_name, text_width, 20, 11)
        pdf.multi_cell(text_width, pdf.font_size * 1.2, _wrap(person.full_name), align="L", new_x="LEFT", new_y="NEXT")
        pdf.set_font(FAMILY, "", 10)
        pdf.set_x(x + 6)
        pdf.ln(1)
        pdf.set_x(x + 6)
        pdf.multi_cell(text_width, 4.6, _wrap(person.organisation), align="L", new_x="LEFT", new_y="NEXT")
        if person.category:
            pdf.set_xy(x, y + h - 11)
            pdf.set_fill_color(*ACCENT)
            pdf.set_text_color(255, 255, 255)
            pdf.set_font(FAMILY, "B", 10)
            pdf.cell(w, 11, person.category.upper(), align="C", fill=True)
            pdf.set_text_color(0, 0, 0)
        if person.qr:
            _qr(pdf, person.qr, x + w - 30, y + 20, 24)
            pdf.set_font(FAMILY, "", 6.5)
            pdf.set_xy(x + w - 31, y + 45)
            pdf.cell(26, 3, person.code, align="C")
    if not people:
        pdf.add_page()
    return bytes(pdf.output())


def table_tents(header: Header, people: Sequence[Person]) -> bytes:
    """One A4 (landscape) per person, folded along the middle: the name and organisation on both
    halves, the upper one upside down, readable from across the room."""
    pdf = _pdf(header, landscape=True)
    pdf.show_header = False
    pdf.set_auto_page_break(False)
    for person in people or [Person("")]:
        pdf.add_page()
        half = pdf.h / 2
        pdf.set_draw_color(200, 200, 200)
        pdf.set_dash_pattern(dash=2, gap=2)
        pdf.line(0, half, pdf.w, half)
        pdf.set_dash_pattern()
        for upper in (True, False):
            with pdf.rotation(180, pdf.w / 2, half / 2) if upper else nullcontext():
                pdf.set_xy(15, (0 if upper else half) + half / 2 - 22)
                _fit(pdf, person.full_name, pdf.w - 30, 54, 26)
                pdf.multi_cell(
                    pdf.w - 30,
                    pdf.font_size * 1.15,
                    _wrap(person.full_name),
                    align="C",
                    new_x="LMARGIN",
                    new_y="NEXT",
                )
                pdf.set_font(FAMILY, "", 22)
                pdf.set_text_color(*MUTED)
                pdf.set_x(15)
                pdf.multi_cell(pdf.w - 30, 10, _wrap(person.organisation), align="C")
                pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())


@dataclass(frozen=True)
class Certificate:
    full_name: str
    title: str  # "Сертификат участника"
    text: str  # "принял(а) участие в … 14–15 мая 2030 года, Бишкек"
    days_line: str  # "Дни участия: 14.05.2030, 15.05.2030"
    verify_url: str
    signers: Sequence[str] = field(default_factory=tuple)


def certificates(header: Header, items: Sequence[Certificate]) -> bytes:
    """One landscape page per person: the name, what they attended, on which days, and the
    address where anyone can check that the certificate is genuine."""
    pdf = _pdf(header, landscape=True)
    pdf.show_header = False
    pdf.set_auto_page_break(False)
    for item in items:
        pdf.add_page()
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(1.2)
        pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
        pdf.set_line_width(0.2)
        pdf.set_xy(20, 22)
        pdf.set_font(FAMILY, "", 10)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(pdf.w - 40, 5, " · ".join(header.lines), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*ACCENT)
        pdf.set_font(FAMILY, "B", 30)
        pdf.set_x(20)
        pdf.cell(pdf.w - 40, 20, item.title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(6)
        pdf.set_x(20)
        _fit(pdf, item.full_name, pdf.w - 40, 28, 16)
        pdf.multi_cell(pdf.w - 40, pdf.font_size * 1.2, _wrap(item.full_name), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font(FAMILY, "", 13)
        pdf.set_x(30)
        pdf.multi_cell(pdf.w - 60, 7, _wrap(item.text), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 10.5)
        pdf.set_x(30)
        pdf.multi_cell(pdf.w - 60, 6, item.days_line, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(pdf.h - 48)
        pdf.set_font(FAMILY, "", 10)
        for signer in item.signers:
            pdf.set_x(30)
            pdf.cell(pdf.w - 60, 6, f"{signer}: ______________________", align="R", new_x="LMARGIN", new_y="NEXT")
        _qr(pdf, item.verify_url, 22, pdf.h - 44, 24)
        pdf.set_xy(50, pdf.h - 30)
        pdf.set_font(FAMILY, "", 8.5)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(pdf.w - 80, 4.5, _("Проверить подлинность: %(url)s") % {"url": item.verify_url})
        pdf.set_text_color(0, 0, 0)
    if not items:
        pdf.add_page()
    return bytes(pdf.output())
