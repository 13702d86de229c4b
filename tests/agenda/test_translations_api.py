"""`translations` in the write API of events and agenda sessions (a session's body carries its panel's)."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from eventhub.core.models import AgendaSession, AuditLog, Event, Panel
from tests.factories import add_organisation_role, make_event, make_organisation, table_counts

START = datetime(2030, 5, 14, 3, 0, tzinfo=UTC)


def _event(db):
    org = make_organisation(db, slug="ipr")
    event = make_event(db, status="published", start_at=START, end_at=START + timedelta(hours=8))
    add_organisation_role(db, event, org)
    db.commit()
    return event


def test_a_panel_posted_with_kyrgyz_versions_is_shown_in_kyrgyz(client, db, bearer_as) -> None:
    event = _event(db)
    headers = bearer_as("organiser", ("ipr",))
    body = {
        "kind": "panel", "title": "Вода и сёла", "start_at": "2030-05-14T10:00", "end_at": "2030-05-14T11:00",
        "guiding_questions": ["Кто платит?"], "expected_result": "Предложения",
        "translations": {"ky": {"title": "Суу жана айылдар", "guiding_questions": ["Ким төлөйт?"], "expected_result": "Сунуштар"}},
    }  # fmt: skip
    created = client.post(f"/api/v1/events/{event.slug}/sessions", json=body, headers=headers)
    assert created.status_code == 201
    session = db.get(AgendaSession, created.json()["id"])
    assert session.translations == {"ky": {"title": "Суу жана айылдар"}}
    assert db.exec(select(Panel.translations).where(Panel.session_id == session.id)).one() == {
        "ky": {"guiding_questions": ["Ким төлөйт?"], "expected_result": "Сунуштар"}
    }
    kyrgyz = client.get(f"/api/v1/events/{event.slug}", params={"lang": "ky"}).json()["agenda"][0]
    assert (kyrgyz["title"], kyrgyz["panel"]["expected_result"]) == ("Суу жана айылдар", "Сунуштар")
    # A PATCH without translations keeps them.
    client.patch(f"/api/v1/events/{event.slug}/sessions/{session.id}", json={"room": "B"}, headers=headers)
    db.expire_all()
    assert db.get(AgendaSession, session.id).translations == {"ky": {"title": "Суу жана айылдар"}}
    patched = client.patch(
        f"/api/v1/events/{event.slug}/sessions/{session.id}", json={"translations": {"en": {"title": "Water"}}},
        headers=headers,
    )  # fmt: skip
    assert patched.status_code == 200
    db.expire_all()
    assert db.get(AgendaSession, session.id).translations == {"en": {"title": "Water"}}
    assert db.exec(select(Panel.translations).where(Panel.session_id == session.id)).one() == {}
    logged = db.exec(
        select(AuditLog.changes).where(AuditLog.entity_type == "agenda_session").order_by(AuditLog.id)
    ).all()
    assert logged[-1]["translations"][1] == {"en": {"title": "Water"}}


def test_wrong_session_versions_are_422_naming_the_field_and_nothing_is_stored(client, db, bearer_as) -> None:
    event = _event(db)
    headers = bearer_as("admin")
    before = table_counts(db)
    for versions, field in [
        ({"ru": {"title": "Открытие"}}, "translations.ru"),
        ({"en": {"room": "A"}}, "translations.en.room"),
        ({"en": {"expected_result": "x" * 5001}}, "translations.en.expected_result"),
        ({"en": {"guiding_questions": ["x" * 1001]}}, "translations.en.guiding_questions.0"),
    ]:
        response = client.post(
            f"/api/v1/events/{event.slug}/sessions",
            json={"title": "Открытие", "translations": versions},
            headers=headers,
        )
        assert response.status_code == 422, versions
        assert field in response.json()["error"]["fields"], response.json()
    assert table_counts(db) == before


def test_an_event_takes_english_versions_through_the_api(client, db, bearer_as) -> None:
    event = _event(db)
    headers = bearer_as("organiser", ("ipr",))
    response = client.patch(
        f"/api/v1/events/{event.slug}",
        json={"translations": {"en": {"title": "Forum of aimaks", "goals": ["Share experience"]}}},
        headers=headers,
    )
    assert response.status_code == 200
    db.expire_all()
    assert db.get(Event, event.id).translations == {"en": {"title": "Forum of aimaks", "goals": ["Share experience"]}}
    assert client.get(f"/api/v1/events/{event.slug}", params={"lang": "en"}).json()["title"] == "Forum of aimaks"
    client.patch(f"/api/v1/events/{event.slug}", json={"city": "Ош"}, headers=headers)
    db.expire_all()
    assert db.get(Event, event.id).translations["en"]["title"] == "Forum of aimaks"
    refused = client.patch(
        f"/api/v1/events/{event.slug}", json={"translations": {"en": {"title": "x" * 401}}}, headers=headers
    )
    assert refused.status_code == 422 and "translations.en.title" in refused.json()["error"]["fields"]
