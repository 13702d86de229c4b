"""The admin as a workplace, in headless Chromium at 390 px (a phone) and 1280 px: each role
signs in and reaches every section of its work by clicking only (no typed address after the
login page); axe-core finds no WCAG A/AA violation on any admin page. Screenshots go to
$EVENTHUB_SCREENSHOTS (default: the test's temporary directory)."""

import json
import os
import re
from collections import deque
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.routing import compile_path

from eventhub.accounts.security import hash_password
from eventhub.demo.loader import load_demo, read_seed
from tests.admin import workplace
from tests.admin.test_reachable import NOT_LINKED, _admin_get_routes
from tests.public.conftest import axe_source  # noqa: F401  (the fixture)
from tests.public.test_browser import _axe
from tools.live_server import serve, sqlite_settings

pytestmark = pytest.mark.browser
PASSWORD = "workplace password 2026"
VIEWPORTS = {"phone": (390, 844), "desk": (1280, 900)}
HREF = re.compile(r'href="(/admin[^"#]*)')


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory):
    hashed = hash_password(PASSWORD)

    def prepare(db) -> None:
        load_demo(db, read_seed())
        workplace.build(db, hashed, datetime.now(UTC))

    with serve(sqlite_settings(tmp_path_factory.mktemp("workplace")), prepare) as base:
        yield base


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("EVENTHUB_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open(browser, base: str, role: str, size: tuple[int, int], **options):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="ru-RU", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/admin/login")
    page.get_by_label("E-mail").fill(workplace.ROLES[role][0])
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{base}/admin")
    return context, page


def _sections(page) -> list[str]:
    return page.get_by_role("navigation", name="Разделы мероприятия").get_by_role("link").all_inner_texts()


def _click_section(page, name: str) -> None:
    page.get_by_role("navigation", name="Разделы мероприятия").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def _walk_workspace(page, shot, expected: list[str]) -> list[str]:
    """Click every section of the event's workspace in turn, and every sub-page of each."""
    sections = [s for s in _sections(page) if not s.startswith("Страница на сайте")]
    assert sections == expected
    for name in sections:
        _click_section(page, name)
        current = page.get_by_role("navigation", name="Разделы мероприятия").locator('[aria-current="page"]')
        assert current.inner_text() == name
        shot(f"section-{name}")
        sub = page.get_by_role("navigation", name="Страницы раздела")
        if sub.count():
            for label in sub.get_by_role("link").all_inner_texts():
                if label.startswith("Таблица"):
                    continue  # a download, not a page
                sub.get_by_role("link", name=label, exact=True).click()
                page.wait_for_load_state()
                assert page.get_by_role("navigation", name="Разделы мероприятия").count() == 1  # a way back
    return sections


EDITOR_SECTIONS = ["Описание", "Программа", "Организации", "Переводы", "Регистрации", "Отметка на входе",
                   "Приглашения", "Сообщения", "Пресса", "Итоги"]  # fmt: skip


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("role", list(workplace.ROLES))
def test_each_role_reaches_its_work_by_clicking(browser, office, shots, role, size) -> None:
    context, page = _open(browser, office, role, VIEWPORTS[size])
    n = iter(range(100))

    def shot(name: str) -> None:
        page.screenshot(path=str(shots / f"{role}-{size}-{next(n):02d}-{name}.png"), full_page=True)

    shot("dashboard")
    if role in ("admin", "organiser"):
        page.get_by_role("navigation", name="Кабинет").get_by_role("link", name="Мероприятия").click()
        page.get_by_role("link", name="Форум «Завтра»").first.click()
        expected = EDITOR_SECTIONS + (["История"] if role == "admin" else [])
        _walk_workspace(page, shot, expected)
        page.get_by_role("navigation", name="Кабинет").get_by_role("link", name="Кабинет").click()
        page.get_by_role("link", name="Форум «Завтра»").first.click()  # from the dashboard too
        assert page.get_by_role("navigation", name="Разделы мероприятия").count() == 1
        if role == "organiser":
            page.get_by_role("navigation", name="Кабинет").get_by_role("link", name="Кабинет").click()
            page.get_by_role("link", name=re.compile("заявок ждут одобрения")).click()
            assert "Айнура Касымова" in page.content()
            shot("to-approve")
    elif role == "checkin":
        page.get_by_role("link", name="Отметка на входе").first.click()
        assert "Пришли:" in page.content()
        _walk_workspace(page, shot, ["Отметка на входе"])
    else:
        page.get_by_role("link", name="Форум «Завтра» открывается").click()
        shot("draft-release")
        page.get_by_role("navigation", name="Кабинет").get_by_role("link", name="Кабинет").click()
        page.get_by_role("region", name="Пресс-центр").get_by_role("link", name="Форум «Завтра»", exact=True).click()
        shot("accreditation")
        assert "Kloop" in page.content() and "Подтверждена" in page.content()
        _walk_workspace(page, shot, ["Пресса"])
    if role != "checkin":
        nav = page.get_by_role("navigation", name="Кабинет")
        for label in nav.get_by_role("link").all_inner_texts():
            nav.get_by_role("link", name=label, exact=True).click()
            page.wait_for_load_state()
            assert page.get_by_role("navigation", name="Кабинет").count() == 1
    context.close()


def _route_patterns() -> list[re.Pattern]:
    from eventhub.admin.pages import router as admin_router
    from eventhub.press.admin import router as press_router
    from eventhub.registrations.admin import router as registrations_router
    from eventhub.registrations.messages_admin import router as messages_router

    routers = (admin_router, press_router, registrations_router, messages_router)
    templates = {t for r in routers for t in _admin_get_routes(r.routes)} - NOT_LINKED  # opened from mail or data
    # the fewest parameters first: /admin/events/new is not the editor of an event called "new"
    return [compile_path(t)[0] for t in sorted(templates, key=lambda t: (t.count("{"), -len(t)))]


def test_no_wcag_violations_on_any_admin_page(browser, office, axe_source, shots) -> None:  # noqa: F811
    """One page of every admin route each role reaches by links (a crawl of the rendered links),
    and the login page."""
    patterns = _route_patterns()
    found: dict[str, list] = {}
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{office}/admin/login")
    if violations := _axe(page, axe_source):
        found["/admin/login"] = violations
    context.close()
    checked: set[tuple[str, str]] = set()
    for role in workplace.ROLES:
        context, page = _open(browser, office, role, VIEWPORTS["desk"], bypass_csp=True)  # axe is injected inline
        queue, seen, kinds = deque(["/admin"]), set(), set()
        while queue:
            url = queue.popleft()
            path = url.split("?")[0]
            kind = next((p.pattern for p in patterns if p.match(path)), path)
            if path in seen or kind in kinds or path.endswith((".csv", ".xlsx", ".pdf")):
                continue
            seen.add(path)
            kinds.add(kind)
            checked.add((role, kind))
            page.goto(office + url)
            for href in HREF.findall(page.content()):
                queue.append(href.replace("&amp;", "&"))
            if violations := _axe(page, axe_source):
                found[f"{role} {url}"] = violations
        context.close()
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)
    not_pages = ("/admin/login", ".csv", ".xlsx", ".pdf")  # the login page is checked above; downloads are no pages
    unchecked = {p.pattern for p in patterns} - {kind for _role, kind in checked}
    assert {u for u in unchecked if not any(n.replace(".", "\\.") + "$" in u for n in not_pages)} == set()
