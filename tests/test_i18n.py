"""Language negotiation, CLDR dates in the reader's language, content fallback."""

from datetime import UTC, datetime

import pytest

from eventhub import i18n
from tests.factories import make_event


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        ("en", "ky", "ru", "en"),
        (None, "ky", "en", "ky"),
        (None, None, "en-GB,en;q=0.9,ru;q=0.8", "en"),
        (None, None, "de-DE, ky;q=0.5, ru;q=0.7", "ru"),
        (None, None, "de, fr", "ru"),
        ("xx", None, "en", "en"),
        ("xx", "zz", "q=;;,", "ru"),
        (None, None, None, "ru"),
    ],
)
def test_negotiation_order(query, cookie, header, expected) -> None:  # noqa: ANN001
    assert i18n.negotiate(query, cookie, header, "ru") == expected


def test_lang_parameter_switches_and_is_remembered_in_a_cookie(client, db) -> None:  # noqa: ANN001
    event = make_event(db, start_at=datetime(2030, 10, 18, 4, tzinfo=UTC), all_day=False)
    db.commit()
    response = client.get(f"/events/{event.slug}", params={"lang": "en"})
    assert '<html lang="en">' in response.text
    assert "October 18, 2030" in response.text
    assert "lang=en" in response.headers["set-cookie"]
    again = client.get(f"/events/{event.slug}")
    assert '<html lang="en">' in again.text
    ky = client.get(f"/events/{event.slug}", params={"lang": "ky"}).text
    assert "2030-ж., 18-октябрь" in ky


def test_unknown_lang_falls_back_to_russian_never_500(client, db) -> None:  # noqa: ANN001
    event = make_event(db, start_at=datetime(2030, 10, 18, 4, tzinfo=UTC))
    db.commit()
    response = client.get(f"/events/{event.slug}", params={"lang": "klingon"}, headers={"accept-language": "tlh"})
    assert response.status_code == 200
    assert '<html lang="ru">' in response.text
    assert "18 октября 2030" in response.text


def test_pages_offer_hreflang_alternates_and_a_switch(client) -> None:  # noqa: ANN001
    html = client.get("/events").text
    for code in ("ru", "ky", "en"):
        assert f'hreflang="{code}"' in html
    assert "Кыргызча" in html and "English" in html


def test_content_falls_back_to_the_original(db) -> None:  # noqa: ANN001
    event = make_event(db, title="Форум аймаков", translations={"en": {"title": "Forum of Aimaks"}})
    assert i18n.content(event, "title", "en") == "Forum of Aimaks"
    assert i18n.content(event, "title", "ky") == "Форум аймаков"
    assert i18n.is_fallback(event, "title", "ky") is True
    assert i18n.is_fallback(event, "title", "en") is False
    assert i18n.is_fallback(event, "title", "ru") is False


def test_api_returns_the_asked_language_and_all_versions_on_request(client, db) -> None:  # noqa: ANN001
    event = make_event(
        db, title="Форум аймаков", goals=["Обмен опытом"],
        translations={"en": {"title": "Forum of Aimaks", "goals": ["Sharing experience"]}},
    )
    db.commit()
    en = client.get(f"/api/v1/events/{event.slug}", headers={"accept-language": "en"}).json()
    assert (en["language"], en["title"], en["goals"]) == ("en", "Forum of Aimaks", ["Sharing experience"])
    ky = client.get(f"/api/v1/events/{event.slug}", params={"lang": "ky"}).json()
    assert (ky["title"], ky["original_language"]) == ("Форум аймаков", "ru")
    full = client.get(f"/api/v1/events/{event.slug}", params={"include": "translations"}).json()
    assert full["translations"]["en"]["title"] == "Forum of Aimaks"
    assert full["translations"]["ru"]["goals"] == ["Обмен опытом"]
    assert client.get(f"/api/v1/events/{event.slug}", params={"include": "all"}).status_code == 422
