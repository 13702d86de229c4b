"""Write API of the directory: organisations, projects, series, people, press contacts."""

import pytest
from sqlmodel import select

from eventhub.core.models import AuditLog, Organisation
from eventhub.directory.service import input_of, update_entry
from eventhub.directory.specs import DIRECTORIES
from tests.factories import add_organisation_role, make_event, make_organisation, table_counts


def test_an_organisation_gets_a_transliterated_slug_and_is_found_by_search(client, db, bearer_as) -> None:
    headers = bearer_as("organiser")
    body = {"name": "Айыл өкмөтү Ак-Муз", "short_name": "АО Ак-Муз", "kind": "local_government"}
    first = client.post("/api/v1/organisations", json=body, headers=headers)
    second = client.post("/api/v1/organisations", json=body, headers=headers)
    assert (first.status_code, first.json()["slug"], second.json()["slug"]) == (
        201,
        "aiyl-okmotu-ak-muz",
        "aiyl-okmotu-ak-muz-2",
    )
    for q in ("ак-муз", "Ак-Муз", "ak muz", "өкмөтү"):
        assert client.get("/api/v1/organisations", params={"q": q}).json()["total"] == 2, q
    org = db.exec(select(Organisation).where(Organisation.slug == "aiyl-okmotu-ak-muz")).one()
    client.patch(f"/api/v1/organisations/{org.slug}", json={"name": "Айыл өкмөтү Кызыл-Суу"}, headers=headers)
    assert client.get("/api/v1/organisations", params={"q": "кызыл-суу"}).json()["total"] == 1


def test_press_contact_phones_are_stored_as_e164(client, db, bearer_as) -> None:
    headers = bearer_as("press_officer")
    body = {"name": "Абдыразакова Гульмира", "phones": ["0702174107", "0555 077764", "+996 312 66-33-11"]}
    response = client.post("/api/v1/press-contacts", json=body, headers=headers)
    assert response.status_code == 201
    assert response.json()["phones"] == ["+996702174107", "+996555077764", "+996312663311"]
    assert client.get(f"/api/v1/press-contacts/{response.json()['slug']}").json()["phones"][0] == "+996702174107"


@pytest.mark.parametrize(
    ("key", "body", "field", "message"),
    [
        ("press-contacts", {"name": "A", "phones": ["12"]}, "phones.0", "номер телефона"),
        ("press-contacts", {"name": "A", "email": "not-an-address"}, "email", "неверный адрес"),
        ("press-contacts", {"name": "A", "phones": ["0702174107"] * 6}, "phones", "не больше 5"),
        ("people", {"name": "A", "phone": "abc"}, "phone", "номер телефона"),
        ("people", {"name": "A", "organisation": "nowhere"}, "organisation", "не найдено: nowhere"),
        ("people", {"position": "эксперт"}, "name", "обязательное поле"),
        ("organisations", {"name": "A", "website": "www.example.org"}, "website", "http:// или https://"),
        ("organisations", {"name": "A", "kind": "club"}, "kind", "допустимые значения"),
        ("organisations", {"name": "A", "short_name": "x" * 61}, "short_name", "не длиннее 60"),
        ("organisations", {"name": "A", "id": 5}, "id", "неизвестное поле"),
        ("projects", {"name": "A", "start_year": 2024, "end_year": 2020}, "end_year", "не раньше первого года"),
        ("projects", {"name": "A", "start_year": 1900}, "start_year", "не меньше 1991"),
        ("projects", {"name": "A", "funders": ["nobody"]}, "funders", "не найдено"),
        ("projects", {"name": "A", "figures": [{"value": "77"}]}, "figures.0.label", "обязательное поле"),
        ("series", {"title": "A", "project": "nothing"}, "project", "не найдено"),
        ("series", {"title": "A", "slug": "Серия"}, "slug", "латинские"),
    ],
)
def test_each_invalid_field_is_a_422_and_nothing_changes(client, db, bearer_as, key, body, field, message) -> None:
    headers = bearer_as("admin")
    before = table_counts(db)
    response = client.post(f"/api/v1/{key}", json=body, headers=headers)
    assert response.status_code == 422
    assert message in response.json()["error"]["fields"][field]
    assert table_counts(db) == before


