"""Stories in headless Chromium against a real server with the demo data: axe-core finds no
WCAG 2.2 A/AA violation on any public page, pages reflow at 320 px, the keyboard reaches the
skip link with a visible focus, and the CSO dialogue's programme prints on at most two A4 pages."""

import io
import json

import pytest

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CSO_DIALOGUE = "dialog-vklad-ogo-v-razvitie-regionov"
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(0, 2).join(' ')),
  }));
}"""


def _axe(page, axe_source: str) -> list[dict]:
    page.add_script_tag(content=axe_source)
    return page.evaluate(RUN_AXE, AXE_TAGS)


def test_demo_sitemap_covers_every_kind_of_public_page(public_paths) -> None:
    for expected in (
        "/",
        "/events",
        "/organisations",
        "/projects",
        "/press",
        f"/events/{CSO_DIALOGUE}",
        f"/events/{CSO_DIALOGUE}/programme",
        "/organisations/aris",
        "/projects/uspeshnyy-aymak-2",
        "/press/dialog-vklad-ogo-v-razvitie-regionov-press-reliz",
    ):
        assert expected in public_paths
    assert (
        len([p for p in public_paths if p.startswith("/events/") and p.endswith("/programme")]) == 4 + 2
    )  # demo + added states


def test_no_wcag_a_or_aa_violations_on_any_public_page(browser, live_server, public_paths, axe_source) -> None:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="ru-RU", bypass_csp=True
    )  # axe is injected inline
    page = context.new_page()
    violations = {}
    for path in public_paths:
        response = page.goto(live_server + path)
        assert response.status == 200, path
        found = _axe(page, axe_source)
        if found:
            violations[path] = found
    context.close()
    assert violations == {}, json.dumps(violations, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("locale", ["ky-KG", "en-US"])
def test_no_wcag_violations_in_kyrgyz_and_english(browser, live_server, axe_source, locale: str) -> None:
    """The pages of each kind in the other two languages: <html lang>, and lang="ru" on texts
    shown in their original language, keep axe (valid-lang, html-has-lang) satisfied."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale, bypass_csp=True)
    page = context.new_page()
    violations = {}
    for path in (
        "/events",
        f"/events/{CSO_DIALOGUE}",
        f"/events/{CSO_DIALOGUE}/programme",
        "/projects/uspeshnyy-aymak-2",
        "/organisations/aris",
        "/press",
        "/press/dialog-vklad-ogo-v-razvitie-regionov-press-reliz",
    ):
        response = page.goto(live_server + path)
        assert response.status == 200, path
        assert page.evaluate("document.documentElement.lang") == locale[:2]
        if found := _axe(page, axe_source):
            violations[path] = found
    context.close()
    assert violations == {}, json.dumps(violations, ensure_ascii=False, indent=1)


def test_registration_form_with_errors_has_no_wcag_violations_where_it_exists(
    browser, live_server, public_paths, axe_source
) -> None:
    """Covers /events/{slug}/register for every event where the route answers 200 (shown, then
    submitted empty so the errors appear); skips when no event has the form on this branch."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="ru-RU", bypass_csp=True
    )  # axe is injected inline
    page = context.new_page()
    events = [p for p in public_paths if p.startswith("/events/") and p.count("/") == 2]
    checked, violations = [], {}
    for path in events:
        response = page.goto(live_server + path + "/register")
        if response is None or response.status != 200:
            continue
        checked.append(path)
        if found := _axe(page, axe_source):
            violations[path + "/register"] = found
        form = page.locator("main form[method='post'], main form[method='POST']").first
        if form.count():
            # The browser's own checks would stop an empty form; the server's messages are what we test.
            form.evaluate("f => { f.noValidate = true; }")
            with page.expect_navigation():
                form.locator("button[type='submit'], input[type='submit'], button:not([type])").first.click()
            if found := _axe(page, axe_source):
                violations[path + "/register (errors shown)"] = found
    context.close()
    if not checked:
        pytest.skip("no event answers /events/{slug}/register with 200 on this branch yet")
    assert violations == {}, json.dumps(violations, ensure_ascii=False, indent=1)


def test_every_public_page_reflows_at_320_px_without_sideways_scrolling(browser, live_server, public_paths) -> None:
    too_wide = {}
    for locale in ("ru-RU", "ky-KG", "en-US"):  # the language comes from Accept-Language
        context = browser.new_context(viewport={"width": 320, "height": 640}, locale=locale)
        page = context.new_page()
        for path in public_paths:
            page.goto(live_server + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                too_wide[f"{path} ({locale})"] = width
        context.close()
    assert too_wide == {}


def test_filters_and_links_work_with_javascript_off(browser, live_server) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=False, locale="ru-RU")
    page = context.new_page()
    page.goto(live_server + "/events")
    page.get_by_label("Вид").select_option("forum")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url("**/events?*kind=forum*")
    page.get_by_role("link", name="Форум аймаков – 2023").click()
    page.get_by_role("link", name="Программа для печати").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Форум аймаков – 2023"
    assert page.url.endswith("/events/forum-aymakov-2023/programme")
    context.close()


def test_keyboard_reaches_the_skip_link_first_with_a_visible_focus_ring(browser, live_server) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page.goto(live_server + f"/events/{CSO_DIALOGUE}")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const el = document.activeElement, s = getComputedStyle(el), r = el.getBoundingClientRect();
      return {text: el.textContent.trim(), outline: s.outlineStyle, width: parseFloat(s.outlineWidth), left: r.left, top: r.top}; }""")
    assert focused["text"] == "Перейти к содержанию"
    assert focused["outline"] == "solid" and focused["width"] >= 2
    assert focused["left"] >= 0 and focused["top"] >= 0  # on screen, not parked off-canvas
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.close()


def test_cso_dialogue_programme_prints_on_at_most_two_a4_pages(browser, live_server) -> None:
    from pypdf import PdfReader  # imported here: only this test reads PDFs

    page = browser.new_page(locale="ru-RU")
    page.goto(live_server + f"/events/{CSO_DIALOGUE}/programme")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    page.close()

    reader = PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Вклад организаций гражданского общества в развитие регионов" in text
    assert "1 марта 2019" in text
    assert "Оргкомитет" in text
    assert text.count("Ожидаемый результат") == 4
    assert "Укрепление доверия между партнерами" in text
    assert "Распечатать" not in text and "Мероприятия Проекты" not in text  # no site chrome on paper
