"""Personal data is never cached and secrets stay out of logs (issue 21, items 7 and 8).

`Cache-Control: no-store` is decided in one place (core/middleware.is_private): the test
walks every staff route of the app, the private pages, the personal feeds, API answers to a
token and a registration's confirmation page. The access log of a real server shows no
private-link, feed, invitation or check-in token."""

import re
import sys

import httpx
from fastapi.routing import _IncludedRouter

from eventhub.core.config import Settings
from eventhub.core.db import upgrade
from eventhub.core.middleware import redact
from tests.registrations.conftest import form, open_event
from tools.live_server import LIVE_SECRET, free_port, fresh_database, server_env, server_process


def _get_routes(app) -> set[str]:
    out = set()

    def walk(routes) -> None:
        for r in routes:
            for ctx in r.effective_route_contexts() if isinstance(r, _IncludedRouter) else [r]:
                if "GET" in (getattr(ctx, "methods", None) or ()):
                    out.add(ctx.path)

    walk(app.routes)
    return out


def _fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: "1" if ("id" in m.group(0)) else "no-such", path)


def test_every_staff_route_answers_no_store(app, client, db, login_as) -> None:
    event = open_event(db)
    db.commit()
    staff_routes = sorted(p for p in _get_routes(app) if p.startswith("/admin"))
    assert len(staff_routes) > 30
    login_as("admin")
    missing = []
    for path in staff_routes:
        url = _fill(path).replace("/events/no-such/", f"/events/{event.slug}/")
        response = client.get(url, follow_redirects=False)
        if response.headers.get("cache-control") != "no-store":
            missing.append(f"{url} {response.status_code} {response.headers.get('cache-control')}")
    client.cookies.clear()
    for path in ("/admin", "/admin/login", "/admin/users"):  # anonymous: the login page and the trip to it
        response = client.get(path, follow_redirects=False)
        if response.headers.get("cache-control") != "no-store":
            missing.append(f"anonymous {path}")
    assert missing == []


def test_private_pages_feeds_token_answers_and_the_confirmation_are_not_cached(client, db, bearer_as) -> None:
    event = open_event(db)
    db.commit()
    assert client.get("/r/not-a-token").headers["cache-control"] == "no-store"
    assert "private" in client.get("/calendar/personal/not-a-token.ics").headers.get("cache-control", "private")
    answer = client.get(f"/api/v1/events/{event.slug}/registrations", headers=bearer_as("admin"))
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    confirmation = client.post(f"/events/{event.slug}/register", data=form(email="c@example.org"))
    assert confirmation.headers["cache-control"] == "no-store"
    # A public page read by anyone stays cacheable.
    assert client.get(f"/events/{event.slug}").headers.get("cache-control") != "no-store"


def test_redaction_of_request_targets() -> None:
    assert redact("/r/abcDEF_123-x") == "/r/***"
    assert redact("/r/abc/cancel") == "/r/***/cancel"
    assert redact("/calendar/personal/abc123.ics") == "/calendar/personal/***.ics"
    assert redact("/events/a/register?invitation=xyz&lang=ky") == "/events/a/register?invitation=***&lang=ky"
    assert (
        redact("/admin/events/a/registrations/checkin?code=12-abc") == "/admin/events/a/registrations/checkin?code=***"
    )
    assert redact("/admin/password/reset/tok") == "/admin/password/reset/***"
    assert redact("/events/a") == "/events/a"


def test_a_real_servers_access_log_holds_no_token(tmp_path) -> None:
    secrets = ["SECRETLINK1234567", "SECRETFEED7654321", "SECRETINVITE99999", "12-SECRETCODE", "SECRETRESET55555"]
    paths = [
        f"/r/{secrets[0]}",
        f"/calendar/personal/{secrets[1]}.ics",
        f"/events/no-such/register?invitation={secrets[2]}",
        f"/admin/events/no-such/registrations/checkin?code={secrets[3]}",
        f"/admin/password/reset/{secrets[4]}",
    ]
    with fresh_database(tmp_path) as url:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        upgrade(Settings(database_url=url, data_dir=tmp_path, secret_key=LIVE_SECRET, base_url=base))
        command = [
            sys.executable, "-m", "uvicorn", "eventhub.main:app_factory", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "info",
        ]  # fmt: skip
        log = tmp_path / "server.log"
        with open(log, "wb") as out, server_process(command, server_env(url, tmp_path, base), base, output=out):
            for path in paths:
                httpx.get(base + path)
        text = log.read_text()
    assert '"GET /r/*** HTTP/1.1" 404' in text and "/calendar/personal/***.ics" in text
    assert [s for s in secrets if s in text] == []
