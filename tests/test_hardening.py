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
