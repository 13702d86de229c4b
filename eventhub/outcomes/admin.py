"""Staff pages of an event's outcomes: the closing report (figures, summary, minutes, what each
session produced), its translations, the recommendations and their steps."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import select

from eventhub import labels
from eventhub.accounts.csrf import CsrfDep
from eventhub.admin.deps import AdminUser, done, render
from eventhub.admin.translations import save_translations_page, translations_page
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep
from eventhub.core.errors import Invalid, NotFound
from eventhub.core.i18n import _
from eventhub.core.models import (
    Event,
    Language,
    Material,
    Organisation,
    OrganisationKind,
    Recommendation,
    StaffUser,
    id_of,
)
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.core.validation import field_errors
from eventhub.core.versions import Block
from eventhub.outcomes import materials
from eventhub.outcomes.schemas import RecommendationWrite, ReportWrite, StepWrite
from eventhub.outcomes.service import (
    NEXT,
    add_step,
    checkin_figures,
    create_recommendation,
    delete_recommendation,
    event_for_staff,
    event_recommendations,
    get_recommendation_for_staff,
    get_report,
    save_report,
    session_outcomes,
    today,
    update_recommendation,
)
from eventhub.outcomes.translations import (
    OUTCOME_FIELDS,
    RECOMMENDATION_FIELDS,
    REPORT_FIELDS,
    STATUS_LABELS,
)

router = APIRouter(
    route_class=UnitOfWorkRoute, prefix="/admin/events", default_response_class=HTMLResponse, include_in_schema=False
)
RecId = Annotated[int, Path(ge=1, le=2_147_483_647)]
# Addressees first: the bodies recommendations usually go to.
ADDRESSEE_KINDS = (
    OrganisationKind.ministry,
    OrganisationKind.state_agency,
    OrganisationKind.government_office,
    OrganisationKind.parliament,
    OrganisationKind.local_government,
)


def _languages() -> list[tuple[str, str]]:
    return [(lang.value, labels.LANGUAGE[lang]) for lang in Language]


def _sessions(event: Event) -> list[tuple[int, str]]:
    return [(id_of(s), s.title) for s in event.sessions]


def _validated(model: Any, data: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    try:
        return model.model_validate(data), {}
    except ValidationError as exc:
        return None, field_errors(exc.errors())


# --- the closing report ---


def _report_values(db: DbDep, event: Event) -> dict[str, Any]:
    report = get_report(db, event)
    values: dict[str, Any] = {"language": event.original_language}
    if report is not None:
        values |= {
            "attendance": report.attendance if report.attendance is not None else "",
            "organisations_count": report.organisations_count if report.organisations_count is not None else "",
            "summary": report.summary or "",
            "minutes": report.minutes or "",
            "language": report.original_language,
        }
        values |= {f"kind-{k}": v for k, v in report.organisation_kinds.items()}
    for session, outcome in session_outcomes(db, event):
        values[f"outcome-{session.id}"] = outcome.result if outcome else ""
    return values


def _report_page(
    request: Request, db: DbDep, user: StaffUser, event: Event, values: dict[str, Any],
    errors: dict[str, str] | None = None, status: int = 200, note: str | None = None,
) -> HTMLResponse:  # fmt: skip
    return render(
        request, "outcomes/admin/report.html", user, status_code=status, event=event, values=values,
        errors=errors or {}, report=get_report(db, event), sessions=session_outcomes(db, event),
        kinds=[(k.value, labels.ORGANISATION_KIND[k]) for k in OrganisationKind], language_choices=_languages(),
        figures=checkin_figures(db, event), note=note,
        kinds_open=any(str(values.get(f"kind-{k.value}", "")).strip() for k in OrganisationKind),
    )  # fmt: skip


@router.get("/{slug}/report")
def admin_report(request: Request, db: DbDep, user: AdminUser, slug: str) -> HTMLResponse:
    """The closing report of an event: figures, summary, minutes and what each session produced."""
    event = event_for_staff(db, slug, user)
    return _report_page(request, db, user, event, _report_values(db, event))


@router.post("/{slug}/report")
async def admin_report_save(
    request: Request, db: DbDep, user: AdminUser, _csrf: CsrfDep, slug: str, now: NowDep
) -> Response:
    """Save (and publish or withdraw) the report; «fill from check-in» only refills the figures."""
    event = event_for_staff(db, slug, user)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    action = values.get("action", "save")
    if action == "checkin":
        figures = checkin_figures(db, event)
        values |= {"attendance": str(figures.attendance), "organisations_count": str(figures.organisations)}
        values = {k: v for k, v in values.items() if not k.startswith("kind-")}
        values |= {f"kind-{k}": str(n) for k, n in figures.kinds.items()}
        note = _("Цифры взяты из регистрации на входе; проверьте и сохраните.")
        return _report_page(request, db, user, event, values, note=note)
    data: dict[str, Any] = {
        "attendance": values.get("attendance"),
        "organisations_count": values.get("organisations_count"),
        "organisation_kinds": {
            k.value: values[f"kind-{k.value}"] for k in OrganisationKind if values.get(f"kind-{k.value}", "").strip()
        },
        "summary": values.get("summary"),
        "minutes": values.get("minutes"),
        "language": values.get("language"),
        "outcomes": [{"session": id_of(s), "result": values.get(f"outcome-{s.id}")} for s in event.sessions],
    }
    if action in ("publish", "unpublish"):
        data["published"] = action == "publish"
    parsed, errors = _validated(ReportWrite, data)
    if parsed is None:
        errors = {_report_field(k): v for k, v in errors.items()}
        return _report_page(request, db, user, event, values, errors=errors, status=422)
    try:
        save_report(db, event, data=parsed, user=user, now=now)
    except Invalid as exc:
        db.rollback()
        event = event_for_staff(db, slug, user)
        errors = {_report_field(k): v for k, v in exc.fields.items()}
        return _report_page(request, db, user, event, values, errors=errors, status=422)
    message = {
        "publish": _("Итоги опубликованы на странице мероприятия."),
        "unpublish": _("Итоги сняты со страницы мероприятия."),
    }.get(action, _("Сохранено."))
    return done(request, f"/admin/events/{slug}/report", message)


def _report_field(key: str) -> str:
    """An error of `outcomes.3.result` belongs to the textarea of the 4th session; kinds likewise."""
    parts = key.split(".")
    if parts[0] == "organisation_kinds" and len(parts) > 1:
        return f"kind-{parts[1]}"
    return key


def _translation_blocks(db: DbDep, event: Event) -> list[Block]:
    blocks = []
    report = get_report(db, event)
    if report is not None:
        blocks.append(Block(report, REPORT_FIELDS, heading=_("Итоги")))
    for session, outcome in session_outcomes(db, event):
        if outcome is not None:
            blocks.append(Block(outcome, OUTCOME_FIELDS, key=f"o{outcome.id}", heading=session.title))
    for i, rec in enumerate(event_recommendations(db, event, staff=True), 1):
        heading = _("Рекомендация %(n)d") % {"n": i}
        blocks.append(Block(rec, RECOMMENDATION_FIELDS, key=f"r{rec.id}", heading=heading))
    return blocks


def _translations_context(event: Event) -> dict[str, Any]:
    return {
        "heading": event.title, "event": event, "tab": "outcomes", "subheading": _("Переводы итогов и рекомендаций"),
        "action": f"/admin/events/{event.slug}/report/translations", "back": f"/admin/events/{event.slug}/report",
    }  # fmt: skip


@router.get("/{slug}/report/translations")
def admin_report_translations(request: Request, db: DbDep, user: AdminUser, slug: str) -> HTMLResponse:
    event = event_for_staff(db, slug, user)
    return translations_page(request, user, _translation_blocks(db, event), **_translations_context(event))


@router.post("/{slug}/report/translations")
async def admin_report_translations_save(
    request: Request, db: DbDep, user: AdminUser, _csrf: CsrfDep, slug: str
) -> Response:
    """The report's, the outcomes' and the recommendations' versions in the other languages."""
    event = event_for_staff(db, slug, user)
    return await save_translations_page(
        request, db, user, _translation_blocks(db, event), event_id=event.id,
        then=f"/admin/events/{slug}/report/translations", **_translations_context(event),
    )  # fmt: skip


