"""The story a participant walks through, in headless Chromium at phone size, against a real
server: register for the CSO dialogue, get the confirmation with a calendar invitation at a
real SMTP server, open the private link, cancel — and the waiting list moves."""

import re
from datetime import timedelta

import icalendar
import pytest
from sqlmodel import Session, select

from eventhub.core.models import Event, Registration, utcnow
from tools.live_server import live_server

DIALOGUE = "dialog-vklad-ogo-v-razvitie-regionov"

pytestmark = pytest.mark.browser


@pytest.fixture()
def browser_page(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2, locale="ru-RU"
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def _private_link(message) -> str:
    return re.search(r"(http://127\.0\.0\.1:\d+/r/[\w-]+)", message.get_body(("plain",)).get_content()).group(1)


def test_register_on_a_phone_receive_the_invitation_cancel_and_the_waiting_list_moves(
    browser_page, tmp_path, smtp_server, mailbox
) -> None:
    from eventhub.demo.loader import load_demo

    page = browser_page
    with live_server(tmp_path, smtp_port=smtp_server.port) as (base_url, _settings, engine):
        with Session(engine) as db:
            load_demo(db)
            dialogue = db.exec(select(Event).where(Event.slug == DIALOGUE)).one()
            start = (utcnow() + timedelta(days=14)).replace(hour=4, minute=0, second=0, microsecond=0)
            dialogue.start_at, dialogue.end_at, dialogue.all_day = start, start + timedelta(hours=5), False
            dialogue.registration_mode, dialogue.capacity = "open", 1
            db.add(dialogue)
            db.commit()
            title = dialogue.title

        # A person on a phone finds the dialogue and registers.
        page.goto(f"{base_url}/events/{DIALOGUE}")
        register = page.get_by_role("link", name="Зарегистрироваться").first  # near the top, and again below
        # right under the dates and the place, before the programme (it was six screens down)
        assert register.bounding_box()["y"] < 1.5 * page.viewport_size["height"]
        assert register.bounding_box()["y"] < page.locator("#h-agenda").bounding_box()["y"]
        register.click()
        page.get_by_label("Электронная почта").fill("aigul.osmonova@example.org")
        page.get_by_label("Фамилия и имя").fill("Айгуль Осмонова")
        page.get_by_label("Телефон").fill("0702 174 107")
        page.get_by_label("Организация из справочника").fill("СПС")
        page.get_by_label("Должность").fill("координатор программ")
        page.get_by_label("Регион").select_option("naryn")
        page.get_by_label("Женский").check()
        assert "даю согласие" in page.locator("#consent-text").inner_text()
        page.get_by_label("Я согласен(на) на обработку персональных данных").check()
        page.screenshot(path=str(tmp_path / "form.png"), full_page=True)
        page.get_by_role("button", name="Зарегистрироваться").click()
        page.get_by_role("heading", name="Проверьте почту").wait_for()
        assert "aigul.osmonova@example.org" in page.content()

        # The confirmation arrives at the SMTP server with a valid calendar invitation.
        [confirmation] = mailbox.wait_for(1)
        assert confirmation["To"] == "aigul.osmonova@example.org"
        assert confirmation["Subject"].startswith("Регистрация подтверждена")
        [ics_part] = [p for p in confirmation.walk() if p.get_content_type() == "text/calendar"]
        cal = icalendar.Calendar.from_ical(ics_part.get_payload(decode=True))
        [vevent] = cal.walk("VEVENT")
        assert cal["method"] == "REQUEST"
        assert str(vevent["summary"]) == title
        assert vevent.decoded("dtstart") == start
        assert str(vevent["attendee"]) == "mailto:aigul.osmonova@example.org"

        # Someone else registers: no place left, so the waiting list.
        page.goto(f"{base_url}/events/{DIALOGUE}/register")
        assert "Все места заняты" in page.content()
        page.get_by_label("Электронная почта").fill("bakyt@example.org")
        page.get_by_label("Фамилия и имя").fill("Бакыт Асанов")
        page.get_by_label("Я согласен(на) на обработку персональных данных").check()
        page.get_by_role("button", name="Зарегистрироваться").click()
        page.get_by_role("heading", name="Проверьте почту").wait_for()
        waiting = mailbox.wait_for(2)[1]
        assert waiting["Subject"].startswith("Вы в листе ожидания")

        # Aigul opens her private link from the e-mail and cancels.
        page.goto(_private_link(confirmation))
        assert page.locator("#reg-status").inner_text() == "Подтверждена"
        assert "/calendar/personal/" in page.content()
        page.screenshot(path=str(tmp_path / "private.png"), full_page=True)
        page.get_by_role("button", name="Отменить регистрацию").click()
        page.get_by_text("Регистрация отменена. Мы отправили письмо").wait_for()
        assert page.locator("#reg-status").inner_text() == "Отменена"

        # The waiting list moved: Bakyt is confirmed and told so, with the invitation.
        messages = mailbox.wait_for(4)
        subjects = {(m["To"], m["Subject"].split(":")[0]) for m in messages}
        assert ("aigul.osmonova@example.org", "Регистрация отменена") in subjects
        assert ("bakyt@example.org", "Место освободилось — вы зарегистрированы") in subjects
        promotion = next(m for m in messages if m["Subject"].startswith("Место освободилось"))
        page.goto(_private_link(promotion))
        assert page.locator("#reg-status").inner_text() == "Подтверждена"
        with Session(engine) as db:
            statuses = {r.email: r.status for r in db.exec(select(Registration))}
        assert statuses == {"aigul.osmonova@example.org": "cancelled", "bakyt@example.org": "confirmed"}
