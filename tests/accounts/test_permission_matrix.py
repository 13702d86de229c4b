"""Every write endpoint and every admin page, tried by every role and by nobody.

Each case builds what it acts on (an event of the organiser's own organisation, a fresh
directory entry...) and sends a valid request; allowed roles must succeed, others must be
refused: 401 from the API and a trip to the login page for nobody, 403 for a role
without the right. A guard test fails when a route is added without a case here."""

import itertools
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.routing import _IncludedRouter
from sqlmodel import select

from eventhub.admin.events import EVENT_FORM, SESSION_FORM
from eventhub.admin.forms import Form
from eventhub.agenda.service import session_input
from eventhub.core.models import (
    EventFormSettings,
    EventMessage,
    EventSeries,
    FormQuestion,
    Invitation,
    Material,
    Organisation,
    OutboxMessage,
    Recommendation,
    Registration,
    StaffUser,
    StaffUserOrganisation,
)
from eventhub.core.text import format_phone
from eventhub.directory.service import input_of
from eventhub.directory.specs import DIRECTORIES
from eventhub.events.editing import event_input
from eventhub.main import create_app
from eventhub.registrations import messages, reminders
from eventhub.registrations.mail import Site
from tests.admin.posting import as_post
from tests.factories import (
    add_organisation_role,
    make_event,
    make_organisation,
    make_person,
    make_press_contact,
    make_project,
    make_release,
    make_session,
)

ROLES = ("anonymous", "admin", "organiser", "press_officer", "checkin")
EVENTS = {"admin", "organiser"}
DIRECTORY = {"admin", "organiser"}
ADMIN = {"admin"}
PRESS = {"admin", "press_officer"}
RELEASES = {"admin", "press_officer", "organiser"}
STAFF = {"admin", "organiser", "press_officer", "checkin"}
START = datetime(2030, 5, 14, 4, 0, tzinfo=UTC)  # 10:00 in Bishkek
PAST = datetime(2025, 5, 14, 4, 0, tzinfo=UTC)  # an event that has taken place
CHECKIN = {"admin", "organiser", "checkin"}  # the door: check-in page and sign-in sheet
_regs = itertools.count(1)


@dataclass
class World:
    db: Any
    org: Organisation  # the organiser's organisation
    site: Site
    user: Any = None  # who the cases are tried as (None: nobody)

    def event(self, status: str = "draft") -> Any:
        event = make_event(self.db, status=status, start_at=START, end_at=START + timedelta(hours=8))
        add_organisation_role(self.db, event, self.org, "organiser")
        return event

    def open_event(self) -> Any:
        """A published event of the organiser's organisation, open for registration."""
        event = make_event(
            self.db, registration_mode="open", capacity=10, start_at=START, end_at=START + timedelta(hours=8)
        )
        add_organisation_role(self.db, event, self.org, "organiser")
        return event

    def registration(self, status: str = "pending", event: Any = None) -> tuple[Any, Any]:
        event = event or self.open_event()
        n = next(_regs)
        reg = Registration(
            event_id=event.id,
            token_hash=f"matrix-{n}-{uuid.uuid4().hex}",
            full_name="Айгуль Осмонова",
            email=f"p{n}@example.org",
            email_normalised=f"p{n}@example.org",
            consent_at=START,
            consent_text="Согласие",
            status=status,
            phone="+996555077764",
        )
        self.db.add(reg)
        self.db.flush()
        return event, reg

    def author(self) -> StaffUser:
        """An organiser of the organisation, who wrote the messages and settings the cases act on."""
        user = StaffUser(email=f"author-{uuid.uuid4().hex[:8]}@example.org", password_hash="-", role="organiser")
        self.db.add(user)
        self.db.flush()
        self.db.add(StaffUserOrganisation(user_id=user.id, organisation_id=self.org.id))
        return user

    def session(self, status: str = "draft") -> tuple[Any, Any]:
        event = self.event(status)
        return event, make_session(self.db, event, start_at=START, end_at=START + timedelta(hours=1), room="A")

    def entry(self, key: str) -> Any:
        makers = {
            "organisations": make_organisation,
            "projects": make_project,
            "people": make_person,
            "press-contacts": make_press_contact,
            "series": _make_series,
        }
        return makers[key](self.db)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make_series(db: Any) -> EventSeries:
    n = datetime.now().microsecond
    series = EventSeries(slug=f"series-{n}", title=f"Серия {n}")
    db.add(series)
    db.flush()
    return series


@dataclass
class Case:
    method: str
    path: str  # a route's path template
    allowed: set[str]
    make: Callable[[World], tuple[dict[str, Any], Any]]  # -> (path params, body: JSON for the API, form for pages)
    success: int = 303  # what an allowed page POST answers (a form that shows a result answers 200)
    upload: tuple[str, bytes, str] | None = None  # a file sent with the form, as `file`


def _event_case(method: str, path: str, status: str = "draft", body: Callable | None = None) -> Case:
    def make(w: World) -> tuple[dict, Any]:
        event = w.event(status)
        return {"slug": event.slug}, body(w, event) if body else None

    return Case(method, path, EVENTS, make)


def _session_case(method: str, path: str, body: Callable | None = None) -> Case:
    def make(w: World) -> tuple[dict, Any]:
        event, session = w.session()
        return {"slug": event.slug, "session_id": session.id}, body(w, event, session) if body else None

    return Case(method, path, EVENTS, make)


def _form_values(form: Form, data: dict, tz: str = "Asia/Bishkek") -> dict:
    return as_post(form.values(data, tz))


NEW_EVENT = {"kind": "forum", "title": "Новый форум", "start_at": "2030-06-01T10:00", "end_at": "2030-06-01T17:00"}
NEW_SESSION = {"title": "Новая сессия", "start_at": "2030-05-14T12:00", "end_at": "2030-05-14T13:00", "room": "B"}
POSTPONE = {"start_at": "2030-05-21T10:00", "end_at": "2030-05-21T18:00"}

