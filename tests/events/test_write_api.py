"""Write API of events: create, change, organisations, publish / postpone / cancel, delete;
every validation rule answers 422 naming the field and changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from eventhub.core.models import AuditLog, Event
from tests.factories import (
    add_organisation_role,
    make_event,
    make_organisation,
    make_project,
    make_session,
    table_counts,
)

NEW = {"kind": "forum", "title": "Форум аймаков — 2024", "start_at": "2024-09-13T10:00", "end_at": "2024-09-13T17:00"}


@pytest.fixture()
def ipr(db, bearer_as):
    """An organiser of IPR (with its token) and the organisation."""
    org = make_organisation(db, slug="ipr", short_name="ИПР", name="Институт политики развития")
    return org, bearer_as("organiser", ("ipr",))


def test_organiser_creates_a_draft_of_their_organisation_in_the_series(client, demo, bearer_as) -> None:
    headers = bearer_as("organiser", ("ipr",))
    response = client.post("/api/v1/events", json=NEW | {"series": "forum-aymakov"}, headers=headers)
    assert response.status_code == 201
    body = response.json()
    assert (body["slug"], body["status"], body["series_edition"]) == ("forum-aimakov-2024", "draft", "2024")
    assert body["start_at"] == "2024-09-13T04:00:00Z"  # 10:00 in Bishkek
    assert body["project"]["slug"] == "uspeshnyy-aymak-2"  # the series' project
    assert [(o["organisation"]["slug"], o["role"]) for o in body["organisations"]] == [("ipr", "organiser")]
    event = demo.exec(select(Event).where(Event.slug == "forum-aimakov-2024")).one()
    assert "форум аймаков" in event.search_text and "forum aimakov" in event.search_text
    audit = demo.exec(select(AuditLog).where(AuditLog.event_id == event.id)).one()
    assert (audit.action, audit.changes["title"]) == ("create", [None, "Форум аймаков — 2024"])


def test_slugs_are_transliterated_and_made_unique(client, ipr) -> None:
    _, headers = ipr
    slugs = [client.post("/api/v1/events", json=NEW, headers=headers).json()["slug"] for _ in range(3)]
    assert slugs == ["forum-aimakov-2024", "forum-aimakov-2024-2", "forum-aimakov-2024-3"]
    taken = client.post("/api/v1/events", json=NEW | {"slug": "forum-aimakov-2024"}, headers=headers)
    assert taken.status_code == 422
    assert taken.json()["error"]["fields"] == {"slug": "адрес «forum-aimakov-2024» уже занят"}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"end_at": "2024-09-13T09:00"}, "end_at", "окончание должно быть позже начала"),
        ({"timezone": "Asia/Atlantis"}, "timezone", "неизвестный часовой пояс"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "http:// или https://"),
        ({"online_url": "http://"}, "online_url", "http:// или https://"),
        ({"kind": "party"}, "kind", "допустимые значения"),
        ({"regions": ["mars"]}, "regions.0", "допустимые значения"),
        ({"languages": []}, "languages", "хотя бы одно"),
        ({"project": "no-such-project"}, "project", "не найдено: no-such-project"),
        ({"series": "no-such-series"}, "series", "не найдено"),
        ({"press_contacts": ["nobody"]}, "press_contacts", "не найдено"),
        ({"bogus": 1}, "bogus", "неизвестное поле"),
        ({"title": "Ф" * 401}, "title", "не длиннее 400 символов"),
        ({"title": "   "}, "title", "не может быть пустым"),
        ({"title": "Форум\x00"}, "title", "недопустимый символ"),
        ({"online_url": "https://example.org/\x00"}, "online_url", "http"),
        ({"title": 123}, "title", "нужна строка"),
        ({"title": None}, "title", "обязательное поле"),
        ({"capacity": -1}, "capacity", "не меньше 0"),
        ({"capacity": "many"}, "capacity", "нужно целое число"),
        ({"latitude": 100}, "latitude", "не больше 90"),
        ({"all_day": "perhaps"}, "all_day", "да или нет"),
        ({"start_at": "13.09.2024"}, "start_at", "дата и время"),
        ({"registration_deadline_at": "2024-09-14T10:00"}, "registration_deadline_at", "не позже окончания"),
        (
            {"registration_opens_at": "2024-09-01T10:00", "registration_deadline_at": "2024-08-01T10:00"},
            "registration_deadline_at",
            "не раньше открытия",
        ),
        ({"slug": "Форум 2024"}, "slug", "латинские"),
        ({"goals": ["x" * 1001]}, "goals.0", "не длиннее 1000"),
        ({"organisations": [{"organisation": "nobody", "role": "organiser"}]}, "organisations", "не найдено"),
        ({"organisations": [{"organisation": "ipr", "role": "boss"}]}, "organisations.0.role", "допустимые"),
        ({"organisations": [{"organisation": "ipr", "role": "organiser", "x": 1}]}, "organisations.0.x", "неизвестное"),
        (
            {"organisations": [{"organisation": "ipr", "role": "funder"}]},
            "organisations",
            "укажите свою организацию организатором",
        ),
        (
            {"organisations": [{"organisation": "ipr", "role": "organiser"}] * 2},
            "organisations.1.role",
            "уже указана в этой роли",
        ),
    ],
)
def test_each_invalid_field_is_a_422_naming_it_and_nothing_is_stored(client, db, ipr, change, field, message) -> None:
    _, headers = ipr
    db.commit()
    before = table_counts(db)
    response = client.post("/api/v1/events", json=NEW | change, headers=headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert message in error["fields"][field]
    assert table_counts(db) == before


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b'{"title": "x",', "body"),
        (b"[1, 2]", "body"),
        (b"", "body"),
        (b'"just a string"', "body"),
        (b"\xff\xfe", "body"),
    ],
)
def test_malformed_bodies_are_a_422_with_a_message(client, db, ipr, content, field) -> None:
    _, headers = ipr
    response = client.post("/api/v1/events", content=content, headers=headers | {"content-type": "application/json"})
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == [field]


def test_script_tags_are_kept_as_text_and_escaped_on_pages(client, db, ipr) -> None:
    _, headers = ipr
    evil = '<script>alert("x")</script>'
    slug = client.post("/api/v1/events", json=NEW | {"title": evil, "summary": evil}, headers=headers).json()["slug"]
    client.post(f"/api/v1/events/{slug}/publish", headers=headers)
    assert client.get(f"/api/v1/events/{slug}").json()["title"] == evil
    page = client.get(f"/events/{slug}").text
    assert "&lt;script&gt;alert(" in page and evil not in page


def _create(client, headers, **change) -> dict:
    response = client.post("/api/v1/events", json=NEW | change, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_patch_changes_the_fields_sent_and_audits_before_and_after(client, db, ipr) -> None:
    _, headers = ipr
    event = _create(client, headers, venue_name="Отель «Ак-Кеме»")
    response = client.patch(f"/api/v1/events/{event['slug']}", json={"title": "Форум аймаков 2024"}, headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["venue"]["name"], body["slug"]) == (
        "Форум аймаков 2024",
        "Отель «Ак-Кеме»",
        event["slug"],
    )
    assert body["sequence"] == 0  # a new title does not move the event in calendars
    entry = db.exec(select(AuditLog).where(AuditLog.action == "update")).one()
    assert entry.changes == {"title": ["Форум аймаков — 2024", "Форум аймаков 2024"]}
    assert entry.user_id is not None


def test_time_and_place_changes_bump_the_calendar_sequence(client, ipr) -> None:
    _, headers = ipr
    slug = _create(client, headers)["slug"]
    sequences = [
        client.patch(f"/api/v1/events/{slug}", json=change, headers=headers).json()["sequence"]
        for change in ({"end_at": "2024-09-13T18:00"}, {"venue_name": "Зал"}, {"summary": "кратко"}, {"city": "Ош"})
    ]
    assert sequences == [1, 2, 2, 3]


def test_invalid_patch_changes_nothing(client, db, ipr) -> None:
    _, headers = ipr
    event = _create(client, headers)
    response = client.patch(
        f"/api/v1/events/{event['slug']}", json={"title": "Новое", "end_at": "2024-09-12T10:00"}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"end_at": "окончание должно быть позже начала"}
    assert client.get(f"/api/v1/events/{event['slug']}", headers=headers).json()["title"] == NEW["title"]


def test_moving_the_first_day_moves_the_agenda(client, ipr) -> None:
    _, headers = ipr
    slug = _create(client, headers, end_at="2024-09-14T17:00")["slug"]
    for day in (13, 14):
        session = {"title": f"День {day}", "start_at": f"2024-09-{day}T10:00", "end_at": f"2024-09-{day}T11:00"}
        assert client.post(f"/api/v1/events/{slug}/sessions", json=session, headers=headers).status_code == 201
    moved = client.patch(
        f"/api/v1/events/{slug}", json={"start_at": "2024-09-20T09:00", "end_at": "2024-09-21T17:00"}, headers=headers
    ).json()
    assert [s["start_at"] for s in moved["agenda"]] == ["2024-09-20T04:00:00Z", "2024-09-21T04:00:00Z"]


def test_shortening_an_event_below_its_agenda_is_refused(client, ipr) -> None:
    _, headers = ipr
    slug = _create(client, headers, end_at="2024-09-14T17:00")["slug"]
    session = {"title": "Второй день", "start_at": "2024-09-14T10:00", "end_at": "2024-09-14T11:00"}
    client.post(f"/api/v1/events/{slug}/sessions", json=session, headers=headers)
    response = client.patch(f"/api/v1/events/{slug}", json={"end_at": "2024-09-13T17:00"}, headers=headers)
    assert response.status_code == 422
    assert "«Второй день» выходит за дни мероприятия" in response.json()["error"]["fields"]["end_at"]
    assert client.get(f"/api/v1/events/{slug}", headers=headers).json()["end_at"] == "2024-09-14T11:00:00Z"


def test_all_day_events_keep_whole_days(client, ipr) -> None:
    _, headers = ipr
    body = _create(client, headers, all_day=True, start_at="2024-09-13T15:00", end_at="2024-09-14T09:00")
    assert (body["start_at"], body["end_at"]) == ("2024-09-12T18:00:00Z", "2024-09-14T18:00:00Z")


def test_publish_postpone_cancel(client, db, ipr) -> None:
    _, headers = ipr
    slug = _create(client, headers)["slug"]
    client.post(
        f"/api/v1/events/{slug}/sessions", json={"title": "Пленарная", "start_at": "2024-09-13T10:00"}, headers=headers
    )
    assert client.get(f"/api/v1/events/{slug}").status_code == 404  # a draft is not public
    published = client.post(f"/api/v1/events/{slug}/publish", headers=headers).json()
    assert (published["status"], published["sequence"]) == ("published", 1)
    assert published["published_at"] is not None
    assert client.post(f"/api/v1/events/{slug}/publish", headers=headers).status_code == 409

    postponed = client.post(
        f"/api/v1/events/{slug}/postpone",
        json={"start_at": "2024-09-20T10:00", "end_at": "2024-09-20T17:00", "note": "Перенесено на неделю"},
        headers=headers,
    ).json()
    assert (postponed["status"], postponed["sequence"], postponed["status_note"]) == (
        "postponed",
        2,
        "Перенесено на неделю",
    )
    public = client.get(f"/api/v1/events/{slug}").json()
    assert (public["start_at"], public["agenda"][0]["start_at"]) == ("2024-09-20T04:00:00Z", "2024-09-20T04:00:00Z")
    assert "20 сентября 2024" in client.get(f"/events/{slug}").text

    cancelled = client.post(f"/api/v1/events/{slug}/cancel", json={"reason": "Погода"}, headers=headers).json()
    assert (cancelled["status"], cancelled["status_note"], cancelled["sequence"]) == ("cancelled", "Погода", 3)
    assert client.post(f"/api/v1/events/{slug}/publish", headers=headers).status_code == 409
    actions = db.exec(select(AuditLog.action).where(AuditLog.entity_type == "event").order_by(AuditLog.id)).all()
    assert actions == ["create", "publish", "postpone", "cancel"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "start_at"),
        ({"start_at": "2024-09-20T10:00"}, "end_at"),
        ({"start_at": "2024-09-20T10:00", "end_at": "2024-09-20T09:00"}, "end_at"),
        ({"start_at": "2024-09-13T10:00", "end_at": "2024-09-13T17:00"}, "start_at"),
        ({"start_at": "2024-09-20T10:00", "end_at": "2024-09-20T17:00", "reason": "x"}, "reason"),
    ],
)
def test_postponing_needs_new_dates(client, ipr, body, field) -> None:
    _, headers = ipr
    slug = _create(client, headers)["slug"]
    client.post(f"/api/v1/events/{slug}/publish", headers=headers)
    response = client.post(f"/api/v1/events/{slug}/postpone", json=body, headers=headers)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_cancelling_needs_a_reason_and_a_public_event(client, ipr) -> None:
    _, headers = ipr
    slug = _create(client, headers)["slug"]
    assert client.post(f"/api/v1/events/{slug}/cancel", json={"reason": "x"}, headers=headers).status_code == 409
    client.post(f"/api/v1/events/{slug}/publish", headers=headers)
    response = client.post(f"/api/v1/events/{slug}/cancel", json={}, headers=headers)
    assert response.json()["error"]["fields"] == {"reason": "обязательное поле"}
    assert client.post(f"/api/v1/events/{slug}/postpone", json={}, headers=headers).status_code == 422


def test_only_drafts_are_deleted(client, db, ipr) -> None:
    _, headers = ipr
    draft, public = _create(client, headers)["slug"], _create(client, headers)["slug"]
    client.post(f"/api/v1/events/{public}/publish", headers=headers)
    assert client.delete(f"/api/v1/events/{public}", headers=headers).status_code == 409
    assert client.delete(f"/api/v1/events/{draft}", headers=headers).status_code == 204
    assert db.exec(select(Event.slug)).all() == [public]


def test_organisations_and_roles_are_replaced_and_touch_the_event(client, db, ipr) -> None:
    _, headers = ipr
    make_organisation(db, slug="usaid", name="USAID")
    db.commit()
    event = _create(client, headers)
    roles = [{"organisation": "usaid", "role": "funder", "note": "грант"}, {"organisation": "ipr", "role": "organiser"}]
    body = client.put(
        f"/api/v1/events/{event['slug']}/organisations", json={"organisations": roles}, headers=headers
    ).json()
    assert [(o["organisation"]["slug"], o["role"], o["note"]) for o in body["organisations"]] == [
        ("usaid", "funder", "грант"),
        ("ipr", "organiser", None),
    ]
    assert body["updated_at"] > event["updated_at"]
    lose_it = client.put(
        f"/api/v1/events/{event['slug']}/organisations", json={"organisations": roles[:1]}, headers=headers
    )
    assert lose_it.status_code == 422  # an organiser may not give the event away


def test_organisers_cannot_see_or_change_other_organisations_events(client, db, ipr) -> None:
    _, headers = ipr
    other = make_organisation(db, slug="aris")
    draft, public = make_event(db, status="draft"), make_event(db, status="published")
    for event in (draft, public):
        add_organisation_role(db, event, other)
    project = make_project(db)
    db.commit()
    before = table_counts(db)
    assert client.get(f"/api/v1/events/{draft.slug}", headers=headers).status_code == 404
    assert client.patch(f"/api/v1/events/{draft.slug}", json={"title": "x"}, headers=headers).status_code == 404
    assert client.patch(f"/api/v1/events/{public.slug}", json={"title": "x"}, headers=headers).status_code == 403
    assert client.post(f"/api/v1/events/{public.slug}/cancel", json={"reason": "x"}, headers=headers).status_code == 403
    assert (
        client.post(f"/api/v1/events/{public.slug}/sessions", json={"title": "x"}, headers=headers).status_code == 403
    )
    taken = client.post("/api/v1/events", json=NEW | {"organisations": [{"organisation": "aris", "role": "organiser"}]},
                        headers=headers)  # fmt: skip
    assert taken.json()["error"]["fields"]["organisations"].startswith("укажите свою организацию")
    assert (
        client.patch(f"/api/v1/projects/{project.slug}", json={"website": "ftp://x"}, headers=headers).status_code
        == 422
    )
    assert table_counts(db) == before


def test_staff_who_may_edit_read_drafts_through_the_api(client, db, ipr, bearer_as) -> None:
    _, headers = ipr
    slug = _create(client, headers)["slug"]
    make_organisation(db, slug="aris")
    assert client.get(f"/api/v1/events/{slug}", headers=headers).json()["status"] == "draft"
    assert client.get(f"/api/v1/events/{slug}", headers=bearer_as("admin")).status_code == 200
    assert client.get(f"/api/v1/events/{slug}", headers=bearer_as("organiser", ("aris",))).status_code == 404
    assert client.get(f"/api/v1/events/{slug}", headers=bearer_as("press_officer")).status_code == 404
    assert client.get(f"/api/v1/events/{slug}").status_code == 404
    assert client.get("/api/v1/events", headers=headers).json()["total"] == 0  # lists stay public-only


def test_audit_log_is_for_admins(client, ipr, bearer_as) -> None:
    _, headers = ipr
    slug = _create(client, headers)["slug"]
    client.patch(f"/api/v1/events/{slug}", json={"city": "Бишкек"}, headers=headers)
    assert client.get(f"/api/v1/events/{slug}/audit", headers=headers).status_code == 403
    page = client.get(f"/api/v1/events/{slug}/audit", headers=bearer_as("admin")).json()
    assert (page["total"], page["offset"], page["limit"]) == (2, 0, 20)
    entries = page["items"]
    assert [(e["action"], e["changes"].get("city")) for e in entries] == [
        ("update", [None, "Бишкек"]),
        ("create", None),
    ]
    assert entries[0]["user"].startswith("api-organiser-")
    older = client.get(f"/api/v1/events/{slug}/audit", params={"offset": 1, "limit": 1}, headers=bearer_as("admin"))
    assert [(e["action"], older.json()["total"]) for e in older.json()["items"]] == [("create", 2)]


def test_updated_at_and_sequence_of_a_factory_event(client, db, bearer_as) -> None:
    event = make_event(db, status="published", start_at=datetime(2030, 1, 1, 4, tzinfo=UTC))
    session = make_session(db, event, start_at=event.start_at, end_at=event.start_at + timedelta(hours=1))
    db.commit()
    headers = bearer_as("admin")
    before = event.updated_at
    response = client.patch(
        f"/api/v1/events/{event.slug}/sessions/{session.id}", json={"room": "Зал 2"}, headers=headers
    )
    assert response.status_code == 200
    db.refresh(event)
    db.refresh(session)
    # The room is the session's LOCATION in agenda.ics: its entry gets a new SEQUENCE (the
    # session's own); the event's entry and the other sessions' are as clients have them.
    assert event.updated_at > before and (event.sequence, session.sequence) == (0, 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"organisations": [{"organisation": "nobody", "role": "organiser"}]}, "organisations"),
        ({"organisations": [{"organisation": "ipr", "role": "sponsor"}]}, "organisations.0.role"),
        ({"organisations": [{"organisation": "ipr"}], "extra": True}, "extra"),
        ({"organisations": "ipr"}, "organisations"),
        ({}, "organisations"),
    ],
)
def test_invalid_organisation_lists_are_refused(client, db, ipr, body, field) -> None:
    _, headers = ipr
    slug = _create(client, headers)["slug"]
    before = table_counts(db)
    response = client.put(f"/api/v1/events/{slug}/organisations", json=body, headers=headers)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert table_counts(db) == before


def test_an_organiser_creates_events_only_in_their_own_organisations_name(client, db, ipr, login_as) -> None:
    """Issue 21, item 10: the API agrees with the admin form, which offers only one's own."""
    other = make_organisation(db, slug="other-org")
    db.commit()
    _, headers = ipr
    in_another_name = [
        {"organisation": "other-org", "role": "organiser"},
        {"organisation": "ipr", "role": "co_organiser"},
    ]
    refused = client.post("/api/v1/events", json=NEW | {"organisations": in_another_name}, headers=headers)
    assert refused.status_code == 422 and "от имени своей организации" in refused.json()["error"]["message"]
    assert db.exec(select(Event).where(Event.title == NEW["title"])).first() is None
    with_partner = [{"organisation": "ipr", "role": "organiser"}, {"organisation": "other-org", "role": "partner"}]
    assert client.post("/api/v1/events", json=NEW | {"organisations": with_partner}, headers=headers).status_code == 201
    assert other.id