# --- recommendations ---


def _organisations(db: DbDep) -> list[tuple[str, str]]:
    orgs = db.exec(select(Organisation).order_by(Organisation.name).limit(3000)).all()
    first = [o for o in orgs if o.kind in ADDRESSEE_KINDS]
    rest = [o for o in orgs if o.kind not in ADDRESSEE_KINDS]
    return [(o.slug, f"{o.name} ({o.short_name})" if o.short_name else o.name) for o in (*first, *rest)]


def _rec_values(rec: Recommendation | None, event: Event) -> dict[str, Any]:
    if rec is None:
        return {"language": event.original_language, "is_public": True, "addressees": []}
    return {
        "text": rec.text, "language": rec.original_language, "session": rec.session_id or "",
        "addressees": [a.organisation.slug for a in rec.addressees], "responsible": rec.responsible or "",
        "due_on": rec.due_on.isoformat() if rec.due_on else "", "is_public": rec.is_public,
    }  # fmt: skip


async def _rec_form(request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what was typed, the write body)."""
    form = await request.form()
    values: dict[str, Any] = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    values["addressees"] = [str(v) for v in form.getlist("addressees")]
    values["is_public"] = form.get("is_public") == "on"
    data = {
        "text": values.get("text"), "language": values.get("language"), "session": values.get("session"),
        "addressees": values["addressees"], "responsible": values.get("responsible"),
        "due_on": values.get("due_on"), "is_public": values["is_public"],
    }  # fmt: skip
    return values, data


def _list_page(
    request: Request, db: DbDep, user: StaffUser, event: Event, values: dict[str, Any],
    errors: dict[str, str] | None = None, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    return render(
        request, "outcomes/admin/recommendations.html", user, status_code=status, event=event, values=values,
        errors=errors or {}, recommendations=event_recommendations(db, event, staff=True),
        organisations=_organisations(db), language_choices=_languages(), status_labels=STATUS_LABELS,
        report=get_report(db, event), sessions=_sessions(event),
    )  # fmt: skip


@router.get("/{slug}/recommendations")
def admin_recommendations(request: Request, db: DbDep, user: AdminUser, slug: str) -> HTMLResponse:
    """The event's recommendations with their status, and a form for a new one."""
    event = event_for_staff(db, slug, user)
    return _list_page(request, db, user, event, _rec_values(None, event))