CASES = [
    # --- API: events ---
    Case("POST", "/api/v1/events", EVENTS, lambda w: ({}, NEW_EVENT)),
    _event_case("PATCH", "/api/v1/events/{slug}", body=lambda w, e: {"title": "Другое название"}),
    _event_case("DELETE", "/api/v1/events/{slug}"),
    _event_case(
        "PUT",
        "/api/v1/events/{slug}/organisations",
        body=lambda w, e: {"organisations": [{"organisation": w.org.slug, "role": "organiser"}]},
    ),  # fmt: skip
    _event_case("POST", "/api/v1/events/{slug}/publish"),
    _event_case("POST", "/api/v1/events/{slug}/postpone", "published", body=lambda w, e: POSTPONE),
    _event_case("POST", "/api/v1/events/{slug}/cancel", "published", body=lambda w, e: {"reason": "Причина"}),
    Case("GET", "/api/v1/events/{slug}/audit", ADMIN, lambda w: ({"slug": w.event("published").slug}, None)),
    # --- API: agenda ---
    _event_case("POST", "/api/v1/events/{slug}/sessions", body=lambda w, e: NEW_SESSION),
    _session_case("PATCH", "/api/v1/events/{slug}/sessions/{session_id}", body=lambda w, e, s: {"title": "Иначе"}),
    _session_case("DELETE", "/api/v1/events/{slug}/sessions/{session_id}"),
    Case(
        "PUT",
        "/api/v1/events/{slug}/sessions/order",
        EVENTS,
        lambda w: (lambda e, s: ({"slug": e.slug}, {"ids": [s.id]}))(*w.session()),
    ),  # fmt: skip
    # --- admin pages: events ---
    Case("GET", "/admin", STAFF, lambda w: ({}, None)),
    Case("GET", "/admin/events", EVENTS, lambda w: ({}, None)),
    Case("GET", "/admin/events/new", EVENTS, lambda w: ({}, None)),
    Case(
        "POST",
        "/admin/events/new",
        EVENTS,
        lambda w: (
            {},
            _form_values(
                EVENT_FORM,
                {**NEW_EVENT, "timezone": "Asia/Bishkek", "languages": ["ru"], "registration_mode": "closed"},
            )
            | {"organiser": w.org.slug},
        ),
    ),  # fmt: skip
    _event_case("GET", "/admin/events/{slug}"),
    _event_case("POST", "/admin/events/{slug}", body=lambda w, e: _form_values(EVENT_FORM, event_input(w.db, e))),
    _event_case("POST", "/admin/events/{slug}/delete", body=lambda w, e: {}),
    _event_case("GET", "/admin/events/{slug}/organisations"),
    _event_case(
        "POST",
        "/admin/events/{slug}/organisations",
        body=lambda w, e: {"rows": "1", "organisation-0": w.org.slug, "role-0": "organiser"},
    ),  # fmt: skip
    _event_case("POST", "/admin/events/{slug}/press-contacts", body=lambda w, e: {}),
    _event_case("GET", "/admin/events/{slug}/translations"),
    _event_case("POST", "/admin/events/{slug}/translations", body=lambda w, e: {"en-title": "Forum"}),
    _event_case("GET", "/admin/events/{slug}/agenda"),
    Case("GET", "/admin/events/{slug}/history", ADMIN, lambda w: ({"slug": w.event("draft").slug}, None)),
    _session_case("GET", "/admin/events/{slug}/agenda/translations"),
    _session_case(
        "POST", "/admin/events/{slug}/agenda/translations", body=lambda w, e, s: {f"s{s.id}-en-title": "Session"}
    ),  # fmt: skip
    _event_case("GET", "/admin/events/{slug}/sessions/new"),
    _event_case("POST", "/admin/events/{slug}/sessions/new", body=lambda w, e: _form_values(SESSION_FORM, NEW_SESSION)),
    _session_case("GET", "/admin/events/{slug}/sessions/{session_id}"),
    _session_case(
        "POST",
        "/admin/events/{slug}/sessions/{session_id}",
        body=lambda w, e, s: _form_values(SESSION_FORM, session_input(s), e.timezone),
    ),  # fmt: skip
    _session_case("POST", "/admin/events/{slug}/sessions/{session_id}/delete", body=lambda w, e, s: {}),
    _session_case("POST", "/admin/events/{slug}/sessions/{session_id}/move", body=lambda w, e, s: {"direction": "up"}),
    _event_case("GET", "/admin/events/{slug}/publish"),
    _event_case("POST", "/admin/events/{slug}/publish", body=lambda w, e: {}),
    _event_case("GET", "/admin/events/{slug}/postpone", "published"),
    _event_case("POST", "/admin/events/{slug}/postpone", "published", body=lambda w, e: POSTPONE),
    _event_case("GET", "/admin/events/{slug}/cancel", "published"),
    _event_case("POST", "/admin/events/{slug}/cancel", "published", body=lambda w, e: {"reason": "Причина"}),
]


def _directory_cases(key: str) -> list[Case]:
    spec = DIRECTORIES[key]
    edit, delete = (
        {"edit_directory": DIRECTORY, "edit_press": PRESS}[spec.action],
        (ADMIN if spec.delete_action == "delete_directory" else PRESS),
    )
    label = "title" if key == "series" else "name"
    form = Form(spec.create)

    def entry(body: Callable | None = None) -> Callable:
        def make(w: World) -> tuple[dict, Any]:
            obj = w.entry(key)
            return {"slug": obj.slug}, body(w, obj) if body else None

        return make

    cases = [
        Case("POST", f"/api/v1/{key}", edit, lambda w: ({}, {label: "Новая запись"})),
        Case("PATCH", f"/api/v1/{key}/{{slug}}", edit, entry(lambda w, o: {label: "Другое имя"})),
        Case("DELETE", f"/api/v1/{key}/{{slug}}", delete, entry()),
        Case("GET", f"/admin/{key}", edit, lambda w: ({}, None)),
        Case("GET", f"/admin/{key}/new", edit, lambda w: ({}, None)),
        Case("POST", f"/admin/{key}/new", edit, lambda w: ({}, {label: "Новая запись"})),
        Case("GET", f"/admin/{key}/{{slug}}", edit, entry()),
        Case("POST", f"/admin/{key}/{{slug}}", edit, entry(lambda w, o: _form_values(form, input_of(w.db, spec, o)))),
        Case("POST", f"/admin/{key}/{{slug}}/delete", delete, entry(lambda w, o: {})),
    ]
    if spec.texts:
        field = next(iter(spec.texts))
        cases += [
            Case("GET", f"/admin/{key}/{{slug}}/translations", edit, entry()),
            Case("POST", f"/admin/{key}/{{slug}}/translations", edit, entry(lambda w, o: {f"en-{field}": "Version"})),
        ]
    if key == "people":  # staff-only reads (contacts of people are private)
        cases += [
            Case("GET", "/api/v1/people", DIRECTORY, lambda w: ({}, None)),
            Case("GET", "/api/v1/people/{slug}", DIRECTORY, entry()),
        ]
    return cases


