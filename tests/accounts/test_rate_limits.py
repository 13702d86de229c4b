"""Rate limits on registrations and on bad API tokens, counted in the database (shared by workers)."""

from datetime import timedelta

from fastapi.testclient import TestClient

from eventhub.accounts import ratelimit
from eventhub.core.models import utcnow
from tests.factories import add_organisation_role, make_event, make_organisation

PERSON = {"full_name": "Айгуль Осмонова", "email": "aigul@example.org", "category": "participant", "consent": True}


def _open_event(db):
    event = make_event(db, registration_mode="open", capacity=50)
    add_organisation_role(db, event, make_organisation(db), "organiser")
    db.commit()
    return event


def test_registration_posts_from_one_address_are_limited_with_retry_after(app, client, db, settings) -> None:
    app.state.settings = settings.model_copy(update={"rate_limit_registrations": 3})
    event = _open_event(db)
    url = f"/api/v1/events/{event.slug}/registrations"
    # Dry runs (a form checking itself) are not counted...
    assert [client.post(url + "?dry_run=true", json=PERSON).status_code for _ in range(5)] == [200] * 5
    # ...registrations are.
    taken = [client.post(url, json=PERSON | {"email": f"p{n}@example.org"}).status_code for n in range(3)]
    assert all(code in (201, 202) for code in taken), taken

    refused = client.post(url, json=PERSON | {"email": "p4@example.org"})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # The count is in the database, not in this process: a new client (another worker) is refused too.
    with TestClient(app) as other:
        assert other.post(f"/events/{event.slug}/register", data={}).status_code == 429


def test_registration_limit_frees_up_after_a_minute(app, client, db, settings) -> None:
    state = {"now": utcnow()}
    app.state.clock = lambda: state["now"]
    app.state.settings = settings.model_copy(update={"rate_limit_registrations": 1})
    event = _open_event(db)
    url = f"/api/v1/events/{event.slug}/registrations"
    assert client.post(url, json=PERSON | {"email": "a@example.org"}).status_code in (201, 202)
    assert client.post(url, json=PERSON | {"email": "b@example.org"}).status_code == 429
    state["now"] += timedelta(seconds=61)
    assert client.post(url, json=PERSON | {"email": "b@example.org"}).status_code in (201, 202)


def test_bad_tokens_are_limited_but_a_valid_token_from_the_same_address_is_not(app, client, db, bearer_as) -> None:
    good = bearer_as("admin")
    bad = {"Authorization": "Bearer not-a-real-token"}
    statuses = [client.get("/api/v1/people", headers=bad).status_code for _ in range(ratelimit.BAD_TOKEN.count)]
    assert statuses == [401] * ratelimit.BAD_TOKEN.count

    refused = client.get("/api/v1/people", headers=bad)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["error"]["code"] == "too_many_requests"
    # The valid token from the same address still works, in this worker and in another.
    assert client.get("/api/v1/people", headers=good).status_code == 200
    created = client.post("/api/v1/organisations", json={"name": "Новая организация"}, headers=good)
    assert created.status_code == 201, created.text
    with TestClient(app) as other:
        assert other.get("/api/v1/people", headers=good).status_code == 200
        assert other.get("/api/v1/people", headers=bad).status_code == 429  # the count is in the database
    assert client.get("/api/v1/events").status_code == 200  # anonymous reads are not affected


def test_registrations_do_not_count_as_failed_logins(db) -> None:
    now = utcnow()
    for _ in range(max(ratelimit.PER_ADDRESS, ratelimit.REGISTRATION.count)):
        ratelimit.count(db, ratelimit.REGISTRATION, ip="10.0.0.1", now=now)
    assert ratelimit.retry_after(db, email="staff@example.org", ip="10.0.0.1", now=now) is None
    assert ratelimit.wait_for(db, ratelimit.REGISTRATION, ip="10.0.0.1", now=now) is not None
    assert ratelimit.wait_for(db, ratelimit.REGISTRATION, ip="10.0.0.2", now=now) is None
