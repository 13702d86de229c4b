"""A press release as an A4 PDF for editors: a pure renderer (fpdf2, pure Python).

The Cyrillic font (DejaVu Sans, subset, in fonts/ beside this file) is embedded in every
file, so nothing needs to be installed on the server or the reader's machine. Takes the
loaded release and already formatted strings; no database, settings or clock inside."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace
from fpdf.util import Padding

from eventhub.core.contacts import LinkedContact
from eventhub.core.i18n import _
from eventhub.core.models import PressContact
from eventhub.core.text import format_phone

FONTS = Path(__file__).with_name("fonts")
FAMILY = "DejaVu"
ACCENT = (11, 92, 173)
MUTED = (85, 93, 102)


@dataclass(frozen=True)
class PdfRelease:
    """What the PDF shows, already in the reader's words (dates formatted by the caller)."""

    kind: str  # "Пресс-релиз"
    title: str
    lead: str | None
    body_html: str  # sanitised
    published: str  # "1 марта 2019 г."
    url: str
    event_lines: Sequence[str] = ()
    contacts: Sequence[PressContact | LinkedContact] = ()
    source_note: str | None = None
    created_at: datetime | None = None  # written into the file, so the same input gives the same bytes


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.footer_text, align="L")
        self.set_x(-30)
        self.cell(20, 5, f"{self.page_no()}/{{nb}}", align="R")


def render_pdf(doc: PdfRelease) -> bytes:
    """The release on A4: kind and date, title, lead, event, body, press contacts, address."""
    pdf = _Pdf(format="A4", unit="mm")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.add_font(FAMILY, "I", FONTS / "DejaVuSans-Oblique.ttf")
    pdf.add_font(FAMILY, "BI", FONTS / "DejaVuSans-BoldOblique.ttf")
    pdf.set_title(doc.title)
    pdf.set_lang("ru")
    pdf.set_creator("eventhub")
    if doc.created_at is not None:
        pdf.set_creation_date(doc.created_at)
    pdf.footer_text = doc.url
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(FAMILY, "B", 9)
    pdf.set_text_color(*ACCENT)
    pdf.cell(width / 2, 6, doc.kind.upper())
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(width / 2, 6, doc.published, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FAMILY, "B", 16)
    pdf.multi_cell(width, 7.5, doc.title, new_x="LMARGIN", new_y="NEXT", align="L")
    if doc.source_note:
        pdf.ln(1)
        pdf.set_font(FAMILY, "", 8)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(width, 4, doc.source_note, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_text_color(0, 0, 0)
    if doc.lead:
        pdf.ln(3)
        pdf.set_font(FAMILY, "B", 11)
        pdf.multi_cell(width, 5.6, doc.lead, new_x="LMARGIN", new_y="NEXT", align="L")
    if doc.event_lines:
        pdf.ln(3)
        pdf.set_fill_color(243, 245, 247)
        pdf.set_font(FAMILY, "", 9.5)
        pdf.multi_cell(
            width,
            5,
            "\n".join(doc.event_lines),
            fill=True,
            padding=Padding.new(2.5),
            new_x="LMARGIN",
            new_y="NEXT",
            align="L",
        )
    pdf.ln(3)
    pdf.set_font(FAMILY, "", 10.5)
    pdf.write_html(
        doc.body_html,
        font_family=FAMILY,
        li_prefix_color=(0, 0, 0),
        ul_bullet_char="•",
        tag_styles={
            "a": FontFace(color=ACCENT),
            "h2": FontFace(family=FAMILY, emphasis="BOLD", size_pt=13, color=(0, 0, 0)),
            "h3": FontFace(family=FAMILY, emphasis="BOLD", size_pt=11.5, color=(0, 0, 0)),
            "h4": FontFace(family=FAMILY, emphasis="BOLD", size_pt=10.5, color=(0, 0, 0)),
            "code": FontFace(family=FAMILY),
            "pre": FontFace(family=FAMILY),
        },
    )

    if doc.contacts:
        pdf.ln(4)
        pdf.set_font(FAMILY, "B", 12)
        pdf.cell(width, 7, _("Контакты для прессы"), new_x="LMARGIN", new_y="NEXT")
        for c in doc.contacts:
            organisation = c.organisation.name if c.organisation is not None else c.organisation_name
            lines = [c.name + (f", {organisation}" if organisation else "")]
            if c.role:
                lines.append(c.role)
            lines.extend(format_phone(p) for p in c.phones)
            if c.email:
                lines.append(c.email)
            if pdf.will_page_break(5 * len(lines) + 3):
                pdf.add_page()
            pdf.set_font(FAMILY, "B", 10)
            pdf.multi_cell(width, 5, lines[0], new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.set_font(FAMILY, "", 10)
            for line in lines[1:]:
                pdf.multi_cell(width, 5, line, new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(2)
    return bytes(pdf.output())
