"""HTTP semantics every address shares: HEAD wherever GET answers (RFC 9110 §9.3.2)."""

import pytest

IDENTITY = {"Accept-Encoding": "identity"}
PAGES = (
    "/",
    "/events",
    "/events/forum-aymakov-2023",
    "/events/forum-aymakov-2023/register",
    "/projects",
    "/organisations/ipr",
    "/press",
    "/press/feed.atom",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    "/api/v1/events",
    "/api/v1/events/forum-aymakov-2023",
    "/openapi.json",
    "/calendar.ics",
)


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("encoding", [IDENTITY, {"Accept-Encoding": "gzip"}, {"Accept-Encoding": "br"}])
def test_head_answers_like_get_without_a_body(client, demo, url, encoding) -> None:  # noqa: ANN001
    get = client.get(url, headers=encoding)
    head = client.head(url, headers=encoding)
    assert get.status_code == 200, get.text[:200]
    assert head.status_code == 200
    assert head.content == b""
    for name in ("content-type", "content-length", "content-encoding", "etag", "vary", "cache-control", "content-language"):
        assert head.headers.get(name) == get.headers.get(name), name


def test_conditional_head_on_a_feed_is_a_304(client, demo) -> None:  # noqa: ANN001
    for url in ("/press/feed.atom", "/calendar.ics"):
        etag = client.get(url).headers["etag"]
        head = client.head(url, headers={"If-None-Match": etag})
        assert head.status_code == 304 and head.content == b""
        assert head.headers["etag"] == etag


def test_head_on_unknown_addresses_is_the_same_404(client, demo) -> None:  # noqa: ANN001
    for url in ("/events/no-such-event", "/api/v1/events/no-such-event", "/r/" + "a" * 43):
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code == 404
        assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]


def test_head_on_a_post_only_route_is_405_with_allow(client) -> None:  # noqa: ANN001
    head = client.head("/api/v1/events/forum-aymakov-2023/publish")
    assert head.status_code == 405
    assert "POST" in head.headers["allow"] and "GET" not in head.headers["allow"]
    assert head.content == b""
    assert client.options("/events").status_code == 405
    assert client.put("/events").status_code == 405
