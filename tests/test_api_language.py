"""Every read of the JSON API answers in the asked language (?lang=, else Accept-Language), and
a text without a version in that language comes in its original: organisations, projects, the
organisations, project and series inside an event, agenda sessions, panels and speakers, press
releases and their contacts, series and people."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from eventhub.core.models import (
    EventPressContact,
    EventSeries,
    PressReleaseContact,
    ProjectOrganisation,
)
from tests.factories import (
    add_organisation_role,
    add_speaker,
    make_event,
    make_organisation,
    make_panel,
    make_person,
    make_press_contact,
    make_project,
    make_release,
    make_session,
)

IPR = {"ru": "Институт политики развития", "ky": "Өнүгүү саясаты институту", "en": "Development Policy Institute"}
AIMAK = {"ru": "Успешный аймак", "ky": "Ийгиликтүү аймак", "en": "Successful Aimak"}
FORUM = {"ru": "Форум аймаков", "ky": "Аймактар форуму", "en": "Forum of Aimaks"}
OPENING = {"ru": "Открытие", "ky": "Ачылыш", "en": "Opening"}
RESULT = {"ru": "Предложения", "ky": "Сунуштар", "en": "Proposals"}
EXPERT = {"ru": "эксперт", "ky": "адис", "en": "expert"}
RELEASE = {"ru": "Форум открылся", "ky": "Форум ачылды", "en": "The forum opened"}
BODY = {"ru": "Текст релиза", "ky": "Релиздин тексти", "en": "Text of the release"}


def _versions(texts: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """{"name": IPR, ...} -> {"ky": {"name": ...}, "en": {"name": ...}}."""
    return {lang: {field: values[lang] for field, values in texts.items()} for lang in ("ky", "en")}


def _same(text: str) -> dict[str, str]:
    """A text with no versions: the original in every language."""
    return {"ru": text, "ky": text, "en": text}


@pytest.fixture()
def world(db) -> dict[str, Any]:
    ipr = make_organisation(
        db,
        slug="ipr",
        name=IPR["ru"],
        short_name=None,
        description="Описание ИПР",
        translations=_versions({"name": IPR}),
    )
    plain = make_organisation(db, slug="ayil-okmotu", name="Айыл өкмөтү Кызыл-Суу", short_name=None)
    project = make_project(
        db, slug="aimak", name=AIMAK["ru"], summary="Кратко о проекте", translations=_versions({"name": AIMAK})
    )
    db.add(ProjectOrganisation(project_id=project.id, organisation_id=ipr.id, role="funder", position=0))
    db.add(ProjectOrganisation(project_id=project.id, organisation_id=plain.id, role="implementer", position=1))
    series = EventSeries(slug="forum", title=FORUM["ru"], translations=_versions({"title": FORUM}))
    db.add(series)
    db.flush()
    event = make_event(db, slug="forum-2030", project_id=project.id, series_id=series.id)
    add_organisation_role(db, event, ipr, "organiser")
    add_organisation_role(db, event, plain, "participant")
    session = make_session(
        db, event, title=OPENING["ru"], description="Без перевода", translations=_versions({"title": OPENING})
    )
    make_panel(db, session, expected_result=RESULT["ru"], translations=_versions({"expected_result": RESULT}))
    expert = make_person(db, slug="expert", position=EXPERT["ru"], translations=_versions({"position": EXPERT}))
    add_speaker(db, session, expert, "panellist")
    untranslated = make_person(db, slug="director", position="директор")
    add_speaker(db, session, untranslated, "moderator")
    contact = make_press_contact(db, slug="press-ipr", organisation_id=ipr.id)
    db.add(EventPressContact(event_id=event.id, contact_id=contact.id, position=0))
    release = make_release(
        db, slug="forum-opened", event_id=event.id, title=RELEASE["ru"], lead="Лид без перевода", body=BODY["ru"],
        translations=_versions({"title": RELEASE, "body": BODY}),
    )  # fmt: skip
    db.add(PressReleaseContact(release_id=release.id, contact_id=contact.id, position=0))
    db.commit()
    return {"event": event}


@dataclass
class Case:
    url: str
    read: Callable[[dict], Any]
    expected: dict[str, Any]
    staff: bool = False

    def __str__(self) -> str:
        return self.url


def _one(items: list[dict], slug: str) -> dict:
    return next(i for i in items if i["slug"] == slug)


CASES = [
    # organisations: the list, one, and the projects of one
    Case("/api/v1/organisations", lambda b: _one(b["items"], "ipr")["name"], IPR),
    Case("/api/v1/organisations", lambda b: _one(b["items"], "ayil-okmotu")["name"], _same("Айыл өкмөтү Кызыл-Суу")),
    Case("/api/v1/organisations/ipr", lambda b: b["name"], IPR),
    Case("/api/v1/organisations/ipr", lambda b: b["description"], _same("Описание ИПР")),
    Case("/api/v1/organisations/ipr", lambda b: b["projects"][0]["name"], AIMAK),
    # projects and their organisations
    Case("/api/v1/projects", lambda b: _one(b["items"], "aimak")["name"], AIMAK),
    Case("/api/v1/projects/aimak", lambda b: b["summary"], _same("Кратко о проекте")),
    Case(
        "/api/v1/projects/aimak",
        lambda b: [o["organisation"]["name"] for o in b["organisations"]],
        {lang: [IPR[lang], "Айыл өкмөтү Кызыл-Суу"] for lang in IPR},
    ),  # fmt: skip
    # what an event refers to: organisations, project, series
    Case(
        "/api/v1/events",
        lambda b: [o["organisation"]["name"] for o in b["items"][0]["organisations"]],
        {lang: [IPR[lang], "Айыл өкмөтү Кызыл-Суу"] for lang in IPR},
    ),  # fmt: skip
    Case("/api/v1/events", lambda b: b["items"][0]["project"]["name"], AIMAK),
    Case("/api/v1/events/forum-2030", lambda b: b["series"]["title"], FORUM),
    Case("/api/v1/events/forum-2030", lambda b: b["organisations"][0]["organisation"]["name"], IPR),
    # its agenda: sessions, panels, speakers; its press contacts
    Case("/api/v1/events/forum-2030", lambda b: b["agenda"][0]["title"], OPENING),
    Case("/api/v1/events/forum-2030", lambda b: b["agenda"][0]["description"], _same("Без перевода")),
    Case("/api/v1/events/forum-2030", lambda b: b["agenda"][0]["panel"]["expected_result"], RESULT),
    Case(
        "/api/v1/events/forum-2030",
        lambda b: {s["person"]: s["position"] for s in b["agenda"][0]["speakers"]},
        {lang: {"expert": EXPERT[lang], "director": "директор"} for lang in IPR},
    ),  # fmt: skip
    Case("/api/v1/events/forum-2030", lambda b: b["press_contacts"][0]["organisation"], IPR),
    # press releases
    Case("/api/v1/press-releases", lambda b: _one(b["items"], "forum-opened")["title"], RELEASE),
    Case("/api/v1/press-releases", lambda b: _one(b["items"], "forum-opened")["lead"], _same("Лид без перевода")),
    Case("/api/v1/press-releases/forum-opened", lambda b: b["body"], BODY),
    Case("/api/v1/press-releases/forum-opened", lambda b: b["contacts"][0]["organisation"], IPR),
    # the directory
    Case("/api/v1/series", lambda b: _one(b["items"], "forum")["title"], FORUM),
    Case("/api/v1/series/forum", lambda b: b["title"], FORUM),
    Case("/api/v1/people", lambda b: _one(b["items"], "expert")["position"], EXPERT, staff=True),
    Case("/api/v1/people/expert", lambda b: b["position"], EXPERT, staff=True),
    Case("/api/v1/people/director", lambda b: b["position"], _same("директор"), staff=True),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_read_answers_in_the_asked_language_or_the_original(client, world, bearer_as, case) -> None:
    headers = bearer_as("admin") if case.staff else {}
    asked = {
        "ru": client.get(case.url, headers=headers),
        "en": client.get(case.url, headers=headers | {"accept-language": "en-GB,en;q=0.9"}),
        "ky": client.get(case.url, params={"lang": "ky"}, headers=headers),
    }
    for lang, response in asked.items():
        assert response.status_code == 200, (lang, response.text)
        assert response.headers["content-language"] == lang
        assert case.read(response.json()) == case.expected[lang], lang


@pytest.mark.parametrize(
    ("url", "staff"),
    [
        ("/api/v1/organisations/ipr", False),
        ("/api/v1/projects/aimak", False),
        ("/api/v1/series/forum", False),
        ("/api/v1/people/expert", True),
    ],
)
def test_entries_say_which_language_their_texts_are_in(client, world, bearer_as, url, staff) -> None:
    headers = bearer_as("admin") if staff else {}
    for lang in ("ru", "ky", "en"):
        body = client.get(url, params={"lang": lang}, headers=headers).json()
        assert (body["language"], body["original_language"]) == (lang, "ru")
    listing = client.get(url.rsplit("/", 1)[0], params={"lang": "en"}, headers=headers).json()
    assert {item["language"] for item in listing["items"]} == {"en"}


def test_a_write_echoes_the_entry_as_stored_and_a_read_in_the_asked_language(client, db, bearer_as) -> None:
    headers = bearer_as("admin") | {"accept-language": "en"}
    body = {"title": "Форум аймаков", "translations": {"en": {"title": "Forum of Aimaks"}}}
    created = client.post("/api/v1/series", json=body, headers=headers).json()
    assert (created["title"], created["language"], created["translations"]) == (
        "Форум аймаков",
        "ru",
        {"en": {"title": "Forum of Aimaks"}},
    )
    read = client.get(f"/api/v1/series/{created['slug']}", headers=headers).json()
    assert (read["title"], read["language"], read["translations"]) == (
        "Forum of Aimaks",
        "en",
        {"en": {"title": "Forum of Aimaks"}},
    )


def test_the_consent_text_is_in_the_asked_language(client) -> None:
    ru = client.get("/api/v1/registrations/consent").json()["consent_text"]
    en = client.get("/api/v1/registrations/consent", params={"lang": "en"}).json()["consent_text"]
    assert ru.startswith("Я даю согласие") and en.startswith("I ") and en != ru