def test_project_funders_implementers_and_regions(client, db, bearer_as) -> None:
    headers = bearer_as("organiser")
    for slug in ("usaid", "ipr"):
        make_organisation(db, slug=slug)
    db.commit()
    body = {"name": "Успешный аймак 3", "funders": ["usaid"], "implementers": ["ipr"], "regions": ["naryn", "osh"],
            "figures": [{"value": "38", "label": "пилотных муниципалитетов"}]}  # fmt: skip
    created = client.post("/api/v1/projects", json=body, headers=headers).json()
    assert (created["funders"], created["implementers"], created["regions"]) == (["usaid"], ["ipr"], ["naryn", "osh"])
    changed = client.patch(f"/api/v1/projects/{created['slug']}", json={"regions": ["batken"]}, headers=headers).json()
    assert (changed["funders"], changed["regions"]) == (["usaid"], ["batken"])
    public = client.get(f"/api/v1/projects/{created['slug']}").json()
    assert [(o["organisation"]["slug"], o["role"]) for o in public["organisations"]] == [
        ("usaid", "funder"),
        ("ipr", "implementer"),
    ]


def test_an_entry_in_use_is_not_deleted(client, db, bearer_as) -> None:
    headers = bearer_as("admin")
    used, unused = make_organisation(db), make_organisation(db)
    add_organisation_role(db, make_event(db), used)
    db.commit()
    before = table_counts(db)
    response = client.delete(f"/api/v1/organisations/{used.slug}", headers=headers)
    assert response.status_code == 409
    assert "нельзя удалить" in response.json()["error"]["message"]
    assert table_counts(db) == before
    assert client.delete(f"/api/v1/organisations/{unused.slug}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/organisations/{unused.slug}").status_code == 404
    entry = db.exec(select(AuditLog).where(AuditLog.action == "delete")).one()
    assert entry.changes["name"] == [unused.name, None]


def test_people_contacts_are_for_staff_only(client, db, bearer_as) -> None:
    headers = bearer_as("organiser")
    client.post(
        "/api/v1/people",
        json={"name": "Нурлан Исаев", "email": "n@example.org", "phone": "0702174107"},
        headers=headers,
    )
    assert client.get("/api/v1/people").status_code == 401
    assert client.get("/api/v1/people", headers=bearer_as("press_officer")).status_code == 403
    person = client.get("/api/v1/people/nurlan-isaev", headers=headers).json()
    assert (person["email"], person["phone"]) == ("n@example.org", "+996702174107")


def test_changes_are_audited_field_by_field(client, db, bearer_as) -> None:
    headers = bearer_as("press_officer")
    slug = client.post(
        "/api/v1/press-contacts", json={"name": "Контакт", "role": "пресс-секретарь"}, headers=headers
    ).json()["slug"]
    client.patch(f"/api/v1/press-contacts/{slug}", json={"phones": ["0702174107"]}, headers=headers)
    changes = db.exec(
        select(AuditLog.changes).where(AuditLog.entity_type == "press_contact").order_by(AuditLog.id)
    ).all()
    assert changes == [{"slug": [None, slug], "name": [None, "Контакт"], "role": [None, "пресс-секретарь"]},
                       {"phones": [None, ["+996702174107"]]}]  # fmt: skip


def test_every_demo_entry_can_be_saved_unchanged(demo) -> None:
    """What the loader stored passes the write models, so the editors can open and save it."""
    admin = _admin(demo)
    for spec in DIRECTORIES.values():
        for obj in demo.exec(select(spec.model)).all():
            before = input_of(demo, spec, obj)
            update_entry(demo, spec, user=admin, obj=obj, patch=spec.update())
            assert input_of(demo, spec, obj) == before, (spec.key, obj.slug)
    assert demo.exec(select(AuditLog.changes).where(AuditLog.changes != {})).all() == []


def _admin(db):
    from eventhub.core.models import StaffUser

    user = StaffUser(email="a@example.org", password_hash="x", role="admin")
    db.add(user)
    db.flush()
    return user


def test_series_and_press_contacts_are_public_to_read(client, demo) -> None:
    series = client.get("/api/v1/series").json()
    assert [s["slug"] for s in series["items"]] == ["forum-aymakov"]
    assert client.get("/api/v1/series/forum-aymakov").json()["project"] == "uspeshnyy-aymak-2"
    contacts = client.get("/api/v1/press-contacts", params={"q": "гульмира"}).json()
    assert [c["name"] for c in contacts["items"]] == ["Абдыразакова Гульмира"]
    assert contacts["items"][0]["phones"][0].startswith("+996")
