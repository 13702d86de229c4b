"""The event page's render cache: anonymous readers share one rendering until anything changes."""

from datetime import UTC, datetime

from tests.factories import make_event, make_session


def _event(db):
    event = make_event(db, start_at=datetime(2030, 6, 10, 4, tzinfo=UTC), end_at=datetime(2030, 6, 10, 7, tzinfo=UTC))
    make_session(db, event, title="Открытие форума")
    db.commit()
    return event


def test_an_anonymous_reader_gets_the_cached_page_without_database_work(client, db, count_queries) -> None:
    event = _event(db)
    first = client.get(f"/events/{event.slug}")
    with count_queries() as counter:
        again = client.get(f"/events/{event.slug}")
    assert again.status_code == 200
    assert again.content == first.content
    assert counter.count == 0, counter.statements
    for name in ("content-type", "content-language", "content-security-policy", "x-content-type-options"):
        assert again.headers.get(name) == first.headers.get(name), name
    assert set(again.headers["vary"].split(", ")) == set(first.headers["vary"].split(", ")) >= {"Accept-Language"}


def test_a_signed_in_reader_or_a_language_cookie_gets_a_page_made_for_them(client, db) -> None:
    event = _event(db)
    assert 'lang="ru"' in client.get(f"/events/{event.slug}").text  # stored for anonymous readers
    client.cookies.set("lang", "en")
    assert 'lang="en"' in client.get(f"/events/{event.slug}").text


def test_an_edit_shows_at_once(client, db) -> None:
    event = _event(db)
    assert "Открытие форума" in client.get(f"/events/{event.slug}").text

    event.title = "Форум аймаков: новое название"
    db.commit()
    assert "Форум аймаков: новое название" in client.get(f"/events/{event.slug}").text

    event.sessions[0].title = "Приветственное слово"
    db.commit()
    page = client.get(f"/events/{event.slug}").text
    assert "Приветственное слово" in page
    assert "Открытие форума" not in page


def test_each_language_and_address_has_its_own_page(client, db) -> None:
    event = _event(db)
    russian = client.get(f"/events/{event.slug}")
    english = client.get(f"/events/{event.slug}?lang=en")
    assert 'lang="ru"' in russian.text
    assert 'lang="en"' in english.text
    assert 'lang="ru"' in client.get(f"/events/{event.slug}").text


def test_a_draft_is_never_served_from_the_cache(client, db) -> None:
    event = _event(db)
    assert client.get(f"/events/{event.slug}").status_code == 200
    event.status = "draft"
    db.commit()
    assert client.get(f"/events/{event.slug}").status_code == 404
