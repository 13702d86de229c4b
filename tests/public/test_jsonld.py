"""schema.org JSON-LD on event and press pages, parsed as a search engine would."""

import json
import re
from datetime import UTC, datetime, timedelta

from eventhub.public.jsonld import dumps
from tests.factories import (
    add_organisation_role,
    add_speaker,
    make_event,
    make_organisation,
    make_person,
    make_release,
    make_session,
)

LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(html: str) -> list[dict]:
    return [json.loads(block) for block in LD.findall(html)]


def event_ld(client, slug: str) -> dict:
    response = client.get(f"/events/{slug}")
    assert response.status_code == 200
    [data] = [d for d in json_ld(response.text) if d["@type"] == "Event"]
    return data


def test_event_json_ld_has_the_required_properties_with_local_offsets(client, db) -> None:
    event = make_event(
        db,
        title="Круглый стол о бюджете",
        summary="Обсуждение бюджета.",
        start_at=datetime(2030, 5, 14, 4, 0, tzinfo=UTC),
        end_at=datetime(2030, 5, 14, 7, 30, tzinfo=UTC),
        venue_name="Отель «Хаятт»",
        venue_address="ул. Абдрахманова, 191",
        city="Бишкек",
        venue_region="bishkek",
    )
    add_organisation_role(db, event, make_organisation(db, name="Агентство развития", short_name="АРИС"), "organiser")
    add_organisation_role(db, event, make_organisation(db, name="Всемирный банк", short_name="ВБ"), "funder")
    speaker = make_person(db, name="Айгуль Токтосунова", position="министр")
    add_speaker(db, make_session(db, event), speaker, "moderator")
    add_speaker(db, make_session(db, event), speaker, "speaker")  # twice on the agenda, once a performer
    db.commit()

    data = event_ld(client, event.slug)

    assert data["@context"] == "https://schema.org"
    assert data["name"] == "Круглый стол о бюджете"
    assert data["url"] == f"http://testserver/events/{event.slug}"
    assert data["startDate"] == "2030-05-14T10:00:00+06:00"
    assert data["endDate"] == "2030-05-14T13:30:00+06:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place",
        "name": "Отель «Хаятт»",
        "address": {
            "@type": "PostalAddress",
            "addressCountry": "KG",
            "streetAddress": "ул. Абдрахманова, 191",
            "addressLocality": "Бишкек",
            "addressRegion": "г. Бишкек",
        },
    }
    assert data["organizer"]["name"] == "Агентство развития" and data["organizer"]["alternateName"] == "АРИС"
    assert data["funder"]["name"] == "Всемирный банк"
    assert data["performer"] == [{"@type": "Person", "name": "Айгуль Токтосунова", "jobTitle": "министр"}]
    assert data["description"] == "Обсуждение бюджета."


def test_event_in_another_zone_keeps_that_zones_offset(client, db) -> None:
    event = make_event(
        db,
        timezone="Europe/Berlin",
        start_at=datetime(2030, 7, 1, 8, tzinfo=UTC),
        end_at=datetime(2030, 7, 1, 10, tzinfo=UTC),
    )
    db.commit()
    data = event_ld(client, event.slug)
    assert (data["startDate"], data["endDate"]) == ("2030-07-01T10:00:00+02:00", "2030-07-01T12:00:00+02:00")


def test_all_day_events_give_dates_and_the_last_day_inclusive(client, db, demo) -> None:
    data = event_ld(client, "dialog-vklad-ogo-v-razvitie-regionov")
    assert (data["startDate"], data["endDate"]) == ("2019-03-01", "2019-03-01")
    # Two days, stored as local midnights 8 Sep 00:00 to 10 Sep 00:00 in Bishkek (UTC+6).
    event = make_event(
        db, all_day=True, start_at=datetime(2023, 9, 7, 18, tzinfo=UTC), end_at=datetime(2023, 9, 9, 18, tzinfo=UTC)
    )
    db.commit()
    data = event_ld(client, event.slug)
    assert (data["startDate"], data["endDate"]) == ("2023-09-08", "2023-09-09")


def test_status_follows_cancellation_and_postponement(client, db) -> None:
    event = make_event(db)
    db.commit()
    assert event_ld(client, event.slug)["eventStatus"] == "https://schema.org/EventScheduled"

    event.status = "postponed"
    db.commit()
    assert event_ld(client, event.slug)["eventStatus"] == "https://schema.org/EventPostponed"  # no new date yet

    event.previous_start_at, event.previous_end_at = event.start_at, event.end_at  # as postpone_event keeps them
    event.start_at, event.end_at = event.start_at + timedelta(days=7), event.end_at + timedelta(days=7)
    db.commit()
    data = event_ld(client, event.slug)
    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["previousStartDate"] == "2030-05-14T10:00:00+06:00" and data["startDate"] == "2030-05-21T10:00:00+06:00"

    event.status = "cancelled"
    db.commit()
    assert event_ld(client, event.slug)["eventStatus"] == "https://schema.org/EventCancelled"


def test_online_and_mixed_events_have_a_virtual_location(client, db) -> None:
    online = make_event(db, city=None, online_url="https://meet.example.org/budget")
    mixed = make_event(db, city="Ош", online_url="https://meet.example.org/osh")
    db.commit()

    data = event_ld(client, online.slug)
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://meet.example.org/budget"}

    data = event_ld(client, mixed.slug)
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [place["@type"] for place in data["location"]] == ["Place", "VirtualLocation"]


def test_demo_events_name_organisers_funders_and_speakers(client, demo) -> None:
    round_table = event_ld(client, "kruglyy-stol-aris-2022")
    assert round_table["organizer"]["alternateName"] == "АРИС"
    assert "Всемирный банк" in round_table["funder"]["name"]
    forum = event_ld(client, "forum-aymakov-2023")
    assert {"Жетиген Бакиров", "Лесли Вигери"} <= {p["name"] for p in forum["performer"]}
    assert forum["superEvent"] == {"@type": "EventSeries", "name": "Форум аймаков"}


def test_a_title_that_closes_the_script_stays_data(client, db) -> None:
    title = "Итоги </script><script>alert(1)</script> & «планы»"
    event = make_event(db, title=title)
    db.commit()
    html = client.get(f"/events/{event.slug}").text
    assert "<script>alert(1)" not in html
    assert event_ld(client, event.slug)["name"] == title
    assert "</" not in dumps({"name": title})


def test_press_release_page_has_a_news_article(client, demo) -> None:
    html = client.get("/press/dialog-vklad-ogo-v-razvitie-regionov-press-reliz").text
    [article] = [d for d in json_ld(html) if d["@type"] == "NewsArticle"]
    assert (
        article["headline"]
        == "Диалог «Вклад организаций гражданского общества в развитие регионов Кыргызской Республики»"
    )
    assert article["datePublished"] == "2019-03-01T00:00:00+06:00"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+06:00", article["dateModified"])
    assert article["about"]["url"] == "http://testserver/events/dialog-vklad-ogo-v-razvitie-regionov"
    assert article["author"]["name"].startswith("Оргкомитет")
    assert article["inLanguage"] == "ru"
    assert article["description"].startswith("Сегодня, 1 марта")


def test_release_without_an_event_is_published_by_the_site(client, db) -> None:
    release = make_release(db, title="Новости недели", published_at=datetime(2024, 1, 1, 6, tzinfo=UTC))
    db.commit()
    [article] = json_ld(client.get(f"/press/{release.slug}").text)
    assert article["publisher"] == {"@type": "Organization", "name": "eventhub", "url": "http://testserver/"}
    assert article["datePublished"] == "2024-01-01T12:00:00+06:00"
