"""Public pages of outcomes: the recommendations tracker, one recommendation with its history,
the Atom feed of status changes, and the recommendations document (PDF, DOCX) of an event.
Also what the event, organisation and project pages (public/) show of outcomes."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from xml.etree import ElementTree as ET

from babel.dates import format_date
from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from eventhub import labels
from eventhub.accounts.deps import OptionalUser
from eventhub.accounts.permissions import can_edit_event
from eventhub.core.db import DbDep
from eventhub.core.deps import SettingsDep
from eventhub.core.errors import NotFound
from eventhub.core.http import conditional_response
from eventhub.core.i18n import _, content, current_language
from eventhub.core.models import (
    ClosingReport,
    Event,
    EventRole,
    Material,
    MaterialKind,
    Organisation,
    Project,
    Recommendation,
    RecommendationAddressee,
    StaffUser,
)
from eventhub.core.text import content_disposition, xml_text
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.events.deps import get_event_or_404
from eventhub.outcomes import materials, service
from eventhub.outcomes.deps import RecommendationFiltersDep
from eventhub.outcomes.documents import DocGroup, DocItem, RecommendationsDocument, render_docx, render_pdf
from eventhub.outcomes.translations import STATUS_LABELS, status_label
from eventhub.templating import event_date_range, templates

router = APIRouter(route_class=UnitOfWorkRoute, default_response_class=HTMLResponse, include_in_schema=False)
RecId = Annotated[int, Path(ge=1, le=2_147_483_647)]
SlugPath = Annotated[str, Path(max_length=160)]
PER_PAGE = 30
ATOM_NS = "http://www.w3.org/2005/Atom"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def day(value: date | None, fmt: str = "long") -> str:
    """A date (no time, no zone) in the reader's language: «12 марта 2025 г.»."""
    return format_date(value, fmt, locale=current_language()) if value else ""


templates.env.filters["day"] = day
templates.env.globals["status_label"] = status_label


# --- what other pages show ---


@dataclass
class EventOutcomes:
    report: ClosingReport | None
    outcomes: list[Any]  # (session, outcome)
    recommendations: list[Recommendation]
    kinds: list[tuple[str, int]]
    photos: list[Material]
    documents: list[Material]


def event_outcomes(db: Session, event: Event) -> EventOutcomes | None:
    """The «Итоги» of the public event page: the published report, what each session produced,
    the public recommendations. None until the organiser publishes the report."""
    report = service.public_report(db, event)
    if report is None:
        return None
    kinds = sorted(report.organisation_kinds.items(), key=lambda kv: -kv[1])
    files = materials.event_materials(db, event, staff=False)
    return EventOutcomes(
        report=report,
        outcomes=service.recorded_outcomes(db, event),
        recommendations=service.event_recommendations(db, event, staff=False),
        kinds=[(labels.ORGANISATION_KIND.get(k) or k, n) for k, n in kinds],
        photos=[m for m in files if m.kind == MaterialKind.photo],
        documents=[m for m in files if m.kind == MaterialKind.document],
    )


def organisation_recommendations(db: Session, organisation: Organisation) -> list[Recommendation]:
    return service.for_organisation(db, organisation)


def project_recommendations(db: Session, project: Project) -> list[Recommendation]:
    return service.for_project(db, project)


# --- the tracker ---


