"""Every staff page reads in Kyrgyz: no interface text of the Russian catalogue is left on a
Kyrgyz admin page (the event's own content may stay Russian where no Kyrgyz version exists),
and in headless Chromium axe-core finds no WCAG 2.2 A/AA violation on any of them."""

import html
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from eventhub.core.i18n import translations
from eventhub.core.models import AgendaSession, Event, PressRelease, StaffUser
from eventhub.demo.loader import load_demo, read_seed
from eventhub.directory.specs import DIRECTORIES
from tests.public.test_browser import AXE_TAGS, RUN_AXE
from tools import messages
from tools.live_server import serve, sqlite_settings


def admin_paths(db) -> list[str]:
    """Every admin page (GET, HTML) of the demo data, for an administrator."""
    event = db.exec(select(Event).join(AgendaSession).where(Event.status == "published")).first()
    session = db.exec(select(AgendaSession).where(AgendaSession.event_id == event.id)).first()
    release = db.exec(select(PressRelease)).first()
    paths = ["/admin", "/admin/events", "/admin/events/new", "/admin/press", "/admin/press/new",
             "/admin/press/accreditation", f"/admin/press/{release.id}", f"/admin/press/{release.id}/translations"]  # fmt: skip
    e = f"/admin/events/{event.slug}"
    paths += [e, f"{e}/organisations", f"{e}/translations", f"{e}/agenda", f"{e}/agenda/translations",
              f"{e}/sessions/new", f"{e}/sessions/{session.id}", f"{e}/publish", f"{e}/postpone", f"{e}/cancel"]  # fmt: skip
    r = f"{e}/registrations"
    paths += [r, f"{r}/checkin", f"{r}/checkin-staff", f"{r}/stats", f"{r}/sign-in", f"{r}/invitations", f"{r}/import"]
    for spec in DIRECTORIES.values():
        paths += [f"/admin/{spec.key}", f"/admin/{spec.key}/new"]
    return paths


def russian_interface_text() -> dict[str, str]:
    """Russian catalogue texts whose Kyrgyz differs: what must not be seen on a Kyrgyz page."""
    ky = translations("ky")
    out = {}
    for item in messages.extract().values():
        if item.plural or "%(" in item.msgid or len(item.msgid) < 5:
            continue
        if ky.gettext(item.msgid) != item.msgid:
            out[item.msgid] = ky.gettext(item.msgid)
    return out


def visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    attrs = " ".join(re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", "\n", page) + "\n" + attrs)


def test_every_admin_page_is_in_kyrgyz(client, demo, login_as) -> None:
    login_as("admin")
    russian = russian_interface_text()
    leaks = {}
    for path in admin_paths(demo):
        response = client.get(path, headers={"Accept-Language": "ky"})
        assert response.status_code == 200, path
        assert '<html lang="ky"' in response.text, path
        lines = {line.strip() for line in visible_text(response.text).splitlines()}
        if found := sorted(t for t in russian if t in lines):
            leaks[path] = found
    assert leaks == {}, "\n".join(f"{p}: {v}" for p, v in leaks.items())


def test_a_form_error_on_a_kyrgyz_admin_page_is_kyrgyz(client, demo, login_as) -> None:
    _user, csrf = login_as("admin")
    form = {"csrf_token": csrf, "organiser": "ipr", "kind": "forum", "title": "Аймактар форуму",
            "start_at": "2030-09-13T17:00", "end_at": "2030-09-13T10:00", "timezone": "Asia/Bishkek",
            "registration_mode": "open", "capacity": "-3"}  # fmt: skip
    response = client.post("/admin/events/new", data=form, headers={"Accept-Language": "ky"})
    assert response.status_code == 422
    text = visible_text(response.text)
    assert "Төмөндө белгиленген талааларды текшериңиз." in text
    russian = russian_interface_text()
    lines = {line.strip() for line in text.splitlines()}
    assert sorted(t for t in russian if t in lines) == []
    errors = re.findall(r'class="field-error"[^>]*>([^<]+)<', response.text)
    assert errors and not [e for e in errors if e in russian or not messages.CYRILLIC.search(e)], errors


# --- the same pages in headless Chromium, with axe-core (as the public pages are checked) ---

AXE = Path(__file__).resolve().parent.parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "test password 123"


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory: pytest.TempPathFactory, password_hash: str) -> Iterator[tuple[str, list[str]]]:
    """A real server over a SQLite file with the demo data and one administrator; yields the
    base address and every admin page of the demo."""
    paths: list[str] = []

    def prepare(db) -> None:
        load_demo(db, read_seed())
        db.add(StaffUser(email="admin-ky@example.org", password_hash=password_hash, role="admin"))
        db.flush()
        paths.extend(admin_paths(db))

    with serve(sqlite_settings(tmp_path_factory.mktemp("admin-ky")), prepare) as base:
        yield base, paths


@pytest.mark.browser
def test_every_admin_page_in_kyrgyz_has_no_wcag_violations(browser, admin_server) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `python -m tools.install_test_deps`")
    base, paths = admin_server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ky-KG", bypass_csp=True)
    page = context.new_page()
    page.goto(base + "/admin/login")
    assert page.evaluate("document.documentElement.lang") == "ky"
    violations, axe_source = {}, AXE.read_text()
    page.add_script_tag(content=axe_source)
    if found := page.evaluate(RUN_AXE, AXE_TAGS):
        violations["/admin/login"] = found
    page.fill("#f-email", "admin-ky@example.org")
    page.fill("#f-password", PASSWORD)
    page.get_by_role("button", name="Кирүү").click()
    page.wait_for_url(base + "/admin")
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        assert page.evaluate("document.documentElement.lang") == "ky", path
        page.add_script_tag(content=axe_source)
        if found := page.evaluate(RUN_AXE, AXE_TAGS):
            violations[path] = found
    if shots := os.environ.get("EVENTHUB_SCREENSHOTS"):  # to look at: the dashboard at 390 px and 1280 px
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(base + "/admin")
            page.screenshot(path=str(Path(shots) / f"admin-ky-{width}.png"), full_page=True)
    context.close()
    assert violations == {}, json.dumps(violations, ensure_ascii=False, indent=1)
