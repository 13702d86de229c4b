"""Day 2 of a two-day forum at the door, in headless Chromium at phone size against a real
server: a walk-in is added, a QR code is scanned twice (the second time says when and by whom),
and the sign-in sheet of day 2 is printed."""

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from eventhub.accounts.service import create_user
from eventhub.core.models import Event, EventFormSettings, Registration, utcnow
from eventhub.core.tokens import hash_token
from eventhub.registrations.mail import Site
from tests.factories import add_organisation_role, make_event, make_organisation
from tools.live_server import live_server

pytestmark = pytest.mark.browser
PASSWORD = "door keeper password 2030"


@pytest.fixture()
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2, locale="ru-RU",
        accept_downloads=True,
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def _forum(db: Session) -> tuple[Event, Registration]:
    """A forum that began yesterday at 09:00 in Bishkek and ends tonight; one person registered."""
    zone = ZoneInfo("Asia/Bishkek")
    today = datetime.now(zone).date()
    start = datetime.combine(today - timedelta(days=1), datetime.min.time(), zone).replace(hour=9)
    end = datetime.combine(today, datetime.min.time(), zone).replace(hour=23, minute=30)
    org = make_organisation(db, slug="forum-org", name="Форум НКО")
    event = make_event(db, title="Форум аймаков", start_at=start.astimezone(UTC), end_at=end.astimezone(UTC))
    add_organisation_role(db, event, org, "organiser")
    db.add(EventFormSettings(event_id=event.id, attendance_per_day=True))
    reg = Registration(
        event_id=event.id, full_name="Айгуль Осмонова", email="aigul@example.org", email_normalised="aigul@example.org",
        token_hash=hash_token("x-aigul"), consent_at=utcnow(), consent_text="-", status="confirmed",
        organisation_name="ОО «Голос гражданского общества»", position="координатор", region="naryn", gender="female",
    )  # fmt: skip
    db.add(reg)
    create_user(
        db, email="door@forum.kg", password=PASSWORD, role="organiser", full_name="Нургуль", organisations=["forum-org"]
    )
    db.commit()
    return event, reg


def test_day_two_walk_in_double_scan_and_the_sheet_of_the_day(phone, tmp_path, smtp_server) -> None:
    page = phone
    with live_server(tmp_path, smtp_port=smtp_server.port) as (base, settings, engine):
        with Session(engine) as db:
            event, reg = _forum(db)
            slug, code = event.slug, Site.from_settings(settings).checkin_code(reg)
        checkin = f"{base}/admin/events/{slug}/registrations/checkin"
        page.goto(checkin)
        page.get_by_label("E-mail").fill("door@forum.kg")
        page.get_by_label("Пароль").fill(PASSWORD)
        page.get_by_role("button", name="Войти").click()
        page.wait_for_url(checkin)
        # Today is day 2 of the forum: the page says so.
        assert page.get_by_role("link", name="День 2", exact=False).get_attribute("aria-current") == "page"

        # A person who never registered comes to the door.
        page.get_by_text("Добавить пришедшего без регистрации").click()
        page.get_by_label("Фамилия и имя").fill("Эрмек Жумабаевабдыкадырулыкочкорбекович")
        page.get_by_label("Организация", exact=True).fill("Айыл окмоту Кара-Суу")
        page.get_by_label("Телефон", exact=True).fill("0555 123 456")
        page.get_by_label("Регион", exact=True).select_option("osh")
        page.get_by_role("button", name="Добавить и отметить").click()
        page.locator("#checkin-done").wait_for()
        assert "Эрмек" in page.locator("#checkin-done").inner_text()
        assert "Пришли: 1 из" in page.locator(".checkin-count").inner_text()

        # The QR code, scanned: one tap marks Aigul; scanned again, the page says when and by whom.
        page.goto(f"{checkin}?code={code}")
        page.get_by_role("button", name="Отметить приход").click()
        page.locator("#checkin-done").wait_for()
        page.goto(f"{checkin}?code={code}")
        already = page.locator(".already").inner_text()
        local = datetime.now(ZoneInfo("Asia/Bishkek"))
        assert "Уже отмечен(а) в" in already and "Нургуль" in already
        assert f"{local:%H}:" in already or f"{(local - timedelta(minutes=1)):%H}:" in already
        assert page.get_by_role("button", name="Отметить приход").count() == 0
        # Nothing is wider than the phone's screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(tmp_path / "door-390.png"), full_page=True)

        # The sign-in sheet of day 2, from the papers page.
        page.goto(f"{base}/admin/events/{slug}/registrations")
        # The list on the phone: status and actions without scrolling sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator("#reg-" + str(reg.id)).get_by_text("Пришёл(ла)").is_visible()
        page.screenshot(path=str(tmp_path / "list-390.png"), full_page=True)
        page.get_by_role("link", name="Документы").click()
        page.get_by_label("День", exact=True).select_option(index=1)
        page.get_by_label("Регион", exact=True).check()
        with page.expect_download() as download:
            page.get_by_role("button", name="Лист регистрации (PDF)").click()
        body = open(download.value.path(), "rb").read()
        text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).split())
        assert "день 2" in text and "Айгуль Осмонова" in text and "Эрмек" in text and "Ошская область" in text
        with Session(engine) as db:
            came = db.exec(select(Registration).where(Registration.status == "attended")).all()
            assert sorted(r.full_name[:5] for r in came) == ["Айгул", "Эрмек"]