for _key in DIRECTORIES:
    CASES += _directory_cases(_key)


def _release_case(method: str, path: str, body: Callable | None = None) -> Case:
    def make(w: World) -> tuple[dict, Any]:
        # About a published event of the organiser's organisation: press officers serve it too.
        event = w.event("published")
        release = make_release(w.db, status="draft", published_at=None, event_id=event.id)
        return {"slug": release.slug, "release_id": release.id}, body(w, release) if body else None

    return Case(method, path, RELEASES, make)


NEW_RELEASE = {"type": "press_release", "title": "Новый пресс-релиз", "body": "Текст", "language": "ru"}
CASES += [
    Case("POST", "/api/v1/press-releases", RELEASES, lambda w: ({}, NEW_RELEASE)),
    _release_case("PATCH", "/api/v1/press-releases/{slug}", body=lambda w, r: {"title": "Иначе"}),
    _release_case("DELETE", "/api/v1/press-releases/{slug}"),
    Case("GET", "/admin/press", RELEASES, lambda w: ({}, None)),
    Case("GET", "/admin/press/new", RELEASES, lambda w: ({}, None)),
    Case("POST", "/admin/press/new", RELEASES, lambda w: ({}, NEW_RELEASE | {"action": "save"})),
    Case("GET", "/admin/press/accreditation", RELEASES, lambda w: ({}, None)),
    _release_case("GET", "/admin/press/{release_id}"),
    _release_case("GET", "/admin/press/{release_id}/translations"),
    _release_case("POST", "/admin/press/{release_id}/translations", body=lambda w, r: {"en-title": "Release"}),
    _release_case(
        "POST", "/admin/press/{release_id}", body=lambda w, r: {**NEW_RELEASE, "title": "Иначе", "action": "save"}
    ),
    _release_case("POST", "/admin/press/{release_id}/delete", body=lambda w, r: {"confirm": "yes"}),
]


def _reg_event_case(
    method: str, path: str, allowed: set[str] = EVENTS, body: Callable | None = None, **kw: Any
) -> Case:
    def make(w: World) -> tuple[dict, Any]:
        event = w.open_event()
        return {"slug": event.slug}, body(w, event) if body else None

    return Case(method, path, allowed, make, **kw)


def _reg_case(method: str, path: str, allowed: set[str], status: str, body: Callable) -> Case:
    def make(w: World) -> tuple[dict, Any]:
        event, reg = w.registration(status)
        return {"slug": event.slug, "reg_id": reg.id, "action": "approve"}, body(w, reg)

    return Case(method, path, allowed, make)


def _invitation_case(w: World) -> tuple[dict, Any]:
    event = w.open_event()
    invitation = Invitation(event_id=event.id, organisation_id=w.org.id, seat_quota=3, token_hash=uuid.uuid4().hex)
    w.db.add(invitation)
    w.db.flush()
    return {"slug": event.slug, "invitation_id": invitation.id, "action": "revoke"}, {}


def _door_keeper(w: World) -> StaffUser:
    """A check-in user of no organisation, to be given an event."""
    user = StaffUser(email=f"door-{uuid.uuid4().hex[:8]}@example.org", password_hash="-", role="checkin")
    w.db.add(user)
    w.db.flush()
    return user


def send_message(db: Any, event: Any, author: StaffUser, site: Site, subject: str) -> tuple[EventMessage, Any]:
    """A message sent to the event's registrants by the real service; the first recipient's
    e-mail was refused by the SMTP server (the outbox shows its error and offers a retry)."""
    data = messages.parse_message({"subject_ru": subject, "body_ru": "Здравствуйте, {name}! Ваша страница: {link}"})
    message, ids = messages.send(
        db, event=event, user=author, data=data, audience=messages.Audience(), site=site, now=START
    )
    row = db.get(OutboxMessage, min(ids))
    row.status, row.attempts, row.last_error = "failed", 5, f"550 5.1.1 <{row.to_address}>: mailbox unavailable"
    db.add(row)
    db.flush()
    return message, row


def _message_case(w: World) -> tuple[dict, Any]:
    event, _reg = w.registration("confirmed")
    message, row = send_message(w.db, event, w.author(), w.site, "Программа форума")
    return {"slug": event.slug, "message_id": message.id, "outbox_id": row.id}, None


def _after_event_case(w: World) -> tuple[dict, Any]:
    """An event that took place, someone who came, and an after-event text saved."""
    event = make_event(w.db, registration_mode="open", capacity=10, start_at=PAST, end_at=PAST + timedelta(hours=8))
    add_organisation_role(w.db, event, w.org, "organiser")
    _event, reg = w.registration("attended", event)
    data = reminders.parse_settings({"after_event": "on", "after_event_text_ru": "Спасибо, что пришли!"})
    reminders.save_settings(w.db, event=event, data=data, user=w.author())
    return {"slug": event.slug}, {}


def _rated_case(w: World) -> tuple[dict, Any]:
    event = w.open_event()
    w.db.add(EventFormSettings(event_id=event.id, per_diem_rate=1500))
    w.db.flush()
    return {"slug": event.slug}, None


def _question_case(w: World, body: Any) -> tuple[dict, Any]:
    event = w.open_event()
    question = FormQuestion(event_id=event.id, kind="yes_no", label="Ужин?")
    w.db.add(question)
    w.db.flush()
    return {"slug": event.slug, "question_id": question.id}, body