@router.post("/{slug}/recommendations")
async def admin_recommendation_create(
    request: Request, db: DbDep, user: AdminUser, _csrf: CsrfDep, slug: str, now: NowDep
) -> Response:
    event = event_for_staff(db, slug, user)
    values, data = await _rec_form(request)
    parsed, errors = _validated(RecommendationWrite, data)
    if parsed is not None and parsed.text is None:
        errors = {"text": _("обязательное поле")}
    if parsed is None or errors:
        return _list_page(request, db, user, event, values, errors=errors, status=422)
    try:
        create_recommendation(db, event, data=parsed, user=user, today=today(now, event.timezone))
    except Invalid as exc:
        db.rollback()
        event = event_for_staff(db, slug, user)
        return _list_page(request, db, user, event, values, errors=exc.fields, status=422)
    return done(request, f"/admin/events/{slug}/recommendations", _("Рекомендация добавлена."))


def _rec_page(
    request: Request, db: DbDep, user: StaffUser, event: Event, rec: Recommendation, values: dict[str, Any],
    errors: dict[str, str] | None = None, status: int = 200, step: dict[str, Any] | None = None,
    step_errors: dict[str, str] | None = None, now: Any = None,
) -> HTMLResponse:  # fmt: skip
    return render(
        request, "outcomes/admin/recommendation.html", user, status_code=status, event=event, rec=rec,
        values=values, errors=errors or {}, organisations=_organisations(db), language_choices=_languages(),
        sessions=_sessions(event), status_labels=STATUS_LABELS, next_statuses=NEXT.get(rec.status, ()),
        step=step or {"dated": today(now, event.timezone).isoformat() if now else ""}, step_errors=step_errors or {},
    )  # fmt: skip


def _rec_of_event(db: DbDep, event: Event, rec_id: int, user: StaffUser) -> Recommendation:
    rec = get_recommendation_for_staff(db, rec_id, user)
    if rec.event_id != event.id:
        raise NotFound(_("Рекомендация не найдена"))
    return rec


@router.get("/{slug}/recommendations/{rec_id}")
def admin_recommendation(
    request: Request, db: DbDep, user: AdminUser, slug: str, rec_id: RecId, now: NowDep
) -> HTMLResponse:
    """One recommendation: its text and addressees, its history and the next step."""
    event = event_for_staff(db, slug, user)
    rec = _rec_of_event(db, event, rec_id, user)
    return _rec_page(request, db, user, event, rec, _rec_values(rec, event), now=now)


@router.post("/{slug}/recommendations/{rec_id}")
async def admin_recommendation_update(
    request: Request, db: DbDep, user: AdminUser, _csrf: CsrfDep, slug: str, rec_id: RecId, now: NowDep
) -> Response:
    event = event_for_staff(db, slug, user)
    rec = _rec_of_event(db, event, rec_id, user)
    values, data = await _rec_form(request)
    parsed, errors = _validated(RecommendationWrite, data)
    if parsed is not None and parsed.text is None:
        errors = {"text": _("обязательное поле")}
    if parsed is None or errors:
        return _rec_page(request, db, user, event, rec, values, errors=errors, status=422, now=now)
    try:
        update_recommendation(db, rec, data=parsed, user=user)
    except Invalid as exc:
        db.rollback()
        event = event_for_staff(db, slug, user)
        rec = _rec_of_event(db, event, rec_id, user)
        return _rec_page(request, db, user, event, rec, values, errors=exc.fields, status=422, now=now)
    return done(request, f"/admin/events/{slug}/recommendations/{rec_id}", _("Сохранено."))


