"""Filters name things by slug; a slug that names nothing is a 4xx naming the field, on the
calendar feed, the API lists and the pages alike (not an empty list on some of them)."""

import pytest

UNKNOWN = [
    ("/calendar.ics?series=nope", "series"),
    ("/api/v1/events?series=nope", "series"),
    ("/api/v1/events?project=nope", "project"),
    ("/api/v1/events?organisation=nope", "organisation"),
    ("/api/v1/press-releases?event=nope", "event"),
    ("/api/v1/press-releases?organisation=nope", "organisation"),
]


@pytest.mark.parametrize(("url", "field"), UNKNOWN)
def test_an_unknown_slug_in_a_filter_is_a_422_naming_the_field(client, demo, url, field) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.text[:300]
    error = response.json()["error"]
    assert error["message"] == "Неверные параметры фильтра"
    assert set(error["fields"]) == {field} and "nope" in error["fields"][field]


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/events?series=nope", "неизвестная серия мероприятий: nope"),
        ("/events?project=nope", "неизвестный проект: nope"),
        ("/events?organisation=nope", "неизвестная организация: nope"),
        ("/press?event=nope", "Мероприятие «nope» не найдено"),
        ("/press?organisation=nope", "неизвестная организация: nope"),
    ],
)
def test_pages_show_the_error_page_in_russian(client, demo, url, text) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "Неверные параметры фильтра" in response.text and text in response.text


def test_a_draft_event_is_as_unknown_to_the_press_filter_as_a_missing_one(client, demo, db) -> None:
    from tests.factories import make_event

    draft = make_event(db, status="draft")
    db.commit()
    assert client.get(f"/api/v1/press-releases?event={draft.slug}").status_code == 422


@pytest.mark.parametrize(
    "url",
    [
        "/events?series=forum-aymakov",
        "/events?project=df-psi-3&organisation=aris",
        "/api/v1/events?series=forum-aymakov",
        "/calendar.ics?organisation=ipr",
        "/press?event=forum-aymakov-2023",
        "/press?organisation=ipr",
        "/api/v1/press-releases?event=forum-aymakov-2023",
        "/organisations/ipr",
        "/projects/df-psi-3",
    ],
)
def test_known_slugs_and_the_pages_of_an_organisation_or_project_still_answer(client, demo, url) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
