"""Registering through the form and the API: modes, capacity, duplicates, bad input."""

import re

from sqlmodel import select

from eventhub.models import OutboxMessage, Registration
from tests.registrations.conftest import form, open_event


def _regs(db, event):  # noqa: ANN001, ANN202
    db.expire_all()
    return list(db.exec(select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)))


def test_register_through_the_form_confirms_and_mails_the_private_link(client, db, clock, mailbox) -> None:  # noqa: ANN001
    event = open_event(db)
    db.commit()

    response = client.post(f"/events/{event.slug}/register", data=form())

    assert response.status_code == 200
    assert "Проверьте почту" in response.text
    [reg] = _regs(db, event)
    assert (reg.status, reg.full_name, reg.phone, reg.gender) == ("confirmed", "Айгуль Осмонова", "+996702174107", "female")
    assert "персональных данных" in reg.consent_text
    [message] = mailbox.wait_for(1)
    assert message["To"] == "aigul@example.org"
    assert message["Subject"].startswith("Регистрация подтверждена")
    link = re.search(r"http://testserver(/r/[\w-]+)", message.get_body(("plain",)).get_content()).group(1)
    assert link not in response.text
    page = client.get(link)
    assert page.status_code == 200
    assert "Подтверждена" in page.text