@router.post("/{slug}/recommendations/{rec_id}/steps")
async def admin_recommendation_step(
    request: Request, db: DbDep, user: AdminUser, _csrf: CsrfDep, slug: str, rec_id: RecId, now: NowDep
) -> Response:
    """The next step of the recommendation's history: its new status, the day, a note."""
    event = event_for_staff(db, slug, user)
    rec = _rec_of_event(db, event, rec_id, user)
    form = await request.form()
    step = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    data = {k: step.get(k) for k in ("status", "dated", "note", "document_url")}
    parsed, errors = _validated(StepWrite, data)
    if parsed is None:
        return _rec_page(
            request, db, user, event, rec, _rec_values(rec, event), step=step, step_errors=errors, status=422, now=now
        )
    try:
        add_step(db, rec, data=parsed, user=user, now=now, timezone=event.timezone)
    except Invalid as exc:
        db.rollback()
        event = event_for_staff(db, slug, user)
        rec = _rec_of_event(db, event, rec_id, user)
        return _rec_page(
            request, db, user, event, rec, _rec_values(rec, event), step=step, step_errors=exc.fields, status=422,
            now=now,
        )  # fmt: skip
    label = STATUS_LABELS[parsed.status]
    return done(
        request, f"/admin/events/{slug}/recommendations/{rec_id}", _("Статус: %(status)s.") % {"status": _(label)}
    )


@router.post("/{slug}/recommendations/{rec_id}/delete")
async def admin_recommendation_delete(
    request: Request, db: DbDep, user: AdminUser, _csrf: CsrfDep, slug: str, rec_id: RecId
) -> Response:
    event = event_for_staff(db, slug, user)
    rec = _rec_of_event(db, event, rec_id, user)
    if (await request.form()).get("confirm") != "yes":
        raise Invalid(_("Удаление не подтверждено"), fields={"confirm": _("отметьте «Да, удалить безвозвратно»")})
    delete_recommendation(db, rec, user=user)
    return done(request, f"/admin/events/{slug}/recommendations", _("Рекомендация удалена."))


# --- materials and photos ---


def _materials_page(
    request: Request, db: DbDep, user: StaffUser, event: Event, values: dict[str, Any],
    errors: dict[str, str] | None = None, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    settings = request.app.state.settings
    return render(
        request, "outcomes/admin/materials.html", user, status_code=status, event=event, values=values,
        errors=errors or {}, materials=materials.event_materials(db, event, staff=True), language_choices=_languages(),
        sessions=_sessions(event), max_mb=settings.max_material_bytes // (1024 * 1024),
        recommendations=[
            (id_of(r), f"{i}. {r.text[:80]}") for i, r in enumerate(event_recommendations(db, event, staff=True), 1)
        ],
    )  # fmt: skip


@router.get("/{slug}/materials")
def admin_materials(request: Request, db: DbDep, user: AdminUser, slug: str) -> HTMLResponse:
    """The event's files and photos; uploading one."""
    event = event_for_staff(db, slug, user)
    return _materials_page(request, db, user, event, {"language": event.original_language})


@router.post("/{slug}/materials")
async def admin_material_upload(request: Request, db: DbDep, user: AdminUser, _csrf: CsrfDep, slug: str) -> Response:
    event = event_for_staff(db, slug, user)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _materials_page(request, db, user, event, values, errors={"file": _("выберите файл")}, status=422)
    settings = request.app.state.settings
    data = await upload.read(settings.max_material_bytes + 1)
    session, recommendation = values.get("session", ""), values.get("recommendation", "")
    try:
        materials.upload(
            db, event, settings=settings, data=data, filename=upload.filename, title=values.get("title", ""),
            language=values.get("language", ""), is_public=values.get("is_public") == "on",
            session_id=int(session) if session.isdigit() else None, user=user,
            recommendation_id=int(recommendation) if recommendation.isdigit() else None,
        )  # fmt: skip
    except Invalid as exc:
        db.rollback()
        event = event_for_staff(db, slug, user)
        return _materials_page(request, db, user, event, values, errors=exc.fields, status=422)
    return done(request, f"/admin/events/{slug}/materials", _("Файл загружен."))


@router.post("/{slug}/materials/{material_id}/delete")
async def admin_material_delete(
    request: Request, db: DbDep, user: AdminUser, _csrf: CsrfDep, slug: str, material_id: RecId
) -> Response:
    event = event_for_staff(db, slug, user)
    material = db.get(Material, material_id)
    if material is None or material.event_id != event.id:
        raise NotFound(_("Файл не найден"))
    materials.delete_material(db, material, user=user)
    return done(request, f"/admin/events/{slug}/materials", _("Файл удалён."))