REGS = "/admin/events/{slug}/registrations"
MESSAGE = {
    "action": "send",
    "audience": "1",
    "status": ["confirmed"],
    "subject_ru": "Программа",
    "body_ru": "Здравствуйте, {name}!",
}
IMPORT_ROW = {"full_name": "Бакыт Асанов", "email": "bakyt@example.org", "category": "participant"}
CASES += [
    # --- registrations: organiser pages; check-in staff only at the door ---
    _reg_event_case("GET", REGS),
    _reg_case("POST", REGS + "/{reg_id:int}/{action}", EVENTS, "pending", body=lambda w, r: {}),
    _reg_event_case("POST", REGS + "/fill", body=lambda w, e: {}),
    _reg_event_case("GET", REGS + "/checkin", CHECKIN),
    _reg_case("POST", REGS + "/checkin", CHECKIN, "confirmed", body=lambda w, r: {"registration": str(r.id)}),
    _reg_event_case("GET", REGS + "/checkin-staff"),
    _reg_event_case("POST", REGS + "/checkin-staff", body=lambda w, e: {"email": _door_keeper(w).email}),
    _reg_event_case("GET", REGS + "/stats"),
    _reg_event_case("GET", REGS + "/export.csv"),
    _reg_event_case("GET", REGS + "/export.xlsx"),
    _reg_event_case("GET", REGS + "/sign-in", CHECKIN),
    _reg_event_case("GET", REGS + "/invitations"),
    _reg_event_case("POST", REGS + "/invitations", body=lambda w, e: {"organisation": w.org.name, "seat_quota": "4"}),
    Case("POST", REGS + "/invitations/{invitation_id}/{action}", EVENTS, _invitation_case),
    _reg_event_case("GET", REGS + "/import"),
    _reg_event_case(
        "POST",
        REGS + "/import",
        body=lambda w, e: {},
        success=200,
        upload=("list.csv", "ФИО;Email\nБакыт Асанов;bakyt@example.org\n".encode(), "text/csv"),
    ),  # fmt: skip
    _reg_event_case(
        "POST",
        REGS + "/import/confirm",
        body=lambda w, e: {"preview": _import_preview(w, e), "consent": "on"},
    ),  # fmt: skip
    # --- the event's own form and questions: organisers; walk-ins: the door (issue 16) ---
    _reg_event_case("GET", REGS + "/form"),
    _reg_event_case(
        "POST", REGS + "/form/settings", body=lambda w, e: {"field_age_group": "on", "per_diem_rate": "1500"}
    ),
    _reg_event_case("POST", REGS + "/form/questions", body=lambda w, e: {"kind": "yes_no", "label": "Ужин?"}),
    Case("GET", REGS + "/form/questions/{question_id:int}", EVENTS, lambda w: _question_case(w, None), success=200),
    Case(
        "POST",
        REGS + "/form/questions/{question_id:int}",
        EVENTS,
        lambda w: _question_case(w, {"kind": "yes_no", "label": "Обед?"}),
    ),
    Case("POST", REGS + "/form/questions/{question_id:int}/delete", EVENTS, lambda w: _question_case(w, {})),
    Case("POST", REGS + "/form/questions/{question_id:int}/move", EVENTS, lambda w: _question_case(w, {"step": "up"})),
    _reg_event_case("POST", REGS + "/checkin/walk-in", CHECKIN, body=lambda w, e: {"full_name": "Эрмек Жумабаев"}),
    Case(
        "GET",
        REGS + "/{reg_id:int}/decline",
        EVENTS,
        lambda w: (lambda e, r: ({"slug": e.slug, "reg_id": r.id}, None))(*w.registration("confirmed")),
    ),
    _reg_event_case("GET", REGS + "/papers"),
    _reg_event_case("GET", REGS + "/papers/sign-in.pdf", CHECKIN),
    _reg_event_case("GET", REGS + "/papers/badges.pdf"),
    _reg_event_case("GET", REGS + "/papers/tents.pdf"),
    _reg_event_case("GET", REGS + "/papers/certificates.pdf"),
    Case("GET", REGS + "/papers/per-diem.pdf", EVENTS, lambda w: _rated_case(w)),
    Case("GET", REGS + "/papers/per-diem.xlsx", EVENTS, lambda w: _rated_case(w)),
    Case(
        "GET",
        REGS + "/papers/certificates/{reg_id:int}.pdf",
        EVENTS,
        lambda w: (lambda e, r: ({"slug": e.slug, "reg_id": r.id}, None))(*w.registration("attended")),
    ),
    # --- messages to registrants, reminders, phones for WhatsApp, the event's outbox: organisers ---
    _reg_event_case("GET", REGS + "/messages"),
    Case("POST", REGS + "/messages", EVENTS, lambda w: ({"slug": w.registration("confirmed")[0].slug}, MESSAGE)),
    Case("GET", REGS + "/messages/{message_id:int}", EVENTS, _message_case),
    _reg_event_case("GET", REGS + "/reminders"),
    _reg_event_case(
        "POST",
        REGS + "/reminders",
        body=lambda w, e: {"reminder_hours": ["168", "24"], "reminder_text_ru": "До встречи"},
    ),  # fmt: skip
    Case("POST", REGS + "/reminders/after-event", EVENTS, _after_event_case),
    Case("GET", REGS + "/phones", EVENTS, lambda w: ({"slug": w.registration("confirmed")[0].slug}, None)),
    Case("GET", REGS + "/outbox", EVENTS, _message_case),
    Case("POST", REGS + "/outbox/{outbox_id:int}/retry", EVENTS, _message_case),
    # --- registrations: the staff API (participants' personal data) ---
    _reg_event_case("GET", "/api/v1/events/{slug}/registrations"),
    # --- staff accounts (admin/users.py) ---
    Case("GET", "/admin/users", ADMIN, lambda w: ({}, None)),
    Case("POST", "/admin/users", ADMIN, lambda w: ({}, {"email": f"new-{uuid.uuid4().hex[:8]}@example.org", "role": "checkin"})),
    Case("GET", "/admin/users/{user_id}", ADMIN, lambda w: ({"user_id": w.author().id}, None)),
    Case("POST", "/admin/users/{user_id}", ADMIN, lambda w: ({"user_id": w.author().id}, {"role": "press_officer", "is_active": "on"})),
    Case("POST", "/admin/users/{user_id}/reset", ADMIN, lambda w: ({"user_id": w.author().id}, {})),
    Case("POST", "/admin/users/{user_id}/sessions/{session_id}/end", ADMIN, lambda w: _staff_session(w)),
    Case("GET", "/admin/account", STAFF, lambda w: ({}, None)),
    # A mismatched repeat (422): a real change would revoke the API tokens the later cases use.
    Case("POST", "/admin/account/password", STAFF, lambda w: ({}, {"current": "test password 123", "password": "a long new password", "password2": "x"}), success=422),
    Case("POST", "/admin/account/totp/setup", STAFF, lambda w: ({}, {})),
    # No code that fits (422): reachable by every staff member, nothing changes.
    Case("POST", "/admin/account/totp", STAFF, lambda w: ({}, {"code": "000000"}), success=422),
    Case("POST", "/admin/account/totp/disable", STAFF, lambda w: ({}, {"code": "000000"}), success=422),
    # Another's session, from one's own page: not found for every staff member (404).
    Case("POST", "/admin/account/sessions/{session_id}/end", STAFF, lambda w: ({"session_id": _staff_session(w)[0]["session_id"]}, {}), success=404),
]  # fmt: skip


