"""Issue 18: full-text search over what a reader sees, on SQLite FTS5 and PostgreSQL tsvector alike.

The seed queries are the issue's own; each must find its page and not the unrelated ones."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from eventhub.core import search
from eventhub.core.models import AgendaSession, Event, Organisation, Panel
from tests.factories import make_event

ARIS = "kruglyy-stol-aris-2022"
FOCUS = "fokus-gruppa-mestnoe-samoupravlenie-2030"
FORUM = "forum-aymakov-2023"
DIALOG = "dialog-vklad-ogo-v-razvitie-regionov"
SEED_EVENTS = {ARIS, FOCUS, FORUM, DIALOG}


def found(client, q: str, kind: str = "event") -> list[str]:
    r = client.get("/api/v1/search", params={"q": q, "kind": kind, "limit": 100})
    assert r.status_code == 200, r.text
    return [i["slug"] for k in r.json()["kinds"] for i in k["items"]]


def listed(client, q: str) -> list[str]:
    r = client.get("/api/v1/events", params={"q": q, "limit": 100})
    assert r.status_code == 200, r.text
    return [e["slug"] for e in r.json()["items"]]


@pytest.mark.parametrize(
    ("q", "wanted"),
    [
        # a funder's full name, a ministry (in another case), a district with and without the hyphen
        ("Всемирный банк", {ARIS}),
        ("Всемирного банка", {ARIS}),
        ("министерство финансов", {ARIS}),
        ("Министерства финансов", {ARIS}),
        ("Джети-Огуз", {FOCUS}),
        ("джети огуз", {FOCUS}),
        ("Жети-Өгүз", {FOCUS}),
        ("Jeti-Oguz", {FOCUS}),
        ("форума аймаков", {FORUM}),
        ("forum aimakov", {FORUM}),
        ("«Форум аймаков – 2023»", {FORUM}),
        # speakers and a presenting municipality (the agenda)
        ("Жетиген Бакиров", {FORUM}),
        ("Бакирова", {FORUM}),
        ("Лесли Вигери", {FORUM}),
        ("Акманского айылного аймака", {FORUM}),
        # panel titles and expected results
        ("кровеносная система", {DIALOG}),
        ("неправительственными сетями", {DIALOG}),
        # an organisation's abbreviation: every event it takes part in
        ("ИПР", {FOCUS, FORUM}),
        ("институт политики развития", {FOCUS, FORUM}),
        # Kyrgyz case endings (the kyrgyz inflection engine run backwards): Бишкекте = in Bishkek
        ("Бишкекте", {ARIS, FOCUS, DIALOG}),
    ],
)
def test_seed_queries_find_their_events_and_not_others(client, demo, q, wanted) -> None:
    assert set(found(client, q)) == wanted
    assert set(listed(client, q)) == wanted  # the list's q uses the same index


def test_press_organisations_and_projects_are_found_too(client, demo) -> None:
    assert "world-bank" in found(client, "Всемирный банк", "organisation")
    assert "minfin-kr" in found(client, "министерство финансов", "organisation")
    assert "uspeshnyy-aymak-2" in found(client, "успешный аймак", "project")
    press = found(client, "форум аймаков", "press")
    assert press == ["organy-msu-obmenyalis-luchshimi-praktikami-na-forume-aymakov-2023"]
    projects = client.get("/api/v1/projects", params={"q": "Джети-Огузский"}).json()
    assert [p["slug"] for p in projects["items"]] == ["sotsialno-ekonomicheskoe-razvitie-ayylnykh-aymakov"]
    releases = client.get("/api/v1/press-releases", params={"q": "форум аймаков"})
    if releases.status_code == 200:
        assert [r["slug"] for r in releases.json()["items"]] == press
    orgs = client.get("/api/v1/organisations", params={"q": "Всемирный банк"}).json()["items"]
    assert "world-bank" in [o["slug"] for o in orgs]


def test_kyrgyz_case_forms_find_more_than_prefixes(client, db) -> None:
    """аймакка (dative), Бишкектен (ablative): prefix matching alone finds neither."""
    event = make_event(db, title="Аймак жана шаар: Бишкек форуму")
    db.commit()
    for q in ("аймакка", "Бишкектен", "шаарда", "аймактын"):
        assert found(client, q) == [event.slug], q
    assert search.query_terms("аймакка") == [("аймакк", "аймак")]


@pytest.mark.parametrize(
    "q", ["учет", "УЧЁТ", "uchet", "интересам сообществ", "Учётом", "uchet interesov", "ИНТЕРЕСОВ-сообществ"]
)
def test_case_yo_hyphens_transliteration_and_morphology(client, db, q) -> None:
    event = make_event(db, title="Учёт интересов сообществ")
    make_event(db, title="Бюджет района")
    db.commit()
    assert found(client, q) == [event.slug]


def test_latin_look_alikes_inside_cyrillic_words(client, db) -> None:
    event = make_event(db, title="Öнүгүү фoрум")  # Latin Ö and o typed into Cyrillic words
    db.commit()
    assert found(client, "өнүгүү форум") == [event.slug]
    assert found(client, "onuguu forum") == [event.slug]


def test_title_ranks_over_body_and_upcoming_over_past(client, db) -> None:
    now = datetime.now(UTC)
    in_body = make_event(db, title="Встреча", summary="Обсуждение водоснабжения сёл", start_at=now + timedelta(days=3))
    past = make_event(db, title="Водоснабжение сёл", start_at=now - timedelta(days=400))
    upcoming = make_event(db, title="Водоснабжение в сёлах", start_at=now + timedelta(days=30))
    db.commit()
    assert found(client, "водоснабжение сел") == [upcoming.slug, past.slug, in_body.slug]


def test_the_index_follows_every_change_in_the_same_transaction(client, db) -> None:
    event = make_event(db, title="Совещание")
    db.commit()
    assert found(client, "совещание") == [event.slug]
    event.title = "Семинар"
    db.commit()
    assert found(client, "совещание") == []
    assert found(client, "семинар") == [event.slug]
    session = AgendaSession(event_id=event.id, title="Муниципальная собственность")
    db.add(session)
    db.commit()
    assert found(client, "муниципальной собственности") == [event.slug]
    db.add(Panel(session_id=session.id, expected_result="Предложения по тарифам"))
    db.commit()
    assert found(client, "тарифы") == [event.slug]
    org = db.exec(select(Organisation)).first() or Organisation(slug="x-org", name="Организация X")
    org.name = "Ассоциация водопользователей"
    db.add(org)
    db.flush()
    from eventhub.core.models import EventOrganisation

    db.add(EventOrganisation(event_id=event.id, organisation_id=org.id, role="organiser"))
    db.commit()
    assert found(client, "ассоциация водопользователей") == [event.slug]
    assert found(client, "водопользователей", "organisation") == [org.slug]
    # a rolled-back change leaves the index as it was
    event.title = "Конференция"
    db.flush()
    db.rollback()
    assert found(client, "конференция") == []
    assert found(client, "семинар") == [event.slug]
    db.delete(db.get(Event, event.id))
    db.commit()
    assert found(client, "семинар") == []


def test_drafts_are_not_found(client, db) -> None:
    make_event(db, title="Тайное совещание", status="draft")
    db.commit()
    assert found(client, "тайное") == []
    assert listed(client, "тайное") == []


HOSTILE = [
    'форум"',
    '"форум',
    "форум*",
    "*форум*",
    "форум NEAR",
    "NEAR(форум)",
    "форум:",
    "title:форум",
    "форум AND",
    "форум OR",
    "форум -",
    "форум ^ {} [] () ;--",
    "форум' OR '1'='1",
    "форум " + "!" * 5000,
    "форум\\",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_fail_and_change_nothing(client, db, q) -> None:
    forum = make_event(db, title="Форум аймаков")
    make_event(db, title="Круглый стол")
    db.commit()
    assert found(client, q) == [forum.slug]
    page = client.get("/search", params={"q": q})
    assert page.status_code == 200
    assert f"/events/{forum.slug}" in page.text


@pytest.mark.parametrize("q", ["", " ", "%", '"', "*", ":", "NEAR", "«»", "- – —", "!!!"])
def test_empty_or_punctuation_only_finds_nothing(client, db, q) -> None:
    make_event(db, title="Форум")
    db.commit()
    body = client.get("/api/v1/search", params={"q": q}).json()
    assert body["total"] == 0
    assert all(k["total"] == 0 for k in body["kinds"])
    assert client.get("/search", params={"q": q}).status_code == 200


def test_invalid_utf8_and_very_long_queries(client, db) -> None:
    forum = make_event(db, title="Форум")
    db.commit()
    for raw in ("q=%D1%84%FF%FE", "q=%C0%AF", "q=%D1%84%D0%BE%D1%80%D1%83%D0%BC%FF"):
        for path in ("/api/v1/search", "/search", "/api/v1/events"):
            assert client.get(f"{path}?{raw}").status_code < 500, (path, raw)
    long = " ".join(["форум"] + ["слово"] * 2_000)
    for path in ("/api/v1/search", "/search"):
        r = client.get(path, params={"q": long})
        assert r.status_code == 200, r.text[:300]
    assert client.get("/api/v1/events", params={"q": "ф" * 201}).status_code == 422  # the lists' limit, said clearly
    assert found(client, "форум " + "x" * 300) == []  # a word no document has
    assert found(client, "форум") == [forum.slug]


@pytest.mark.parametrize("lang", ["ru", "ky", "en"])
def test_search_page_counts_per_kind_and_marks_words_safely(client, db, lang) -> None:
    event = make_event(db, title="Форум <script>alert(1)</script> аймаков", summary="Ежегодный форум & встреча")
    db.commit()
    page = client.get("/search", params={"q": "форум", "lang": lang})
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "<mark>Форум</mark> &lt;script&gt;" in page.text
    assert f'href="/events/{event.slug}"' in page.text
    assert 'class="count">1</span>' in page.text
    label = {"ru": "Мероприятия", "ky": "Иш-чаралар", "en": "Events"}[lang]
    assert label in page.text


def test_the_snippet_shows_where_the_words_were_found(client, demo) -> None:
    body = client.get("/api/v1/search", params={"q": "Жети-Өгүз", "kind": "event"}).json()
    assert "Джети-Огуз" in body["kinds"][0]["items"][0]["snippet"]
    page = client.get("/search", params={"q": "неправительственными сетями"}).text
    assert "<mark>неправительственными</mark> <mark>сетями</mark>" in page


def test_a_rolled_back_savepoint_keeps_the_transactions_earlier_changes(client, db) -> None:
    event = make_event(db, title="Совещание")
    db.commit()
    event.title = "Семинар"
    db.flush()
    with pytest.raises(RuntimeError), db.begin_nested():
        make_event(db, title="Конференция")
        raise RuntimeError  # e.g. a caught IntegrityError: only the savepoint is undone
    db.commit()
    assert found(client, "семинар") == [event.slug]
    assert found(client, "конференция") == []
