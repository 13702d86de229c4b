"""Public pages: lists, the event page, and a bounded number of queries per page."""

from datetime import UTC, datetime, timedelta

from tests.factories import (
    add_organisation_role,
    add_speaker,
    make_event,
    make_organisation,
    make_panel,
    make_person,
    make_press_contact,
    make_session,
)


def test_events_page_lists_the_four_seed_events(client, demo) -> None:
    html = client.get("/events").text
    for slug in (
        "kruglyy-stol-aris-2022",
        "fokus-gruppa-mestnoe-samoupravlenie-2030",
        "forum-aymakov-2023",
        "dialog-vklad-ogo-v-razvitie-regionov",
    ):
        assert f'href="/events/{slug}"' in html
        assert f'href="/events/{slug}"' in client.get("/").text


def test_events_page_filters_by_kind(client, demo) -> None:
    html = client.get("/events", params={"kind": "forum"}).text
    assert "/events/forum-aymakov-2023" in html
    assert "/events/kruglyy-stol-aris-2022" not in html


def test_bad_filter_on_a_page_is_a_russian_error_page(client) -> None:
    response = client.get("/events", params={"kind": "party"})
    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"]
    assert "неизвестный вид мероприятия" in response.text
    assert client.get("/events", params={"page": "two"}).status_code == 422


def test_event_page_shows_local_times_in_russian(client, db) -> None:
    event = make_event(db, start_at=datetime(2030, 6, 10, 4, tzinfo=UTC), end_at=datetime(2030, 6, 10, 7, tzinfo=UTC))
    db.commit()
    html = client.get(f"/events/{event.slug}").text
    assert "10 июня 2030\u202fг., 10:00–13:00" in html  # CLDR puts a narrow no-break space before «г.»


def test_unknown_pages_are_404_in_russian(client) -> None:
    response = client.get("/events/nothing-here")
    assert response.status_code == 404
    assert "не найдено" in response.text


def test_event_page_with_60_sessions_and_30_organisations_issues_bounded_queries(client, db, count_queries) -> None:
    event = make_event(db, start_at=datetime(2030, 6, 10, 3, tzinfo=UTC), end_at=datetime(2030, 6, 12, 12, tzinfo=UTC))
    for i in range(30):
        add_organisation_role(db, event, make_organisation(db), "participant" if i else "organiser")
    people = [make_person(db, organisation_id=make_organisation(db).id) for _ in range(10)]
    for i in range(60):
        start = event.start_at + timedelta(minutes=30 * i)
        session = make_session(
            db, event, start_at=start, end_at=start + timedelta(minutes=30), room=f"Зал {i % 3}", position=i
        )
        add_speaker(db, session, people[i % 10], "moderator")
        add_speaker(db, session, people[(i + 1) % 10], "panellist")
        if i % 5 == 0:
            make_panel(db, session, guiding_questions=["Что дальше?"])
    contact = make_press_contact(db)
    from eventhub.core.models import EventPressContact

    db.add(EventPressContact(event_id=event.id, contact_id=contact.id))
    db.commit()
    db.expire_all()

    with count_queries() as counter:
        response = client.get(f"/events/{event.slug}")
    assert response.status_code == 200
    assert response.text.count('<li class="session ') == 60
    assert counter.count <= 16, counter.statements  # 16th: whether the event has published outcomes (issue 15)


def test_events_list_issues_bounded_queries(client, db, count_queries) -> None:
    for _ in range(20):
        event = make_event(db)
        add_organisation_role(db, event, make_organisation(db))
    db.commit()
    db.expire_all()
    with count_queries() as counter:
        assert client.get("/events").status_code == 200
    assert counter.count <= 12, counter.statements


def test_organisation_and_project_pages(client, demo) -> None:
    html = client.get("/organisations/ipr").text
    assert "Институт политики развития" in html
    assert "/events/forum-aymakov-2023" in html
    assert "/projects/uspeshnyy-aymak-2" in html
    listing = client.get("/projects").text
    for slug in ("df-psi-3", "ppms-casa-1000", "df-ppms", "uspeshnyy-aymak-2"):
        assert f"/projects/{slug}" in listing
    assert "Министерство" in client.get("/organisations", params={"kind": "ministry"}).text
