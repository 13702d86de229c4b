"""E-mails and the invitation .ics in the registrant's language; the form and its errors in
the reader's language."""

import re

import icalendar
from sqlmodel import select

from eventhub.core.models import Registration
from tests.registrations.conftest import form, open_event

EN_TITLE = "Forum of Aimaks"
KY_TITLE = "Аймактар форуму"


def _event(db):
    event = open_event(db, title="Форум аймаков", translations={"en": {"title": EN_TITLE}, "ky": {"title": KY_TITLE}})
    db.commit()
    return event


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _ics(message) -> icalendar.Event:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    [vevent] = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    return vevent


def test_a_reader_of_the_english_form_gets_english_mail_and_invitation(client, db, clock, mailbox) -> None:
    event = _event(db)
    data = form(full_name="Aigul Osmonova")
    response = client.post(f"/events/{event.slug}/register", params={"lang": "en"}, data=data)
    assert response.status_code == 200 and "Check your e-mail" in response.text

    [message] = mailbox.wait_for(1)
    assert db.exec(select(Registration)).one().language == "en"
    assert message["Subject"] == f"Registration confirmed: {EN_TITLE}"
    body = _text(message)
    assert "Hello, Aigul Osmonova!" in body and f"“{EN_TITLE}”" in body and "When:" in body
    assert "Здравствуйте" not in body and "Когда" not in body
    vevent = _ics(message)
    assert str(vevent["summary"]) == EN_TITLE
    # Calendars are shared: the event page's address is there, never the private link.
    assert str(vevent["description"]).endswith(f"http://testserver/events/{event.slug}")
    assert "/r/" not in str(vevent["description"])
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="en">' in html and 'alt="QR code for check-in at the entrance"' in html


def test_the_language_chosen_on_the_form_wins_over_the_page_language(client, db, clock, mailbox) -> None:
    event = _event(db)
    client.post(f"/events/{event.slug}/register", params={"lang": "ru"}, data=form(language="ky"))
    [message] = mailbox.wait_for(1)
    assert message["Subject"] == f"Катталуу ырасталды: {KY_TITLE}"
    assert "Саламатсызбы, Айгуль Осмонова!" in _text(message)
    assert str(_ics(message)["summary"]) == KY_TITLE


def test_later_mail_keeps_the_registrants_language_whoever_triggers_it(client, db, clock, mailbox) -> None:
    event = _event(db)
    client.post(f"/events/{event.slug}/register", params={"lang": "en"}, data=form())
    [first] = mailbox.wait_for(1)
    token = re.search(r"/r/([\w-]+)", _text(first)).group(1)
    private = client.get(f"/r/{token}", params={"lang": "ru"})
    assert private.status_code == 200 and "Моя регистрация" in private.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', private.text)
    # The participant reads their page in Russian and cancels: the letter is still in English.
    response = client.post(
        f"/r/{token}/cancel", params={"lang": "ru"}, data={"csrf_token": csrf.group(1)} if csrf else {}
    )
    assert response.status_code in (200, 303)
    messages = mailbox.wait_for(2)
    assert messages[-1]["Subject"] == f"Registration cancelled: {EN_TITLE}"


def test_the_form_and_its_errors_in_each_language(client, db, clock) -> None:
    event = _event(db)
    expected = {
        "ru": ("Регистрация", "Зарегистрироваться", "Проверьте поля формы", "обязательное поле"),
        "en": ("Registration", "Register", "Check the form fields", "required field"),
        "ky": ("Катталуу", "Катталуу", "Форманын талааларын текшериңиз", "милдеттүү талаа"),
    }
    for lang, (title, button, message, required) in expected.items():
        page = client.get(f"/events/{event.slug}/register", params={"lang": lang})
        assert title in page.text and button in page.text, lang
        response = client.post(
            f"/events/{event.slug}/register", params={"lang": lang}, data=form(full_name="", email="")
        )
        assert response.status_code == 422, lang
        assert message in response.text and required in response.text, (lang, response.text[-3000:])
