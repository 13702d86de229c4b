"""Feeds take ?lang=: labels and texts in that language, each language its own cached feed;
an unknown language gives the Russian feed, never an error."""

from datetime import UTC, datetime

import icalendar
import pytest

from tests.factories import make_event, make_release, make_session

EN = {"title": "Round table of aiyl okmotus", "summary": "Budgets of local governments."}
KY = {"title": "Айыл өкмөттөрүнүн тегерек столу"}


def _event(db):
    event = make_event(
        db,
        kind="round_table",
        title="Круглый стол айыл окмоту",
        summary="Бюджеты МСУ.",
        start_at=datetime(2030, 6, 10, 4, tzinfo=UTC),
        end_at=datetime(2030, 6, 10, 7, tzinfo=UTC),
        translations={"en": EN, "ky": KY},
    )
    make_session(
        db,
        event,
        kind="panel",
        title="Бюджет",
        start_at=datetime(2030, 6, 10, 4, tzinfo=UTC),
        end_at=datetime(2030, 6, 10, 5, tzinfo=UTC),
        translations={"en": {"title": "Budget"}},
    )
    db.commit()
    return event


def _vevents(body: bytes) -> list:
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


@pytest.mark.parametrize(
    ("lang", "summary", "category"),
    [
        (None, "Круглый стол айыл окмоту", "Круглый стол"),
        ("ru", "Круглый стол айыл окмоту", "Круглый стол"),
        ("en", EN["title"], "Round table"),
        ("ky", KY["title"], "Тегерек стол"),
        ("xx", "Круглый стол айыл окмоту", "Круглый стол"),  # unknown: Russian, no error
        ("en-GB", EN["title"], "Round table"),
        ("<script>", "Круглый стол айыл окмоту", "Круглый стол"),
    ],
)
def test_event_ics_is_written_in_the_asked_language(client, db, lang, summary, category) -> None:
    event = _event(db)
    params = {"lang": lang} if lang else {}
    response = client.get(f"/events/{event.slug}.ics", params=params)
    assert response.status_code == 200
    [vevent] = _vevents(response.content)
    assert str(vevent["summary"]) == summary
    assert [str(c) for c in vevent["categories"].cats] == [category]


def test_english_feed_has_english_labels_and_texts_and_falls_back_per_field(client, db) -> None:
    event = _event(db)
    en = client.get(f"/events/{event.slug}.ics", params={"lang": "en"}).text
    assert "Budgets of local governments." in en and "Бюджеты МСУ" not in en
    ky = client.get(f"/events/{event.slug}.ics", params={"lang": "ky"}).text
    assert "Бюджеты МСУ." in ky  # no Kyrgyz summary: the original
    agenda = client.get(f"/events/{event.slug}/agenda.ics", params={"lang": "en"})
    [session] = _vevents(agenda.content)
    assert str(session["summary"]) == "Panel discussion: Budget"
    assert [str(c) for c in session["categories"].cats] == ["Panel discussion"]


def test_each_language_is_its_own_cached_feed(client, db) -> None:
    event = _event(db)
    path = "/calendar.ics"
    first = {lang: client.get(path, params={"lang": lang}) for lang in ("ru", "en", "ky")}
    ru, en = client.get(path, params={"lang": "ru"}), client.get(path, params={"lang": "en"})
    assert ru.content != en.content and ru.headers["ETag"] != en.headers["ETag"]
    assert "Мероприятия" in ru.text and "Events" in en.text and event.title in ru.text and EN["title"] in en.text
    again = client.get(path, params={"lang": "en"}, headers={"If-None-Match": en.headers["ETag"]})
    assert again.status_code == 304
    assert first["ky"].status_code == 200 and KY["title"] in first["ky"].text
    # A reader's cookie does not change what an address holds: calendar apps send none.
    client.cookies.set("lang", "en")
    assert client.get(path).content == client.get(path, params={"lang": "ru"}).content
    assert client.get(path).content != en.content


def test_event_page_offers_the_feeds_in_the_readers_language(client, db) -> None:
    event = _event(db)
    en = client.get(f"/events/{event.slug}", params={"lang": "en"}).text
    assert f"/events/{event.slug}.ics?lang=en" in en
    ru = client.get(f"/events/{event.slug}", params={"lang": "ru"}).text
    assert f"/events/{event.slug}.ics?lang" not in ru and f"/events/{event.slug}.ics" in ru


def test_press_atom_feeds_take_lang(client, db) -> None:
    event = _event(db)
    make_release(
        db,
        title="Круглый стол прошёл",
        lead="Коротко.",
        body="Текст.",
        event_id=event.id,
        published_at=datetime(2024, 1, 1, 6, tzinfo=UTC),
        translations={"en": {"title": "The round table took place", "lead": "In short.", "body": "Text."}},
    )
    db.commit()
    en = client.get("/press/feed.atom", params={"lang": "en"}).text
    assert "The round table took place" in en and "eventhub press room" in en and 'xml:lang="en"' in en
    ru = client.get("/press/feed.atom", params={"lang": "bogus"})
    assert ru.status_code == 200 and "Круглый стол прошёл" in ru.text and "Пресс-центр eventhub" in ru.text
    per_event = client.get(f"/events/{event.slug}/press.atom", params={"lang": "en"}).text
    assert f"Publications: {EN['title']}" in per_event
