"""A new organiser's first event, walked through the real pages in headless Chromium.

The app runs with uvicorn on 127.0.0.1 against a fresh SQLite file (migrated, demo loaded);
the organiser of IPR signs in, creates "Форум аймаков — 2024" as the next edition of the
yearly series, builds an agenda with parallel sessions in three rooms and two panels,
publishes it, finds it on the public pages, then postpones it by a week and sees the new
dates on the page, in the list and in the API."""

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator

import pytest

from tools.live_server import free_port, server_process, uvicorn_command

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "organiser password 2024"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run browser tests")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is missing: pip install -e '.[test]'")
    data = tmp_path_factory.mktemp("browser")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "EVENTHUB_DATA_DIR": str(data),
        "EVENTHUB_DATABASE_URL": f"sqlite:///{data / 'story.sqlite3'}",
        "EVENTHUB_BASE_URL": base,
        "EVENTHUB_SECRET_KEY": "browser-story-secret",
    }
    cli = [sys.executable, "-m", "eventhub.cli"]
    subprocess.run([*cli, "demo"], env=env, check=True, capture_output=True, timeout=120)
    subprocess.run(
        [*cli, "user", "add", "aigul@ipr.kg", "--role", "organiser", "--organisation", "ipr", "--name", "Айгуль"],
        env=env, input=PASSWORD + "\n", text=True, check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    with (data / "server.log").open("w") as log:
        command = uvicorn_command("eventhub.main:app_factory", port)
        with server_process(command, env, base, startup_timeout=30, output=log):
            yield base


@pytest.fixture()
def page(server: str, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _session(
    page, base: str, title: str, start: str, end: str, room: str, kind: str = "other", **panel: object
) -> None:
    page.goto(f"{base}/admin/events/forum-aimakov-2024/sessions/new")
    page.get_by_label("Вид", exact=True).select_option(kind)
    page.get_by_label("Название", exact=True).fill(title)
    page.get_by_label("Начало", exact=True).fill(start)
    page.get_by_label("Окончание", exact=True).fill(end)
    page.get_by_label("Зал", exact=True).fill(room)
    for group in ("Модераторы", "Панелисты"):
        for name in panel.get(group, ()):
            page.get_by_role("group", name=group).get_by_label(name).check()
    if panel:
        page.get_by_label("Вопросы для обсуждения").fill("\n".join(panel["questions"]))
        page.get_by_label("Ожидаемый результат").fill(panel["result"])
    page.get_by_role("button", name="Сохранить").click()


def test_a_new_organiser_publishes_and_postpones_the_forum(page, server: str) -> None:
    base = server
    # Sign in: the admin sends a stranger to the login page and back.
    page.goto(f"{base}/admin/events")
    assert "/admin/login" in page.url
    page.get_by_label("E-mail").fill("aigul@ipr.kg")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{base}/admin/events")

    # A new person for the panels, through the directory.
    page.goto(f"{base}/admin/people/new")
    page.get_by_label("Имя и фамилия").fill("Нурлан Исаев")
    page.get_by_label("Должность").fill("глава Акманского айыл окмоту")
    page.get_by_role("button", name="Сохранить").click()
    assert page.get_by_text("Сохранено").is_visible()

    # The event, as the next edition of the series.
    page.goto(f"{base}/admin/events")
    page.get_by_role("link", name="Новое мероприятие").first.click()
    assert page.get_by_label("Организация-организатор").input_value() == "ipr"
    page.get_by_label("Вид", exact=True).select_option("forum")
    page.get_by_label("Название", exact=True).fill("Форум аймаков — 2024")
    page.get_by_label("Кратко").fill("Ежегодный обмен опытом муниципалитетов")
    page.get_by_label("Цели").fill("Обмен опытом в организации местных услуг\nПредложения для государственных органов")
    page.get_by_label("Начало", exact=True).fill("2024-09-13T09:00")
    page.get_by_label("Окончание", exact=True).fill("2024-09-13T18:00")
    page.get_by_label("Площадка").fill("Конференц-зал отеля «Ак-Кеме»")
    page.get_by_label("Город или село").fill("Бишкек")
    page.get_by_label("Область", exact=True).select_option("bishkek")
    for region in ("Джалал-Абадская область", "Иссык-Кульская область", "Нарынская область", "Ошская область"):
        page.get_by_role("group", name="Регионы").get_by_label(region).check()
    page.get_by_label("Серия", exact=True).select_option("forum-aymakov")
    page.get_by_role("button", name="Создать черновик").click()
    page.wait_for_url(f"{base}/admin/events/forum-aimakov-2024/agenda")
    assert page.get_by_text("Черновик создан").is_visible()

    # The agenda: parallel sessions in three rooms and two panels.
    hall = "Большой зал"
    _session(page, base, "Открытие форума", "2024-09-13T09:00", "2024-09-13T10:00", hall, "opening")
    _session(
        page, base, "Панель 1: местные услуги", "2024-09-13T10:30", "2024-09-13T12:00", hall, "panel",
        Модераторы=["Нурлан Исаев"], Панелисты=["Жетиген Бакиров", "Лесли Вигери"],
        questions=["Какие услуги нужнее всего?", "Как привлечь жителей?"], result="Будут сформулированы предложения по услугам.",
    )  # fmt: skip
    for room, title in (
        ("Зал «Ала-Тоо»", "Рабочая группа: водоснабжение"),
        ("Зал «Иссык-Куль»", "Рабочая группа: вывоз ТБО"),
    ):
        _session(page, base, title, "2024-09-13T10:30", "2024-09-13T12:00", room, "working_group")
    # The same hall at the same time is refused, beside the field, keeping what was typed.
    _session(page, base, "Лишняя", "2024-09-13T11:00", "2024-09-13T11:30", hall)
    assert "уже идёт «Панель 1: местные услуги»" in page.locator("#f-room-error").inner_text()
    assert page.get_by_label("Название", exact=True).input_value() == "Лишняя"
    _session(
        page, base, "Панель 2: женщины в местных кенешах", "2024-09-13T13:00", "2024-09-13T14:30", hall, "panel",
        Модераторы=["Жетиген Бакиров"], Панелисты=["Нурлан Исаев"],
        questions=["Что мешает?"], result="Рекомендации Клубу женщин-депутатов.",
    )  # fmt: skip
    agenda = page.locator(".agenda-admin")
    assert agenda.locator("li").count() == 5
    assert agenda.locator(".room").all_inner_texts().count(hall) == 3

    # Publish, with a confirmation.
    page.goto(f"{base}/admin/events/forum-aimakov-2024")
    page.get_by_role("link", name="Опубликовать").click()
    assert page.get_by_text("Мероприятие появится на сайте").is_visible()
    page.get_by_role("button", name="Опубликовать").click()
    assert page.locator(".status").first.inner_text() == "Опубликовано"

    # The public pages.
    page.goto(f"{base}/events")
    page.get_by_role("link", name="Форум аймаков — 2024").click()
    assert page.url == f"{base}/events/forum-aimakov-2024"
    facts = page.locator("dl.facts").inner_text()
    assert "13 сентября 2024\u202fг., 09:00–18:00" in facts and "Ак-Кеме" in facts
    assert "форум аймаков 2024" in page.locator(".kicker").first.inner_text().lower()  # the series and its edition
    program = page.locator(".agenda").inner_text()
    for text in (
        "Зал «Ала-Тоо»",
        "Зал «Иссык-Куль»",
        "Панель 2: женщины",
        "Будут сформулированы предложения",
        "Нурлан Исаев",
    ):
        assert text in program

    # Postponed by a week: new dates everywhere.
    page.goto(f"{base}/admin/events/forum-aimakov-2024")
    page.get_by_role("link", name="Перенести").click()
    page.get_by_label("Новое начало").fill("2024-09-20T09:00")
    page.get_by_label("Новое окончание").fill("2024-09-20T18:00")
    page.get_by_label("Сообщение для участников").fill("Форум перенесён на неделю.")
    page.get_by_role("button", name="Перенести").click()
    assert page.locator(".status").first.inner_text() == "Перенесено"

    page.goto(f"{base}/events/forum-aimakov-2024")
    assert "20 сентября 2024\u202fг., 09:00–18:00" in page.locator("dl.facts").inner_text()
    assert page.get_by_text("Форум перенесён на неделю.").is_visible()
    assert page.locator(".badge-postponed").is_visible()
    assert "13 сентября" not in page.locator("main").inner_text()
    page.goto(f"{base}/events")
    assert "20 сентября 2024" in page.locator(".event-card", has_text="Форум аймаков — 2024").inner_text()
    with urllib.request.urlopen(f"{base}/api/v1/events/forum-aimakov-2024", timeout=10) as response:
        api = json.load(response)
    assert (api["status"], api["start_at"], api["end_at"]) == (
        "postponed",
        "2024-09-20T03:00:00Z",
        "2024-09-20T12:00:00Z",
    )
    assert api["agenda"][0]["start_at"] == "2024-09-20T03:00:00Z"
    assert api["series"]["slug"] == "forum-aymakov" and api["series_edition"] == "2024"
