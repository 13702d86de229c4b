"""The outcomes story in headless Chromium: an organiser records what the four panels of a
dialogue produced, adds recommendations addressed to two ministries, publishes the report,
moves one recommendation to «принята» with a note; an anonymous reader finds it on
/recommendations and on the ministry's page. Screenshots at 390 and 1280 px are saved
(to EVENTHUB_SCREENSHOT_DIR when set, else a temporary folder)."""

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.factories import add_organisation_role, make_event, make_organisation, make_panel, make_session
from tools.live_server import serve_app

pytestmark = pytest.mark.browser
PAST = datetime(2025, 3, 12, 4, 0, tzinfo=UTC)
PANELS = [
    "Планирование развития регионов",
    "Коалиции и сети ОГО",
    "Цифровые услуги",
    "Вклад региональных ОГО",
]


@pytest.fixture()
def world(db):
    org = make_organisation(db, slug="orgkomitet", name="Оргкомитет диалога")
    make_organisation(db, slug="mineconomy", name="Министерство экономики и коммерции", kind="ministry")
    make_organisation(db, slug="mindigital", name="Министерство цифрового развития", kind="ministry")
    event = make_event(db, slug="cso-dialogue-2025", title="Диалог ОГО и государства — 2025", start_at=PAST,
                       end_at=PAST + timedelta(hours=8))  # fmt: skip
    add_organisation_role(db, event, org, "organiser")
    for i, title in enumerate(PANELS, 1):
        make_panel(db, make_session(db, event, title=title, position=i, kind="panel"),
                   expected_result=f"Предложения панели {i}")  # fmt: skip
    db.commit()
    return event


@pytest.fixture()
def live_server(app, world) -> Iterator[str]:
    with serve_app(app) as base:
        yield base


@pytest.fixture()
def shots(tmp_path: Path) -> Path:
    target = os.environ.get("EVENTHUB_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        return Path(target)
    return tmp_path


def test_the_organiser_closes_the_loop_and_a_reader_finds_it(
    browser, live_server, login_as, client, world, shots
) -> None:
    login_as("organiser", ("orgkomitet",))
    cookie = client.cookies.get("eventhub_session")
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    staff.add_cookies([{"name": "eventhub_session", "value": cookie, "url": live_server}])
    page = staff.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_server}/admin/events/{world.slug}")
    page.get_by_role("link", name="Итоги", exact=True).click()
    page.get_by_label("Пришло участников").fill("86")
    page.get_by_label("Организаций", exact=True).fill("41")
    page.get_by_label("Итоги кратко (Markdown)").fill("Четыре панели сформулировали предложения для министерств.")
    for i, title in enumerate(PANELS, 1):
        page.get_by_label(f"Фактический результат: {title}").fill(f"Итог панели {i}: согласованы предложения")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    assert page.get_by_role("status").filter(has_text="Сохранено.").is_visible()

    page.get_by_role("navigation", name="Страницы раздела").get_by_role("link", name="Рекомендации", exact=True).click()
    for text, ministry in [
        ("Ввести общественные слушания программ развития регионов", "Министерство экономики и коммерции"),
        ("Создать рабочую группу по рискам цифровизации услуг", "Министерство цифрового развития"),
    ]:
        page.get_by_label("Текст рекомендации").fill(text)
        page.get_by_label(ministry).check()
        page.get_by_role("button", name="Добавить рекомендацию").click()
        assert page.get_by_role("status").filter(has_text="Рекомендация добавлена.").is_visible()
    assert page.locator("table.list tbody tr").count() == 2

    page.get_by_role("link", name="Отчёт", exact=True).click()
    page.get_by_role("button", name="Сохранить и опубликовать").click()
    assert page.get_by_text("Итоги опубликованы на странице мероприятия.").is_visible()

    page.get_by_role("navigation", name="Страницы раздела").get_by_role("link", name="Рекомендации", exact=True).click()
    page.get_by_role("link", name="Ввести общественные слушания программ развития регионов").click()
    page.get_by_label("Новый статус").select_option(label="принята")
    page.get_by_label("Примечание").fill("Министерство включило предложение в план на 2025 год")
    page.get_by_role("button", name="Записать шаг").click()
    assert page.get_by_role("status").filter(has_text="Статус: принята.").is_visible()
    page.screenshot(path=str(shots / "admin-recommendation-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Отчёт", exact=True).click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "admin-report-phone.png"), full_page=True)
    staff.close()

    for name, width, height in (("phone", 390, 844), ("desktop", 1280, 900)):
        reader = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
        page = reader.new_page()
        page.goto(f"{live_server}/recommendations")
        card = page.locator(".rec-card").filter(has_text="Ввести общественные слушания")
        assert card.is_visible() and "принята" in card.inner_text().lower()
        assert "Министерство экономики и коммерции" in card.inner_text()
        page.get_by_label("Кому адресована").select_option(value="mindigital")
        page.get_by_role("button", name="Показать").click()
        assert page.locator(".rec-card").count() == 1
        assert "рабочую группу" in page.locator(".rec-card").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(shots / f"recommendations-{name}.png"), full_page=True)

        page.goto(f"{live_server}/organisations/mineconomy")
        section = page.locator("section.recommendations")
        assert "Ввести общественные слушания" in section.inner_text() and "принята" in section.inner_text().lower()

        page.goto(f"{live_server}/events/{world.slug}")
        outcomes = page.locator("section.outcomes")
        assert "Итог панели 3: согласованы предложения" in outcomes.inner_text()
        assert "Предложения панели 3" in outcomes.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        outcomes.screenshot(path=str(shots / f"event-outcomes-{name}.png"))
        reader.close()
