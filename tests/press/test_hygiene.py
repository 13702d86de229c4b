"""Press input and output hygiene (issue 13): one definition of each field on the API and the
admin pages; single-line fields refuse line breaks and control characters; the vCard and the
Atom feed stay well-formed whatever a stored value holds."""

import feedparser
import pytest
import vobject
from lxml import etree
from sqlmodel import select

from eventhub.core.models import PressRelease, PressReleaseContact
from tests.factories import make_press_contact, make_release
from tests.press.test_admin import _form


def test_a_lone_cr_in_a_contact_name_adds_no_email_or_phone_to_the_vcard(client, db) -> None:
    release = make_release(db, slug="vcard-release")
    contact = make_press_contact(
        db,
        name="Абдыразакова Гульмира\rEMAIL;TYPE=INTERNET:attacker@evil.example\rTEL:+15550000000",
        role="пресс-секретарь\r\nNOTE:injected",
        phones=["+996702174107"],
        email="press@example.kg",
    )
    db.add(PressReleaseContact(release_id=release.id, contact_id=contact.id, position=0))
    db.commit()

    body = client.get("/press/vcard-release/contacts.vcf").content.decode()

    [card] = list(vobject.readComponents(body))
    assert [e.value for e in card.contents["email"]] == ["press@example.kg"]
    assert [t.value for t in card.contents["tel"]] == ["+996702174107"]
    assert "injected" not in [n.value for n in card.contents.get("note", [])]
    assert card.fn.value == "Абдыразакова Гульмира\nEMAIL;TYPE=INTERNET:attacker@evil.example\nTEL:+15550000000"
    assert card.title.value == "пресс-секретарь\nNOTE:injected"


def test_control_characters_in_stored_texts_keep_the_atom_feed_valid_xml(client, db) -> None:
    make_release(db, title="Форум\x0b аймаков\x1b", lead="Лид\x01 \x08с управляющими", body="Текст\x0c")
    db.commit()

    body = client.get("/press/feed.atom").content

    doc = etree.fromstring(body)  # strict: an XML 1.0 parser refuses any C0 control
    atom = "{http://www.w3.org/2005/Atom}"
    assert doc.find(f"{atom}entry/{atom}title").text == "Форум аймаков"
    assert doc.find(f"{atom}entry/{atom}summary").text == "Лид с управляющими"
    assert feedparser.parse(body).bozo is False


LONG_LEAD = "Л" * 3000


