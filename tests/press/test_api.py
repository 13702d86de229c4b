"""The press-release API: public reading with filters, writing with a Bearer token of a press
officer or organiser, and bad input refused field by field with nothing half-stored."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from eventhub.core.models import AuditLog, PressContact, PressRelease, PressReleaseContact
from tests.factories import add_organisation_role, make_event, make_organisation, make_press_contact, make_release

NOW = datetime(2030, 3, 1, 3, 0, 0, tzinfo=UTC)


def _counts(db) -> tuple[int, int, int]:
    return (
        db.exec(select(func.count()).select_from(PressRelease)).one(),
        db.exec(select(func.count()).select_from(PressContact)).one(),
        db.exec(select(func.count()).select_from(PressReleaseContact)).one(),
    )


def test_press_officer_writes_a_draft_then_publishes_it(client, db, clock, writer) -> None:
    headers = writer()
    make_event(db, slug="forum-2030")
    contact = make_press_contact(db, slug="press-aris", name="Пресс-служба АРИС")
    db.commit()

    created = client.post(
        "/api/v1/press-releases",
        headers=headers,
        json={
            "type": "announcement",
            "title": "Форум аймаков — 2030",
            "lead": "Открыта аккредитация.",
            "body": "**Программа** и [регистрация](https://example.kg).",
            "event": "forum-2030",
            "contacts": ["press-aris"],
            "new_contacts": [{"name": "Гульмира", "phones": ["0702 174 107"], "role": "для интервью"}],
        },
    )

    assert created.status_code == 201, created.text
    data = created.json()
    assert (data["slug"], data["status"], data["published_at"]) == ("forum-aimakov-2030", "draft", None)
    assert data["event"]["slug"] == "forum-2030"
    assert data["event"]["calendar_url"] == "http://testserver/events/forum-2030.ics"
    assert [c["name"] for c in data["contacts"]] == ["Пресс-служба АРИС", "Гульмира"]
    assert data["contacts"][1]["phones"] == ["+996702174107"]
    assert data["contacts"][1]["phones_display"] == ["0702 174 107"]
    assert "<strong>Программа</strong>" in data["body_html"]
    assert client.get("/api/v1/press-releases/forum-aimakov-2030").status_code == 404  # a draft, for the public

    published = client.patch("/api/v1/press-releases/forum-aimakov-2030", headers=headers, json={"status": "published"})

    assert published.status_code == 200
    assert (published.json()["status"], published.json()["published_at"]) == ("published", "2030-03-01T03:00:00Z")
    public = client.get("/api/v1/press-releases/forum-aimakov-2030").json()
    assert public["title"] == "Форум аймаков — 2030" and "status" not in public
    actions = db.exec(
        select(AuditLog.action).where(AuditLog.entity_type == "press_release").order_by(AuditLog.id)
    ).all()
    assert actions == ["create", "publish"]
    assert contact.id in [c.contact_id for c in db.get(PressRelease, data["id"]).contacts]


def test_scheduling_sets_the_embargo_and_withdrawing_hides_it_again(client, db, clock, writer) -> None:
    headers = writer()  # the release is nobody's: organisers see only their organisations' (tests/press/test_scope.py)
    make_release(db, slug="r1", status="draft", published_at=None)
    db.commit()

    scheduled = client.patch(
        "/api/v1/press-releases/r1",
        headers=headers,
        json={"status": "scheduled", "embargo_until": "2030-03-01T10:00:00+06:00"},
    )
    assert scheduled.status_code == 200, scheduled.text
    assert (scheduled.json()["status"], scheduled.json()["embargo_until"]) == ("scheduled", "2030-03-01T04:00:00Z")
    clock.now = NOW + timedelta(hours=1)
    assert client.get("/api/v1/press-releases/r1").status_code == 200

    withdrawn = client.patch("/api/v1/press-releases/r1", headers=headers, json={"status": "draft"})
    assert withdrawn.json()["status"] == "draft"
    assert client.get("/api/v1/press-releases/r1").status_code == 404
    assert client.get("/press/r1").status_code == 404


def test_delete_removes_the_release_but_keeps_its_contacts(client, db, clock, writer) -> None:
    headers = writer()
    release = make_release(db, slug="gone")
    contact = make_press_contact(db)
    db.add(PressReleaseContact(release_id=release.id, contact_id=contact.id))
    db.commit()
    assert client.delete("/api/v1/press-releases/gone", headers=headers).status_code == 204
    assert client.get("/api/v1/press-releases/gone").status_code == 404
    assert db.get(PressContact, contact.id) is not None


@pytest.mark.parametrize("role", ["checkin", None])
def test_writing_needs_a_press_officer_or_organiser(client, db, clock, writer, role) -> None:
    make_release(db, slug="kept")
    db.commit()
    headers = writer(role) if role else {}
    expected = 403 if role else 401
    assert (
        client.post("/api/v1/press-releases", headers=headers, json={"type": "report", "title": "x"}).status_code
        == expected
    )
    assert client.patch("/api/v1/press-releases/kept", headers=headers, json={"title": "y"}).status_code == expected
    assert client.delete("/api/v1/press-releases/kept", headers=headers).status_code == expected
    assert db.exec(select(PressRelease.title).where(PressRelease.slug == "kept")).one() != "y"


BAD_INPUT = [
    ({"new_contacts": [{"name": "Гульмира", "phones": ["0702 17"]}]}, "new_contacts.0.phones.0", "0702 17"),
    ({"new_contacts": [{"name": "Гульмира", "phones": []}]}, "new_contacts.0.phones", "хотя бы один телефон"),
    (
        {"new_contacts": [{"name": "Г", "phones": ["0702174107"], "email": "not-an-email"}]},
        "new_contacts.0.email",
        "not-an-email",
    ),
    ({"body": "Текст <b>жирный</b>"}, "body", "HTML-разметка в тексте не допускается (найдено: <b>)"),
    ({"body": "<script>alert(1)</script>"}, "body", "HTML-разметка"),
    ({"body": "[клик](javascript:alert(1))"}, "body", "Недопустимая ссылка"),
    (
        {"status": "scheduled", "embargo_until": "2030-03-01T08:59:59+06:00"},
        "embargo_until",
        "время эмбарго уже прошло",
    ),
    ({"status": "scheduled"}, "embargo_until", "укажите время окончания эмбарго"),
    ({"status": "scheduled", "embargo_until": "2030-03-01T12:00:00"}, "embargo_until", "смещением от UTC"),
    ({"status": "scheduled", "embargo_until": "9999-12-31T23:59:59-05:00"}, "embargo_until", "до 2100 года"),
    ({"event": "no-such-event"}, "event", "мероприятие «no-such-event» не найдено"),
    ({"contacts": ["nobody"]}, "contacts", "нет таких контактов: nobody"),
    ({"type": "tweet"}, "type", "выберите вид"),
    ({"title": "   "}, "title", "обязательное поле"),
    ({"title": "x" * 401}, "title", "не длиннее 400 символов"),
    ({"language": "de"}, "language", "ru, ky или en"),
    ({"slug": "Плохой адрес"}, "slug", "строчные латинские буквы"),
    ({"status": "archived"}, "status", "draft, scheduled, published"),
    ({"body": "нулевой \x00 байт"}, "body", "недопустимый символ U+0000"),
    ({"event": "ev\x00ent"}, "event", "недопустимый символ U+0000"),
    ({"contacts": ["kno\x00wn"]}, "contacts.0", "недопустимый символ U+0000"),
    (
        {"new_contacts": [{"name": "Г", "phones": ["0702174107"], "organisation": "o\x00rg"}]},
        "new_contacts.0.organisation",
        "недопустимый символ U+0000",
    ),
    ({"new_contacts": [{"name": "Г", "phones": ["0702\x00174107"]}]}, "new_contacts.0.phones.0", "недопустимый символ"),
]


@pytest.mark.parametrize(
    ("change", "field", "message"), BAD_INPUT, ids=[b[1] + ":" + str(i) for i, b in enumerate(BAD_INPUT)]
)
def test_bad_input_is_refused_with_a_field_message_and_nothing_stored(
    client, db, clock, writer, change, field, message
) -> None:
    headers = writer()
    make_press_contact(db, slug="known")
    db.commit()
    before = _counts(db)
    payload = {"type": "press_release", "title": "Заголовок", "body": "Текст", "contacts": ["known"]} | change

    response = client.post("/api/v1/press-releases", headers=headers, json=payload)

    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert message in error["fields"][field]
    db.expire_all()
    assert _counts(db) == before


def test_every_bad_field_is_reported_at_once(client, db, clock, writer) -> None:
    # As on every write API: the fields' own rules first, all at once; then, on a body whose
    # fields are well-formed, every rule that needs the database, all at once.
    body = {
        "type": "press_release",
        "title": "",
        "body": "<i>x</i>",
        "event": "nope",
        "status": "scheduled",
        "embargo_until": "2020-01-01T00:00:00Z",
        "new_contacts": [{"name": "Имя", "phones": ["123"]}],
    }
    response = client.post("/api/v1/press-releases", headers=writer(), json=body)
    assert set(response.json()["error"]["fields"]) == {"body", "new_contacts.0.phones.0"}

    well_formed = body | {"body": "*x*", "new_contacts": [{"name": "Имя", "phones": []}]}
    response = client.post("/api/v1/press-releases", headers=writer(), json=well_formed)
    assert set(response.json()["error"]["fields"]) == {"title", "event", "embargo_until", "new_contacts.0.phones"}


def test_a_bad_patch_changes_nothing(client, db, clock, writer) -> None:
    headers = writer()
    release = make_release(db, slug="stay", title="Старый заголовок")
    db.commit()
    response = client.patch(
        "/api/v1/press-releases/stay",
        headers=headers,
        json={"title": "Новый заголовок", "new_contacts": [{"name": "X", "phones": ["000"]}]},
    )
    assert response.status_code == 422
    db.expire_all()
    assert db.get(PressRelease, release.id).title == "Старый заголовок"
    assert db.exec(select(func.count()).select_from(PressContact)).one() == 0


def test_taken_slug_is_a_422_with_the_field_like_events_and_the_directory(client, db, clock, writer) -> None:
    make_release(db, slug="taken")
    db.commit()
    response = client.post(
        "/api/v1/press-releases", headers=writer(), json={"type": "report", "title": "x", "slug": "taken"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "Адрес уже занят"
    assert response.json()["error"]["fields"] == {"slug": "адрес «taken» уже занят"}


def test_same_title_twice_gets_a_second_slug(client, db, clock, writer) -> None:
    headers = writer()
    first = client.post("/api/v1/press-releases", headers=headers, json={"type": "report", "title": "Итоги форума"})
    second = client.post("/api/v1/press-releases", headers=headers, json={"type": "report", "title": "Итоги форума"})
    assert (first.json()["slug"], second.json()["slug"]) == ("itogi-foruma", "itogi-foruma-2")


def test_unknown_fields_are_refused(client, clock, writer) -> None:
    response = client.post(
        "/api/v1/press-releases",
        headers=writer(),
        json={"type": "report", "title": "x", "published_at": "2020-01-01T00:00:00Z"},
    )
    assert response.status_code == 422
    assert "published_at" in response.json()["error"]["fields"]


def test_public_list_filters_by_event_organisation_language_and_type(client, db, clock) -> None:
    org = make_organisation(db, slug="ipr")
    event = make_event(db, slug="ev-ipr")
    add_organisation_role(db, event, org, "organiser")
    make_release(db, slug="ru-ipr", event_id=event.id, published_at=datetime(2024, 1, 2, tzinfo=UTC))
    make_release(
        db, slug="ky-other", original_language="ky", type="announcement", published_at=datetime(2024, 1, 3, tzinfo=UTC)
    )
    make_release(
        db, slug="ru-en", translations={"en": {"title": "In English"}}, published_at=datetime(2024, 1, 1, tzinfo=UTC)
    )
    db.commit()

    def slugs(**params: str) -> list[str]:
        response = client.get("/api/v1/press-releases", params=params)
        assert response.status_code == 200, response.text
        return [i["slug"] for i in response.json()["items"]]

    assert slugs() == ["ky-other", "ru-ipr", "ru-en"]
    assert slugs(event="ev-ipr") == ["ru-ipr"]
    assert slugs(organisation="ipr") == ["ru-ipr"]
    assert slugs(language="ky") == ["ky-other"]
    assert slugs(language="en") == ["ru-en"]
    assert slugs(language="ru") == ["ru-ipr", "ru-en"]
    assert slugs(type="announcement") == ["ky-other"]
    make_organisation(db, slug="quiet")
    db.commit()
    assert slugs(organisation="quiet") == []  # known, without releases
    bad = client.get("/api/v1/press-releases", params={"language": "de", "type": "tweet"})
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"language", "type"}
    unknown = client.get("/api/v1/press-releases", params={"organisation": "nobody"})
    assert unknown.status_code == 422 and set(unknown.json()["error"]["fields"]) == {"organisation"}


def test_staff_token_reads_a_draft_the_public_cannot(client, db, clock, writer) -> None:
    make_release(db, slug="draft-one", status="draft", published_at=None)
    db.commit()
    assert client.get("/api/v1/press-releases/draft-one").status_code == 404
    staff = client.get("/api/v1/press-releases/draft-one", headers=writer())
    assert (staff.status_code, staff.json()["status"]) == (200, "draft")


def test_public_api_shows_press_contacts_but_no_participant_data(client, demo) -> None:
    data = client.get("/api/v1/press-releases/dialog-vklad-ogo-v-razvitie-regionov-press-reliz").json()
    assert [c["phones_display"] for c in data["contacts"]][0] == ["0702 174 107"]
    assert data["vcard_url"].endswith("/contacts.vcf")
    assert data["published_at"] == "2019-02-28T18:00:00Z"


def test_translations_are_written_checked_and_shown_in_the_readers_language(client, db, clock, writer) -> None:
    headers = writer()
    created = client.post(
        "/api/v1/press-releases",
        headers=headers,
        json={
            "type": "announcement",
            "title": "Форум аймаков",
            "body": "Текст",
            "status": "published",
            "translations": {
                "ky": {"title": "Аймактар форуму", "body": "*Текст* кыргызча"},
                "en": {"title": "Forum of Aimaks"},
            },
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["translations"] == {
        "ky": {"title": "Аймактар форуму", "body": "*Текст* кыргызча"},
        "en": {"title": "Forum of Aimaks"},
    }
    slug = created.json()["slug"]
    assert '<h1 id="release-title">Аймактар форуму</h1>' in client.get(f"/press/{slug}?lang=ky").text
    assert "<em>Текст</em> кыргызча" in client.get(f"/press/{slug}?lang=ky").text
    assert client.get("/api/v1/press-releases", params={"language": "en"}).json()["items"][0]["slug"] == slug
    public_ky = client.get(f"/api/v1/press-releases/{slug}", params={"lang": "ky"}).json()
    assert (public_ky["title"], public_ky["language"], public_ky["original_language"]) == (
        "Аймактар форуму",
        "ky",
        "ru",
    )
    assert public_ky["body_html"] == "<p><em>Текст</em> кыргызча</p>\n" and public_ky["translations"] is None
    public_en = client.get(f"/api/v1/press-releases/{slug}", params={"lang": "en", "include": "translations"}).json()
    assert public_en["body"] == "Текст"  # no English body: the original
    assert set(public_en["translations"]) == {"ky", "en"}

    bad = client.patch(
        f"/api/v1/press-releases/{slug}",
        headers=headers,
        json={"translations": {"ru": {"title": "x"}, "en": {"body": "<b>x</b>"}, "de": {"title": "y"}}},
    )
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"translations.en.body"}
    bad = client.patch(
        f"/api/v1/press-releases/{slug}",
        headers=headers,
        json={"translations": {"ru": {"title": "x"}, "en": {"body": "*x*"}, "de": {"title": "y"}}},
    )
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"translations.ru", "translations.de"}


def test_press_audit_entries_come_from_the_core_writer(client, db, clock, writer) -> None:
    """Like events and the directory: only what changed, as [before, after]; long texts elided."""
    headers = writer()
    url = "/api/v1/press-releases/itogi-foruma"
    created = client.post(
        "/api/v1/press-releases",
        headers=headers,
        json={"type": "announcement", "title": "Итоги форума", "body": "Текст"},
    )
    assert created.status_code == 201, created.text
    assert client.patch(url, headers=headers, json={"title": "Итоги форума ", "lead": ""}).status_code == 200
    assert client.patch(url, headers=headers, json={"status": "published"}).status_code == 200
    assert client.delete(url, headers=headers).status_code == 204

    entries = db.exec(select(AuditLog).where(AuditLog.entity_type == "press_release").order_by(AuditLog.id)).all()
    assert [(e.action, e.changes) for e in entries] == [
        (
            "create",
            {
                "type": [None, "announcement"],
                "title": [None, "Итоги форума"],
                "body": ["…", "…"],
                "original_language": [None, "ru"],
                "slug": [None, "itogi-foruma"],
            },
        ),
        ("publish", {"status": ["draft", "published"], "published_at": [None, "2030-03-01T03:00:00+00:00"]}),
        ("delete", {"slug": ["itogi-foruma", None], "title": ["Итоги форума", None]}),
    ]
