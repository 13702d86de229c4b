"""Versions of directory entries in other languages: the side-by-side admin page and the API's `translations`."""

from sqlmodel import select

from eventhub.core.models import AuditLog, Person, Project
from tests.factories import make_organisation, make_person, make_project, table_counts


def test_organiser_saves_an_english_project_name_and_the_project_page_shows_it(client, db, login_as) -> None:
    org = make_organisation(db)
    project = make_project(db, name="Успешный аймак", summary="Развитие местного самоуправления")
    db.commit()
    _, csrf = login_as("organiser", (org.slug,))
    assert f"/admin/projects/{project.slug}/translations" in client.get(f"/admin/projects/{project.slug}").text
    page = client.get(f"/admin/projects/{project.slug}/translations").text
    assert "Успешный аймак" in page and 'name="en-name"' in page and 'name="ky-summary"' in page

    response = client.post(
        f"/admin/projects/{project.slug}/translations",
        data={"csrf_token": csrf, "en-name": "Successful Aimak", "en-summary": "Local self-government"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    db.refresh(project)
    assert project.translations == {"en": {"name": "Successful Aimak", "summary": "Local self-government"}}
    english = client.get(f"/projects/{project.slug}", params={"lang": "en"}).text
    assert "Successful Aimak" in english and "Local self-government" in english
    assert "Успешный аймак" in client.get(f"/projects/{project.slug}", params={"lang": "ru"}).text
    assert db.exec(select(AuditLog.action).where(AuditLog.entity_type == "project")).all() == ["translate"]


def test_a_too_long_position_is_refused_and_the_ordinary_editor_keeps_the_versions(client, db, login_as) -> None:
    person = make_person(db, name="Айгуль Осмонова", position="эксперт", translations={"en": {"position": "expert"}})
    db.commit()
    _, csrf = login_as("admin")
    refused = client.post(
        f"/admin/people/{person.slug}/translations",
        data={"csrf_token": csrf, "en-position": "x" * 401, "ky-position": "эксперт (ky)"},
    )
    assert refused.status_code == 422
    assert "Не длиннее 400 символов" in refused.text and "эксперт (ky)" in refused.text
    db.refresh(person)
    assert person.translations == {"en": {"position": "expert"}}
    # Saving the entry's own form leaves its versions alone.
    saved = client.post(
        f"/admin/people/{person.slug}", data={"csrf_token": csrf, "name": "Айгуль Осмонова", "position": "директор"},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303
    db.refresh(person)
    assert (person.position, person.translations) == ("директор", {"en": {"position": "expert"}})


def test_check_in_staff_may_not_translate_directory_entries(client, db, login_as) -> None:
    project = make_project(db)
    db.commit()
    _, csrf = login_as("checkin")
    assert client.get(f"/admin/projects/{project.slug}/translations").status_code == 403
    refused = client.post(f"/admin/projects/{project.slug}/translations", data={"csrf_token": csrf, "en-name": "X"})
    assert refused.status_code == 403
    db.refresh(project)
    assert project.translations == {}


def test_the_api_takes_versions_of_a_project_and_of_a_person(client, db, bearer_as) -> None:
    headers = bearer_as("organiser")
    body = {"name": "Чистая вода", "translations": {"en": {"name": "Clean water"}, "ky": {"name": "Таза суу"}}}
    created = client.post("/api/v1/projects", json=body, headers=headers)
    assert created.status_code == 201
    assert created.json()["translations"] == {"en": {"name": "Clean water"}, "ky": {"name": "Таза суу"}}
    slug = created.json()["slug"]
    assert "Clean water" in client.get(f"/projects/{slug}", params={"lang": "en"}).text
    # A PATCH without translations keeps them; one with them replaces them.
    client.patch(f"/api/v1/projects/{slug}", json={"summary": "Кратко"}, headers=headers)
    assert db.exec(select(Project.translations).where(Project.slug == slug)).one() == body["translations"]
    client.patch(f"/api/v1/projects/{slug}", json={"translations": {"en": {"name": "Water"}}}, headers=headers)
    assert db.exec(select(Project.translations).where(Project.slug == slug)).one() == {"en": {"name": "Water"}}
    person = client.post(
        "/api/v1/people", json={"name": "Бакыт Асанов", "position": "эксперт", "translations": {"en": {"position": "expert"}}},
        headers=headers,
    )  # fmt: skip
    assert person.status_code == 201
    assert db.exec(select(Person.translations).where(Person.slug == person.json()["slug"])).one() == {
        "en": {"position": "expert"}
    }


def test_api_versions_in_the_original_language_unknown_fields_or_too_long_are_422(client, db, bearer_as) -> None:
    headers = bearer_as("admin")
    before = table_counts(db)
    cases = [
        ({"ru": {"name": "Вода"}}, "translations.ru", "язык оригинала"),
        ({"de": {"name": "Wasser"}}, "translations.de", "ru, ky или en"),
        ({"en": {"website": "x"}}, "translations.en.website", "неизвестное поле"),
        ({"en": {"name": "x" * 401}}, "translations.en.name", "не длиннее 400"),
        ({"en": {"name": "Two\nlines"}}, "translations.en.name", "одной строкой"),
    ]
    for versions, field, message in cases:
        response = client.post("/api/v1/projects", json={"name": "Вода", "translations": versions}, headers=headers)
        assert response.status_code == 422, versions
        assert message in response.json()["error"]["fields"][field].lower(), versions
    assert table_counts(db) == before
