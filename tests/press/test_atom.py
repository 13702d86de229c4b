"""Atom feeds: valid Atom 1.0 (RELAX NG after RFC 4287, feedparser's well-formedness check,
the RFC's own rules), newest first, with ETag/Last-Modified and 304."""

from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from eventhub.press.atom import AtomEntry, render_atom
from tests.factories import make_event, make_release

ATOM = "{http://www.w3.org/2005/Atom}"
SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).with_name("atom.rng"))))


def assert_valid_atom(body: bytes) -> etree._Element:
    """RELAX NG, feedparser's bozo check, and RFC 4287's rules the grammar cannot say."""
    doc = etree.fromstring(body)
    assert SCHEMA.validate(doc), SCHEMA.error_log.last_error
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    feed_has_author = doc.find(f"{ATOM}author") is not None
    ids = [e.findtext(f"{ATOM}id") for e in doc.iter(f"{ATOM}entry")]
    assert len(ids) == len(set(ids)), "entry ids must be unique"
    for entry in doc.iter(f"{ATOM}entry"):
        assert feed_has_author or entry.find(f"{ATOM}author") is not None  # RFC 4287 4.1.2
        assert entry.find(f"{ATOM}content") is not None or entry.find(f"{ATOM}link[@rel='alternate']") is not None
    assert doc.find(f"{ATOM}link[@rel='self']") is not None
    return doc


def test_the_demo_feed_is_valid_atom_newest_first(client, demo) -> None:
    response = client.get("/press/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"

    doc = assert_valid_atom(response.content)

    entries = doc.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}published") for e in entries] == [
        "2023-09-07T18:00:00Z",  # 8 Sep 2023 in Bishkek
        "2022-10-17T18:00:00Z",
        "2019-02-28T18:00:00Z",
        "2016-06-06T06:30:00Z",  # 06.06.2016 12:30 in Bishkek
    ]
    assert doc.findtext(f"{ATOM}updated") == "2023-09-07T18:00:00Z"
    parsed = feedparser.parse(response.content)
    assert (
        parsed.entries[2].title
        == "Диалог «Вклад организаций гражданского общества в развитие регионов Кыргызской Республики»"
    )
    assert "Планирование развития регионов с участием граждан и ОГО" in parsed.entries[2].content[0].value
    assert parsed.entries[2].link == "http://testserver/press/dialog-vklad-ogo-v-razvitie-regionov-press-reliz"


def test_the_per_event_feed_is_valid_and_holds_only_that_event(client, demo) -> None:
    response = client.get("/events/forum-aymakov-2023/press.atom")
    doc = assert_valid_atom(response.content)
    assert [e.findtext(f"{ATOM}title") for e in doc.iter(f"{ATOM}entry")] == [
        "Органы МСУ обменялись лучшими практиками на Форуме аймаков-2023"
    ]
    assert doc.findtext(f"{ATOM}id") == "http://testserver/events/forum-aymakov-2023/press.atom"


def test_an_empty_feed_is_valid_and_stable(client) -> None:
    first = client.get("/press/feed.atom")
    assert_valid_atom(first.content)
    assert client.get("/press/feed.atom").content == first.content


def test_feed_of_an_unknown_or_draft_event_is_404(client, db) -> None:
    make_event(db, slug="draft-event", status="draft")
    db.commit()
    assert client.get("/events/draft-event/press.atom").status_code == 404
    assert client.get("/events/no-such-event/press.atom").status_code == 404


def test_hostile_text_stays_escaped_and_the_feed_stays_valid(client, db) -> None:
    make_release(
        db, title='A & B <script>x</script> ]]> "q"', lead="<b>lead</b> & more", body="x <img src=x onerror=alert(1)>"
    )
    db.commit()
    body = client.get("/press/feed.atom").content
    doc = assert_valid_atom(body)
    assert feedparser.parse(body).entries[0].title == 'A & B <script>x</script> ]]> "q"'
    content = doc.find(f"{ATOM}entry/{ATOM}content").text  # the HTML a feed reader renders
    assert content == "<p>&lt;b&gt;lead&lt;/b&gt; &amp; more</p>\n<p>x &lt;img src=x onerror=alert(1)&gt;</p>\n"


