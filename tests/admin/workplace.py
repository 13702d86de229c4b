"""A working week for the workplace tests: an IPR event tomorrow with a two-day programme,
registrations in every state, a journalist, a message, releases, and one staff user per role.

Used by the link crawl (TestClient, in the test's transaction) and the Chromium stories (a
SQLite file the live server then reads)."""

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from eventhub.core.models import (
    AuditLog,
    Event,
    EventCheckinStaff,
    EventMessage,
    Organisation,
    Registration,
    StaffUser,
    StaffUserOrganisation,
)
from eventhub.core.tokens import hash_token
from tests.factories import add_organisation_role, add_speaker, make_event, make_person, make_release, make_session

SLUG = "forum-zavtra"
ROLES = {  # role: (e-mail, organisations)
    "admin": ("admin@workplace.kg", ()),
    "organiser": ("organiser@ipr.kg", ("ipr",)),
    "press_officer": ("press@workplace.kg", ()),
    "checkin": ("door@ipr.kg", ()),
}


def _org(db: Session, slug: str, **kw: Any) -> Organisation:
    org = db.exec(select(Organisation).where(Organisation.slug == slug)).first()
    if org is None:
        org = Organisation(slug=slug, name=kw.get("name", slug), short_name=kw.get("short_name"), kind="ngo")
        db.add(org)
        db.flush()
    return org


def build(db: Session, password_hash: str, now: datetime) -> Event:
    """The data (flushed, not committed); returns the event."""
    ipr = _org(db, "ipr", name="Институт политики развития", short_name="ИПР")
    local_midnight = (now + timedelta(hours=6)).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(hours=6)
    start = local_midnight + timedelta(days=1, hours=10)  # tomorrow 10:00 in Bishkek
    event = make_event(
        db, slug=SLUG, title="Форум «Завтра»", kind="forum", status="published", start_at=start,
        end_at=start + timedelta(days=1, hours=8), capacity=3, registration_mode="open",
        venue_name="Отель «Ала-Тоо»", summary="Два дня о местном самоуправлении.",
    )  # fmt: skip
    add_organisation_role(db, event, ipr)
    draft = make_event(db, slug="seminar-chernovik", title="Семинар для аймаков", status="draft",
                       start_at=start + timedelta(days=14), end_at=start + timedelta(days=14, hours=6))  # fmt: skip
    add_organisation_role(db, draft, ipr)
    moderator = make_person(db, slug="moderator-wp", name="Айбек Осмонов", organisation_id=ipr.id)
    first = make_session(db, event, title="Открытие", start_at=start, end_at=start + timedelta(hours=1), position=0)
    add_speaker(db, first, moderator, "moderator")
    make_session(db, event, title="День второй: итоги", start_at=start + timedelta(days=1), position=1,
                 end_at=start + timedelta(days=1, hours=2))  # fmt: skip
    people = [
        ("Бакыт Алиев", "confirmed", "participant"),
        ("Гульнара Садыкова", "confirmed", "press"),
        ("Жылдыз Токтогулова", "attended", "participant"),
        ("Нурлан Жумабаев", "waitlisted", "participant"),
        ("Айнура Касымова", "pending", "participant"),
    ]
    for n, (name, status, category) in enumerate(people):
        db.add(Registration(
            event_id=event.id, token_hash=hash_token(secrets.token_urlsafe(16)), full_name=name,
            email=f"p{n}@example.org", email_normalised=f"p{n}@example.org", category=category, status=status,
            outlet="Kloop" if category == "press" else None, consent_at=now, consent_text="согласие",
            waitlist_position=1 if status == "waitlisted" else None,
        ))  # fmt: skip
    db.add(EventMessage(event_id=event.id, subject="Как добраться", body="Автобус от площади в 9:00.", recipients=3))
    make_release(db, slug="wp-draft", status="draft", title="Форум «Завтра» открывается", event_id=event.id,
                 published_at=None)  # fmt: skip
    make_release(db, slug="wp-embargo", status="scheduled", title="Итоги форума «Завтра»", event_id=event.id,
                 published_at=None, embargo_until=start + timedelta(days=2))  # fmt: skip
    users: dict[str, StaffUser] = {}
    for role, (email, orgs) in ROLES.items():
        user = db.exec(select(StaffUser).where(StaffUser.email == email)).first()
        if user is None:
            user = StaffUser(email=email, password_hash=password_hash, role=role, full_name=role.title())
            db.add(user)
            db.flush()
            for slug in orgs:
                db.add(StaffUserOrganisation(user_id=user.id, organisation_id=_org(db, slug).id))
        users[role] = user
    db.add(EventCheckinStaff(event_id=event.id, user_id=users["checkin"].id))
    db.add(AuditLog(user_id=users["organiser"].id, action="update", entity_type="event", entity_id=event.id,
                    event_id=event.id, at=now - timedelta(hours=1),
                    changes={"city": ["Бишкек", "Ош"], "start_at": [(start - timedelta(days=7)).astimezone(UTC).isoformat(),
                                                                   start.astimezone(UTC).isoformat()],
                             "registration_mode": ["closed", "open"], "moderators": [[], ["moderator-wp"]]}))  # fmt: skip
    db.flush()
    return event
