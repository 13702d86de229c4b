"""Browser login under /admin: session cookie, CSRF, logout, failed-login limit shared by workers."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from eventhub.accounts.ratelimit import PER_ADDRESS, record_failure
from eventhub.core.config import Settings
from eventhub.core.db import get_db
from eventhub.core.models import utcnow
from eventhub.main import create_app


def _csrf(client, path: str = "/admin/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def _login(client, email: str, password: str, next_: str = "/admin"):
    data = {"email": email, "password": password, "csrf_token": _csrf(client), "next": next_}
    return client.post("/admin/login", data=data, follow_redirects=False)


def test_login_sets_a_session_and_logout_ends_it(client, make_staff) -> None:
    make_staff("organiser", email="org@example.org")
    assert client.get("/admin", follow_redirects=False).headers["location"] == "/admin/login?next=/admin"
    response = _login(client, "ORG@example.org", "test password 123", "/admin/events")
    assert (response.status_code, response.headers["location"]) == (303, "/admin/events")
    cookie = response.headers["set-cookie"]
    assert "eventhub_session=" in cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # http base URL
    assert "org@example.org" in client.get("/admin").text
    csrf = _csrf(client, "/admin")
    assert client.post("/admin/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_wrong_password_shows_the_form_again_with_a_message(client, make_staff) -> None:
    make_staff("admin", email="a@example.org")
    response = _login(client, "a@example.org", "wrong password")
    assert response.status_code == 401
    assert "Неверный e-mail или пароль" in response.text and 'value="a@example.org"' in response.text


def test_odd_input_to_the_login_form_is_a_plain_refusal(client) -> None:
    assert _login(client, "a\x00@example.org", "x" * 5000).status_code == 401


def test_login_without_the_form_token_is_refused(client, make_staff) -> None:
    make_staff("admin", email="a@example.org")
    response = client.post("/admin/login", data={"email": "a@example.org", "password": "test password 123"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "/admin/../events", "/\\evil", "/admin/login"]
)
def test_login_only_returns_to_admin_pages(client, make_staff, target) -> None:
    make_staff("admin", email="a@example.org")
    assert _login(client, "a@example.org", "test password 123", target).headers["location"] in (
        "/admin",
        "/admin/../events",
    )


def test_five_failures_lock_the_account_in_every_worker(client, db, settings, make_staff) -> None:
    make_staff("admin", email="a@example.org")
    for _ in range(5):
        assert _login(client, "a@example.org", "wrong password").status_code == 401
    locked = _login(client, "a@example.org", "test password 123")
    assert locked.status_code == 429
    assert "Слишком много неудачных попыток входа" in locked.text and 25 <= int(locked.headers["retry-after"]) <= 31

    # Another worker process: its own app and connection, the same database.
    other = create_app(settings)
    other.dependency_overrides[get_db] = lambda: db
    with TestClient(other) as second:
        assert _login(second, "a@example.org", "test password 123").status_code == 429
        other.state.clock = lambda: utcnow() + timedelta(minutes=16)
        assert _login(second, "a@example.org", "test password 123").status_code == 303
    other.state.engine.dispose()


def test_the_lock_is_by_account_with_a_growing_delay_whatever_the_address(app, db, make_staff) -> None:
    """Issue 21, item 5: new addresses buy no more guesses; colleagues behind the same NAT
    address still sign in."""
    from eventhub.accounts.ratelimit import retry_after

    make_staff("admin", email="target@example.org")
    make_staff("organiser", email="colleague@example.org")
    now = utcnow()
    waits = []
    for n in range(9):  # each guess from another address, each after the previous wait
        record_failure(db, email="target@example.org", ip=f"203.0.113.{n}", now=now)
        wait = retry_after(db, email="target@example.org", ip="198.51.100.1", now=now)
        waits.append(wait)
        now += timedelta(seconds=wait or 1)
    db.commit()
    assert waits[:4] == [None] * 4 and waits[4] <= 31 and waits[5:] == sorted(waits[5:]) and waits[8] > 4 * waits[4]
    assert retry_after(db, email="colleague@example.org", ip="203.0.113.1", now=now) is None


def test_a_success_clears_the_failures(client, make_staff) -> None:
    make_staff("admin", email="a@example.org")
    for _ in range(4):
        _login(client, "a@example.org", "wrong password")
    assert _login(client, "a@example.org", "test password 123").status_code == 303
    client.cookies.clear()
    for _ in range(4):
        assert _login(client, "a@example.org", "wrong password").status_code == 401


def test_many_accounts_tried_from_one_address_are_stopped(client, db) -> None:
    for n in range(PER_ADDRESS - 1):
        record_failure(db, email=f"user{n}@example.org", ip="testclient", now=utcnow())
    db.commit()
    assert _login(client, "someone@example.org", "guess").status_code == 401
    assert _login(client, "someone-else@example.org", "guess").status_code == 429


def test_session_cookie_is_secure_when_the_site_is_https(settings) -> None:
    https = Settings(**(settings.model_dump() | {"base_url": "https://events.example.kg"}))
    app = create_app(https)
    with TestClient(app, base_url="https://testserver") as client:
        cookie = client.get("/admin/login").headers["set-cookie"].lower()
    app.state.engine.dispose()
    assert "secure" in cookie and "httponly" in cookie
