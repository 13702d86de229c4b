"""Public pages read on a phone: the registration button before the programme, one heading per
day of a multi-day programme (page and printable), the moderator's organisation; the home page
says what the site is."""

import html
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import (
    add_speaker,
    make_event,
    make_organisation,
    make_person,
    make_project,
    make_release,
    make_session,
)

START = datetime(2030, 5, 14, 4, 0, tzinfo=UTC)  # 10:00 in Bishkek


@pytest.fixture()
def two_days(db):
    ipr = make_organisation(db, slug="ipr-phone", short_name="ИПР", name="Институт политики развития")
    event = make_event(db, slug="forum-dva-dnya", title="Форум на два дня", registration_mode="open",
                       start_at=START, end_at=START + timedelta(days=1, hours=8))  # fmt: skip
    opening = make_session(db, event, title="Открытие", start_at=START, position=0)
    add_speaker(db, opening, make_person(db, name="Айбек Осмонов", organisation_id=ipr.id), "moderator")
    make_session(db, event, title="Кофе-брейк", position=1)  # no time: stays with the day before
    make_session(db, event, title="Итоги второго дня", start_at=START + timedelta(days=1, hours=2), position=2)
    db.commit()
    return event


def test_the_registration_button_comes_before_the_programme(client, two_days) -> None:
    page = client.get(f"/events/{two_days.slug}").text
    top = page.index('id="register-top"')
    assert top < page.index('id="h-agenda"') < page.index('id="h-reg"')  # and again where it was
    assert page.count(f'href="/events/{two_days.slug}/register"') == 2


def test_a_two_day_programme_has_a_heading_per_day(client, two_days) -> None:
    for path in (f"/events/{two_days.slug}", f"/events/{two_days.slug}/programme"):
        page = html.unescape(client.get(path).text)
        day_one, day_two = page.index("День 1 — 14 мая, вторник"), page.index("День 2 — 15 мая, среда")
        assert day_one < page.index("Открытие") < page.index("Кофе-брейк") < day_two < page.index("Итоги второго дня")
    english = html.unescape(client.get(f"/events/{two_days.slug}", headers={"Accept-Language": "en"}).text)
    assert "Day 2 — May 15, Wednesday" in english or "Day 2 — 15 May, Wednesday" in english


def test_a_one_day_programme_has_no_day_headings(client, db) -> None:
    event = make_event(db, start_at=START)
    make_session(db, event, title="Единственная сессия", start_at=START, position=0)
    db.commit()
    assert "День 1" not in client.get(f"/events/{event.slug}").text


def test_the_moderator_organisation_is_shown(client, two_days) -> None:
    page = html.unescape(client.get(f"/events/{two_days.slug}").text)
    assert "Айбек Осмонов" in page and "Айбек Осмонов</strong>" not in page
    moderator = page[page.index("Модератор:") :][:300]
    assert "(ИПР)" in moderator


def test_the_home_page_says_what_the_site_is(client, db) -> None:
    make_event(db, slug="skoro", title="Семинар скоро", start_at=datetime.now(UTC) + timedelta(days=3))
    make_release(db, slug="svezhiy", title="Свежий пресс-релиз", published_at=datetime.now(UTC) - timedelta(hours=1))
    make_project(db, slug="proekt-home", name="Проект для главной")
    db.commit()
    page = html.unescape(client.get("/").text)
    assert "<h1" in page and "Мероприятия государства, МСУ и гражданского общества Кыргызстана" in page
    assert page.index("Семинар скоро") < page.index("Свежий пресс-релиз")  # upcoming events first
    assert "Проект для главной" in page
    assert "Подписаться на календарь" in page and "/calendar.ics" in page
    assert 'href="/events"' in page  # the full list with its filters
