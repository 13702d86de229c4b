"""The document ministries receive: an event's recommendations grouped by addressee, as an
A4 PDF (fpdf2, the press release's fonts and approach) and as DOCX (python-docx: officials
edit in Word). Pure renderers: they take already translated and formatted strings."""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# The press release PDF's fonts (DejaVu Sans: Cyrillic, embedded, subset): a file path, not an import.
FONTS = Path(__file__).resolve().parent.parent / "press" / "fonts"
FAMILY = "DejaVu"
ACCENT = (11, 92, 173)
MUTED = (85, 93, 102)


@dataclass(frozen=True)
class DocItem:
    number: int
    text: str
    notes: Sequence[str] = ()  # "Сессия: …", "Статус: принята (12 марта 2025 г.)", "Срок: …"


@dataclass(frozen=True)
class DocGroup:
    addressee: str  # "Кому: Министерство юстиции Кыргызской Республики"
    items: Sequence[DocItem]


@dataclass(frozen=True)
class RecommendationsDocument:
    kind: str  # "Рекомендации"
    title: str  # the event's title
    event_lines: Sequence[str]  # kind, dates, place
    organisers: str  # "Организаторы: …"
    intro: str | None  # attendance, a sentence
    groups: Sequence[DocGroup]
    footer: str  # the event page's address
    language: str = "ru"
    empty: str = ""  # what to say when there is nothing
    created_at: datetime | None = field(default=None)  # written into the file: the same input, the same bytes


def render_pdf(doc: RecommendationsDocument) -> bytes:
    from fpdf import FPDF  # fpdf and Pillow: loaded on the first document

    class _Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FAMILY, size=7.5)
            self.set_text_color(*MUTED)
            self.cell(0, 5, doc.footer, align="L")
            self.set_x(-30)
            self.cell(20, 5, f"{self.page_no()}/{{nb}}", align="R")

    pdf = _Pdf(format="A4", unit="mm")
    pdf.set_margins(20, 16, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.add_font(FAMILY, "I", FONTS / "DejaVuSans-Oblique.ttf")
    pdf.set_title(f"{doc.kind}: {doc.title}")
    pdf.set_lang(doc.language)
    pdf.set_creator("eventhub")
    if doc.created_at is not None:
        pdf.set_creation_date(doc.created_at)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(FAMILY, "B", 9)
    pdf.set_text_color(*ACCENT)
    pdf.cell(width, 6, doc.kind.upper(), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FAMILY, "B", 15)
    pdf.multi_cell(width, 7.2, doc.title, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 9.5)
    pdf.set_fill_color(243, 245, 247)
    lines = [*doc.event_lines, doc.organisers]
    pdf.multi_cell(width, 5, "\n".join(lines), fill=True, new_x="LMARGIN", new_y="NEXT", align="L")
    if doc.intro:
        pdf.ln(3)
        pdf.set_font(FAMILY, "", 10.5)
        pdf.multi_cell(width, 5.4, doc.intro, new_x="LMARGIN", new_y="NEXT", align="L")
    if not doc.groups:
        pdf.ln(4)
        pdf.set_font(FAMILY, "I", 10.5)
        pdf.multi_cell(width, 5.4, doc.empty, new_x="LMARGIN", new_y="NEXT", align="L")
    for group in doc.groups:
        pdf.ln(4)
        if pdf.will_page_break(20):
            pdf.add_page()
        pdf.set_font(FAMILY, "B", 12)
        pdf.set_text_color(*ACCENT)
        pdf.multi_cell(width, 6.2, group.addressee, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_text_color(0, 0, 0)
        for item in group.items:
            pdf.ln(1.5)
            pdf.set_font(FAMILY, "B", 10.5)
            pdf.cell(8, 5.4, f"{item.number}.")
            pdf.set_font(FAMILY, "", 10.5)
            pdf.multi_cell(width - 8, 5.4, item.text, new_x="LMARGIN", new_y="NEXT", align="L")
            if item.notes:
                pdf.set_x(pdf.l_margin + 8)
                pdf.set_font(FAMILY, "", 8.5)
                pdf.set_text_color(*MUTED)
                pdf.multi_cell(width - 8, 4.4, "\n".join(item.notes), new_x="LMARGIN", new_y="NEXT", align="L")
                pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())


def render_docx(doc: RecommendationsDocument) -> bytes:
    """The same document as a Word file: headings and numbered paragraphs officials can edit."""
    from docx import Document
    from docx.shared import Pt, RGBColor

    out = Document()
    style = out.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    props = out.core_properties
    props.title = f"{doc.kind}: {doc.title}"
    props.language = doc.language
    props.author = "eventhub"
    if doc.created_at is not None:
        props.created = doc.created_at.replace(tzinfo=None)
        props.modified = doc.created_at.replace(tzinfo=None)
    kicker = out.add_paragraph()
    run = kicker.add_run(doc.kind.upper())
    run.bold = True
    run.font.color.rgb = RGBColor(*ACCENT)
    out.add_heading(doc.title, level=1)
    for line in [*doc.event_lines, doc.organisers]:
        out.add_paragraph(line)
    if doc.intro:
        out.add_paragraph(doc.intro)
    if not doc.groups:
        out.add_paragraph(doc.empty).runs[0].italic = True
    for group in doc.groups:
        out.add_heading(group.addressee, level=2)
        for item in group.items:
            para = out.add_paragraph()
            para.add_run(f"{item.number}. ").bold = True
            para.add_run(item.text)
            for note in item.notes:
                small = out.add_paragraph().add_run(note)
                small.font.size = Pt(10)
                small.font.color.rgb = RGBColor(*MUTED)
    section = out.sections[0]
    section.footer.paragraphs[0].text = doc.footer
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
