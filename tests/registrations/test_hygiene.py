"""Registration input and output hygiene (issue 13): the public body refuses unknown fields and
lone surrogates like every write; names refuse line breaks; exports and e-mails stay whole
whatever a stored value holds."""

import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from eventhub.core.models import Event, OutboxMessage, Registration
from tests.factories import make_organisation
from tests.registrations.conftest import form, open_event


def _regs(db, event) -> list[Registration]:
    db.expire_all()
    return list(db.exec(select(Registration).where(Registration.event_id == event.id)))


def test_the_public_registration_body_refuses_unknown_fields(client, db, clock) -> None:
    event = open_event(db)
    db.commit()

    response = client.post(f"/api/v1/events/{event.slug}/registrations", json=form(consent=True) | {"foo": 1})

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"foo": "неизвестное поле"}
    assert _regs(db, event) == []


@pytest.mark.parametrize(
    "body",
    [
        b'{"full_name": "\\u0410\\ud800\\u0411", "email": "a@example.org", "consent": true}',
        b'{"full_name": "Aigul Osmonova", "email": "a@example.org", "consent": true, "\\udc00": 1}',
    ],
)
def test_a_lone_surrogate_in_the_json_body_is_a_422_with_a_json_error(client, db, clock, body) -> None:
    event = open_event(db)
    db.commit()

    response = client.post(
        f"/api/v1/events/{event.slug}/registrations", content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid" and len(error["fields"]) == 1
    assert _regs(db, event) == []


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"full_name": "Айгуль\rОсмонова"}, "full_name", "недопустимый символ U+000D: текст должен быть одной строкой"),
        ({"position": "координатор\nEMAIL"}, "position", "недопустимый символ U+000A: текст должен быть одной строкой"),
        ({"organisation_other": "ОО\u2028Голос"}, "organisation_other", "недопустимый символ U+2028"),
        ({"accessibility_needs": "пандус\x1b"}, "accessibility_needs", "недопустимый символ U+001B"),
    ],
)
def test_line_breaks_and_control_characters_are_refused_beside_the_field(
    client, db, clock, change, field, message
) -> None:
    event = open_event(db)
    db.commit()

    page = client.post(f"/events/{event.slug}/register", data=form(**change))
    api = client.post(f"/api/v1/events/{event.slug}/registrations", json=form(**change) | {"consent": True})

    assert page.status_code == 422 and api.status_code == 422
    assert f'id="err-{field}"' in page.text and message in page.text
    assert "aigul@example.org" in page.text  # what was typed is kept
    assert api.json()["error"]["fields"][field].startswith(message)
    assert _regs(db, event) == []


def test_accessibility_needs_keep_their_lines(client, db, clock) -> None:
    event = open_event(db)
    db.commit()

    client.post(f"/events/{event.slug}/register", data=form(accessibility_needs="пандус\r\nпереводчик жестового языка"))

    [reg] = _regs(db, event)
    assert reg.accessibility_needs == "пандус\nпереводчик жестового языка"


def test_the_xlsx_export_cleans_control_characters_of_stored_rows(client, db, clock, login_as) -> None:
    org = make_organisation(db, slug="ipr-x", short_name="ИПР", name="Институт политики развития")
    event = open_event(db, organiser=org)
    db.commit()
    client.post(f"/events/{event.slug}/register", data=form())
    [reg] = _regs(db, event)
    # Rows imported or stored before the input rules may hold anything.
    reg.full_name = "Айгуль\x01 Осмонова\x0b"
    reg.position = "координатор\x1f"
    db.add(reg)
    db.commit()
    _, _csrf = login_as("organiser", organisations=("ipr-x",))

    response = client.get(f"/admin/events/{event.slug}/registrations/export.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Участники"]
    record = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert (record["ФИО"], record["Должность"]) == ("Айгуль Осмонова", "координатор")


def test_a_title_with_a_line_break_does_not_stop_the_events_e_mails(client, db, clock, mailbox) -> None:
    event = open_event(db, title="Форум аймаков")
    db.commit()
    # A title stored before the input rules (or by an import) with a line break in it.
    stored = db.get(Event, event.id)
    stored.title = "Форум\r\nаймаков\rBcc: victim@example.org"
    db.add(stored)
    db.commit()

    response = client.post(f"/events/{event.slug}/register", data=form())

    assert response.status_code == 200
    [message] = mailbox.wait_for(1)
    assert message["Subject"] == "Регистрация подтверждена: Форум аймаков Bcc: victim@example.org"
    assert message["Bcc"] is None
    assert [m.status for m in db.exec(select(OutboxMessage)).all()] == ["sent"]


def test_an_imported_row_with_a_line_break_in_a_name_is_refused_row_by_row(client, db, clock, login_as) -> None:
    org = make_organisation(db, slug="ipr-i", short_name="ИПР", name="Институт политики развития")
    event = open_event(db, organiser=org)
    db.commit()
    _, csrf = login_as("organiser", organisations=("ipr-i",))
    csv = 'ФИО;E-mail\nБакыт Асанов;b@example.org\n"Чынара\nЖусупова";c@example.org\n'.encode()

    response = client.post(
        f"/admin/events/{event.slug}/registrations/import",
        data={"csrf_token": csrf},
        files={"file": ("list.csv", csv, "text/csv")},
    )

    assert response.status_code == 422
    assert "недопустимый символ U+000A: текст должен быть одной строкой" in response.text
    assert _regs(db, event) == []
