"""Small builders: make_event(db, **overrides) and friends, flushed, not committed."""

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from eventhub.core.models import (
    AgendaSession,
    Event,
    EventOrganisation,
    Organisation,
    Panel,
    Person,
    PressContact,
    PressRelease,
    Project,
    SessionSpeaker,
)
from eventhub.core.text import search_key

_n = itertools.count(1)


def _save(db: Session, obj: Any) -> Any:
    db.add(obj)
    db.flush()
    return obj


def make_organisation(db: Session, **kw: Any) -> Organisation:
    n = next(_n)
    values = {"slug": f"org-{n}", "name": f"Организация {n}", "short_name": f"ОРГ{n}", "kind": "cso"} | kw
    values.setdefault("search_text", search_key(values.get("short_name"), values["name"]))
    return _save(db, Organisation(**values))


def make_project(db: Session, **kw: Any) -> Project:
    n = next(_n)
    return _save(db, Project(**({"slug": f"project-{n}", "name": f"Проект {n}"} | kw)))


def make_event(db: Session, **kw: Any) -> Event:
    n = next(_n)
    start = kw.pop("start_at", datetime(2030, 5, 14, 4, 0, tzinfo=UTC))
    values = {
        "slug": f"event-{n}",
        "kind": "round_table",
        "status": "published",
        "title": f"Круглый стол {n}",
        "start_at": start,
        "end_at": kw.pop("end_at", start + timedelta(hours=4)),
        "timezone": "Asia/Bishkek",
        "city": "Бишкек",
    } | kw
    values.setdefault("search_text", search_key(values["title"], values.get("summary")))
    return _save(db, Event(**values))


def add_organisation_role(db: Session, event: Event, org: Organisation, role: str = "organiser") -> EventOrganisation:
    return _save(db, EventOrganisation(event_id=event.id, organisation_id=org.id, role=role))


def make_person(db: Session, **kw: Any) -> Person:
    n = next(_n)
    return _save(db, Person(**({"slug": f"person-{n}", "name": f"Докладчик {n}", "position": "эксперт"} | kw)))


def make_session(db: Session, event: Event, **kw: Any) -> AgendaSession:
    n = next(_n)
    return _save(db, AgendaSession(**({"event_id": event.id, "title": f"Сессия {n}", "position": n} | kw)))


def add_speaker(db: Session, session: AgendaSession, person: Person, role: str = "speaker") -> SessionSpeaker:
    return _save(db, SessionSpeaker(session_id=session.id, person_id=person.id, role=role))


def make_panel(db: Session, session: AgendaSession, **kw: Any) -> Panel:
    return _save(db, Panel(**({"session_id": session.id, "expected_result": "предложения"} | kw)))


def make_press_contact(db: Session, **kw: Any) -> PressContact:
    n = next(_n)
    return _save(
        db, PressContact(**({"slug": f"contact-{n}", "name": f"Контакт {n}", "phones": ["+996702174107"]} | kw))
    )


def make_release(db: Session, **kw: Any) -> PressRelease:
    n = next(_n)
    values = {
        "slug": f"release-{n}",
        "type": "press_release",
        "status": "published",
        "title": f"Пресс-релиз {n}",
        "body": "Текст",
        "published_at": datetime(2024, 1, 1, tzinfo=UTC),
    } | kw
    return _save(db, PressRelease(**values))


def table_counts(db: Session) -> dict[str, int]:
    """Rows per table: a request that was refused must leave every count as it was."""
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    return {
        t.name: db.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
        for t in SQLModel.metadata.sorted_tables
    }


def staff_cookie(db: Session, user: Any, secret: str, csrf: str = "x", now: Any = None) -> str:
    """The signed `eventhub_session` cookie of a new server-side session of `user` (committed)."""
    import base64
    import json
    from datetime import timedelta

    import itsdangerous

    from eventhub.accounts import sessions
    from eventhub.core.models import utcnow

    sid = sessions.start(db, user, now=now or utcnow(), lifetime=timedelta(hours=12))
    db.commit()
    payload = base64.b64encode(json.dumps({"sid": sid, "csrf": csrf}).encode())
    return itsdangerous.TimestampSigner(secret).sign(payload).decode()
