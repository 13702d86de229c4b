"""Every admin page is one click from somewhere: crawling the links of the admin as each role,
starting at /admin, reaches every GET route under /admin; every page reached answers (no
error page), and each role meets its own dashboard panels."""

import html
import re
from collections import deque
from datetime import UTC, datetime

import pytest
from fastapi.routing import APIRoute
from sqlmodel import select
from starlette.routing import compile_path

from eventhub.core.models import StaffUser
from tests.admin import workplace
from tests.factories import staff_cookie

NOW = datetime.now(UTC)
GET_FORM = re.compile(r'<form method="get" action="(/admin[^"]*)"')  # a page's own GET form counts as a link
HREF = re.compile(r'href="(/admin[^"#]*)')
# Reached without a link by design: strangers are sent to the login page.
NOT_LINKED = {
    "/admin/login",
    "/admin/login/code",  # the second step of a login with a second factor
    "/admin/password/reset/{token}",  # opened from the e-mail that carries the one-time link
    # Linked only when such a row exists (a question, a survey, an attended participant, a
    # per-diem rate): their own tests open them from those links.
    "/admin/events/{slug}/registrations/form/questions/{question_id:int}",
    "/admin/events/{slug}/registrations/papers/certificates/{reg_id:int}.pdf",
    "/admin/events/{slug}/registrations/papers/per-diem.pdf",
    "/admin/events/{slug}/registrations/papers/per-diem.xlsx",
    "/admin/events/{slug}/surveys/{survey_id:int}",
    "/admin/events/{slug}/surveys/{survey_id:int}/export.xlsx",
}


def _admin_get_routes(routes: list) -> list[str]:
    found: list[str] = []
    for route in routes:
        if isinstance(route, APIRoute) and "GET" in route.methods and route.path.startswith("/admin"):
            found.append(route.path)
        elif hasattr(route, "original_router"):
            found += _admin_get_routes(route.original_router.routes)
    return found


@pytest.fixture()
def week(db, demo, password_hash):
    event = workplace.build(db, password_hash, NOW)
    db.commit()
    return event


def _sign_in(client, settings, db, role: str) -> StaffUser:
    user = db.exec(select(StaffUser).where(StaffUser.email == workplace.ROLES[role][0])).one()
    client.cookies.clear()
    client.cookies.set("eventhub_session", staff_cookie(db, user, settings.get_secret_key()))
    return user


def crawl(client, limit: int = 600) -> dict[str, int]:
    """Every /admin page reachable by links from /admin (one visit per path), with its status."""
    seen: dict[str, int] = {}
    queue = deque(["/admin"])
    paths: set[str] = set()
    while queue and len(seen) < limit:
        url = queue.popleft()
        path = url.split("?")[0]
        if path in paths:
            continue
        paths.add(path)
        response = client.get(url, follow_redirects=False)
        seen[url] = response.status_code
        if response.headers.get("content-type", "").startswith("text/html"):
            for href in [*HREF.findall(response.text), *GET_FORM.findall(response.text)]:
                href = html.unescape(href)
                if href.split("?")[0] not in paths:
                    queue.append(href)
    return seen


@pytest.mark.parametrize("role", list(workplace.ROLES))
def test_every_page_a_role_reaches_by_links_opens(client, settings, db, week, role) -> None:
    _sign_in(client, settings, db, role)
    seen = crawl(client)
    broken = {url: status for url, status in seen.items() if status >= 400}
    assert broken == {}
    assert len(seen) >= 3


def test_every_admin_route_is_linked_from_a_page_some_role_reaches(app, client, settings, db, week) -> None:
    visited: set[str] = set()
    for role in workplace.ROLES:
        _sign_in(client, settings, db, role)
        visited |= {url.split("?")[0] for url in crawl(client)}
    unlinked = []
    for template in sorted(set(_admin_get_routes(app.routes)) - NOT_LINKED):
        regex = compile_path(template)[0]
        if not any(regex.match(path) for path in visited):
            unlinked.append(template)
    assert unlinked == []


def test_each_role_sees_its_dashboard(client, settings, db, week) -> None:
    _sign_in(client, settings, db, "checkin")
    page = client.get("/admin").text
    assert "Сегодня и завтра на входе" in page and "Форум «Завтра»" in page
    assert f'href="/admin/events/{workplace.SLUG}/registrations/checkin"' in page
    assert "Мои мероприятия" not in page and "Недавние изменения" not in page

    _sign_in(client, settings, db, "organiser")
    page = html.unescape(client.get("/admin").text)
    assert "Зарегистрировано: 3 / 3" in page  # two confirmed, one already arrived
    assert "в листе ожидания: 1" in page and "ждут одобрения: 1" in page
    assert "«Форум «Завтра»»: заявок ждут одобрения — 1" in page
    assert f"/admin/events/{workplace.SLUG}/registrations?status=pending" in page
    assert "«Семинар для аймаков» ещё черновик, а до начала меньше месяца" in page
    assert "Недавние изменения" not in page

    _sign_in(client, settings, db, "press_officer")
    page = html.unescape(client.get("/admin").text)
    assert "Форум «Завтра» открывается" in page  # the draft
    assert "Итоги форума «Завтра»" in page and "выйдет" in page  # under embargo, with its date
    assert "1 журналист" in page and "Мои мероприятия" not in page

    _sign_in(client, settings, db, "admin")
    page = html.unescape(client.get("/admin").text)
    assert "Недавние изменения" in page and "Изменение: мероприятие" in page
    assert "Мои мероприятия" in page and "Пресс-центр" in page
