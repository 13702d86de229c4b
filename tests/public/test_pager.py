"""Lists longer than one page: the pager links forward and back, keeping the filters."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

import lxml.html

from tests.factories import make_event, make_organisation, make_release


def _pager(response) -> dict[str, str]:
    """The pager's links, resolved as a browser does (they are relative: "?page=2")."""
    doc = lxml.html.fromstring(response.text)
    return {a.get("rel"): urljoin(str(response.url), a.get("href")) for a in doc.cssselect("nav.pager a")}


def test_events_list_pages_forward_and_back_with_its_filters(client, db) -> None:
    start = datetime.now(UTC) + timedelta(days=10)
    for i in range(23):
        make_event(db, kind="forum", start_at=start + timedelta(days=i))
    db.commit()
    first = client.get("/events", params={"kind": "forum"})
    assert first.status_code == 200
    assert "Страница 1 из 2" in first.text
    links = _pager(first)
    assert list(links) == ["next"]
    second = client.get(links["next"])
    assert second.status_code == 200
    assert "Страница 2 из 2" in second.text
    assert (first.text.count('event-card"'), second.text.count('event-card"')) == (20, 3)
    assert "kind=forum" in _pager(second)["prev"]


def test_press_room_pages(client, db) -> None:
    for i in range(21):
        make_release(db, published_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=i))
    db.commit()
    first = client.get("/press")
    assert first.status_code == 200
    second = client.get(_pager(first)["next"])
    assert second.status_code == 200
    assert "Страница 2 из 2" in second.text


def test_admin_lists_page(client, db, login_as) -> None:
    for _ in range(51):
        make_organisation(db)
        make_event(db, status="draft")
    db.commit()
    login_as("admin")
    for address in ("/admin/events", "/admin/organisations"):
        first = client.get(address)
        assert first.status_code == 200, address
        assert "next" in _pager(first), address
        assert client.get(_pager(first)["next"]).status_code == 200, address
