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
def test_head_answers_like_get_without_a_body(client, demo, url, encoding) -> None:
    get = client.get(url, headers=encoding)
    head = client.head(url, headers=encoding)
    assert get.status_code == 200, get.text[:200]
    assert head.status_code == 200
    assert head.content == b""
    for name in (
        "content-type",
        "content-length",
        "content-encoding",
        "etag",
        "vary",
        "cache-control",
        "content-language",
    ):
        assert head.headers.get(name) == get.headers.get(name), name


def test_conditional_head_on_a_feed_is_a_304(client, demo) -> None:
    for url in ("/press/feed.atom", "/calendar.ics"):
        etag = client.get(url).headers["etag"]
        head = client.head(url, headers={"If-None-Match": etag})
        assert head.status_code == 304 and head.content == b""
        assert head.headers["etag"] == etag


def test_head_on_unknown_addresses_is_the_same_404(client, demo) -> None:
    for url in ("/events/no-such-event", "/api/v1/events/no-such-event", "/r/" + "a" * 43):
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code == 404
        assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]


def test_head_on_a_post_only_route_is_405_with_allow(client) -> None:
    head = client.head("/api/v1/events/forum-aymakov-2023/publish")
    assert head.status_code == 405
    assert "POST" in head.headers["allow"] and "GET" not in head.headers["allow"]
    assert head.content == b""
    assert client.options("/events").status_code == 405
    assert client.put("/events").status_code == 405


def _vary(response) -> list[str]:
    values = response.headers.get_list("vary")
    assert len(values) <= 1, values  # one Vary header
    return [t.strip().lower() for v in values for t in v.split(",")]


@pytest.mark.parametrize("url", ["/", "/events/forum-aymakov-2023", "/press", "/api/v1/events", "/events/nope.ics"])
def test_negotiated_answers_vary_on_accept_language_and_cookie(client, demo, url) -> None:
    english = client.get(url, headers={"Accept-Language": "en", "Accept-Encoding": "br"})
    russian = client.get(url, headers={"Accept-Encoding": "br"})
    assert english.headers["content-language"] == "en" and russian.headers["content-language"] == "ru"
    for response in (english, russian):
        vary = _vary(response)
        assert "accept-language" in vary and "cookie" in vary
        assert len(vary) == len(set(vary))
    if url != "/events/nope.ics":
        assert "accept-encoding" in _vary(russian)


def test_a_language_in_the_address_or_a_feed_does_not_vary_on_it(client, demo) -> None:
    for url in ("/events/forum-aymakov-2023?lang=en", "/calendar.ics", "/press/feed.atom?lang=en", "/robots.txt"):
        response = client.get(url, headers={"Accept-Language": "ky"})
        assert response.status_code == 200
        assert "accept-language" not in _vary(response), url
