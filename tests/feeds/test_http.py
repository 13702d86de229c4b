"""HTTP like a good static server: validators, 304, HEAD, gzip, the render cache, bad input."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest
import sqlalchemy as sa

from eventhub.core import changes
from eventhub.core.cache import RenderCache
from eventhub.core.models import ContentVersion
from eventhub.feeds.api import feed_cache
from tests.factories import add_organisation_role, make_event, make_organisation, make_session

IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture(autouse=True)
def writes_in_the_past(monkeypatch, db):
    """Writes stamp the content version 10 minutes ago, 10 s apart, so that Last-Modified
    (whole seconds, never in the future) moves visibly between edits made in one second."""
    clock = [datetime.now(UTC) - timedelta(minutes=10)]
    # The version time never goes backwards: start it before the fake clock (rolled back after the test).
    db.execute(sa.update(ContentVersion).values(changed_at=clock[0] - timedelta(minutes=10)))
    db.commit()

    def past() -> datetime:
        clock[0] += timedelta(seconds=10)
        return clock[0]

    monkeypatch.setattr(changes, "utcnow", past)


def _event(db, **kw):
    event = make_event(
        db, start_at=datetime(2030, 6, 10, 4, tzinfo=UTC), end_at=datetime(2030, 6, 10, 7, tzinfo=UTC), **kw
    )
    db.commit()
    return event


def test_feed_headers(client, db) -> None:
    event = _event(db)
    response = client.get(f"/events/{event.slug}.ics", headers=IDENTITY)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["content-disposition"] == f'attachment; filename="{event.slug}.ics"'
    assert response.headers["etag"].startswith('"') and not response.headers["etag"].startswith("W/")
    assert parsedate_to_datetime(response.headers["last-modified"]) <= datetime.now(UTC)
    assert response.headers["vary"] == "Accept-Encoding"
    assert "content-encoding" not in response.headers
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    feed = client.get("/calendar.ics", headers=IDENTITY)
    assert feed.headers["content-disposition"] == 'inline; filename="calendar.ics"'


def test_the_ics_address_is_not_taken_for_a_slug(client, db) -> None:
    event = _event(db)
    assert "text/html" in client.get(f"/events/{event.slug}").headers["content-type"]
    assert client.get(f"/events/{event.slug}.ics").headers["content-type"].startswith("text/calendar")


def test_etag_changes_after_an_edit_and_not_otherwise(client, db) -> None:
    event = _event(db)
    other = _event(db, kind="forum")
    first = client.get("/calendar.ics?kind=round_table")
    again = client.get("/calendar.ics?kind=round_table")
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["last-modified"] == first.headers["last-modified"]

    other.title = "Форум: новое название"  # not in this feed
    db.commit()
    unrelated = client.get("/calendar.ics?kind=round_table")
    assert unrelated.headers["etag"] == first.headers["etag"]
    assert unrelated.headers["last-modified"] == first.headers["last-modified"]

    event.title = "Круглый стол: новое название"
    db.commit()
    edited = client.get("/calendar.ics?kind=round_table")
    assert edited.headers["etag"] != first.headers["etag"]
    assert parsedate_to_datetime(edited.headers["last-modified"]) > parsedate_to_datetime(
        first.headers["last-modified"]
    )
    assert "новое название".encode() in edited.content.replace(b"\r\n ", b"")


def test_conditional_requests_get_304(client, db) -> None:
    event = _event(db)
    url = f"/events/{event.slug}.ics"
    first = client.get(url, headers=IDENTITY)
    etag, modified = first.headers["etag"], first.headers["last-modified"]

    not_modified = client.get(url, headers=IDENTITY | {"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    assert client.get(url, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    later = format_datetime(parsedate_to_datetime(modified) + timedelta(hours=1), usegmt=True)
    assert client.get(url, headers={"If-Modified-Since": later}).status_code == 304

    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    assert client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200
    # If-None-Match decides when both are sent (RFC 9110 §13.2.2)
    assert client.get(url, headers={"If-None-Match": '"stale"', "If-Modified-Since": modified}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": "not a date"}).status_code == 200

    event.title = "Новое название"
    db.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 200


def test_head_has_the_headers_and_no_body(client, db) -> None:
    event = _event(db)
    for url in (f"/events/{event.slug}.ics", "/calendar.ics", f"/events/{event.slug}/agenda.ics"):
        get = client.get(url, headers=IDENTITY)
        head = client.head(url, headers=IDENTITY)
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["content-length"] == str(len(get.content))
        for name in ("etag", "last-modified", "content-type", "cache-control", "content-disposition"):
            assert head.headers[name] == get.headers[name]
        assert client.head(url, headers={"If-None-Match": get.headers["etag"]}).status_code == 304


def test_gzip_when_asked_with_its_own_etag(client, db) -> None:
    for _ in range(5):
        _event(db, summary="Длинное описание мероприятия " * 20)
    plain = client.get("/calendar.ics", headers=IDENTITY)
    zipped = client.get("/calendar.ics", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == plain.content  # httpx decodes it
    assert int(zipped.headers["content-length"]) < len(plain.content)
    assert zipped.headers["etag"] != plain.headers["etag"]
    refused = client.get("/calendar.ics", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    for etag in (plain.headers["etag"], zipped.headers["etag"]):
        assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 304


def test_a_feed_is_rendered_once_per_change(client, db) -> None:
    event = _event(db)
    client.get("/calendar.ics")
    cache = feed_cache(client.app)
    renders = cache.renders
    for _ in range(5):
        client.get("/calendar.ics")
        client.get("/calendar.ics?kind=round_table&region=")  # another address, one more render
    assert cache.renders == renders + 1
    event.title = "Изменено"
    db.commit()
    client.get("/calendar.ics")
    client.get("/calendar.ics")
    assert cache.renders == renders + 2


def test_a_cached_feed_is_served_without_touching_the_database(client, db, count_queries) -> None:
    event = _event(db)
    url = f"/events/{event.slug}.ics"
    client.get(url)
    with count_queries() as counter:
        assert client.get(url).status_code == 200
        assert client.get(url, headers={"If-None-Match": '"x"'}).status_code == 200
    assert counter.count == 0, counter.statements


def test_a_miss_issues_bounded_queries(client, db, count_queries) -> None:
    org = make_organisation(db, slug="ipr-test")
    for i in range(30):
        event = make_event(db, start_at=datetime(2030, 6, 1, 4, tzinfo=UTC) + timedelta(days=i))
        add_organisation_role(db, event, org)
        for j in range(3):
            make_session(db, event, start_at=event.start_at + timedelta(hours=j))
    db.commit()
    with count_queries() as counter:
        response = client.get("/calendar.ics?organisation=ipr-test")
    assert response.status_code == 200
    assert response.content.count(b"BEGIN:VEVENT") == 30
    assert counter.count <= 8, counter.statements


def test_another_worker_sees_a_write_within_the_check_interval(app, client, db) -> None:
    """A write by another process bumps content_version only; this process learns of it by reading it."""
    event = _event(db)
    ticks = [0.0]
    app.state.render_cache = RenderCache(check_interval=1.0, clock=lambda: ticks[0])
    url = f"/events/{event.slug}.ics"
    first = client.get(url).headers["etag"]
    # Another worker renames the event: its own session bumps the version row in the database.
    db.execute(sa.text("UPDATE event SET title = 'Переименовано другим процессом' WHERE id = :id"), {"id": event.id})
    db.execute(sa.update(ContentVersion).values(version=ContentVersion.version + 1))
    db.commit()  # committed, as the other worker's would be (and the test's session reads the rows again)
    assert client.get(url).headers["etag"] == first  # within the check interval: the version read last
    ticks[0] += 1.0
    assert client.get(url).headers["etag"] != first


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/calendar.ics?kind=party", 422),
        ("/calendar.ics?region=atlantis", 422),
        ("/calendar.ics?when=tomorrow", 422),
        ("/calendar.ics?organisation=no-such-org", 422),
        ("/calendar.ics?project=no-such-project", 422),
        ("/calendar.ics?series=no-such-series", 422),
        ("/calendar.ics?q=" + "я" * 201, 422),
        ("/events/no-such-event.ics", 404),
        ("/events/No-Such.ics", 404),
        ("/events/%D1%84%D0%BE%D1%80%D1%83%D0%BC.ics", 404),
        ("/events/a'b%22c.ics", 404),
        ("/events/..%2F..%2Fetc.ics", 404),
        ("/events/.ics", 404),
        ("/events/" + "a" * 161 + ".ics", 422),
        ("/events/no-such-event/agenda.ics", 404),
        ("/events/no-such-event/schedule.xml", 404),
        ("/events/no-such-event/schedule.json", 404),
        ("/events/%00.ics", 400),
        ("/calendar/personal/short.ics", 404),
        ("/calendar/personal/" + "A" * 43 + ".ics", 404),
        ("/calendar/personal/%3Cscript%3E" + "a" * 30 + ".ics", 404),
        ("/calendar/personal/" + "a" * 201 + ".ics", 422),
    ],
)
def test_bad_input_is_a_4xx_never_a_500(client, db, url, status) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text[:300]
    assert 400 <= client.head(url).status_code < 500  # /events/.ics is the page route's, which has no HEAD


def test_unknown_filter_value_is_reported_by_field(client) -> None:
    response = client.get("/calendar.ics?organisation=no-such-org&kind=party")
    assert response.status_code == 422
    assert "неизвестный вид мероприятия" in response.text


def test_drafts_are_not_in_feeds(client, db) -> None:
    draft = _event(db, status="draft", title="Черновик круглого стола")
    assert client.get(f"/events/{draft.slug}.ics").status_code == 404
    assert "Черновик".encode() not in client.get("/calendar.ics").content


def test_upcoming_feed_follows_the_clock(app, client, db) -> None:
    soon = _event(db)
    now = [datetime(2030, 6, 10, 3, tzinfo=UTC)]
    app.state.clock = lambda: now[0]
    assert client.get("/calendar.ics?when=upcoming").content.count(b"BEGIN:VEVENT") == 1
    now[0] = soon.end_at + timedelta(hours=2)
    assert client.get("/calendar.ics?when=upcoming").content.count(b"BEGIN:VEVENT") == 0
