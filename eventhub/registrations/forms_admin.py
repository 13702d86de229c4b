"""Organiser pages of an event's own form (/admin/events/{slug}/registrations/form): the optional
standard fields, phone instead of e-mail, attendance per day, the per-diem rate, and the
questions with their versions in ru/ky/en."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from eventhub import labels as event_labels
from eventhub.accounts.csrf import CsrfDep
from eventhub.core.db import DbDep
from eventhub.core.errors import Invalid
from eventhub.core.i18n import N_, _
from eventhub.core.models import Event, FormQuestion, Language, OptionalField, QuestionKind
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.registrations import questions
from eventhub.registrations.admin import _back, _render
from eventhub.registrations.deps import ManagedDep
from eventhub.registrations.pages import FormDep

router = APIRouter(
    route_class=UnitOfWorkRoute,
    prefix="/admin/events/{slug}/registrations/form",
    default_response_class=HTMLResponse,
    include_in_schema=False,
)
NOTICES = {
    "settings": N_("Настройки формы сохранены."),
    "question": N_("Вопрос сохранён; ответы, данные раньше, остались."),
    "deleted": N_("Вопрос удалён."),
    "archived": N_("На вопрос уже отвечали: он убран из формы, ответы остались в выгрузках."),
    "moved": N_("Порядок вопросов изменён."),
}


def _question_values(q: FormQuestion) -> dict[str, str]:
    live = [c for c in q.choices if not c.get("removed")]
    values = {
        "kind": q.kind,
        "label": q.label,
        "help_text": q.help_text or "",
        "required": "on" if q.required else "",
        "choices": "\n".join(c["label"] for c in live),
        "original_language": q.original_language,
    }
    for lang, version in (q.translations or {}).items():
        values[f"label_{lang}"] = version.get("label", "")
        values[f"help_text_{lang}"] = version.get("help_text", "")
        if version.get("choices"):
            values[f"choices_{lang}"] = "\n".join(version["choices"].get(c["key"], "") for c in live)
    return values


def _settings_values(db: Any, event: Event) -> dict[str, Any]:
    s = questions.form_settings(db, event)
    return {
        "fields": list(s.fields),
        "phone_only": s.phone_only,
        "attendance_per_day": s.attendance_per_day,
        "press_outside_capacity": s.press_outside_capacity,
        "per_diem_rate": "" if s.per_diem_rate is None else str(s.per_diem_rate).replace(".", ","),
        "per_diem_currency": s.per_diem_currency,
    }


def _page(
    request: Request,
    db: Any,
    event: Event,
    *,
    notice: str | None = None,
    settings_values: dict[str, Any] | None = None,
    settings_errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return _render(
        request,
        "form.html",
        {
            "event": event,
            "notice": notice,
            "s": settings_values or _settings_values(db, event),
            "settings_errors": settings_errors or {},
            "questions": questions.questions(db, event),
            "archived": [q for q in questions.questions(db, event, archived=True) if q.archived],
            "values": values or {"kind": "short_text", "original_language": event.original_language},
            "errors": errors or {},
            **_choices(),
        },
        status,
    )


def _choices() -> dict[str, Any]:
    return {
        "kinds": [(k.value, questions.KIND[k]) for k in QuestionKind],
        "optional_fields": [(f.value, questions.OPTIONAL_FIELD[f]) for f in OptionalField],
        "languages": [lang.value for lang in Language],
        "language_options": [(lang.value, event_labels.LANGUAGE[lang.value]) for lang in Language],
        "q": questions,
    }


@router.get("")
def form_page(request: Request, db: DbDep, managed: ManagedDep, done: str | None = None) -> HTMLResponse:
    """The event's form: its settings and its questions."""
    event, _user = managed
    return _page(request, db, event, notice=_(NOTICES[done]) if done in NOTICES else None)


@router.post("/settings")
def settings_save(request: Request, db: DbDep, managed: ManagedDep, _csrf: CsrfDep, form: FormDep) -> Response:
    event, _user = managed
    data: dict[str, Any] = {
        "fields": [f.value for f in OptionalField if form.get(f"field_{f.value}")],
        "phone_only": bool(form.get("phone_only")),
        "attendance_per_day": bool(form.get("attendance_per_day")),
        "press_outside_capacity": bool(form.get("press_outside_capacity")),
        "per_diem_rate": form.get("per_diem_rate", ""),
        "per_diem_currency": form.get("per_diem_currency", ""),
    }
    try:
        questions.save_settings(db, event=event, data=data)
    except Invalid as exc:
        db.rollback()  # the form is shown again from what is stored, with what was typed
        return _page(
            request,
            db,
            db.get_one(Event, event.id),
            settings_values={**data, "per_diem_rate": form.get("per_diem_rate", "")[:40]},
            settings_errors=exc.fields,
            status=exc.status_code,
        )
    return _back(event, "/form", notice="settings")


@router.post("/questions")
def question_add(request: Request, db: DbDep, managed: ManagedDep, _csrf: CsrfDep, form: FormDep) -> Response:
    """Add a question at the end of the form."""
    event, _user = managed
    try:
        questions.save_question(db, event=event, data=form)
    except Invalid as exc:
        db.rollback()
        return _page(
            request,
            db,
            db.get_one(Event, event.id),
            values={k: v[:5000] for k, v in form.items()},
            errors=exc.fields,
            status=exc.status_code,
        )
    return _back(event, "/form", notice="question")


@router.get("/questions/{question_id:int}")
def question_page(request: Request, question_id: int, db: DbDep, managed: ManagedDep) -> HTMLResponse:
    """Change a question (its answers stay)."""
    event, _user = managed
    q = questions.question_of(db, event, question_id)
    return _render(
        request,
        "question.html",
        {"event": event, "question": q, "values": _question_values(q), "errors": {}, **_choices()},
    )


@router.post("/questions/{question_id:int}")
def question_save(
    request: Request, question_id: int, db: DbDep, managed: ManagedDep, _csrf: CsrfDep, form: FormDep
) -> Response:
    event, _user = managed
    try:
        questions.save_question(db, event=event, data=form, question_id=question_id)
    except Invalid as exc:
        db.rollback()
        event = db.get_one(Event, event.id)
        q = questions.question_of(db, event, question_id)
        return _render(
            request,
            "question.html",
            {
                "event": event,
                "question": q,
                "values": {k: v[:5000] for k, v in form.items()},
                "errors": exc.fields,
                **_choices(),
            },
            exc.status_code,
        )
    return _back(event, "/form", notice="question")


@router.post("/questions/{question_id:int}/delete")
def question_delete(question_id: int, db: DbDep, managed: ManagedDep, _csrf: CsrfDep) -> Response:
    """Delete a question nobody answered; one with answers is archived."""
    event, _user = managed
    deleted = questions.remove_question(db, event=event, question_id=question_id)
    return _back(event, "/form", notice="deleted" if deleted else "archived")


@router.post("/questions/{question_id:int}/move")
def question_move(question_id: int, db: DbDep, managed: ManagedDep, _csrf: CsrfDep, form: FormDep) -> Response:
    event, _user = managed
    questions.move_question(db, event=event, question_id=question_id, step=-1 if form.get("step") == "up" else 1)
    return _back(event, "/form", notice="moved")
