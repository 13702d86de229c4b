"""The papers of the day, for organisers (/admin/events/{slug}/registrations/papers): sign-in
sheets per day with chosen columns, the per-diem sheet, badges, table tents, certificates; and
the certificate's public verification address and the participant's own download."""

import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from eventhub import labels as event_labels
from eventhub.accounts.scopes import registration_of
from eventhub.core import i18n
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep
from eventhub.core.errors import Conflict, NotFound
from eventhub.core.i18n import N_, _
from eventhub.core.models import (
    Event,
    EventOrganisation,
    Organisation,
    Project,
    Registration,
    RegistrationStatus,
    id_of,
)
from eventhub.core.text import content_disposition, format_phone
from eventhub.core.tokens import derive_token
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.registrations import attendance, labels, papers, questions, service
from eventhub.registrations.admin import STAFF_HEADERS, _render
from eventhub.registrations.deps import CheckinDep, ManagedDep, SiteDep
from eventhub.registrations.mail import CROCKFORD, LOOK_ALIKE, Site, crockford, crockford_code
from eventhub.templating import event_date_range, templates

S = RegistrationStatus
router = APIRouter(route_class=UnitOfWorkRoute, default_response_class=HTMLResponse, include_in_schema=False)
BASE = "/admin/events/{slug}/registrations/papers"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The sign-in sheet's optional columns: key, title, relative width. Phones only when chosen.
SIGN_IN_COLUMNS = {
    "organisation": (N_("Организация"), 44),
    "position": (N_("Должность"), 34),
    "gender": (N_("Пол"), 20),
    "region": (N_("Регион"), 28),
    "organisation_kind": (N_("Вид организации"), 28),
    "category": (N_("Категория"), 22),
    "phone": (N_("Телефон"), 28),
}
DEFAULT_COLUMNS = ("organisation", "position")


@contextmanager
def _language(lang: str) -> Iterator[None]:
    token = i18n.set_language(lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        i18n.reset_language(token)


def event_language(event: Event) -> str:
    return event.original_language if event.original_language in i18n.LANGUAGES else "ru"


def header(db: Session, event: Event) -> papers.Header:
    """The event, its dates and place, its project, funders and organisers (in the current language)."""
    lines: list[str] = []
    project = db.get(Project, event.project_id) if event.project_id else None
    if project:
        lines.append(
            _("Проект: %(name)s") % {"name": i18n.content(project, "short_name") or i18n.content(project, "name")}
        )
    roles: dict[str, list[str]] = {}
    for link, org in db.exec(
        select(EventOrganisation, Organisation)
        .join(Organisation, col(Organisation.id) == col(EventOrganisation.organisation_id))
        .where(EventOrganisation.event_id == event.id)
        .order_by(col(EventOrganisation.position))
    ):
        roles.setdefault(link.role, []).append(org.short_name or i18n.content(org, "name"))
    if roles.get("funder"):
        lines.append(_("При поддержке: %(names)s") % {"names": ", ".join(roles["funder"])})
    organisers = roles.get("organiser", []) + roles.get("co_organiser", [])
    if organisers:
        lines.append(_("Организаторы: %(names)s") % {"names": ", ".join(organisers)})
    when = event_date_range(event) + (f", {event.city}" if event.city else "")
    return papers.Header(i18n.content(event, "title"), when, lines, i18n.current_language())


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={**STAFF_HEADERS, "Content-Disposition": content_disposition("attachment", filename)},
    )


def _expected(db: Session, event: Event) -> list[tuple[Registration, Organisation | None]]:
    rows = [
        r
        for r in service.list_registrations(db, event, service.ListFilters())
        if r[0].status in (S.confirmed, S.attended)
    ]
    rows.sort(key=lambda r: (r[0].full_name.casefold(), id_of(r[0])))
    return rows


def _org_name(reg: Registration, org: Organisation | None) -> str:
    return (i18n.content(org, "name") if org else reg.organisation_name) or ""


@router.get(BASE)
def papers_page(request: Request, db: DbDep, managed: ManagedDep) -> HTMLResponse:
    """Which papers there are, the sign-in sheet's columns and day."""
    event, _user = managed
    settings = questions.form_settings(db, event)
    return _render(
        request,
        "papers.html",
        {
            "event": event,
            "days": attendance.days(event),
            "columns": [(k, _(title)) for k, (title, _w) in SIGN_IN_COLUMNS.items()],
            "defaults": DEFAULT_COLUMNS,
            "rate": settings.per_diem_rate,
            "currency": settings.per_diem_currency,
        },
    )


