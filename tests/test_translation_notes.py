"""The note on a page's language tells the truth: nothing when everything shown exists in the
reader's language, "partly translated" naming what is missing when some of it does, the
original-language note only when none of it does — on the page, in the API and in the feeds."""

import html
import re

import icalendar
import pytest

from tests.factories import make_event, make_release

SUMMARY = "Обсуждение местного бюджета с жителями айыл аймака."
GOALS = ["Представить проект бюджета"]
KY_FULL = {"title": "Айыл аймагынын бюджети боюнча тегерек стол", "summary": "Жергиликтүү бюджетти талкуулоо.",
           "goals": ["Бюджеттин долбоорун тааныштыруу"]}  # fmt: skip
KY_PART = {"title": "Айыл аймагынын бюджети боюнча тегерек стол", "summary": "Жергиликтүү бюджетти талкуулоо."}

STATES = {  # translations → (state, what the note says in Kyrgyz)
    "complete": ({"ky": KY_FULL}, None),
    "partial": ({"ky": KY_PART}, "Жарым-жартылай которулган: максаттары — азырынча түпнуска тилинде гана (орус тили)."),
    "none": ({}, "Бул барак азырынча түпнуска тилинде гана жеткиликтүү (орус тили)."),
}


@pytest.fixture()
def events(db) -> dict[str, str]:
    slugs = {}
    for state, (translations, _note) in STATES.items():
        event = make_event(db, slug=f"byudzhet-{state}", title="Круглый стол о бюджете айыл аймака", summary=SUMMARY,
                           goals=GOALS, translations=translations)  # fmt: skip
        slugs[state] = event.slug
    db.commit()
    return slugs


def _note(page: str) -> str | None:
    match = re.search(r'<p class="notice original-language" data-translation="(\w+)">([^<]*)</p>', page)
    return html.unescape(match.group(2)) if match else None


@pytest.mark.parametrize("state", STATES)
def test_the_event_page_says_what_is_not_in_kyrgyz(client, events, state: str) -> None:
    page = client.get(f"/events/{events[state]}", headers={"Accept-Language": "ky"}).text
    assert _note(page) == STATES[state][1]
    if state == "complete":
        assert "түпнуска" not in page  # Kyrgyz title and summary saved: no note at all


def test_a_reader_of_the_original_language_sees_no_note(client, events) -> None:
    assert _note(client.get(f"/events/{events['none']}", headers={"Accept-Language": "ru"}).text) is None


def test_english_names_the_missing_texts_in_english(client, events) -> None:
    page = client.get(f"/events/{events['none']}", headers={"Accept-Language": "en"}).text
    assert _note(page) == "This page is not yet available in English; it is shown in the original language (Russian)."


@pytest.mark.parametrize(
    ("state", "translated", "missing"),
    [("complete", ["title", "summary", "goals"], []), ("partial", ["title", "summary"], ["goals"]),
     ("none", [], ["title", "summary", "goals"])],
)  # fmt: skip
def test_the_api_lists_translated_and_missing_fields(client, events, state, translated, missing) -> None:
    for path in (f"/api/v1/events/{events[state]}?lang=ky", "/api/v1/events?lang=ky"):
        body = client.get(path).json()
        item = body if "slug" in body else next(i for i in body["items"] if i["slug"] == events[state])
        assert (item["language"], item["original_language"]) == ("ky", "ru")
        assert item["translated_fields"] == translated
        assert item["missing_translations"] == missing


@pytest.mark.parametrize("state", STATES)
def test_the_calendar_description_carries_the_same_note(client, events, state: str) -> None:
    response = client.get(f"/events/{events[state]}.ics?lang=ky")
    assert response.status_code == 200
    (vevent,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    description = str(vevent["DESCRIPTION"])
    if STATES[state][1] is None:
        assert "түпнуска" not in description
    else:
        assert STATES[state][1] in description


def test_the_press_feed_and_api_say_which_release_texts_are_missing(client, db) -> None:
    make_release(db, slug="full", title="Бюджет", lead="Лид", body="Текст",
                 translations={"ky": {"title": "Бюджет", "lead": "Киришүү", "body": "Текст ky"}})  # fmt: skip
    make_release(
        db, slug="part", title="Бюджет 2", lead="Лид", body="Текст", translations={"ky": {"title": "Бюджет 2"}}
    )
    make_release(db, slug="none", title="Бюджет 3", lead="Лид", body="Текст")
    db.commit()
    feed = client.get("/press/feed.atom?lang=ky").text
    entries = {re.search(r"/press/(\w+)</id>", e).group(1): e for e in feed.split("<entry")[1:]}
    assert "түпнуска" not in entries["full"]
    assert "Жарым-жартылай которулган: киришүү абзацы жана тексти" in html.unescape(html.unescape(entries["part"]))
    assert "Бул барак азырынча түпнуска тилинде гана жеткиликтүү" in html.unescape(html.unescape(entries["none"]))
    api = {r["slug"]: r for r in client.get("/api/v1/press-releases?lang=ky").json()["items"]}
    assert api["full"]["missing_translations"] == []
    assert api["part"]["missing_translations"] == ["lead", "body"]
    assert api["none"]["translated_fields"] == [] and api["none"]["missing_translations"] == ["title", "lead", "body"]
    page = client.get("/press/part", headers={"Accept-Language": "ky"}).text
    assert (
        _note(page)
        == "Жарым-жартылай которулган: киришүү абзацы жана тексти — азырынча түпнуска тилинде гана (орус тили)."
    )