def _import_preview(w: World, event: Any) -> str:
    """A checked list kept on the server for the user of the case (the form carries its id)."""
    from eventhub.registrations import importer

    user = w.user or w.author()
    rows = [{str(k): str(v) for k, v in IMPORT_ROW.items()}]
    return str(
        importer.store_preview(w.db, event=event, user=user, filename="list.csv", rows=rows, now=datetime.now(UTC))
    )


def _staff_session(w: World) -> tuple[dict[str, Any], Any]:
    from eventhub.accounts import sessions
    from eventhub.core.models import StaffSession

    user = w.author()
    plain = sessions.start(w.db, user, now=datetime.now(UTC), lifetime=timedelta(hours=12))
    row = w.db.exec(
        select(StaffSession).where(StaffSession.token_hash == __import__("hashlib").sha256(plain.encode()).hexdigest())
    ).one()
    return {"user_id": user.id, "session_id": row.id}, {}


def _recommendation_case(method: str, path: str, body: Callable | None = None) -> Case:
    """A recommendation of a published event of the organiser's organisation."""

    def make(w: World) -> tuple[dict, Any]:
        event = w.event("published")
        rec = Recommendation(event_id=event.id, text="Рекомендация", status="proposed")
        w.db.add(rec)
        w.db.flush()
        return {"slug": event.slug, "rec_id": rec.id}, body(w) if body else None

    return Case(method, path, EVENTS, make)


def _material_case(w: World) -> tuple[dict, Any]:
    event = w.event("published")
    material = Material(event_id=event.id, kind="document", title="Файл", filename="f.pdf",
                        content_type="application/pdf", size=1, sha256="0" * 64)  # fmt: skip
    w.db.add(material)
    w.db.flush()
    return {"slug": event.slug, "material_id": material.id}, {}


RECS = "/admin/events/{slug}/recommendations"
CASES += [
    # --- outcomes (issue 15): the event's organisers ---
    _event_case("PUT", "/api/v1/events/{slug}/report", "published", body=lambda w, e: {"attendance": 10}),
    _event_case("POST", "/api/v1/events/{slug}/recommendations", "published", body=lambda w, e: {"text": "Новая"}),
    _recommendation_case("PATCH", "/api/v1/recommendations/{rec_id}", body=lambda w: {"text": "Иначе"}),
    _recommendation_case("POST", "/api/v1/recommendations/{rec_id}/steps", body=lambda w: {"status": "sent"}),
    _recommendation_case("DELETE", "/api/v1/recommendations/{rec_id}"),
    _event_case("GET", "/admin/events/{slug}/report", "published"),
    _event_case("POST", "/admin/events/{slug}/report", "published", body=lambda w, e: {"attendance": "12"}),
    _event_case("GET", "/admin/events/{slug}/report/translations", "published"),
    _event_case("POST", "/admin/events/{slug}/report/translations", "published", body=lambda w, e: {}),
    _event_case("GET", RECS, "published"),
    _event_case("POST", RECS, "published", body=lambda w, e: {"text": "Новая", "language": "ru", "is_public": "on"}),
    _recommendation_case("GET", RECS + "/{rec_id}"),
    _recommendation_case("POST", RECS + "/{rec_id}", body=lambda w: {"text": "Иначе", "language": "ru"}),
    _recommendation_case("POST", RECS + "/{rec_id}/steps", body=lambda w: {"status": "sent"}),
    _recommendation_case("POST", RECS + "/{rec_id}/delete", body=lambda w: {"confirm": "yes"}),
    _event_case("GET", "/admin/events/{slug}/materials", "published"),
    Case(
        "POST",
        "/admin/events/{slug}/materials",
        EVENTS,
        lambda w: ({"slug": w.event("published").slug}, {"title": "Программа", "language": "ru"}),
        upload=("Программа.pdf", b"%PDF-1.4\ntrailer<<>>\n%%EOF\n", "application/pdf"),
    ),
    Case("POST", "/admin/events/{slug}/materials/{material_id}/delete", EVENTS, _material_case),
]


def _survey_case(w: World) -> tuple[dict, Any]:
    from eventhub.surveys.service import create_survey

    event = w.open_event()
    survey = create_survey(
        w.db, event=event, title="Отзыв", phase="post", anonymous=False, intro=None, sources={"ru": "rating: Как вам?"}
    )
    return {"slug": event.slug, "survey_id": survey.id}, None


def _match_case(w: World) -> tuple[dict, Any]:
    event, a = w.registration("confirmed")
    _event, b = w.registration("confirmed", event=w.open_event())
    return {}, {"a": str(a.id), "b": str(b.id), "decision": "different", "query": ""}


CASES += [
    # --- reports for funders (the events the user may edit) and surveys ---
    Case("GET", "/admin/reports", EVENTS, lambda w: ({}, None)),
    Case("GET", "/admin/reports/export.xlsx", EVENTS, lambda w: ({}, None)),
    Case("GET", "/admin/reports/export.csv", EVENTS, lambda w: ({}, None)),
    Case("GET", "/admin/reports/matches", EVENTS, lambda w: ({}, None)),
    Case("POST", "/admin/reports/matches", EVENTS, _match_case),
    Case("GET", "/admin/projects/{slug}/report", EVENTS, lambda w: ({"slug": make_project(w.db).slug}, None)),
    Case("GET", "/admin/organisations/{slug}/report", EVENTS, lambda w: ({"slug": w.org.slug}, None)),
    _reg_event_case("GET", "/admin/events/{slug}/surveys"),
    _reg_event_case(
        "POST",
        "/admin/events/{slug}/surveys",
        body=lambda w, e: {"title": "Отзыв", "phase": "post", "questions_ru": "text: Что улучшить?"},
    ),
    Case("GET", "/admin/events/{slug}/surveys/{survey_id:int}", EVENTS, _survey_case),
    Case("POST", "/admin/events/{slug}/surveys/{survey_id:int}/toggle", EVENTS, lambda w: (_survey_case(w)[0], {})),
    Case("GET", "/admin/events/{slug}/surveys/{survey_id:int}/export.xlsx", EVENTS, _survey_case),
]