@router.get(BASE + "/sign-in.pdf")
def sign_in_pdf(
    db: DbDep,
    managed: CheckinDep,
    now: NowDep,
    day: Annotated[str | None, Query(max_length=10)] = None,
    cols: Annotated[list[str] | None, Query(max_length=20)] = None,
) -> Response:
    """The sign-in sheet of one day: the people expected, the chosen columns, a signature each."""
    event, _user = managed
    with _language(event_language(event)):
        the_day = attendance.day_for(event, now, day)
        chosen = [c for c in (cols if cols is not None else DEFAULT_COLUMNS) if c in SIGN_IN_COLUMNS]
        columns = [papers.Column(k, _(SIGN_IN_COLUMNS[k][0]), SIGN_IN_COLUMNS[k][1]) for k in chosen]
        rows = []
        for reg, org in _expected(db, event):
            rows.append(
                {
                    "full_name": reg.full_name,
                    "organisation": _org_name(reg, org),
                    "position": reg.position or "",
                    "gender": (labels.GENDER.get(reg.gender) or "") if reg.gender in ("female", "male") else "",
                    "region": (event_labels.REGION.get(reg.region) or "") if reg.region else "",
                    "organisation_kind": (event_labels.ORGANISATION_KIND.get(org.kind) or "") if org else "",
                    "category": labels.CATEGORY.get(reg.category) or "",
                    "phone": format_phone(reg.phone),
                }
            )
        n = attendance.days(event).index(the_day) + 1
        label = _("Лист регистрации участников · день %(n)s · %(date)s") % {
            "n": n,
            "date": the_day.strftime("%d.%m.%Y"),
        }
        body = papers.sign_in_sheet(header(db, event), label, columns, rows)
    return _download(body, PDF, f"{event.slug}-sign-in-{the_day.isoformat()}.pdf")


def per_diem_rows(db: Session, event: Event) -> tuple[list[papers.PerDiemRow], str]:
    """Those who came, the days they came (per the day marks; the whole event without them),
    and the organiser's rate per day."""
    settings = questions.form_settings(db, event)
    if settings.per_diem_rate is None:
        raise Conflict(_("Сначала укажите суточные в день в настройках формы"))
    marks = attendance.marks_of(db, event)
    every_day = len(attendance.days(event))
    rows = []
    for reg, _org in _expected(db, event):
        if reg.status != S.attended:
            continue
        days = len(marks.get(id_of(reg), {})) if settings.attendance_per_day else every_day
        place = ", ".join(
            p
            for p in (
                (event_labels.REGION.get(reg.travel_region or reg.region or "") or "")
                if (reg.travel_region or reg.region)
                else "",
                reg.travel_district or "",
            )
            if p
        )
        rows.append(papers.PerDiemRow(reg.full_name, place, days, Decimal(settings.per_diem_rate)))
    return rows, settings.per_diem_currency


@router.get(BASE + "/per-diem.pdf")
def per_diem_pdf(db: DbDep, managed: ManagedDep) -> Response:
    event, _user = managed
    with _language(event_language(event)):
        rows, currency = per_diem_rows(db, event)
        body = papers.per_diem_pdf(header(db, event), rows, currency)
    return _download(body, PDF, f"{event.slug}-per-diem.pdf")


@router.get(BASE + "/per-diem.xlsx")
def per_diem_xlsx(db: DbDep, managed: ManagedDep) -> Response:
    event, _user = managed
    with _language(event_language(event)):
        rows, currency = per_diem_rows(db, event)
        body = papers.per_diem_xlsx(header(db, event), rows, currency)
    return _download(body, XLSX, f"{event.slug}-per-diem.xlsx")


def _people(db: Session, event: Event, site: Site, *, qr: bool) -> list[papers.Person]:
    return [
        papers.Person(
            reg.full_name,
            _org_name(reg, org),
            labels.CATEGORY.get(reg.category) or "",
            site.checkin_url(event, reg) if qr else None,
            site.checkin_code(reg) if qr else "",
        )
        for reg, org in _expected(db, event)
    ]


@router.get(BASE + "/badges.pdf")
def badges_pdf(db: DbDep, managed: ManagedDep, site: SiteDep) -> Response:
    """Name badges, 8 to an A4 page, with the check-in QR code."""
    event, _user = managed
    with _language(event_language(event)):
        body = papers.badges(header(db, event), _people(db, event, site, qr=True))
    return _download(body, PDF, f"{event.slug}-badges.pdf")


@router.get(BASE + "/tents.pdf")
def tents_pdf(db: DbDep, managed: ManagedDep, site: SiteDep) -> Response:
    """Table tents for a round table: one folded A4 per person."""
    event, _user = managed
    with _language(event_language(event)):
        body = papers.table_tents(header(db, event), _people(db, event, site, qr=False))
    return _download(body, PDF, f"{event.slug}-table-tents.pdf")


# --- certificates ---


def _signature(site: Site, reg_id: int, key: str | None = None) -> str:
    digest = hashlib.sha256(derive_token(key or site.secret, "certificate", str(reg_id)).encode()).digest()
    return crockford(int.from_bytes(digest[:5]), 8)  # 40 bits


