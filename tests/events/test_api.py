"""Read API: lists with filters and pagination, one event, clear 4xx on bad input."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import add_organisation_role, make_event, make_organisation, make_project


def test_list_filters_by_kind_region_organisation_and_project(client, db) -> None:
    org = make_organisation(db, slug="ipr")
    project = make_project(db, slug="sa2")
    forum = make_event(db, kind="forum", venue_region="naryn", project_id=project.id, title="Форум")
    add_organisation_role(db, forum, org)
    make_event(db, kind="round_table", venue_region="bishkek", title="Круглый стол")
    db.commit()

    def slugs(**params) -> list[str]:
        response = client.get("/api/v1/events", params=params)
        assert response.status_code == 200
        return [e["slug"] for e in response.json()["items"]]

    assert slugs(kind="forum") == [forum.slug]
    assert slugs(region="naryn") == [forum.slug]
    assert slugs(organisation="ipr") == [forum.slug]
    assert slugs(project="sa2") == [forum.slug]
    assert slugs(kind="forum", region="bishkek") == []


def test_drafts_are_not_listed_or_shown(client, db) -> None:
    draft = make_event(db, status="draft")
    db.commit()
    assert client.get("/api/v1/events").json()["total"] == 0
    assert client.get(f"/api/v1/events/{draft.slug}").status_code == 404
    assert client.get(f"/events/{draft.slug}").status_code == 404


def test_upcoming_first_soonest_first_then_past_newest_first(client, db) -> None:
    now = datetime.now(UTC)
    later = make_event(db, start_at=now + timedelta(days=30))
    sooner = make_event(db, start_at=now + timedelta(days=3))
    old = make_event(db, start_at=now - timedelta(days=300))
    recent = make_event(db, start_at=now - timedelta(days=3))
    db.commit()
    items = client.get("/api/v1/events").json()["items"]
    assert [e["slug"] for e in items] == [sooner.slug, later.slug, recent.slug, old.slug]
    upcoming = client.get("/api/v1/events", params={"when": "upcoming"}).json()["items"]
    assert [e["slug"] for e in upcoming] == [sooner.slug, later.slug]


def test_pagination_reports_total_and_slices(client, db) -> None:
    for _ in range(5):
        make_event(db)
    db.commit()
    page = client.get("/api/v1/events", params={"limit": 2, "offset": 2}).json()
    assert (page["total"], page["offset"], page["limit"], len(page["items"])) == (5, 2, 2, 2)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"region": "mars"}, "region"),
        ({"when": "someday"}, "when"),
        ({"limit": 0}, "limit"),
        ({"limit": 1000}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_filters_and_pagination_get_a_422_naming_the_field(client, params, field) -> None:
    response = client.get("/api/v1/events", params=params)
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert field in body["fields"]


def test_unknown_event_is_a_404_with_a_json_error(client) -> None:
    response = client.get("/api/v1/events/no-such-event")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("slug", ["%00", "a" * 300, "..%2F..%2Fetc", "<script>", "событие"])
def test_odd_slugs_are_a_4xx_never_a_500(client, slug) -> None:
    for prefix in (
        "/api/v1/events/",
        "/api/v1/organisations/",
        "/api/v1/projects/",
        "/events/",
        "/projects/",
        "/organisations/",
        "/press/",
    ):
        response = client.get(prefix + slug)
        assert 400 <= response.status_code < 500, prefix


def test_event_detail_has_agenda_organisations_and_local_zone(client, db) -> None:
    org = make_organisation(db, name="Институт политики развития", short_name="ИПР", kind="cso")
    event = make_event(db, start_at=datetime(2030, 6, 10, 4, tzinfo=UTC))
    add_organisation_role(db, event, org, "organiser")
    db.commit()
    data = client.get(f"/api/v1/events/{event.slug}").json()
    assert data["start_at"] == "2030-06-10T04:00:00Z"
    assert data["timezone"] == "Asia/Bishkek"
    assert data["organisations"] == [
        {
            "organisation": {
                "slug": org.slug,
                "short_name": "ИПР",
                "name": "Институт политики развития",
                "kind": "cso",
            },
            "role": "organiser",
            "note": None,
        }
    ]


def test_organisations_and_projects_api(client, demo) -> None:
    orgs = client.get("/api/v1/organisations", params={"kind": "donor", "limit": 100}).json()
    assert {"world-bank", "usaid", "giz"} <= {o["slug"] for o in orgs["items"]}
    aris = client.get("/api/v1/organisations/aris").json()
    assert {"df-psi-3", "ppms-casa-1000", "df-ppms"} <= {p["slug"] for p in aris["projects"]}
    casa = client.get("/api/v1/projects/ppms-casa-1000").json()
    assert casa["regions"] == ["batken", "jalal_abad", "osh"]
    assert "77" in [f["value"] for f in casa["figures"]]
    assert client.get("/api/v1/organisations", params={"kind": "club"}).status_code == 422
    assert client.get("/api/v1/projects/none").status_code == 404


def test_projects_come_in_pages_like_every_list(client, demo) -> None:
    everything = client.get("/api/v1/projects", params={"limit": 100}).json()
    names = [p["name"] for p in everything["items"]]
    assert everything["total"] == len(names) >= 4
    first = client.get("/api/v1/projects", params={"limit": 2}).json()
    rest = client.get("/api/v1/projects", params={"offset": 2, "limit": 100}).json()
    assert (first["total"], first["offset"], first["limit"]) == (len(names), 0, 2)
    assert [p["slug"] for p in first["items"] + rest["items"]] == [p["slug"] for p in everything["items"]]
    assert client.get("/api/v1/projects", params={"limit": 0}).json()["error"]["fields"].keys() == {"limit"}


def test_openapi_describes_typed_responses(client) -> None:
    spec = client.get("/openapi.json").json()
    detail = spec["paths"]["/api/v1/events/{slug}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert detail == {"$ref": "#/components/schemas/EventDetail"}
    assert "agenda" in spec["components"]["schemas"]["EventDetail"]["properties"]


def test_healthz_checks_the_database(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_pages_run_across_the_boundary_of_upcoming_and_past(client, db) -> None:
    now = datetime.now(UTC)
    upcoming = [make_event(db, start_at=now + timedelta(days=d)) for d in (9, 1, 5)]
    past = [make_event(db, start_at=now - timedelta(days=d)) for d in (40, 2, 10)]
    db.commit()
    expected = [e.slug for e in sorted(upcoming, key=lambda e: e.start_at)] + [
        e.slug for e in sorted(past, key=lambda e: e.start_at, reverse=True)
    ]
    for limit in (1, 2, 4, 5):
        seen = []
        for offset in range(0, 7, limit):
            page = client.get("/api/v1/events", params={"offset": offset, "limit": limit}).json()
            assert page["total"] == 6
            seen += [e["slug"] for e in page["items"]]
        assert seen == expected, limit


def test_a_long_event_still_running_is_upcoming_and_first(client, db) -> None:
    now = datetime.now(UTC)
    soon = make_event(db, start_at=now + timedelta(days=2))
    ended = make_event(db, start_at=now - timedelta(days=5))
    db.commit()
    first = client.get("/api/v1/events").json()
    assert [e["slug"] for e in first["items"]] == [soon.slug, ended.slug]
    # Written after the list was read: the longest event grows from hours to 300 days.
    exhibition = make_event(db, start_at=now - timedelta(days=200), end_at=now + timedelta(days=100))
    db.commit()
    after = client.get("/api/v1/events").json()
    assert (after["total"], [e["slug"] for e in after["items"]]) == (3, [exhibition.slug, soon.slug, ended.slug])
    upcoming = client.get("/api/v1/events", params={"when": "upcoming"}).json()
    assert (upcoming["total"], [e["slug"] for e in upcoming["items"]]) == (2, [exhibition.slug, soon.slug])


def test_totals_follow_every_write(client, db) -> None:
    event = make_event(db)
    db.commit()
    assert client.get("/api/v1/events").json()["total"] == 1
    assert client.get("/api/v1/events", params={"offset": 1}).json()["total"] == 1
    make_event(db)
    event.status = "draft"
    db.commit()
    make_event(db)
    db.commit()
    assert client.get("/api/v1/events").json()["total"] == 2
    assert client.get("/api/v1/events", params={"offset": 1}).json()["total"] == 2
