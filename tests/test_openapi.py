"""/openapi.json is a valid OpenAPI 3.1 document: request and response models, the bearer scheme,
one envelope for lists, the `lang` parameter."""

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator, validate


@pytest.fixture(scope="module")
def spec(settings) -> dict:
    from fastapi.testclient import TestClient

    from eventhub.main import create_app

    app = create_app(settings)
    with TestClient(app) as client:
        body = client.get("/openapi.json").json()
    app.state.engine.dispose()
    return body


def _ref(content: dict) -> str:
    schema = content["application/json"]["schema"]
    return (schema.get("$ref") or schema.get("items", {}).get("$ref", "")).rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    ("method", "path", "request_model", "status", "response_model"),
    [
        ("post", "/api/v1/events", "EventCreate", "201", "EventStaff"),
        ("patch", "/api/v1/events/{slug}", "EventUpdate", "200", "EventStaff"),
        ("put", "/api/v1/events/{slug}/organisations", "EventOrganisations", "200", "EventStaff"),
        ("post", "/api/v1/events/{slug}/postpone", "Postpone", "200", "EventStaff"),
        ("post", "/api/v1/events/{slug}/cancel", "Cancel", "200", "EventStaff"),
        ("post", "/api/v1/events/{slug}/sessions", "SessionCreate", "201", "SessionPublic"),
        ("patch", "/api/v1/events/{slug}/sessions/{session_id}", "SessionUpdate", "200", "SessionPublic"),
        ("put", "/api/v1/events/{slug}/sessions/order", "SessionOrder", "200", "SessionPublic"),
        ("post", "/api/v1/organisations", "OrganisationCreate", "201", "OrganisationOut"),
        ("patch", "/api/v1/projects/{slug}", "ProjectUpdate", "200", "ProjectOut"),
        ("post", "/api/v1/series", "SeriesCreate", "201", "SeriesOut"),
        ("post", "/api/v1/people", "PersonCreate", "201", "PersonOut"),
        ("patch", "/api/v1/press-contacts/{slug}", "PressContactUpdate", "200", "PressContactOut"),
    ],
)
def test_write_operations_document_their_models_errors_and_security(
    spec, method, path, request_model, status, response_model
) -> None:
    operation = spec["paths"][path][method]
    assert _ref(operation["requestBody"]["content"]) == request_model
    assert _ref(operation["responses"][status]["content"]) == response_model
    assert {"401", "403", "422"} <= set(operation["responses"])
    assert _ref(operation["responses"]["422"]["content"]) == "ErrorResponse"
    assert operation["security"] == [{"HTTPBearer": []}]
    assert operation.get("description") or operation.get("summary")


def test_the_bearer_scheme_and_strict_request_models(spec) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes["HTTPBearer"]["type"] == "http" and schemes["HTTPBearer"]["scheme"] == "bearer"
    schemas = spec["components"]["schemas"]
    create = schemas["EventCreate"]
    assert create["additionalProperties"] is False
    assert set(create["required"]) == {"kind", "title", "start_at", "end_at"}
    assert create["properties"]["title"]["maxLength"] == 400
    assert create["properties"]["project"]["x-ref"] == "projects"
    assert schemas["PressContactCreate"]["properties"]["phones"]["maxItems"] == 5
    delete = spec["paths"]["/api/v1/events/{slug}"]["delete"]
    assert "204" in delete["responses"] and delete["security"] == [{"HTTPBearer": []}]
    publish = spec["paths"]["/api/v1/events/{slug}/publish"]["post"]
    assert "requestBody" not in publish and _ref(publish["responses"]["200"]["content"]) == "EventStaff"