# Routes everyone may use, tested elsewhere (login) or read-only public data.
PUBLIC = {
    ("GET", "/admin/login"), ("POST", "/admin/login"), ("POST", "/admin/logout"),
    ("GET", "/admin/password/reset/{token}"), ("POST", "/admin/password/reset/{token}"),  # the one-time link
    ("GET", "/admin/login/code"), ("POST", "/admin/login/code"),  # the second step of a login
    ("GET", "/api/v1/series"), ("GET", "/api/v1/series/{slug}"),
    ("GET", "/api/v1/press-contacts"), ("GET", "/api/v1/press-contacts/{slug}"),
    ("POST", "/api/v1/events/{slug}/registrations"),  # registering: anonymous, tested in tests/registrations
}  # fmt: skip


def _routes(app) -> set[tuple[str, str]]:
    """(method, path) of every route, however deeply its router is included."""
    out = set()

    def walk(routes) -> None:
        for r in routes:
            for ctx in r.effective_route_contexts() if isinstance(r, _IncludedRouter) else [r]:
                for method in getattr(ctx, "methods", None) or ():
                    out.add((method, ctx.path))

    walk(app.routes)
    return out


def test_every_write_endpoint_and_admin_page_has_a_case(settings) -> None:
    app = create_app(settings)  # a fresh one: other tests add routes of their own to the shared app
    guarded = {
        (m, p)
        for m, p in _routes(app)
        if m != "HEAD"
        and (
            p.startswith("/admin")
            or (p.startswith("/api/") and (m != "GET" or p.endswith(("/audit", "/registrations")) or "/people" in p))
        )
    }
    assert guarded - PUBLIC == {(c.method, c.path) for c in CASES}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_exactly_what_it_is_allowed(role, app, client, db, login_as, bearer_as) -> None:
    app.state.outbox_retry_delays = ()  # e-mails of approvals stay in the outbox: no SMTP here
    # Messages are sent after the response, in the test's transaction, to a port nobody listens on.
    app.state.settings = app.state.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": _free_port()})
    org = make_organisation(db)
    db.commit()
    headers, csrf = {}, None
    if role != "anonymous":
        # Check-in staff of the organisation work at its published events.
        user, csrf = login_as(role, (org.slug,) if role in ("organiser", "checkin") else ())
        headers = bearer_as(user=user)
    world = World(db, org, Site.from_settings(app.state.settings), user if csrf else None)
    wrong = []
    for case in CASES:
        params, body = case.make(world)
        db.commit()
        url = case.path.replace(":int}", "}").format(**params)
        api = url.startswith("/api/")
        kwargs: dict[str, Any] = {"headers": headers if api else {}, "follow_redirects": False}
        if body is not None or case.method != "GET":
            kwargs["json" if api else "data"] = body if api else (body or {}) | {"csrf_token": csrf or ""}
        if case.upload:
            kwargs["files"] = {"file": case.upload}
        response = client.request(case.method, url, **kwargs)
        if role in case.allowed:
            ok = (
                response.status_code in (200, 201, 204)
                if api or case.method == "GET"
                else response.status_code == case.success
            )
        elif role == "anonymous":
            ok = (
                response.status_code == 401
                if api
                else (response.status_code == 303 and response.headers["location"].startswith("/admin/login"))
            )
        else:
            ok = response.status_code == 403
        if not ok:
            wrong.append(f"{case.method} {url}: {response.status_code} {response.text[:300]}")
    assert wrong == []


# --- reads: every staff page and API read, each role and each organisation sees only its own ---


@dataclass
class Side:
    """One organisation's world: a published event with a participant and a journalist, a
    draft event, a release about each, a release about no event, an invitation; a message
    sent to the participants (one e-mail refused by the server), the event's reminder text."""

    org: Organisation
    event: Any
    draft: Any
    participant: Registration
    journalist: Registration
    release: Any  # about the draft
    loose: Any  # about no event, by an organiser of the organisation
    invitation: Invitation
    session: Any
    message: EventMessage
    markers: dict[str, list[str]]  # kind -> texts that only this organisation's staff may read


def _side(db: Any, letter: str, tag: str, author: StaffUser, site: Site) -> Side:
    org = make_organisation(db)
    db.add(StaffUserOrganisation(user_id=author.id, organisation_id=org.id))
    event = make_event(db, registration_mode="open", start_at=START, end_at=START + timedelta(hours=8))
    draft = make_event(
        db, status="draft", title=f"Тайный черновик {tag}", start_at=START, end_at=START + timedelta(hours=8)
    )
    for e in (event, draft):
        add_organisation_role(db, e, org, "organiser")
    people = []
    for n, (name, category, phone) in enumerate(
        [(f"Участница {tag}ова", "participant", f"+996702{letter * 6}"), (f"Журналист {tag}ов", "press", None)]
    ):
        email = f"{category}-{tag.lower()}@example.org"
        people.append(
            Registration(
                event_id=event.id, token_hash=f"read-{tag}-{n}-{uuid.uuid4().hex}", full_name=name, email=email,
                email_normalised=email, phone=phone, category=category, outlet="24.kg" if n else None,
                consent_at=START, consent_text="Согласие", status="confirmed",
            )
        )  # fmt: skip
    db.add_all(people)
    release = make_release(db, status="draft", published_at=None, event_id=draft.id, title=f"Тайный релиз {tag}")
    loose = make_release(
        db, status="draft", published_at=None, title=f"Релиз без события {tag}", created_by_id=author.id
    )
    invitation = Invitation(event_id=event.id, organisation_id=org.id, seat_quota=3, token_hash=uuid.uuid4().hex)
    db.add(invitation)
    session = make_session(db, draft, start_at=START, end_at=START + timedelta(hours=1), title=f"Тайная сессия {tag}")
    db.flush()
    message, _failed = send_message(db, event, author, site, f"Тайное письмо {tag}")
    settings = reminders.parse_settings({"reminder_hours": ["24"], "reminder_text_ru": f"Тайное напоминание {tag}"})
    reminders.save_settings(db, event=event, data=settings, user=author)
    db.add(FormQuestion(event_id=event.id, kind="yes_no", label=f"Тайный вопрос {tag}"))
    db.flush()
    participant, journalist = people
    return Side(
        org, event, draft, participant, journalist, release, loose, invitation, session, message,
        markers={
            "participant": [participant.full_name, participant.email, participant.phone, format_phone(participant.phone)],
            "journalist": [journalist.full_name, journalist.email],
            "draft": [draft.title, release.title, session.title],
            "release": [loose.title],
            "message": [message.subject],
            "reminder": [f"Тайное напоминание {tag}", f"Тайный вопрос {tag}"],
            "phone": [participant.phone, format_phone(participant.phone)],  # the WhatsApp list shows no names
        },
    )  # fmt: skip


