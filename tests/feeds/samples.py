"""Events built in memory (no database) for the pure renderers' expected-file tests."""

from datetime import UTC, datetime

from eventhub.core.models import AgendaSession, Event, Organisation, Panel, Person, SessionSpeaker

REVISED = datetime(2030, 5, 1, 9, 30, tzinfo=UTC)
CREATED = datetime(2030, 4, 1, 8, 0, tzinfo=UTC)


def _person(pid: int, name: str, position: str, org: Organisation | None = None, org_name: str | None = None) -> Person:
    return Person(
        id=pid,
        slug=f"person-{pid}",
        name=name,
        position=position,
        organisation=org,
        organisation_name=org_name,
        updated_at=REVISED,
    )


def _session(sid: int, event: Event, **kw) -> AgendaSession:
    values = {"id": sid, "event_id": event.id, "position": sid, "updated_at": REVISED, "kind": "other"} | kw
    return AgendaSession(**values)


def round_table() -> Event:
    """A timed round table in Bishkek (10:00–13:00 local = 04:00–07:00Z) with venue, goals and a panel."""
    ipr = Organisation(id=1, slug="ipr", short_name="ИПР", name="Институт политики развития", kind="cso")
    event = Event(
        id=42,
        slug="kruglyy-stol-msu-2030",
        kind="round_table",
        status="published",
        title="Круглый стол «Местное самоуправление — 2030»: бюджеты айылных аймаков и услуги на местах",
        summary="Представители Жогорку Кенеша, министерств и органов МСУ обсудят бюджеты айылных аймаков.",
        goals=["Обсудить бюджеты айылных аймаков.", "Сформулировать предложения по местным услугам."],
        start_at=datetime(2030, 6, 10, 4, 0, tzinfo=UTC),
        end_at=datetime(2030, 6, 10, 7, 0, tzinfo=UTC),
        timezone="Asia/Bishkek",
        venue_name="Конференц-зал ИПР",
        venue_address="ул. Уметалиева, 108",
        city="Бишкек",
        venue_region="bishkek",
        latitude=42.8746,
        longitude=74.5698,
        sequence=2,
        created_at=CREATED,
        updated_at=REVISED,
        date_note="Время окончания ориентировочное.",
    )
    moderator = _person(7, "Надежда Добрецова", "директор", ipr)
    panellist = _person(8, "Гульмира Абдыразакова", "член Оргкомитета", None, "СПС")
    opening = _session(
        1,
        event,
        kind="opening",
        title="Открытие",
        start_at=datetime(2030, 6, 10, 4, 0, tzinfo=UTC),
        end_at=datetime(2030, 6, 10, 4, 20, tzinfo=UTC),
        room="Большой зал",
    )
    panel = _session(
        2,
        event,
        kind="panel",
        title="Бюджеты айылных аймаков",
        description="Как планировать бюджет вместе с жителями.",
        start_at=datetime(2030, 6, 10, 4, 20, tzinfo=UTC),
        end_at=datetime(2030, 6, 10, 6, 0, tzinfo=UTC),
        room="Большой зал",
    )
    panel.speakers = [
        SessionSpeaker(id=1, session_id=2, person_id=7, person=moderator, role="moderator", position=0),
        SessionSpeaker(id=2, session_id=2, person_id=8, person=panellist, role="panellist", position=1),
    ]
    panel.panel = Panel(
        id=1,
        session_id=2,
        guiding_questions=["Кто решает, на что тратить?"],
        expected_result="будут сформулированы предложения по участию граждан в бюджетном процессе.",
    )
    untimed = _session(3, event, kind="discussion", title="Свободное обсуждение (время не указано)")
    event.sessions = [opening, panel, untimed]
    return event


def partner_session() -> Event:
    """A partner's online sessions in Europe/Berlin: one in summer (CEST), one in winter (CET)."""
    event = Event(
        id=43,
        slug="onlayn-seminar-partnera",
        kind="seminar",
        status="published",
        title="Онлайн-семинар партнёра",
        start_at=datetime(2030, 7, 1, 8, 0, tzinfo=UTC),
        end_at=datetime(2030, 12, 2, 10, 0, tzinfo=UTC),
        timezone="Europe/Berlin",
        online_url="https://meet.example.org/seminar",
        created_at=CREATED,
        updated_at=REVISED,
    )
    event.sessions = [
        _session(
            11,
            event,
            kind="presentation",
            title="Летняя сессия",
            start_at=datetime(2030, 7, 1, 8, 0, tzinfo=UTC),
            end_at=datetime(2030, 7, 1, 9, 30, tzinfo=UTC),
        ),
        _session(
            12,
            event,
            kind="presentation",
            title="Зимняя сессия",
            start_at=datetime(2030, 12, 2, 9, 0, tzinfo=UTC),
            end_at=datetime(2030, 12, 2, 10, 0, tzinfo=UTC),
        ),
    ]
    return event


def all_day_forum() -> Event:
    """Two whole days in Bishkek: stored as local midnight to the midnight after the last day."""
    return Event(
        id=44,
        slug="forum-aymakov-2030",
        kind="forum",
        status="postponed",
        status_note="Перенесён с 8 сентября.",
        title="Форум аймаков – 2030",
        start_at=datetime(2030, 9, 14, 18, 0, tzinfo=UTC),  # 15 Sep 00:00 in Bishkek
        end_at=datetime(2030, 9, 16, 18, 0, tzinfo=UTC),  # 17 Sep 00:00: the last day is the 16th
        timezone="Asia/Bishkek",
        all_day=True,
        city="Бишкек",
        sequence=1,
        created_at=CREATED,
        updated_at=REVISED,
    )
