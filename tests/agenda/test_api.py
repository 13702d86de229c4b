"""Write API of the agenda: sessions, panels with moderators and panellists, order."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from eventhub.core.models import AgendaSession, AuditLog, Panel, SessionSpeaker
from tests.factories import (
    add_organisation_role,
    make_event,
    make_organisation,
    make_person,
    make_session,
    table_counts,
)

START = datetime(2030, 5, 14, 3, 0, tzinfo=UTC)  # 09:00 in Bishkek


@pytest.fixture()
def event(db):
    """A two-day draft of IPR, 14–15 May 2030, with two people to put on panels."""
    org = make_organisation(db, slug="ipr")
    event = make_event(db, status="draft", start_at=START, end_at=START + timedelta(days=1, hours=8))
    add_organisation_role(db, event, org)
    for slug in ("aibek", "gulnara", "nurlan"):
        make_person(db, slug=slug, name=slug.title())
    db.commit()
    return event


@pytest.fixture()
def headers(bearer_as):
    return bearer_as("organiser", ("ipr",))


def _post(client, event, headers, **body):
    return client.post(f"/api/v1/events/{event.slug}/sessions", json=body, headers=headers)


PANEL = {
    "kind": "panel",
    "title": "Панель 1: услуги МСУ",
    "start_at": "2030-05-14T11:00",
    "end_at": "2030-05-14T12:30",
    "room": "Зал А",
    "moderators": ["aibek"],
    "panellists": ["gulnara", "nurlan"],
    "guiding_questions": ["Какие услуги важнее всего?", "Как их финансировать?"],
    "expected_result": "Будут сформулированы предложения по улучшению услуг.",
}


def test_a_panel_with_moderators_panellists_questions_and_result(client, db, event, headers) -> None:
    response = _post(client, event, headers, **PANEL)
    assert response.status_code == 201
    body = response.json()
    assert [(s["person"], s["role"]) for s in body["speakers"]] == [
        ("aibek", "moderator"), ("gulnara", "panellist"), ("nurlan", "panellist"),
    ]  # fmt: skip
    assert body["panel"] == {
        "guiding_questions": PANEL["guiding_questions"],
        "expected_result": PANEL["expected_result"],
    }
    assert (body["start_at"], body["room"]) == ("2030-05-14T05:00:00Z", "Зал А")
    client.post(f"/api/v1/events/{event.slug}/publish", headers=headers)
    page = client.get(f"/events/{event.slug}").text
    assert "Панель 1: услуги МСУ" in page and "Будут сформулированы предложения" in page and "Модератор" in page


def test_parallel_sessions_in_different_rooms_but_never_two_in_one_room(client, event, headers) -> None:
    for room in ("Зал А", "Зал Б", "Зал В"):
        assert (
            _post(
                client, event, headers, title=room, start_at="2030-05-14T14:00", end_at="2030-05-14T15:30", room=room
            ).status_code
            == 201
        )
    clash = _post(
        client, event, headers, title="Ещё", start_at="2030-05-14T15:00", end_at="2030-05-14T16:00", room=" зал б "
    )
    assert clash.status_code == 422
    assert clash.json()["error"]["fields"] == {"room": "в зале «зал б» в это время уже идёт «Зал Б»"}
    after = _post(
        client, event, headers, title="Потом", start_at="2030-05-14T15:30", end_at="2030-05-14T16:00", room="Зал Б"
    )
    assert after.status_code == 201  # back to back is fine


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"start_at": "2030-05-14T12:00", "end_at": "2030-05-14T11:00"}, "end_at", "позже начала"),
        ({"start_at": "2030-05-16T10:00"}, "start_at", "вне дней мероприятия (14.05.2030–15.05.2030)"),
        ({"start_at": "2030-05-13T23:00"}, "start_at", "вне дней мероприятия"),
        ({"start_at": "2030-05-15T23:00", "end_at": "2030-05-16T01:00"}, "end_at", "вне дней мероприятия"),
        ({"end_at": "2030-05-14T11:00"}, "start_at", "укажите начало"),
        ({"moderators": ["nobody"]}, "moderators", "не найдено: nobody"),
        ({"speakers": "aibek"}, "speakers", "нужен список"),
        ({"kind": "party"}, "kind", "допустимые значения"),
        ({"title": "x" * 401}, "title", "не длиннее 400"),
        ({"guiding_questions": ["?" * 1001]}, "guiding_questions.0", "не длиннее 1000"),
        ({"room": "x" * 121}, "room", "не длиннее 120"),
        ({"event_id": 1}, "event_id", "неизвестное поле"),
    ],
)
def test_each_invalid_session_field_is_a_422_and_nothing_changes(
    client, db, event, headers, body, field, message
) -> None:
    before = table_counts(db)
    response = _post(client, event, headers, **({"title": "Сессия"} | body))
    assert response.status_code == 422
    assert message in response.json()["error"]["fields"][field]
    assert table_counts(db) == before


def test_sessions_are_placed_by_time_and_can_be_reordered(client, db, event, headers) -> None:
    ids = {t: _post(client, event, headers, title=t, start_at=s).json()["id"]
           for t, s in (("Обед", "2030-05-14T13:00"), ("Открытие", "2030-05-14T09:00"), ("Без времени", None))}  # fmt: skip
    titles = lambda: [s["title"] for s in client.get(f"/api/v1/events/{event.slug}", headers=headers).json()["agenda"]]  # noqa: E731
    assert titles() == ["Открытие", "Обед", "Без времени"]
    order = [ids["Без времени"], ids["Открытие"], ids["Обед"]]
    response = client.put(f"/api/v1/events/{event.slug}/sessions/order", json={"ids": order}, headers=headers)
    assert [s["id"] for s in response.json()] == order
    assert titles() == ["Без времени", "Открытие", "Обед"]
    assert db.exec(select(AuditLog.action).where(AuditLog.action == "reorder")).all() == ["reorder"]


def test_reordering_with_foreign_or_missing_ids_is_refused(client, db, event, headers) -> None:
    own = _post(client, event, headers, title="Своя").json()["id"]
    other_event = make_event(db)
    foreign = make_session(db, other_event).id
    db.commit()
    url = f"/api/v1/events/{event.slug}/sessions/order"
    assert client.put(url, json={"ids": [own, foreign]}, headers=headers).json()["error"]["fields"] == {
        "ids": f"не из этой программы: {foreign}"
    }
    assert client.put(url, json={"ids": []}, headers=headers).json()["error"]["fields"] == {
        "ids": "нужна каждая сессия ровно один раз"
    }
    assert client.put(url, json={"ids": ["x"]}, headers=headers).status_code == 422


def test_patch_and_delete_a_session_and_not_another_events_one(client, db, event, headers) -> None:
    sid = _post(client, event, headers, **PANEL).json()["id"]
    changed = client.patch(f"/api/v1/events/{event.slug}/sessions/{sid}", json={"kind": "discussion", "guiding_questions": [],
                           "expected_result": None, "panellists": ["nurlan"]}, headers=headers).json()  # fmt: skip
    assert changed["panel"] is None and [s["person"] for s in changed["speakers"]] == ["aibek", "nurlan"]
    assert db.exec(select(Panel)).all() == []
    other = make_session(db, make_event(db))
    db.commit()
    assert (
        client.patch(
            f"/api/v1/events/{event.slug}/sessions/{other.id}", json={"title": "x"}, headers=headers
        ).status_code
        == 404
    )
    assert client.delete(f"/api/v1/events/{event.slug}/sessions/{other.id}", headers=headers).status_code == 404
    assert client.delete(f"/api/v1/events/{event.slug}/sessions/{sid}", headers=headers).status_code == 204
    assert db.exec(select(AgendaSession).where(AgendaSession.event_id == event.id)).all() == []
    assert db.exec(select(SessionSpeaker)).all() == []


def test_agenda_changes_touch_the_event_but_not_its_sequence(client, db, event, headers) -> None:
    before = event.updated_at
    _post(client, event, headers, title="Открытие")
    db.refresh(event)
    assert event.updated_at > before and event.sequence == 0
