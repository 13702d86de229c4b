"""Registering with a phone instead of an e-mail: the phone is the identity, nothing leaks."""

import io
import re

import pytest
from openpyxl import Workbook
from sqlmodel import select

from eventhub.core.models import OutboxMessage, Registration
from tests.factories import make_organisation
from tests.registrations.conftest import form, open_event


@pytest.fixture()
def village(db):
    org = make_organisation(db, slug="aiyl", name="Айыл окмоту")
    event = open_event(db, organiser=org, capacity=20)
    db.commit()
    return event


@pytest.fixture()
def organiser(client, village, login_as):
    _user, csrf = login_as("organiser", organisations=("aiyl",), email="org@example.org")
    data = {"csrf_token": csrf, "phone_only": "on"}
    assert client.post(f"/admin/events/{village.slug}/registrations/form/settings", data=data).status_code == 200
    client.cookies.clear()
    return csrf


def _regs(db):
    db.expire_all()
    return list(db.exec(select(Registration).order_by(Registration.id)))


def test_without_the_switch_an_e_mail_is_required(client, db, clock, village) -> None:
    response = client.post(f"/events/{village.slug}/register", data=form(email=""))
    assert response.status_code == 422 and "обязательное поле" in response.text
    assert _regs(db) == []


def test_a_phone_registration_shows_its_code_once_and_a_second_one_learns_nothing(
    client, db, clock, village, organiser, mailbox
) -> None:
    page = client.get(f"/events/{village.slug}/register")
    assert "или только телефон" in page.text
    done = client.post(f"/events/{village.slug}/register", data=form(email="", phone="0702 174 107"))
    assert done.status_code == 200
    [reg] = _regs(db)
    assert (reg.email, reg.email_normalised, reg.phone, reg.status) == (
        "",
        "tel:+996702174107",
        "+996702174107",
        "confirmed",
    )
    code = re.search(r'id="checkin-code">([^<]+)<', done.text).group(1)
    assert "data:image/png;base64," in done.text
    assert done.headers["Cache-Control"] == "no-store"
    private = re.search(r'href="http://testserver(/r/[^"]+)"', done.text).group(1)
    assert client.get(private).status_code == 200
    assert not mailbox.wait_for(1, timeout=0.5)  # no address: no letter
    assert db.exec(select(OutboxMessage)).all() == [] or all(
        m.status == "failed" for m in db.exec(select(OutboxMessage))
    )

    # The same phone again, typed differently and with another name: no second registration,
    # and nothing of the first one on the page.
    again = client.post(
        f"/events/{village.slug}/register", data=form(email="", phone="+996 702 174-107", full_name="Кто-то Другой")
    )
    assert again.status_code == 200
    assert "уже зарегистрирован" in again.text
    for secret in (code, "Айгуль", "Осмонова", "/r/", "Подтверждена"):
        assert secret not in again.text
    assert len(_regs(db)) == 1


def test_a_phone_already_registered_with_an_e_mail_is_the_same_person(
    client, db, clock, village, organiser, mailbox
) -> None:
    client.post(f"/events/{village.slug}/register", data=form(email="aigul@example.org", phone="0702 174 107"))
    mailbox.wait_for(1)
    mailbox.clear()
    again = client.post(f"/events/{village.slug}/register", data=form(email="", phone="0702174107", full_name="Чужой"))
    assert again.status_code == 200 and "Айгуль" not in again.text and "aigul@" not in again.text
    assert len(_regs(db)) == 1
    [message] = mailbox.wait_for(1)
    assert message["To"] == "aigul@example.org"  # the link goes to the owner, never to the typist


def test_neither_e_mail_nor_phone_is_a_clear_error(client, db, clock, village, organiser) -> None:
    response = client.post(f"/events/{village.slug}/register", data=form(email="", phone=""))
    assert response.status_code == 422
    assert "укажите адрес электронной почты или телефон" in response.text
    api = client.post(
        f"/api/v1/events/{village.slug}/registrations", json={"full_name": "Бакыт Асанов", "consent": True}
    )
    assert api.status_code == 422 and "phone" in api.json()["error"]["fields"]
    ok = client.post(
        f"/api/v1/events/{village.slug}/registrations",
        json={"full_name": "Бакыт Асанов", "phone": "0555 123 456", "consent": True},
    )
    assert ok.status_code == 202
    assert [r.email_normalised for r in _regs(db)] == ["tel:+996555123456"]


def test_the_import_takes_rows_with_a_phone_and_no_e_mail(client, db, clock, village, login_as) -> None:
    _user, csrf = login_as("organiser", organisations=("aiyl",), email="org2@example.org")
    client.post(
        f"/admin/events/{village.slug}/registrations/form/settings", data={"csrf_token": csrf, "phone_only": "on"}
    )
    wb = Workbook()
    for row in (
        ["ФИО", "E-mail", "Телефон"],
        ["Айгуль Осмонова", "", "0702 174 107"],
        ["Бакыт Асанов", "bakyt@example.org", ""],
        ["Эрмек Жумабаев", "", ""],
        ["Айгуль О.", "", "+996702174107"],
    ):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    base = f"/admin/events/{village.slug}/registrations/import"
    preview = client.post(base, data={"csrf_token": csrf}, files={"file": ("list.xlsx", buf.getvalue())})
    assert preview.status_code == 422
    assert "нет ни адреса электронной почты, ни телефона" in preview.text
    assert "повтор" in preview.text  # the same phone twice in the file
    wb = Workbook()
    for row in (["ФИО", "Телефон"], ["Айгуль Осмонова", "0702 174 107"], ["Эрмек Жумабаев", "0555 123 456"]):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    preview = client.post(base, data={"csrf_token": csrf}, files={"file": ("list.xlsx", buf.getvalue())})
    assert preview.status_code == 200, preview.text
    preview_id = re.search(r'name="preview" value="(\d+)"', preview.text).group(1)  # the rows stay on the server
    done = client.post(
        f"{base}/confirm",
        data={"csrf_token": csrf, "preview": preview_id, "consent": "on", "send_mail": "on"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert [(r.email, r.phone) for r in _regs(db)] == [("", "+996702174107"), ("", "+996555123456")]