def test_conditional_requests_get_304(client, demo) -> None:
    first = client.get("/press/feed.atom")
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    assert last_modified == "Thu, 07 Sep 2023 18:00:00 GMT"
    assert first.headers["cache-control"] == "no-cache"

    by_etag = client.get("/press/feed.atom", headers={"If-None-Match": f'W/"x", {etag}'})
    by_date = client.get("/press/feed.atom", headers={"If-Modified-Since": last_modified})
    stale = client.get("/press/feed.atom", headers={"If-None-Match": '"other"'})
    old_date = client.get("/press/feed.atom", headers={"If-Modified-Since": "Thu, 07 Sep 2023 17:59:59 GMT"})
    garbage = client.get("/press/feed.atom", headers={"If-Modified-Since": "yesterday"})

    assert (by_etag.status_code, by_etag.content, by_etag.headers["etag"]) == (304, b"", etag)
    assert by_date.status_code == 304
    assert stale.status_code == 200
    assert old_date.status_code == 200
    assert garbage.status_code == 200


def test_feed_changes_its_etag_when_a_release_is_edited(client, db) -> None:
    release = make_release(db)
    db.commit()
    before = client.get("/press/feed.atom").headers["etag"]
    release.title = "Новый заголовок"
    db.commit()
    assert client.get("/press/feed.atom", headers={"If-None-Match": before}).status_code == 200


def test_renderer_is_pure_and_writes_given_times() -> None:
    entry = AtomEntry(
        url="https://example.kg/press/a",
        title="Заголовок",
        summary="Лид",
        content_html="<p>Текст</p>",
        published=datetime(2030, 3, 1, 4, tzinfo=UTC),
        updated=datetime(2030, 3, 2, 4, 0, 0, 123456, tzinfo=UTC),
        language="ky",
        category="announcement",
        category_label="Анонс",
    )
    kwargs = dict(
        feed_id="https://example.kg/press/feed.atom",
        title="Лента",
        self_url="https://example.kg/press/feed.atom",
        alternate_url="https://example.kg/press",
        entries=[entry],
        author="eventhub",
    )
    body = render_atom(**kwargs)
    assert body == render_atom(**kwargs)
    doc = assert_valid_atom(body)
    assert doc.findtext(f"{ATOM}updated") == "2030-03-02T04:00:00Z"
    assert doc.find(f"{ATOM}entry").get("{http://www.w3.org/XML/1998/namespace}lang") == "ky"


@pytest.mark.parametrize("broken", [b"<feed xmlns='http://www.w3.org/2005/Atom'><title>x</title></feed>"])
def test_the_validator_does_reject_an_invalid_feed(broken) -> None:
    with pytest.raises(AssertionError):
        assert_valid_atom(broken)


@pytest.mark.parametrize("path", ["/press/feed.atom", "/events/dialog-vklad-ogo-v-razvitie-regionov/press.atom"])
def test_each_language_is_its_own_feed_with_its_own_id_and_self_link(client, demo, settings, path) -> None:
    feeds = {}
    for query in ("", "?lang=ru", "?lang=en", "?lang=ky", "?lang=zz"):
        response = client.get(path + query)
        assert response.status_code == 200
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo
        self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
        feeds[query] = (parsed.feed.id, self_link, [e.id for e in parsed.entries])
    base = settings.base_url + path
    assert feeds[""][:2] == feeds["?lang=ru"][:2] == feeds["?lang=zz"][:2] == (base, base)  # Russian: one feed
    assert feeds["?lang=en"][:2] == (base + "?lang=en", base + "?lang=en")
    assert feeds["?lang=ky"][:2] == (base + "?lang=ky", base + "?lang=ky")
    assert len({feeds[q][0] for q in ("", "?lang=en", "?lang=ky")}) == 3
    # the same releases, the same entry ids: a translation is the same article
    assert feeds[""][2] and feeds[""][2] == feeds["?lang=en"][2] == feeds["?lang=ky"][2]
