"""Search for Cyrillic and Kyrgyz text: case, ё/е, ө ү ң, Latin transliteration."""

import pytest

from tests.factories import make_event, make_organisation


@pytest.mark.parametrize(
    "q",
    [
        "форум аймаков",
        "ФОРУМ Аймаков",
        "forum aimakov",
        "forum aymakov",
        "Forum Aimakov 2023",
        "аймак",
    ],
)
def test_event_search_finds_the_forum(client, db, q) -> None:
    forum = make_event(db, title="Форум аймаков – 2023")
    make_event(db, title="Круглый стол АРИС")
    db.commit()
    items = client.get("/api/v1/events", params={"q": q}).json()["items"]
    assert [e["slug"] for e in items] == [forum.slug]


def test_yo_and_ye_are_the_same_letter(client, db) -> None:
    event = make_event(db, title="Учёт интересов сообществ")
    db.commit()
    for q in ("учет", "учёт", "УЧЁТ"):
        assert [e["slug"] for e in client.get("/api/v1/events", params={"q": q}).json()["items"]] == [event.slug]


@pytest.mark.parametrize("q", ["Өнүгүү", "өнүгүү", "онугуу", "onuguu", "жаңы", "жаны"])
def test_kyrgyz_letters_match_with_and_without_a_kyrgyz_keyboard(client, db, q) -> None:
    event = make_event(db, title="Өнүгүү үчүн жаңы демилгелер")
    db.commit()
    assert [e["slug"] for e in client.get("/api/v1/events", params={"q": q}).json()["items"]] == [event.slug]


def test_organisation_directory_search(client, db) -> None:
    ipr = make_organisation(db, name="Институт политики развития", short_name="ИПР")
    make_organisation(db, name="Всемирный банк", short_name="ВБ")
    db.commit()
    for q in ("ипр", "институт политики", "institut politiki", "ИНСТИТУТ"):
        items = client.get("/api/v1/organisations", params={"q": q}).json()["items"]
        assert [o["slug"] for o in items] == [ipr.slug], q
    page = client.get("/organisations", params={"q": "institut"}).text
    assert f"/organisations/{ipr.slug}" in page


def test_search_with_like_wildcards_is_literal(client, db) -> None:
    make_event(db, title="Форум")
    db.commit()
    assert client.get("/api/v1/events", params={"q": "ф_рум"}).json()["total"] == 0
    assert client.get("/api/v1/events", params={"q": "%"}).json()["total"] == 0  # no words: nothing found
