"""Speed on a slow phone: hashed static names cached for a year, compressed answers."""

import gzip
import re

import brotli
import pytest

from eventhub import ROOT
from eventhub.public.assets import file_hash, hashed_name
from eventhub.public.compression import accepted_encodings

CSS = (ROOT / "static" / "style.css").read_bytes()


def stylesheet_url(client) -> str:
    [href] = re.findall(r'<link rel="stylesheet" href="([^"]+)">', client.get("/events").text)
    return href


def test_pages_link_the_stylesheet_under_its_content_hash(client) -> None:
    href = stylesheet_url(client)
    assert re.fullmatch(r"/static/style\.[0-9a-f]{12}\.css", href)
    assert href == f"/static/style.{file_hash(ROOT / 'static' / 'style.css')}.css"


def test_hashed_stylesheet_is_cached_for_a_year(client) -> None:
    response = client.get(stylesheet_url(client))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-type"].startswith("text/css")
    assert response.content == CSS


def test_plain_and_stale_names_are_revalidated_not_kept(client) -> None:
    plain = client.get("/static/style.css")
    assert (plain.status_code, plain.headers["cache-control"], plain.content) == (200, "no-cache", CSS)
    again = client.get("/static/style.css", headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304
    stale = client.get("/static/style.0123456789ab.css")  # a page cached before a deploy
    assert (stale.status_code, stale.headers["cache-control"], stale.content) == (200, "no-cache", CSS)
    assert client.get("/static/missing.0123456789ab.css").status_code == 404
    assert client.get("/static/../eventhub/main.py").status_code == 404


def test_hashed_name_changes_with_the_content(tmp_path) -> None:
    (tmp_path / "app.css").write_text("a{}")
    first = hashed_name("app.css", tmp_path)
    (tmp_path / "app.css").write_text("a{color:red}")
    assert hashed_name("app.css", tmp_path) != first
    assert hashed_name("nothing.css", tmp_path) == "nothing.css"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("br", {"br"}),
        ("gzip, deflate, br", {"gzip", "deflate", "br"}),
        ("br;q=0, gzip;q=0.5", {"gzip"}),
        ("", set()),
        ("GZIP;q=bad", set()),
    ],
)
def test_accept_encoding_is_read_with_its_weights(header: str, expected: set[str]) -> None:
    assert accepted_encodings(header) == expected


def test_event_page_is_sent_as_brotli_or_gzip_as_the_browser_asks(client, demo) -> None:
    path = "/events/forum-aymakov-2023"
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers

    br = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["content-encoding"] == "br"
    assert "accept-encoding" in br.headers["vary"].lower()
    assert br.content == plain.content  # the client decoded it

    gz = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["content-encoding"] == "gzip"
    assert int(gz.headers["content-length"]) < len(plain.content) / 3
    assert int(br.headers["content-length"]) < int(gz.headers["content-length"])


def test_compressed_bytes_on_the_wire_decode_to_the_page(client, demo) -> None:
    path = "/events/forum-aymakov-2023"
    plain = client.get(path, headers={"Accept-Encoding": "identity"}).content
    with client.stream("GET", path, headers={"Accept-Encoding": "br"}) as response:
        assert brotli.decompress(b"".join(response.iter_raw())) == plain
    with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as response:
        assert gzip.decompress(b"".join(response.iter_raw())) == plain


def test_small_answers_are_not_compressed(client) -> None:
    response = client.get("/robots.txt", headers={"Accept-Encoding": "br, gzip"})
    assert "content-encoding" not in response.headers


def test_stylesheet_is_compressed_too(client) -> None:
    response = client.get(stylesheet_url(client), headers={"Accept-Encoding": "br"})
    assert response.headers["content-encoding"] == "br"
    assert response.content == CSS


def test_the_favicon_is_served_and_linked_from_this_host(client, demo) -> None:
    import re
    from io import BytesIO

    from PIL import Image

    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/vnd.microsoft.icon"
    max_age = int(re.search(r"max-age=(\d+)", icon.headers["cache-control"]).group(1))
    assert "public" in icon.headers["cache-control"] and max_age >= 7 * 86400
    assert Image.open(BytesIO(icon.content)).format == "ICO"
    assert client.get("/favicon.ico", headers={"If-None-Match": icon.headers["etag"]}).status_code == 304
    assert client.head("/favicon.ico").status_code == 200

    for url in ("/", "/events/forum-aymakov-2023", "/press"):
        page = client.get(url).text
        link = re.search(r'<link rel="icon" href="([^"]+)"', page)
        assert link and link.group(1).startswith("/static/favicon."), url
        linked = client.get(link.group(1))
        assert linked.status_code == 200 and linked.content == icon.content
        assert "immutable" in linked.headers["cache-control"]
