"""A scheduled release appears at the embargo time — not a second earlier — on every public
surface: the page, the press room, both Atom feeds, the vCard, the event page, the API."""

from datetime import UTC, datetime, timedelta

import pytest

from eventhub.core.models import PressReleaseContact
from tests.factories import make_event, make_press_contact, make_release

EMBARGO = datetime(2030, 3, 1, 4, 0, 0, tzinfo=UTC)  # 10:00 in Bishkek


@pytest.fixture()
def embargoed(db):
    event = make_event(db, slug="dialog-2030", start_at=datetime(2030, 3, 1, 3, tzinfo=UTC))
    release = make_release(
        db,
        slug="embargoed-release",
        title="Секретный до десяти пресс-релиз",
        status="scheduled",
        published_at=None,
        embargo_until=EMBARGO,
        event_id=event.id,
    )
    contact = make_press_contact(db, name="Контакт под эмбарго")
    db.add(PressReleaseContact(release_id=release.id, contact_id=contact.id))
    db.commit()
    return release


SURFACES = {
    "page": ("/press/embargoed-release", lambda r: r.status_code == 200),
    "vcard": ("/press/embargoed-release/contacts.vcf", lambda r: r.status_code == 200),
    "press room": ("/press", lambda r: "embargoed-release" in r.text),
    "event page": ("/events/dialog-2030", lambda r: "embargoed-release" in r.text),
    "feed": ("/press/feed.atom", lambda r: "embargoed-release" in r.text),
    "event feed": ("/events/dialog-2030/press.atom", lambda r: "embargoed-release" in r.text),
    "api list": ("/api/v1/press-releases", lambda r: "embargoed-release" in [i["slug"] for i in r.json()["items"]]),
    "api item": ("/api/v1/press-releases/embargoed-release", lambda r: r.status_code == 200),
    "api list by event": (
        "/api/v1/press-releases?event=dialog-2030",
        lambda r: [i["slug"] for i in r.json()["items"]] == ["embargoed-release"],
    ),
}


@pytest.mark.parametrize("surface", list(SURFACES))
def test_release_is_hidden_one_second_before_the_embargo_and_shown_at_it(client, clock, embargoed, surface) -> None:
    url, shows = SURFACES[surface]

    clock.now = EMBARGO - timedelta(seconds=1)
    before = client.get(url)
    clock.now = EMBARGO
    at = client.get(url)
    clock.now = EMBARGO + timedelta(days=400)
    later = client.get(url)

    assert not shows(before), f"{surface} shows the release a second before the embargo"
    assert shows(at), f"{surface} does not show the release at the embargo time"
    assert shows(later)


def test_hidden_release_is_a_plain_404_not_a_hint(client, clock, embargoed) -> None:
    clock.now = EMBARGO - timedelta(microseconds=1)
    response = client.get("/press/embargoed-release")
    assert response.status_code == 404
    assert "Секретный" not in response.text
    assert client.get("/api/v1/press-releases/embargoed-release").json()["error"]["code"] == "not_found"


def test_feed_etag_changes_the_second_the_embargo_ends(client, clock, embargoed) -> None:
    clock.now = EMBARGO - timedelta(seconds=1)
    before = client.get("/press/feed.atom")
    assert client.get("/press/feed.atom", headers={"If-None-Match": before.headers["etag"]}).status_code == 304
    clock.now = EMBARGO
    after = client.get("/press/feed.atom", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert "embargoed-release" in after.text


def test_public_date_of_an_embargoed_release_is_the_embargo_time(client, clock, embargoed) -> None:
    clock.now = EMBARGO + timedelta(hours=1)
    item = client.get("/api/v1/press-releases/embargoed-release").json()
    assert item["published_at"] == "2030-03-01T04:00:00Z"
    assert "<published>2030-03-01T04:00:00Z</published>" in client.get("/press/feed.atom").text
    assert "1 марта 2030\u202fг., 10:00" in client.get("/press/embargoed-release").text


def test_drafts_are_never_public(client, db, clock) -> None:
    make_release(db, slug="a-draft", status="draft", published_at=None, embargo_until=EMBARGO)
    db.commit()
    clock.now = EMBARGO + timedelta(days=1)
    assert client.get("/press/a-draft").status_code == 404
    assert "a-draft" not in client.get("/press/feed.atom").text
    assert client.get("/api/v1/press-releases").json()["total"] == 0