def certificate_code(site: Site, reg_id: int) -> str:
    return crockford_code(reg_id, _signature(site, reg_id))


def verify_url(site: Site, reg_id: int) -> str:
    return f"{site.base_url}/certificates/{certificate_code(site, reg_id)}"


def certificate(db: Session, event: Event, reg: Registration, site: Site) -> papers.Certificate:
    """The certificate in the person's language: what they attended and on which days."""
    with _language(reg.language):
        marks = sorted(attendance.marks_of(db, event).get(id_of(reg), {}))
        days = marks or attendance.days(event)
        where = f", {event.city}" if event.city else ""
        return papers.Certificate(
            full_name=reg.full_name,
            title=_("Сертификат участника"),
            text=_("принял(а) участие в мероприятии «%(title)s», %(when)s")
            % {"title": i18n.content(event, "title"), "when": event_date_range(event) + where},
            days_line=_("Дни участия: %(days)s") % {"days": ", ".join(d.strftime("%d.%m.%Y") for d in days)},
            verify_url=verify_url(site, id_of(reg)),
            signers=[_("Организатор")],
        )


def _attended(db: Session, event: Event) -> list[Registration]:
    return [reg for reg, _org in _expected(db, event) if reg.status == S.attended]


@router.get(BASE + "/certificates.pdf")
def certificates_pdf(db: DbDep, managed: ManagedDep, site: SiteDep) -> Response:
    """Every certificate in one file (each in its person's language)."""
    event, _user = managed
    items = [certificate(db, event, reg, site) for reg in _attended(db, event)]
    with _language(event_language(event)):
        body = papers.certificates(header(db, event), items)
    return _download(body, PDF, f"{event.slug}-certificates.pdf")


@router.get(BASE + "/certificates/{reg_id:int}.pdf")
def certificate_pdf(reg_id: int, db: DbDep, managed: ManagedDep, site: SiteDep) -> Response:
    """One person's certificate."""
    event, _user = managed
    reg = registration_of(db, event, reg_id)
    if reg.status != S.attended:
        raise NotFound(_("Сертификат выдаётся только тем, кто пришёл"))
    with _language(reg.language):
        body = papers.certificates(header(db, event), [certificate(db, event, reg, site)])
    return _download(body, PDF, f"{event.slug}-certificate-{reg_id}.pdf")


def verify(db: Session, site: Site, code: str) -> tuple[Registration, Event] | None:
    """The attended registration a certificate's code is for, or None if the code is not genuine
    (read as check-in codes are: any case, without hyphens, O for 0, I/L for 1)."""
    cleaned = "".join(c for c in code.upper() if c.isalnum()).translate(LOOK_ALIKE)
    if not 8 < len(cleaned) <= 16 or any(c not in CROCKFORD for c in cleaned):
        return None
    head, signature = cleaned[:-8], cleaned[-8:]
    reg_id = 0
    for c in head:
        reg_id = reg_id * 32 + CROCKFORD.index(c)
    reg = db.get(Registration, reg_id)
    if (
        reg is None
        or reg.status != S.attended
        or not any(hmac.compare_digest(signature, _signature(site, reg_id, key)) for key in site.secrets)
    ):  # a certificate handed out before a key rotation is still genuine
        return None
    return reg, db.get_one(Event, reg.event_id)


def initials(name: str) -> str:
    return " ".join(part[0] + "." for part in name.split() if part)


@router.get("/certificates/{code}")
def verify_page(request: Request, code: str, db: DbDep, site: SiteDep) -> HTMLResponse:
    """Anyone holding a certificate's address learns whether it is genuine: the event, its dates
    and the holder's initials — no name, no contact."""
    found = verify(db, site, code) if len(code) <= 40 else None
    ctx: dict[str, Any] = {"genuine": found is not None, "code": code[:40]}
    if found:
        reg, event = found
        ctx |= {"event": event, "initials": initials(reg.full_name)}
    response = templates.TemplateResponse(
        request, "registrations/certificate.html", ctx, status_code=200 if found else 404
    )
    response.headers.update({"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"})
    return response


@router.get("/r/{token}/certificate.pdf")
def private_certificate(token: str, db: DbDep, site: SiteDep) -> Response:
    """The participant's own certificate, from their private page (once they came)."""
    reg = service.registration_by_token(db, token)
    if reg.status != S.attended:
        raise NotFound(_("Сертификат выдаётся только тем, кто пришёл"))
    event = db.get_one(Event, reg.event_id)
    with _language(reg.language):
        body = papers.certificates(header(db, event), [certificate(db, event, reg, site)])
    headers = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
    return Response(
        body,
        media_type=PDF,
        headers={**headers, "Content-Disposition": content_disposition("attachment", f"{event.slug}-certificate.pdf")},
    )