def test_security_is_declared_exactly_where_a_token_is_needed(client, demo) -> None:
    """Generated clients follow `security`: anonymous reads must not demand a token, writes must."""
    spec = client.get("/openapi.json").json()
    slugs = {}
    answered_anonymously = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method != "get":
                continue
            url = path
            if "{slug}" in path:
                listing = path.split("/{slug}")[0]
                if not listing.startswith("/api/"):
                    listing = "/api/v1/events"  # the feeds of an event
                if listing not in slugs:
                    answer = client.get(listing)
                    items = answer.json()["items"] if answer.status_code == 200 else []
                    slugs[listing] = items[0]["slug"] if items else "no-such-slug"
                url = url.replace("{slug}", slugs[listing])
            url = url.replace("{token}", "a" * 43)
            status = client.get(url).status_code
            if status == 200:
                answered_anonymously.add(path)
                assert "security" not in operation, (
                    f"GET {path} answers anonymously but declares {operation['security']}"
                )
            elif status == 401:
                assert operation.get("security") == [{"HTTPBearer": []}], (
                    f"GET {path} needs a token but does not say so"
                )
    for expected in (
        "/api/v1/events",
        "/api/v1/events/{slug}",
        "/api/v1/series",
        "/api/v1/series/{slug}",
        "/api/v1/press-contacts",
        "/api/v1/press-contacts/{slug}",
        "/api/v1/press-releases/{slug}",
    ):
        assert expected in answered_anonymously
    staff_reads = {p for p, ops in spec["paths"].items() if ops.get("get", {}).get("security")}
    assert {"/api/v1/events/{slug}/audit", "/api/v1/people", "/api/v1/events/{slug}/registrations"} <= staff_reads

    anonymous_writes = {("post", "/api/v1/events/{slug}/registrations")}  # registering needs no account
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch", "delete") and (method, path) not in anonymous_writes:
                assert operation.get("security") == [{"HTTPBearer": []}], f"{method.upper()} {path}"
    for method, path in anonymous_writes:
        assert "security" not in spec["paths"][path][method]


def _refs(node, where="#"):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield where, value
            else:
                yield from _refs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _refs(value, f"{where}/{i}")


def _resolve(spec: dict, ref: str):
    node = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_the_document_is_valid_openapi_3_1(spec) -> None:
    assert spec["openapi"].startswith("3.1")
    validate(spec, cls=OpenAPIV31SpecValidator)


def test_every_ref_points_at_something_in_the_document(spec) -> None:
    """Client generators resolve every `$ref` against the document's root (the registration body
    once pointed at `#/$defs/...`, which is nowhere in it)."""
    refs = list(_refs(spec))
    assert len(refs) > 100
    missing = []
    for where, ref in refs:
        try:
            assert ref.startswith("#/")
            _resolve(spec, ref)
        except (AssertionError, KeyError, IndexError, TypeError):
            missing.append(f"{ref} at {where}")
    assert missing == []
    assert '"$defs"' not in str(spec).replace("'", '"')
    # Names a generator can make classes of: not module paths for two models of one name.
    assert [n for n in spec["components"]["schemas"] if "__" in n or not n.replace("-", "_").isidentifier()] == []


def test_the_registration_body_is_documented_with_its_choices(spec) -> None:
    operation = spec["paths"]["/api/v1/events/{slug}/registrations"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["category"]["enum"] == ["participant", "speaker", "press", "observer"]
    assert body["properties"]["category"]["default"] == "participant"
    gender = body["properties"]["gender"]["anyOf"]
    assert gender[0]["enum"] == ["female", "male", "undisclosed"] and gender[1] == {"type": "null"}
    assert "naryn" in body["properties"]["region"]["anyOf"][0]["enum"]
    assert set(body["required"]) == {"full_name", "email", "consent"}


def test_every_list_answers_a_page_and_every_operation_takes_lang(spec) -> None:
    schemas = spec["components"]["schemas"]
    lists = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/api/"):
                assert "lang" in [p["name"] for p in operation.get("parameters", [])], f"{method} {path}"
            if method != "get" or not path.startswith("/api/"):
                continue
            schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
            assert schema.get("type") != "array", f"GET {path} answers a bare list"
            name = schema.get("$ref", "").rsplit("/", 1)[-1]
            if name.startswith("Page_"):
                lists.append(path)
                assert set(schemas[name]["required"]) == {"items", "total", "offset", "limit"}
                assert {"offset", "limit"} <= {p["name"] for p in operation["parameters"]}, path
    assert sorted(lists) == [
        "/api/v1/events",
        "/api/v1/events/{slug}/audit",
        "/api/v1/events/{slug}/recommendations",
        "/api/v1/events/{slug}/registrations",
        "/api/v1/events/{slug}/surveys",
        "/api/v1/organisations",
        "/api/v1/people",
        "/api/v1/press-contacts",
        "/api/v1/press-releases",
        "/api/v1/projects",
        "/api/v1/recommendations",
        "/api/v1/series",
    ]
