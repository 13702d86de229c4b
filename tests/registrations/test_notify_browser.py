"""The organiser's story, in headless Chromium against a real server: the Forum of Aimaks 2025
(the next edition of the demo's series, with three participants in ru, ky and en) is postponed
by a week with a note; before confirming, the page says how many will be written to and shows
the message; after it, the participants' mailboxes hold the update of their invitation."""

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlmodel import Session, select

from eventhub.accounts.security import hash_password
from eventhub.core import outbox
from eventhub.core.models import Event, EventOrganisation, EventSeries, Organisation, StaffUser, StaffUserOrganisation
from eventhub.core.uow import Units
from tests.registrations.conftest import form
from tools.live_server import live_server

pytestmark = pytest.mark.browser
PASSWORD = "organiser password 2025"
START = datetime(2027, 9, 10, 3, 0, tzinfo=UTC)  # 09:00 in Bishkek


def _prepare(db: Session) -> None:
    from eventhub.demo.loader import load_demo

    load_demo(db)
    ipr = db.exec(select(Organisation).where(Organisation.slug == "ipr")).one()
    series = db.exec(select(EventSeries).where(EventSeries.slug == "forum-aymakov")).one()
    event = Event(
        slug="forum-aymakov-2025", kind="forum", status="published", title="Форум аймаков — 2025",
        translations={"en": {"title": "Forum of Aimaks 2025"}, "ky": {"title": "Аймактар форуму — 2025"}},
        start_at=START, end_at=START + timedelta(hours=9), venue_name="Отель «Ак-Кеме»", city="Бишкек",
        series_id=series.id, series_edition="2025", project_id=series.project_id, registration_mode="open",
        capacity=130, contact_name="Айгуль Орозова", contact_email="forum@ipr.kg", search_text="форум аймаков 2025",
    )  # fmt: skip
    db.add(event)
    user = StaffUser(email="aigul@ipr.kg", password_hash=hash_password(PASSWORD), role="organiser")
    db.add(user)
    db.flush()
    db.add(EventOrganisation(event_id=event.id, organisation_id=ipr.id, role="organiser"))
    db.add(StaffUserOrganisation(user_id=user.id, organisation_id=ipr.id))
    db.commit()


def test_an_organiser_postpones_the_forum_sees_who_is_told_and_the_mailboxes_hold_the_update(
    browser, tmp_path, smtp_server, mailbox
) -> None:
    import httpx

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(20_000)
    with live_server(tmp_path, smtp_port=smtp_server.port) as (base, settings, engine):
        with Session(engine) as db:
            _prepare(db)
        people = {"aigul.o@example.org": "ru", "bakyt@example.org": "ky", "john@example.org": "en"}
        for address, lang in people.items():
            response = httpx.post(f"{base}/events/forum-aymakov-2025/register", data=form(email=address, language=lang))
            assert response.status_code == 200
        invitations = {}
        for message in mailbox.wait_for(3):
            [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
            [vevent] = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
            invitations[message["To"]] = (str(vevent["uid"]), int(vevent["sequence"]))
        assert set(invitations) == set(people)
        mailbox.clear()

        page.goto(f"{base}/admin/login")
        page.get_by_label("E-mail").fill("aigul@ipr.kg")
        page.get_by_label("Пароль").fill(PASSWORD)
        page.get_by_role("button", name="Войти").click()
        page.goto(f"{base}/admin/events/forum-aymakov-2025")
        page.get_by_role("link", name="Перенести").click()
        assert "Письмо получат: 3 — подтверждённые: 3" in page.locator("#notify-count").inner_text()
        page.get_by_label("Новое начало").fill("2027-09-17T09:00")
        page.get_by_label("Новое окончание").fill("2027-09-17T18:00")
        page.get_by_label("Сообщение для участников").fill("Форум перенесён на неделю: 10 сентября заняты залы.")
        page.get_by_role("button", name="Предпросмотр письма").click()

        preview = page.locator("#notify-preview")
        assert "Мероприятие перенесено: Форум аймаков — 2025" in preview.inner_text()
        text = page.locator("#notify-preview .mail-text").inner_text()
        assert "Форум перенесён на неделю: 10 сентября заняты залы." in text
        assert "было 10 сентября 2027" in text and "теперь 17 сентября 2027" in text
        assert page.get_by_label("Сообщение для участников").input_value().startswith("Форум перенесён")
        page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
        assert mailbox.messages == []  # the preview sent nothing
        page.get_by_role("button", name="Перенести").click()
        assert "Письма участникам поставлены в очередь: 3." in page.content()
        assert page.locator(".status").first.inner_text() == "Перенесено"

        # what `eventhub worker` does next to the server
        assert len(outbox.deliver(Units(engine), settings).sent) == 3
        updates = {m["To"]: m for m in mailbox.wait_for(3)}
        assert set(updates) == set(people)
        subjects = {
            "ru": "Мероприятие перенесено: Форум аймаков — 2025",
            "ky": "Иш-чара жылдырылды: Аймактар форуму — 2025",
            "en": "Event postponed: Forum of Aimaks 2025",
        }
        for address, message in updates.items():
            assert message["Subject"] == subjects[people[address]]
            assert message["Reply-To"] == "Айгуль Орозова <forum@ipr.kg>"
            [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
            cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
            [vevent] = cal.walk("VEVENT")
            assert str(cal["method"]) == "REQUEST"
            assert str(vevent["uid"]) == invitations[address][0] and int(vevent["sequence"]) > invitations[address][1]
            assert vevent.decoded("dtstart") == START + timedelta(days=7)
            link = re.search(r"(http://127\.0\.0\.1:\d+/r/[\w-]+)", message.get_body(("plain",)).get_content()).group(1)
        page.goto(link)  # the last one's private page: old and new dates
        notice = page.locator("#event-notice").inner_text()
        assert "Мероприятие перенесено." in notice and "10 сентября 2027" in notice and "17 сентября 2027" in notice
    context.close()