# Which kinds of another organisation's data a role may read on the staff lists (/admin/press...):
# admins everything; press officers serve every public event (journalists, releases about no
# event) but see no drafts and no participant; organisers and check-in staff nothing.
OTHERS_VISIBLE = {
    "admin": {"participant", "journalist", "draft", "release", "message", "reminder", "phone"},
    "press_officer": {"journalist", "release"},
    "organiser": set(),
    "checkin": set(),
    "anonymous": set(),
}


def _read_params(db: Any, s: Side, other: Side) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """path -> (path params, query) for one side; the query asks for the other side's things
    where an address could smuggle them in (?done=<id>, ?q=<name>, ?event=<slug>)."""
    ev = {"slug": s.event.slug}
    return {
        "/admin": ({}, {}),
        "/admin/events": ({}, {"q": "Тайный"}),
        "/admin/events/new": ({}, {}),
        "/admin/events/{slug}": ({"slug": s.draft.slug}, {}),
        "/admin/events/{slug}/agenda": ({"slug": s.draft.slug}, {}),
        "/admin/events/{slug}/history": ({"slug": s.draft.slug}, {}),
        "/admin/events/{slug}/agenda/translations": ({"slug": s.draft.slug}, {}),
        "/admin/events/{slug}/cancel": (ev, {}),
        "/admin/events/{slug}/organisations": ({"slug": s.draft.slug}, {}),
        "/admin/events/{slug}/postpone": (ev, {}),
        "/admin/events/{slug}/publish": ({"slug": s.draft.slug}, {}),
        "/admin/events/{slug}/translations": ({"slug": s.draft.slug}, {}),
        "/admin/events/{slug}/sessions/new": ({"slug": s.draft.slug}, {}),
        "/admin/events/{slug}/sessions/{session_id}": ({"slug": s.draft.slug, "session_id": other.session.id}, {}),
        REGS: (ev, {}),
        REGS + "/checkin": (ev, {"q": other.participant.full_name.split()[-1], "done": other.participant.id}),
        REGS + "/checkin-staff": (ev, {}),
        REGS + "/form": (ev, {}),
        REGS + "/papers": (ev, {}),
        REGS + "/{reg_id:int}/decline": ({**ev, "reg_id": other.participant.id}, {}),
        REGS + "/papers/sign-in.pdf": (ev, {"cols": ["phone", "organisation"]}),
        REGS + "/papers/per-diem.pdf": (ev, {}),
        REGS + "/papers/per-diem.xlsx": (ev, {}),
        REGS + "/papers/badges.pdf": (ev, {}),
        REGS + "/papers/tents.pdf": (ev, {}),
        REGS + "/papers/certificates.pdf": (ev, {}),
        REGS + "/papers/certificates/{reg_id:int}.pdf": ({**ev, "reg_id": other.participant.id}, {}),
        REGS + "/form/questions/{question_id:int}": (
            {
                **ev,
                "question_id": db.exec(select(FormQuestion.id).where(FormQuestion.event_id == other.event.id)).one(),
            },
            {},
        ),
        REGS + "/export.csv": (ev, {}),
        REGS + "/export.xlsx": (ev, {}),
        REGS + "/import": (ev, {}),
        REGS + "/invitations": (ev, {}),
        REGS + "/messages": (ev, {}),
        REGS + "/messages/{message_id:int}": (ev | {"message_id": s.message.id}, {}),
        REGS + "/outbox": (ev, {}),
        REGS + "/phones": (ev, {"audience": "1", "status": ["confirmed"]}),
        REGS + "/reminders": (ev, {}),
        REGS + "/sign-in": (ev, {}),
        REGS + "/stats": (ev, {}),
        "/admin/press": ({}, {}),
        "/admin/press/new": ({}, {"event": s.draft.slug}),
        "/admin/press/accreditation": ({}, {}),
        "/admin/press/{release_id}": ({"release_id": s.release.id}, {}),
        "/admin/press/{release_id}/translations": ({"release_id": s.loose.id}, {}),
        "/api/v1/events/{slug}": ({"slug": s.draft.slug}, {}),
        "/api/v1/events/{slug}/audit": ({"slug": s.draft.slug}, {}),
        "/api/v1/events/{slug}/registrations": (ev, {}),
        "/api/v1/press-releases/{slug}": ({"slug": s.release.slug}, {}),
        "/api/v1/people": ({}, {}),
        "/api/v1/people/{slug}": ({"slug": make_person(db).slug}, {}),
        "/admin/users": ({}, {}),
        "/admin/users/{user_id}": ({"user_id": s.participant.id}, {}),  # some id: a staff member or a 404
        "/admin/account": ({}, {}),
        # outcomes (issue 15): of the side's draft; a recommendation of the other side's draft
        "/admin/events/{slug}/report": ({"slug": s.draft.slug}, {}),
        "/admin/events/{slug}/report/translations": ({"slug": s.draft.slug}, {}),
        "/admin/events/{slug}/recommendations": ({"slug": s.draft.slug}, {}),
        "/admin/events/{slug}/recommendations/{rec_id}": ({"slug": s.draft.slug, "rec_id": _draft_rec(db, other)}, {}),
        "/admin/events/{slug}/materials": ({"slug": s.draft.slug}, {}),
        "/admin/reports": ({}, {"organisation": other.org.slug}),
        "/admin/reports/export.xlsx": ({}, {}),
        "/admin/reports/export.csv": ({}, {"organisation": other.org.slug}),
        "/admin/reports/matches": ({}, {}),
        "/admin/events/{slug}/surveys": (ev, {}),
        "/admin/events/{slug}/surveys/{survey_id:int}": (ev | {"survey_id": _survey_of(db, s.event)}, {}),
        "/admin/events/{slug}/surveys/{survey_id:int}/export.xlsx": (ev | {"survey_id": _survey_of(db, s.event)}, {}),
    }