def test_lead_and_body_have_one_limit_and_one_html_rule_on_the_api_and_the_translation_page(
    client, db, clock, writer, login_as
) -> None:
    headers = writer()
    created = client.post(
        "/api/v1/press-releases",
        headers=headers,
        json={"type": "report", "title": "Отчёт", "lead": LONG_LEAD, "translations": {"en": {"lead": LONG_LEAD}}},
    )
    assert created.status_code == 201, created.text
    release = db.exec(select(PressRelease).where(PressRelease.slug == created.json()["slug"])).one()

    # The side-by-side page takes the same 3000 characters the API took (it stopped at 2000)...
    _, csrf = login_as("press_officer")
    page = client.post(
        f"/admin/press/{release.id}/translations",
        data={"csrf_token": csrf, "ky-title": "Отчёт", "ky-lead": LONG_LEAD, "en-lead": LONG_LEAD},
    )
    assert page.status_code in (200, 303), page.text
    db.refresh(release)
    assert release.translations["ky"]["lead"] == LONG_LEAD

    # ... and one more is refused on both with the same message.
    api = client.patch(
        f"/api/v1/press-releases/{release.slug}", headers=headers, json={"translations": {"en": {"lead": "Л" * 3001}}}
    )
    page = client.post(f"/admin/press/{release.id}/translations", data={"csrf_token": csrf, "en-lead": "Л" * 3001})
    assert api.status_code == 422 and page.status_code == 422
    assert api.json()["error"]["fields"]["translations.en.lead"] == "не длиннее 3000 символов"
    assert "Не длиннее 3000 символов" in page.text

    # Raw HTML in a translated body was stored from the page though the API refused it.
    api = client.patch(
        f"/api/v1/press-releases/{release.slug}", headers=headers, json={"translations": {"en": {"body": "<b>x</b>"}}}
    )
    page = client.post(f"/admin/press/{release.id}/translations", data={"csrf_token": csrf, "en-body": "<b>x</b>"})
    assert api.status_code == 422 and page.status_code == 422
    assert api.json()["error"]["fields"]["translations.en.body"].startswith("HTML-разметка в тексте не допускается")
    assert "HTML-разметка в тексте не допускается" in page.text
    db.refresh(release)
    assert "body" not in release.translations.get("en", {})


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": "Форум\nаймаков"}, "title", "недопустимый символ U+000A: текст должен быть одной строкой"),
        ({"title": "Форум\rаймаков"}, "title", "недопустимый символ U+000D: текст должен быть одной строкой"),
        ({"title": "Форум\u2028аймаков"}, "title", "недопустимый символ U+2028: текст должен быть одной строкой"),
        ({"source_note": "ИПР\x1b"}, "source_note", "недопустимый символ U+001B"),
        ({"lead": "Лид\x07"}, "lead", "недопустимый символ U+0007"),
        ({"body": "Текст\u2029"}, "body", "недопустимый символ U+2029"),
        (
            {"new_contacts": [{"name": "Гульмира\rEMAIL:x@evil.example", "phones": ["0702174107"]}]},
            "new_contacts.0.name",
            "недопустимый символ U+000D: текст должен быть одной строкой",
        ),
        (
            {"new_contacts": [{"name": "Гульмира", "role": "для\nинтервью", "phones": ["0702174107"]}]},
            "new_contacts.0.role",
            "недопустимый символ U+000A: текст должен быть одной строкой",
        ),
    ],
)
def test_control_characters_are_refused_at_the_edge_naming_the_field(
    client, db, clock, writer, change, field, message
) -> None:
    response = client.post(
        "/api/v1/press-releases", headers=writer(), json={"type": "report", "title": "Отчёт"} | change
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][field] == message
    assert db.exec(select(PressRelease)).all() == []


def test_multi_line_fields_keep_their_newlines_and_tabs(client, db, clock, writer) -> None:
    response = client.post(
        "/api/v1/press-releases",
        headers=writer(),
        json={"type": "report", "title": "Отчёт", "lead": "Первая строка\r\nвторая\rтретья", "body": "- a\n\t- b"},
    )
    assert response.status_code == 201, response.text
    assert (response.json()["lead"], response.json()["body"]) == ("Первая строка\nвторая\nтретья", "- a\n\t- b")


def test_the_editor_shows_a_line_break_error_beside_the_field_and_keeps_what_was_typed(
    client, db, clock, login_as
) -> None:
    _, csrf = login_as("press_officer")
    response = client.post(
        "/admin/press/new",
        data=_form(
            csrf, action="save", title="Диалог\rОГО", new_contact_name="Гульмира\nЖ", new_contact_phones="0702 174 107"
        ),
    )
    assert response.status_code == 422
    assert '<p class="field-error" id="err-title">недопустимый символ U+000D: текст должен быть одной строкой</p>' in (
        response.text
    )
    assert 'id="err-new_contact_name">недопустимый символ U+000A' in response.text
    assert "Текст **пресс-релиза**." in response.text  # the body typed is kept
    assert db.exec(select(PressRelease)).all() == []


def test_a_lone_surrogate_in_the_json_body_is_a_422_not_a_500(client, db, clock, writer) -> None:
    response = client.post(
        "/api/v1/press-releases",
        headers={**writer(), "content-type": "application/json"},
        content=b'{"type": "report", "title": "\\ud800 title"}',
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"title": "недопустимый символ U+D800"}


def test_a_stored_slug_outside_ascii_reaches_the_header_encoded(client, db) -> None:
    # Slugs of older rows (imports, before the slug rules) may hold anything.
    release = make_release(db, slug="релиз-2030")
    db.add(PressReleaseContact(release_id=release.id, contact_id=make_press_contact(db).id, position=0))
    db.commit()

    response = client.get("/press/релиз-2030/contacts.vcf")

    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="press-contacts-_____-2030.vcf"; '
        "filename*=UTF-8''press-contacts-%D1%80%D0%B5%D0%BB%D0%B8%D0%B7-2030.vcf"
    )
