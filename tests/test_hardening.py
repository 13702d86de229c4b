"""Security headers, body limits and errors that never leak internals."""

import pytest


def test_pages_carry_security_headers(client) -> None:
    response = client.get("/events")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["content-language"] == "ru"


@pytest.mark.parametrize("path", ["/api/v1/events", "/events"])
def test_oversized_bodies_are_refused_with_413(client, path) -> None:
    response = client.post(path, content=b"x" * (300 * 1024), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_unknown_method_is_a_json_405_under_the_api(client) -> None:
    response = client.delete("/api/v1/projects")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_nul_bytes_in_the_address_are_a_400(client) -> None:
    assert client.get("/api/v1/events", params={"q": "a\x00b"}).status_code == 400


def test_a_worker_runs_as_many_threads_as_configured(settings, tmp_path) -> None:
    import anyio.to_thread
    from fastapi.testclient import TestClient

    from eventhub.core.db import make_engine
    from eventhub.main import create_app

    app = create_app(settings.model_copy(update={"threads": 7}))
    with TestClient(app) as client:  # runs the lifespan
        limit = client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)
        assert client.get("/healthz").status_code == 200
    assert limit == 7
    sqlite = make_engine(settings.model_copy(update={"threads": 7, "database_url": f"sqlite:///{tmp_path}/t.db"}))
    assert sqlite.pool.size() == 7


def test_thread_counts_out_of_range_are_refused() -> None:
    from pydantic import ValidationError

    from eventhub.core.config import Settings

    with pytest.raises(ValidationError):
        Settings(threads=1)


# --- text hygiene at the edge (issue 13) ---

SURROGATE_BODIES = [
    (
        "/api/v1/events",
        b'{"kind": "forum", "title": "\\ud800", "start_at": "2030-09-13T10:00", "end_at": "2030-09-13T17:00"}',
    ),
    ("/api/v1/events", b'{"\\ud800": 1}'),
    ("/api/v1/organisations", b'{"name": "\\udfff"}'),
    ("/api/v1/press-releases", b'{"type": "report", "title": "x", "lead": "\\ud83d"}'),
]


@pytest.mark.parametrize(("path", "body"), SURROGATE_BODIES)
def test_a_lone_surrogate_in_a_json_body_is_a_422_with_a_json_error(client, bearer_as, path, body) -> None:
    response = client.post(path, content=body, headers={**bearer_as("admin"), "content-type": "application/json"})
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields and all(
        message.startswith("недопустимый символ") or message == "неизвестное поле" for message in fields.values()
    )


def test_single_line_fields_of_events_refuse_line_breaks_and_multi_line_ones_keep_them(client, bearer_as) -> None:
    headers = bearer_as("admin")
    new = {"kind": "forum", "start_at": "2030-09-13T10:00", "end_at": "2030-09-13T17:00"}

    refused = client.post(
        "/api/v1/events", json=new | {"title": "Форум\rаймаков", "venue_name": "Зал\n2"}, headers=headers
    )
    kept = client.post(
        "/api/v1/events",
        json=new | {"title": "Форум аймаков", "description": "Первый абзац.\r\n\r\nВторой\tабзац."},
        headers=headers,
    )

    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == {
        "title": "недопустимый символ U+000D: текст должен быть одной строкой",
        "venue_name": "недопустимый символ U+000A: текст должен быть одной строкой",
    }
    assert kept.status_code == 201, kept.text
    assert kept.json()["description"] == "Первый абзац.\n\nВторой\tабзац."


def test_a_form_post_that_is_not_utf8_or_holds_a_line_break_is_answered_beside_the_field(client, db) -> None:
    from datetime import UTC, datetime

    from tests.factories import add_organisation_role, make_event, make_organisation

    event = make_event(db, registration_mode="open", capacity=5, start_at=datetime(2099, 1, 1, tzinfo=UTC))
    add_organisation_role(db, event, make_organisation(db))
    db.commit()

    response = client.post(
        f"/events/{event.slug}/register",
        content=b"full_name=%ED%A0%80%FF+Osmonova&email=a%40example.org&position=a%0Db&consent=on",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 422
    assert 'id="err-position">недопустимый символ U+000D: текст должен быть одной строкой' in response.text
    assert "\ufffd\ufffd\ufffd\ufffd Osmonova" in response.text  # undecodable bytes read as U+FFFD, kept
