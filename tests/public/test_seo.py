"""Link previews, share links, sitemap.xml and robots.txt."""

import re
from datetime import UTC, datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

from tests.factories import make_event, make_release

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    assert match, key
    return unescape(match.group(1))


def sitemap_locs(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    return [loc.text for loc in ElementTree.fromstring(response.content).findall("sm:url/sm:loc", NS)]


def test_event_page_has_open_graph_and_twitter_card(client, demo) -> None:
    html = client.get("/events/forum-aymakov-2023").text
    assert meta(html, "og:title") == "Форум аймаков – 2023"
    assert meta(html, "og:url") == "http://testserver/events/forum-aymakov-2023"
    assert meta(html, "og:type") == "website"
    assert meta(html, "og:locale") == "ru_RU"
    assert meta(html, "og:description").startswith("8 сентября 2023\u202fг. — Ежегодный форум")
    assert meta(html, "twitter:card") == "summary"
    assert meta(html, "twitter:title") == "Форум аймаков – 2023"
    assert '<link rel="canonical" href="http://testserver/events/forum-aymakov-2023">' in html


def test_share_links_are_plain_links_with_the_event_address(client, demo) -> None:
    html = client.get("/events/forum-aymakov-2023").text
    links = {m[0]: unescape(m[1]) for m in re.findall(r'class="share share-(\w+)" href="([^"]+)"', html)}
    url = "http://testserver/events/forum-aymakov-2023"
    assert set(links) == {"whatsapp", "telegram", "facebook"}
    assert links["whatsapp"].startswith("https://wa.me/?")
    assert parse_qs(urlsplit(links["whatsapp"]).query)["text"] == [f"Форум аймаков – 2023 {url}"]
    assert links["telegram"].startswith("https://t.me/share/url?")
    assert parse_qs(urlsplit(links["telegram"]).query) == {"url": [url], "text": ["Форум аймаков – 2023"]}
    assert parse_qs(urlsplit(links["facebook"]).query) == {"u": [url]}
    assert "Поделиться в </span>WhatsApp" in html  # the screen-reader name says what the link does
    assert '<a class="button-link" href="/events/forum-aymakov-2023/programme">' in html


def test_public_pages_load_nothing_from_other_hosts_and_run_no_script(client, demo) -> None:
    for path in (
        "/",
        "/events/forum-aymakov-2023",
        "/events/forum-aymakov-2023/programme",
        "/organisations/aris",
        "/projects/uspeshnyy-aymak-2",
        "/press",
        "/press/dialog-vklad-ogo-v-razvitie-regionov-press-reliz",
    ):
        html = client.get(path).text
        assert re.findall(r'\bsrc="(?!/)', html) == [], path
        # Absolute links to the site itself (canonical, hreflang alternates) are fine.
        assert re.findall(r'<link [^>]*href="(?!/|http://testserver/)[^"]*"', html) == [], path
        assert re.findall(r"<script(?! type=\"application/ld\+json\")", html) == [], path


def test_sitemap_lists_public_pages_only(client, db, demo, app) -> None:
    draft = make_event(db, status="draft")
    postponed = make_event(db, status="postponed")
    cancelled = make_event(db, status="cancelled")
    draft_release = make_release(db, status="draft", published_at=None)
    embargoed = make_release(db, status="scheduled", published_at=None, embargo_until=datetime(2031, 1, 1, tzinfo=UTC))
    db.commit()
    app.state.clock = lambda: datetime(2030, 1, 1, tzinfo=UTC)

    locs = sitemap_locs(client)

    base = "http://testserver"
    for path in (
        "/",
        "/events",
        "/organisations",
        "/projects",
        "/press",
        "/events/forum-aymakov-2023",
        "/events/forum-aymakov-2023/programme",
        "/organisations/ipr",
        "/projects/df-psi-3",
        "/press/dialog-vklad-ogo-v-razvitie-regionov-press-reliz",
        f"/events/{postponed.slug}",
        f"/events/{cancelled.slug}",
    ):
        assert base + path in locs
    assert f"{base}/events/{draft.slug}" not in locs
    assert f"{base}/events/{draft.slug}/programme" not in locs
    assert f"{base}/press/{draft_release.slug}" not in locs
    assert f"{base}/press/{embargoed.slug}" not in locs
    assert len(locs) == len(set(locs))
    for loc in locs:  # every listed page answers
        assert client.get(loc.removeprefix(base)).status_code == 200, loc

    app.state.clock = lambda: datetime(2031, 1, 2, tzinfo=UTC)  # the embargo has ended
    assert f"{base}/press/{embargoed.slug}" in sitemap_locs(client)


def test_sitemap_gives_last_modification_times_in_utc(client, demo) -> None:
    tree = ElementTree.fromstring(client.get("/sitemap.xml").content)
    lastmods = [el.text for el in tree.findall("sm:url/sm:lastmod", NS)]
    assert lastmods and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", t) for t in lastmods)


def test_robots_txt_points_at_the_sitemap_and_keeps_private_addresses_out(client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin", "/api/", "/r/", "/calendar/personal/", "/events/*/register"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