@router.get("/recommendations")
def recommendations_page(request: Request, db: DbDep, filters: RecommendationFiltersDep, page: int = 1) -> HTMLResponse:
    """Every public recommendation with its status; filters and search."""
    page = max(1, min(page, 10_000))
    items, total = service.list_public_recommendations(db, filters, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    addressed = db.exec(
        select(Organisation)
        .where(col(Organisation.id).in_(select(RecommendationAddressee.organisation_id)))
        .order_by(Organisation.name)
    ).all()
    projects = db.exec(select(Project).order_by(Project.name)).all()
    return templates.TemplateResponse(
        request,
        "outcomes/tracker.html",
        {
            "items": items, "total": total, "filters": filters, "page": page,
            "pages": max(1, -(-total // PER_PAGE)), "organisations": addressed, "projects": projects,
            "years": service.public_years(db), "statuses": [(s.value, _(STATUS_LABELS[s])) for s in service.ORDER],
        },
    )  # fmt: skip


@router.get("/recommendations.atom", response_class=Response)
def recommendations_feed(request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """Atom: each step of a public recommendation (proposed, sent, accepted…) as an entry."""
    base = settings.base_url
    steps = service.recent_steps(db)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", current_language())
    ET.SubElement(feed, f"{{{ATOM_NS}}}id").text = f"{base}/recommendations.atom"
    ET.SubElement(feed, f"{{{ATOM_NS}}}title").text = xml_text(_("Рекомендации: изменения статусов"))
    updated = max((s.recorded_at for s in steps), default=datetime(2020, 1, 1, tzinfo=UTC))
    ET.SubElement(feed, f"{{{ATOM_NS}}}updated").text = updated.isoformat()
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", rel="self", href=f"{base}/recommendations.atom")
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", rel="alternate", href=f"{base}/recommendations")
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    ET.SubElement(author, f"{{{ATOM_NS}}}name").text = xml_text(settings.site_name)
    for step in steps:
        rec = step.recommendation
        entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        ET.SubElement(entry, f"{{{ATOM_NS}}}id").text = f"{base}/recommendations/{rec.id}#step-{step.id}"
        title = f"{status_label(step.status)}: {content(rec, 'text')}"
        ET.SubElement(entry, f"{{{ATOM_NS}}}title").text = xml_text(title if len(title) <= 200 else title[:199] + "…")
        ET.SubElement(entry, f"{{{ATOM_NS}}}updated").text = step.recorded_at.isoformat()
        ET.SubElement(entry, f"{{{ATOM_NS}}}published").text = datetime.combine(step.dated, time(), UTC).isoformat()
        ET.SubElement(entry, f"{{{ATOM_NS}}}link", rel="alternate", href=f"{base}/recommendations/{rec.id}")
        ET.SubElement(entry, f"{{{ATOM_NS}}}category", term=step.status, label=status_label(step.status))
        to = ", ".join(content(a.organisation, "name") for a in rec.addressees)
        summary = "\n".join(
            p for p in (content(rec, "text"), _("Кому: %(to)s") % {"to": to} if to else "", content(step, "note")) if p
        )
        ET.SubElement(entry, f"{{{ATOM_NS}}}summary").text = xml_text(summary)
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return conditional_response(
        request.headers, body, media_type="application/atom+xml; charset=utf-8", last_modified=updated,
        headers={"Cache-Control": "public, max-age=300"},
    )  # fmt: skip


@router.get("/recommendations/{rec_id}")
def recommendation_page(request: Request, db: DbDep, rec_id: RecId) -> HTMLResponse:
    """One public recommendation: its text, addressees, event and dated history."""
    rec = service.get_public_recommendation(db, rec_id)
    files = materials.recommendation_materials(db, rec_id)
    return templates.TemplateResponse(request, "outcomes/detail.html", {"rec": rec, "files": files})


# --- the document ministries receive ---


def recommendations_document(db: Session, event: Event, *, staff: bool, base_url: str) -> RecommendationsDocument:
    """The event's recommendations grouped by addressee, in the reader's language."""
    recs = service.event_recommendations(db, event, staff=staff)
    numbers = {r.id: i for i, r in enumerate(recs, 1)}
    groups = []
    for org, items in service.by_addressee(recs):
        heading = _("Кому: %(name)s") % {"name": content(org, "name")} if org is not None else _("Адресат не указан")
        groups.append(DocGroup(heading, [DocItem(numbers[r.id], content(r, "text"), _notes(r)) for r in items]))
    place = ", ".join(p for p in (event.venue_name, event.venue_address, event.city) if p)
    lines = [
        f"{labels.EVENT_KIND.get(event.kind, '')}: {content(event, 'title')}",
        _("Когда: %(event_date_range)s") % {"event_date_range": event_date_range(event)},
    ]
    if place:
        lines.append(_("Где: %(place)s") % {"place": place})
    organisers = [
        content(eo.organisation, "name")
        for eo in event.organisations
        if eo.role in (EventRole.organiser, EventRole.co_organiser)
    ]
    report = service.get_report(db, event) if staff else service.public_report(db, event)
    intro = None
    if report is not None and report.attendance:
        intro = _("Участвовали %(people)d человек из %(orgs)d организаций.") % {
            "people": report.attendance, "orgs": report.organisations_count or 0,
        }  # fmt: skip
    changed = max([event.updated_at, *(r.updated_at for r in recs), *(s.recorded_at for r in recs for s in r.history)])
    return RecommendationsDocument(
        kind=_("Рекомендации"),
        title=content(event, "title"),
        event_lines=lines,
        organisers=_("Организаторы: %(names)s") % {"names": ", ".join(organisers) or "—"},
        intro=intro,
        groups=groups,
        footer=f"{base_url}/events/{event.slug}",
        language=current_language(),
        empty=_("Рекомендаций пока нет."),
        created_at=changed,
    )


def _notes(rec: Recommendation) -> list[str]:
    notes = []
    if rec.session is not None:
        notes.append(_("Сессия: %(title)s") % {"title": content(rec.session, "title")})
    notes.append(
        _("Статус: %(status)s (%(date)s)") % {"status": status_label(rec.status), "date": day(rec.status_on)}
        if rec.status_on
        else _("Статус: %(status)s") % {"status": status_label(rec.status)}
    )
    if rec.due_on:
        notes.append(_("Срок: %(date)s") % {"date": day(rec.due_on)})
    return notes


def _document(request: Request, db: Session, user: StaffUser | None, slug: str, base_url: str, fmt: str) -> Response:
    event = get_event_or_404(db, user, slug)
    staff = can_edit_event(db, user, event)
    if not staff and service.public_report(db, event) is None:
        raise NotFound(_("У мероприятия «%(slug)s» нет опубликованных итогов") % {"slug": slug})
    doc = recommendations_document(db, event, staff=staff, base_url=base_url)
    body, media = (render_pdf(doc), "application/pdf") if fmt == "pdf" else (render_docx(doc), DOCX_TYPE)
    filename = f"{_('Рекомендации')} — {event.slug}.{fmt}"
    return conditional_response(
        request.headers, body, media_type=media, last_modified=doc.created_at,
        headers={
            "Content-Disposition": content_disposition("inline" if fmt == "pdf" else "attachment", filename),
            # The organisers' version holds staff-only recommendations: no shared cache keeps it.
            "Cache-Control": "private, no-store" if staff else "public, max-age=300",
            "Vary": "Cookie, Authorization",
        },
    )  # fmt: skip


@router.get("/events/{slug}/recommendations.pdf", response_class=Response)
def recommendations_pdf(
    request: Request, db: DbDep, slug: SlugPath, user: OptionalUser, settings: SettingsDep
) -> Response:
    """The recommendations document as PDF, in the reader's language (?lang=ky)."""
    return _document(request, db, user, slug, settings.base_url, "pdf")


@router.get("/events/{slug}/recommendations.docx", response_class=Response)
def recommendations_docx(
    request: Request, db: DbDep, slug: SlugPath, user: OptionalUser, settings: SettingsDep
) -> Response:
    """The same document as DOCX, for officials to edit in Word."""
    return _document(request, db, user, slug, settings.base_url, "docx")


# --- materials ---


def _file_response(request: Request, data: bytes, material: Material, public: bool, *, thumb: bool) -> Response:
    inline = material.kind == MaterialKind.photo or material.content_type == "application/pdf"
    name = f"{material.filename.rsplit('.', 1)[0]}-thumb.jpg" if thumb else material.filename
    return conditional_response(
        request.headers, data, media_type="image/jpeg" if thumb else material.content_type,
        etag=f'"{material.thumb_sha256 if thumb else material.sha256}"', last_modified=material.updated_at,
        headers={
            "Content-Disposition": content_disposition("inline" if inline or thumb else "attachment", name),
            # Staff-only files: for the organiser's browser only, never a shared cache.
            "Cache-Control": "public, max-age=86400" if public else "private, no-store",
            "X-Robots-Tag": "noindex" if not public else "all",
        },
    )  # fmt: skip


@router.get("/materials/{material_id}/thumb.jpg", response_class=Response)
def material_thumbnail(
    request: Request, db: DbDep, material_id: RecId, user: OptionalUser, settings: SettingsDep
) -> Response:
    material, public = materials.readable(db, material_id, user)
    if material.thumb_sha256 is None:
        raise NotFound(_("Файл не найден"))
    data = materials.storage(settings).read(material.thumb_sha256)
    return _file_response(request, data, material, public, thumb=True)


@router.get("/materials/{material_id}/{filename}", response_class=Response)
def material_file(
    request: Request, db: DbDep, material_id: RecId, filename: str, user: OptionalUser, settings: SettingsDep
) -> Response:
    """A material with its type, its (Cyrillic) name, ETag and caching; staff-only ones: 404
    for everyone but the event's organisers."""
    material, public = materials.readable(db, material_id, user)
    data = materials.storage(settings).read(material.sha256)
    return _file_response(request, data, material, public, thumb=False)
