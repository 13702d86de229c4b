"""A personal agenda without an account (issue 19): a reader stars sessions and subscribes to a
feed of just those; one address for every event they star sessions of."""

from datetime import timedelta

import pytest

from tests.factories import make_event, make_session
from tests.feeds.conftest import PARSERS
from tests.feeds.rfc5545 import check


def _event(db, title: str, n: int = 3):
    event = make_event(db, title=title)
    sessions = [
        make_session(
            db,
            event,
            title=f"{title}: сессия {i}",
            start_at=event.start_at + timedelta(hours=i),
            end_at=event.start_at + timedelta(hours=i, minutes=50),
        )
        for i in range(n)
    ]
    make_session(db, event, title=f"{title}: без времени")
    return event, sessions


def _feed_address(page: str) -> str:
    start = page.index("http://testserver/calendar/starred/")
    return page[start : page.index('"', start)].removeprefix("http://testserver")


@pytest.mark.parametrize("parser", PARSERS)
def test_starred_sessions_make_a_feed_of_just_those(client, db, parse, parser) -> None:
    forum, forum_sessions = _event(db, "Форум")
    dialog, dialog_sessions = _event(db, "Диалог")
    db.commit()

    page = client.get(f"/events/{forum.slug}")
    assert f'href="/events/{forum.slug}/stars"' in page.text  # the event page links to the choice
    choose = client.get(f"/events/{forum.slug}/stars")
    assert choose.status_code == 200 and "без времени" not in choose.text
    assert "no-store" in choose.headers["cache-control"]

    saved = client.post(
        f"/events/{forum.slug}/stars",
        data={"session": [forum_sessions[0].id, forum_sessions[2].id]},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    address = _feed_address(client.get(saved.headers["location"]).text)
    client.post(f"/events/{dialog.slug}/stars", data={"session": [dialog_sessions[1].id]})
    assert _feed_address(client.get(f"/events/{dialog.slug}/stars").text) == address  # one address for all

    body = client.get(address).content
    check(body)
    summaries = sorted(e["summary"] for e in parse(parser, {"s": body})["s"])
    assert summaries == ["Диалог: сессия 1", "Форум: сессия 0", "Форум: сессия 2"]

    client.post(f"/events/{forum.slug}/stars", data={"session": [forum_sessions[1].id]})  # a change of mind
    summaries = sorted(e["summary"] for e in parse(parser, {"s": client.get(address).content})["s"])
    assert summaries == ["Диалог: сессия 1", "Форум: сессия 1"]


def test_another_reader_has_their_own_list_and_bad_input_is_refused(client, db, app) -> None:
    from fastapi.testclient import TestClient

    forum, sessions = _event(db, "Форум")
    other, other_sessions = _event(db, "Чужое")
    db.commit()
    client.post(f"/events/{forum.slug}/stars", data={"session": [sessions[0].id]})
    address = _feed_address(client.get(f"/events/{forum.slug}/stars").text)

    with TestClient(app) as stranger:
        assert "calendar/starred/" not in stranger.get(f"/events/{forum.slug}/stars").text
        for bad in ("abc", str(other_sessions[0].id)):  # not a number; a session of another event
            response = stranger.post(f"/events/{forum.slug}/stars", data={"session": [bad]})
            assert response.status_code == 422
        assert "eventhub_stars" not in stranger.cookies  # nothing stored
    assert client.get("/calendar/starred/" + "x" * 43 + ".ics").status_code == 404
    feed = client.get(address)
    assert feed.status_code == 200 and "access-control-allow-origin" not in feed.headers
    assert feed.headers["cache-control"].startswith("private")


def test_an_empty_star_list_is_a_valid_calendar(client, db) -> None:
    forum, sessions = _event(db, "Форум")
    db.commit()
    client.post(f"/events/{forum.slug}/stars", data={"session": [sessions[0].id]})
    client.post(f"/events/{forum.slug}/stars", data={})
    body = client.get(_feed_address(client.get(f"/events/{forum.slug}/stars").text)).content
    check(body)
    assert b"BEGIN:VEVENT" not in body
