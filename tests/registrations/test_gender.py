"""Gender is optional and has one "no answer": the form offers it once, and every way of not
answering (the empty choice, "undisclosed" from the API or older rows) is one line in the
statistics donors read, «Не указано»."""

import re

from sqlmodel import select

from eventhub.core.models import Registration
from eventhub.registrations.service import export_rows, statistics
from tests.registrations.conftest import form, open_event


def _gender_radios(page: str) -> list[str]:
    return re.findall(r'<input type="radio" name="gender" value="([^"]*)"', page)


def test_form_offers_one_no_answer(client, db, clock) -> None:
    event = open_event(db)
    db.commit()
    page = client.get(f"/events/{event.slug}/register").text
    assert _gender_radios(page) == ["", "female", "male"]
    assert "не отвечать" in page and "Предпочитаю не указывать" not in page


def test_every_no_answer_is_one_not_stated_line(client, db, clock, mailbox) -> None:
    event = open_event(db, capacity=None)
    db.commit()
    for email, gender in (
        ("a@example.org", "female"),
        ("b@example.org", None),
        ("c@example.org", "undisclosed"),
        ("d@example.org", "male"),
    ):
        assert client.post(f"/events/{event.slug}/register", data=form(email=email, gender=gender)).status_code == 200
    db.expire_all()
    regs = {r.email: r for r in db.exec(select(Registration).where(Registration.event_id == event.id))}
    assert regs["c@example.org"].gender is None  # stored as no answer
    regs["d@example.org"].gender = "undisclosed"  # a row written before the form had one choice
    db.add(regs["d@example.org"])
    db.commit()

    assert statistics(db, event)["gender"].rows == [("Женский", 1, 0), ("Не указано", 3, 0)]
    assert [row.gender for row in export_rows(db, event)] == ["Женский", "", "", ""]
