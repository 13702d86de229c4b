"""The CSO-dialogue press release (seed 004) in headless Chromium, at phone and desktop width:
the title, the four panels and the five press contacts are on screen; screenshots are saved
(to EVENTHUB_SCREENSHOT_DIR when set, else a temporary folder)."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.live_server import serve_app

pytestmark = pytest.mark.browser

SEED_004 = "dialog-vklad-ogo-v-razvitie-regionov-press-reliz"
TITLE = "Диалог «Вклад организаций гражданского общества в развитие регионов Кыргызской Республики»"
PANELS = [
    "«Планирование развития регионов с участием граждан и ОГО»",
    "«Коалиции и сети ОГО как «кровеносная система» развития регионов»",
    "«Данные, цифровые услуги и цифровые формы участия граждан»",
    "«Вклад региональных ОГО в решение местных проблем»",
]
CONTACTS = [
    ("Абдыразакова Гульмира", "0702 174 107"),
    ("Мамасалиева Гульгаакы", "0555 077 764"),
    ("Добрецова Надежда", "0777 777 990"),
    ("Жусупова Чынар", "0555 808 692"),
    ("Давлетбаева Галина", "0555 935 193"),
]


@pytest.fixture()
def live_server(app, demo) -> Iterator[str]:
    """The test app (sharing the test's database transaction) served on 127.0.0.1."""
    with serve_app(app) as base:
        yield base


@pytest.fixture()
def shots(tmp_path: Path) -> Path:
    target = os.environ.get("EVENTHUB_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        return Path(target)
    return tmp_path


@pytest.mark.parametrize(("name", "width", "height"), [("phone", 390, 844), ("desktop", 1280, 900)])
def test_cso_dialogue_release_shows_title_panels_and_contacts(browser, live_server, shots, name, width, height) -> None:
    page = browser.new_page(viewport={"width": width, "height": height}, locale="ru-RU")
    page.goto(f"{live_server}/press/{SEED_004}", wait_until="load")

    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == TITLE
    assert heading.is_visible()
    for panel in PANELS:
        assert page.get_by_text(panel, exact=False).first.is_visible(), panel
    contacts = page.locator(".press-contacts .contact")
    assert contacts.count() == 5
    for i, (person, phone) in enumerate(CONTACTS):
        card = contacts.nth(i)
        card.scroll_into_view_if_needed()
        assert card.is_visible()
        assert person in card.inner_text() and phone in card.inner_text()
        assert (
            card.get_by_role("link", name=phone).get_attribute("href") == "tel:+996" + phone.replace(" ", "")[1:]
        )  # E.164
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= width, f"the page scrolls sideways at {width}px ({page_width}px wide)"

    path = shots / f"press-{SEED_004}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    page.close()


def test_printed_release_hides_navigation_and_keeps_contacts(browser, live_server, shots) -> None:
    page = browser.new_page(viewport={"width": 800, "height": 1000})
    page.goto(f"{live_server}/press/{SEED_004}", wait_until="load")
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert not page.get_by_text("Скачать все контакты (.vcf)").is_visible()
    assert page.locator(".print-only").is_visible()
    assert page.get_by_text("0555 935 193").is_visible()
    if shutil.which("pdftoppm") or os.environ.get("EVENTHUB_SCREENSHOT_DIR"):
        page.pdf(path=str(shots / f"press-{SEED_004}-print.pdf"), format="A4")
    page.close()
