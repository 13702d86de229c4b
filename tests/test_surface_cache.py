"""The outermost cache (core.surface_cache): public answers replayed byte for byte, nothing
personal kept, nothing stale served."""

import pytest
from starlette.testclient import TestClient

from eventhub.core.surface_cache import surface_cache
from tests.factories import make_event, make_session

SURFACES = [
    ("/calendar.ics", {}),
    ("/events/{slug}.ics", {}),
    ("/events/{slug}/agenda.ics", {}),
    ("/events/{slug}/schedule.json", {}),
    ("/events/{slug}/schedule.xml", {}),
    ("/events/{slug}", {}),
    ("/events/{slug}", {"Accept-Language": "en"}),
    ("/events/{slug}", {"Accept-Encoding": "br"}),
    ("/events/{slug}", {"Accept-Language": "ky", "Accept-Encoding": "gzip"}),
    ("/calendar.ics?lang=en", {"Accept-Encoding": "gzip"}),
    ("/api/v1/events", {}),
    ("/api/v1/events/{slug}", {}),
    ("/api/v1/events/{slug}", {"Accept-Language": "ky"}),
    ("/api/v1/events/{slug}", {"Accept-Encoding": "gzip, br"}),
    ("/api/v1/organisations", {}),
    ("/api/v1/projects", {}),
]


@pytest.fixture()
def event(db):
    event = make_event(db, title="Форум аймаков, 2031", slug="forum-surface")
    for n in range(3):
        make_session(db, event, title=f"Сессия {n}")
    db.commit()
    return event


def _answer(client: TestClient, url: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
    response = client.get(url, headers=headers)
    kept = [(k, v) for k, v in response.headers.multi_items() if k not in ("date", "server")]
    return response.status_code, kept, response.content


@pytest.mark.parametrize(("path", "headers"), SURFACES)
def test_a_kept_answer_is_the_rendered_answer_byte_for_byte(app, client, event, path, headers) -> None:
    url = path.format(slug=event.slug)
    cache = surface_cache(app)
    rendered = _answer(client, url, headers)
    assert rendered[0] == 200
    hits = cache.hits
    replayed = _answer(client, url, headers)
    assert cache.hits == hits + 1, "the second request was not answered by the outermost cache"
    assert replayed == rendered
    # Rendered again with every cache emptied: the same bytes.
    cache.clear()
    app.state.render_cache = None
    app.state.event_page_cache = None
    assert _answer(client, url, headers) == rendered


def test_a_conditional_get_is_kept_as_its_304(app, client, event) -> None:
    url = f"/events/{event.slug}/agenda.ics"
    etag = client.get(url).headers["etag"]
    first = _answer(client, url, {"If-None-Match": etag})
    hits = surface_cache(app).hits
    second = _answer(client, url, {"If-None-Match": etag})
    assert first[0] == second[0] == 304 and first == second
    assert surface_cache(app).hits == hits + 1
    # Another validator is another request: a full answer, not the kept 304.
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_an_edit_is_seen_at_once(app, client, db, event) -> None:
    url = f"/api/v1/events/{event.slug}"
    assert client.get(url).json()["title"] == "Форум аймаков, 2031"
    assert client.get(url).json()["title"] == "Форум аймаков, 2031"  # kept
    event.title = "Форум аймаков, перенесён"
    db.add(event)
    db.commit()  # bumps the content version (the feeds' stamp)
    assert client.get(url).json()["title"] == "Форум аймаков, перенесён"


def test_nothing_personal_is_kept_or_served(app, client, event, bearer_as) -> None:
    url = f"/api/v1/events/{event.slug}"
    cache = surface_cache(app)
    client.get(url)
    hits = cache.hits
    # A reader with a cookie or a token goes through the whole stack, both ways.
    client.get(url, headers={"Cookie": "eventhub_lang=en"})
    client.get(url, headers=bearer_as("admin"))
    client.get(url, headers={"Range": "bytes=0-10"})
    assert cache.hits == hits
    # Answers nobody marked public (the admin, a 404) are never kept.
    client.get("/api/v1/events/no-such-event")
    client.get("/api/v1/events/no-such-event")
    client.get("/admin/login")
    client.get("/admin/login")
    assert cache.hits == hits


def test_a_personal_calendar_is_never_kept(app, client, event) -> None:
    url = "/calendar/personal/not-a-real-token.ics"
    client.get(url)
    client.get(url)
    assert surface_cache(app).hits == 0


def test_the_clock_bounds_a_kept_page(app, client, event) -> None:
    from datetime import timedelta

    from eventhub.core.models import utcnow

    now = [utcnow().replace(second=5)]
    app.state.clock = lambda: now[0]
    url = f"/events/{event.slug}"
    client.get(url)
    hits = surface_cache(app).hits
    client.get(url)
    assert surface_cache(app).hits == hits + 1
    now[0] += timedelta(minutes=1)  # registration may have closed, the event begun
    client.get(url)
    assert surface_cache(app).hits == hits + 1


def test_an_anonymous_api_read_has_a_validator_and_answers_304(app, client, event) -> None:
    url = f"/api/v1/events/{event.slug}"
    first = client.get(url)
    etag = first.headers["etag"]
    assert client.get(url).headers["etag"] == etag  # replayed, the same validator
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304  # kept as a 304
    surface_cache(app).clear()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304  # rendered: the same decision
    assert client.get(url, headers={"If-None-Match": '"stale"'}).json()["slug"] == event.slug