def _draft_rec(db: Any, s: Side) -> int:
    rec = Recommendation(event_id=s.draft.id, text=f"Рекомендация {s.draft.title}", status="proposed")
    db.add(rec)
    db.flush()
    return rec.id


def _survey_of(db: Any, event: Any) -> int:
    from eventhub.surveys.service import create_survey, surveys_of

    found = surveys_of(db, event.id)
    if found:
        return found[0].id
    return create_survey(
        db, event=event, title="Отзыв", phase="post", anonymous=False, intro=None, sources={"ru": "text: Что улучшить?"}
    ).id


# Where the staff pages of a role show its own organisation's people: (path, kind of marker).
OWN = [
    (REGS, "participant"), (REGS + "/export.csv", "participant"), (REGS + "/export.xlsx", "participant"),
    (REGS + "/sign-in", "participant"), ("/api/v1/events/{slug}/registrations", "participant"),
    ("/admin/press/accreditation", "journalist"), ("/admin/press", "release"),
    (REGS + "/messages", "message"), (REGS + "/messages/{message_id:int}", "message"),
    (REGS + "/messages/{message_id:int}", "participant"), (REGS + "/outbox", "participant"),
    (REGS + "/outbox", "message"), (REGS + "/phones", "phone"), (REGS + "/reminders", "reminder"),
]  # fmt: skip


def _text(response: Any) -> str:
    if response.headers.get("content-type", "").startswith("application/vnd.openxmlformats"):
        import io

        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    if response.headers.get("content-type", "").startswith("application/pdf"):
        import io

        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return response.text


def _read_routes(app) -> set[str]:
    return {
        p
        for m, p in _routes(app)
        if m == "GET"
        and p not in ("/admin/login", "/admin/login/code")
        and not p.startswith("/admin/password/reset/")  # the one-time link: no session, no data
        and (p.startswith("/admin") or p.endswith(("/audit", "/registrations")) or "/people" in p)
        and not any(p.startswith(f"/admin/{key}") for key in DIRECTORIES)  # the shared directory: no one's own
    } | {"/api/v1/events/{slug}", "/api/v1/press-releases/{slug}"}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_and_organisation_reads_only_its_own(role, app, client, db, login_as, bearer_as, make_staff) -> None:
    """Every staff page and API read, asked for with the address of one's own organisation and
    with the other's: the other organisation's participants, journalists, drafts and releases
    never appear in the body (beyond what the role may see on the staff lists)."""
    mine_author, theirs_author = make_staff("organiser"), make_staff("organiser")
    site = Site.from_settings(app.state.settings)
    mine = _side(db, "1", "А", mine_author, site)
    theirs = _side(db, "2", "Б", theirs_author, site)
    db.commit()
    headers: dict[str, str] = {}
    if role != "anonymous":
        user, _csrf = login_as(role, (mine.org.slug,) if role in ("organiser", "checkin") else ())
        headers = bearer_as(user=user)
    allowed = {c.path: c.allowed for c in CASES if c.method == "GET"}
    allowed |= {"/api/v1/events/{slug}": EVENTS, "/api/v1/press-releases/{slug}": RELEASES}
    own_params, their_params = _read_params(db, mine, theirs), _read_params(db, theirs, mine)
    db.commit()
    assert set(own_params) == _read_routes(create_app(app.state.settings))  # a new staff read needs a line here
    leaks, missing = [], []
    for path, (params, query) in own_params.items():
        for side, (p, q) in (("own", (params, query)), ("other", their_params[path])):
            url = path.replace(":int}", "}").format(**p)
            response = client.get(
                url, params=q, headers=headers if url.startswith("/api/") else {}, follow_redirects=False
            )
            body = _text(response)
            assert response.status_code < 500, f"{url}: {response.status_code}"
            addressed = "{slug}" in path  # an event in the address: nothing of another event shows
            visible = set() if addressed and side == "own" else OTHERS_VISIBLE[role]
            for kind, texts in theirs.markers.items():
                if kind in visible or (side == "other" and role == "admin"):
                    continue
                leaks += [f"{side} {url}?{q}: {kind} {t!r}" for t in texts if t and t in body]
            if side == "own" and role in allowed.get(path, set()):
                missing += [f"{url}: {kind}" for p_, kind in OWN if p_ == path and mine.markers[kind][0] not in body]
    assert leaks == []
    assert missing == []


@pytest.mark.parametrize("role", ["admin", "organiser"])
def test_an_events_address_reaches_only_that_events_messages_and_mail(
    role, app, client, db, login_as, make_staff
) -> None:
    """Even those who may run both events: the message and outbox ids of another event, sent
    through this event's address, are not found, and the other event's mail stays as it was."""
    site = Site.from_settings(app.state.settings)
    mine = _side(db, "1", "А", make_staff("organiser"), site)
    theirs = _side(db, "2", "Б", make_staff("organiser"), site)
    failed = db.exec(
        select(OutboxMessage).where(OutboxMessage.message_id == theirs.message.id, OutboxMessage.status == "failed")
    ).one()
    db.commit()
    _user, csrf = login_as(role, (mine.org.slug,))
    base = f"/admin/events/{mine.event.slug}/registrations"

    detail = client.get(f"{base}/messages/{theirs.message.id}")
    retried = client.post(f"{base}/outbox/{failed.id}/retry", data={"csrf_token": csrf}, follow_redirects=False)

    assert (detail.status_code, retried.status_code) == (404, 404)
    assert [
        t for t in theirs.markers["participant"] + theirs.markers["message"] if t in detail.text + retried.text
    ] == []
    db.refresh(failed)
    assert (failed.status, failed.attempts) == ("failed", 5)
