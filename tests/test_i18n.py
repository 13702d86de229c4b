"""Languages: negotiation, pages in Russian, Kyrgyz and English, CLDR dates and plurals,
content versions with their fallback, error messages, odd `lang` values."""

import re
from datetime import UTC, datetime

import pytest
from babel.dates import format_date

from eventhub.core import i18n
from eventhub.core.models import EventRegion, ProjectOrganisation
from eventhub.templating import date_filter, event_date_range
from tests.factories import (
    add_organisation_role,
    add_speaker,
    make_event,
    make_organisation,
    make_panel,
    make_person,
    make_project,
    make_release,
    make_session,
)


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        ("en", "ky", "ru", "en"),
        (None, "ky", "en", "ky"),
        (None, None, "en-GB,en;q=0.9,ru;q=0.8", "en"),
        (None, None, "de-DE, ky;q=0.5, ru;q=0.7", "ru"),
        (None, None, "de, fr", "ru"),
        ("xx", None, "en", "en"),
        ("xx", "zz", "q=;;,", "ru"),
        (None, None, None, "ru"),
    ],
)
def test_negotiation_order(query, cookie, header, expected) -> None:
    assert i18n.negotiate(query, cookie, header, "ru") == expected


def test_lang_parameter_switches_and_is_remembered_in_a_cookie(client, db) -> None:
    event = make_event(db, start_at=datetime(2030, 10, 18, 4, tzinfo=UTC), all_day=False)
    db.commit()
    response = client.get(f"/events/{event.slug}", params={"lang": "en"})
    assert '<html lang="en">' in response.text
    assert "October 18, 2030" in response.text
    assert "lang=en" in response.headers["set-cookie"]
    again = client.get(f"/events/{event.slug}")
    assert '<html lang="en">' in again.text
    ky = client.get(f"/events/{event.slug}", params={"lang": "ky"}).text
    assert "2030-ж., 18-октябрь" in ky


def test_unknown_lang_falls_back_to_russian_never_500(client, db) -> None:
    event = make_event(db, start_at=datetime(2030, 10, 18, 4, tzinfo=UTC))
    db.commit()
    response = client.get(f"/events/{event.slug}", params={"lang": "klingon"}, headers={"accept-language": "tlh"})
    assert response.status_code == 200
    assert '<html lang="ru">' in response.text
    assert "18 октября 2030" in response.text


def test_pages_offer_hreflang_alternates_and_a_switch(client) -> None:
    html = client.get("/events").text
    for code in ("ru", "ky", "en"):
        assert f'hreflang="{code}"' in html
    assert "Кыргызча" in html and "English" in html


def test_content_falls_back_to_the_original(db) -> None:
    event = make_event(db, title="Форум аймаков", translations={"en": {"title": "Forum of Aimaks"}})
    assert i18n.content(event, "title", "en") == "Forum of Aimaks"
    assert i18n.content(event, "title", "ky") == "Форум аймаков"
    assert i18n.is_fallback(event, "title", "ky") is True
    assert i18n.is_fallback(event, "title", "en") is False
    assert i18n.is_fallback(event, "title", "ru") is False


def test_api_returns_the_asked_language_and_all_versions_on_request(client, db) -> None:
    event = make_event(
        db,
        title="Форум аймаков",
        goals=["Обмен опытом"],
        translations={"en": {"title": "Forum of Aimaks", "goals": ["Sharing experience"]}},
    )
    db.commit()
    en = client.get(f"/api/v1/events/{event.slug}", headers={"accept-language": "en"}).json()
    assert (en["language"], en["title"], en["goals"]) == ("en", "Forum of Aimaks", ["Sharing experience"])
    ky = client.get(f"/api/v1/events/{event.slug}", params={"lang": "ky"}).json()
    assert (ky["title"], ky["original_language"]) == ("Форум аймаков", "ru")
    full = client.get(f"/api/v1/events/{event.slug}", params={"include": "translations"}).json()
    assert full["translations"]["en"]["title"] == "Forum of Aimaks"
    assert full["translations"]["ru"]["goals"] == ["Обмен опытом"]
    assert client.get(f"/api/v1/events/{event.slug}", params={"include": "all"}).status_code == 422


# --- the interface in each language: pages, dates, plurals, errors ---

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
FALLBACK_NOTE = {
    "ru": "Эта страница пока доступна только на языке оригинала",
    "en": "This page is not yet available in English",
    "ky": "Бул барак азырынча түпнуска тилинде гана жеткиликтүү",
}


def page(client, path: str, lang: str) -> str:
    response = client.get(path, params={"lang": lang})
    assert response.status_code == 200, response.text[:500]
    assert f'<html lang="{lang}">' in response.text
    return response.text


def visible_cyrillic(html: str) -> list[str]:
    """Cyrillic a reader sees (text, labels, titles), apart from the language switch's own names."""
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    html = re.sub(r'<nav class="langs".*?</nav>', "", html, flags=re.S)
    texts = re.findall(r">([^<]+)<", html) + re.findall(
        r'(?:aria-label|title|placeholder|alt|content|value)="([^"]*)"', html
    )
    return [text.strip() for text in texts if CYRILLIC.search(text)]


def forum(db):
    """An event with its texts in Russian (the original), English and Kyrgyz."""
    org = make_organisation(
        db,
        name="Институт политики развития",
        short_name=None,
        translations={"en": {"name": "Development Policy Institute"}, "ky": {"name": "Өнүгүү саясаты институту"}},
    )
    event = make_event(
        db,
        kind="forum",
        title="Форум аймаков — 2030",
        summary="Обмен опытом муниципалитетов.",
        description="Форум собирает **органы МСУ**.",
        goals=["Обменяться опытом"],
        city="Bishkek",
        start_at=datetime(2030, 10, 18, 4, tzinfo=UTC),
        participants_count=2,
        registration_mode="open",
        capacity=130,
        registration_deadline_at=datetime(2030, 10, 10, 12, tzinfo=UTC),
        languages=["ru", "ky"],
        translations={
            "en": {
                "title": "Forum of Aimaks 2030",
                "summary": "Municipalities share their experience.",
                "description": "The forum brings together **local governments**.",
                "goals": ["Share experience"],
            },
            "ky": {
                "title": "Аймактар форуму — 2030",
                "summary": "Муниципалитеттер тажрыйба алмашат.",
                "description": "Форум **жергиликтүү өз алдынча башкаруу органдарын** чогултат.",
                "goals": ["Тажрыйба алмашуу"],
            },
        },
    )
    add_organisation_role(db, event, org, "organiser")
    db.add(EventRegion(event_id=event.id, region="naryn"))
    session = make_session(
        db,
        event,
        kind="panel",
        title="Бюджет айылного аймака",
        start_at=datetime(2030, 10, 18, 5, tzinfo=UTC),
        translations={"en": {"title": "The budget of an aiyl aimak"}, "ky": {"title": "Айыл аймагынын бюджети"}},
    )
    add_speaker(
        db,
        session,
        make_person(
            db,
            name="Aida Bekova",
            position="эксперт",
            translations={"en": {"position": "expert"}, "ky": {"position": "эксперт"}},
        ),
        "moderator",
    )
    make_panel(
        db,
        session,
        guiding_questions=["Как планировать бюджет?"],
        expected_result="Предложения",
        translations={
            "en": {"guiding_questions": ["How to plan a budget?"], "expected_result": "Proposals"},
            "ky": {"guiding_questions": ["Бюджетти кантип пландаштыруу керек?"], "expected_result": "Сунуштар"},
        },
    )
    db.commit()
    return event


def test_event_page_in_russian(client, db) -> None:
    html = page(client, f"/events/{forum(db).slug}", "ru")
    for text in (
        "Форум аймаков — 2030",
        "Форум собирает <strong>органы МСУ</strong>",
        "Обменяться опытом",
        "Цели",
        "18 октября 2030",
        "2 участника",
        "Нарынская область",
        "Открытая регистрация · мест: 130 · до 10 октября 2030\u202fг., 18:00",
        "Бюджет айылного аймака",
        "Вопросы для обсуждения:",
        "Как планировать бюджет?",
        "Ожидаемый результат:",
        "Предложения",
        "Организаторы",
        "Институт политики развития",
    ):
        assert text in html
    assert FALLBACK_NOTE["ru"] not in html
    assert "Цели" in visible_cyrillic(html)  # the check the English page passes does see Russian


def test_event_page_in_english_has_no_russian_left(client, db) -> None:
    html = page(client, f"/events/{forum(db).slug}", "en")
    for text in (
        "<title>Forum of Aimaks 2030 · eventhub</title>",
        "The forum brings together <strong>local governments</strong>",
        "Share experience",
        "Goals",
        "About the event",
        "Programme",
        "October 18, 2030",
        "2 participants",
        "Naryn Region",
        "Open registration · seats: 130 · until October 10, 2030, 18:00",
        "Panel discussion 1",
        "The budget of an aiyl aimak",
        "Moderator:",
        "expert",
        "Questions for discussion:",
        "How to plan a budget?",
        "Expected result:",
        "Proposals",
        "Organisers",
        "Development Policy Institute",
        "Russian, Kyrgyz",
        "Skip to content",
        '<meta property="og:locale" content="en_US">',
    ):
        assert text in html
    assert FALLBACK_NOTE["en"] not in html
    assert visible_cyrillic(html) == []


def test_programme_and_directory_pages_in_english_have_no_russian_left(client, db) -> None:
    event = forum(db)
    programme = page(client, f"/events/{event.slug}/programme", "en")
    assert "Programme: Forum of Aimaks 2030" in programme and "Panel discussion 1." in programme
    assert visible_cyrillic(programme) == []
    org = event.organisations[0].organisation
    for path in ("/events", "/organisations", f"/organisations/{org.slug}"):
        html = page(client, path, "en")
        assert "Development Policy Institute" in html or "Forum of Aimaks 2030" in html
        assert visible_cyrillic(html) == [], path


def test_event_page_in_kyrgyz(client, db) -> None:
    html = page(client, f"/events/{forum(db).slug}", "ky")
    for text in (
        "Аймактар форуму — 2030",
        "Форум <strong>жергиликтүү өз алдынча башкаруу органдарын</strong> чогултат",
        "Тажрыйба алмашуу",
        "Максаттар",
        "Иш-чара жөнүндө",
        "2030-ж., 18-октябрь",
        "2 катышуучу",
        "Нарын облусу",
        "Ачык катталуу · орун саны: 130 · 2030-ж., 10-октябрь, 18:00 чейин",
        "Катталуу",
        "Панелдик талкуу 1",
        "Айыл аймагынын бюджети",
        "Талкуулануучу маселелер:",
        "Бюджетти кантип пландаштыруу керек?",
        "Күтүлгөн натыйжа:",
        "Сунуштар",
        "Уюштуруучулар",
        "Өнүгүү саясаты институту",
        "Иш-чаралар",
        "Уюмдар",
        "Долбоорлор",
        "Пресс-борбор",
        "орус тили, кыргыз тили",
    ):
        assert text in html
    assert FALLBACK_NOTE["ky"] not in html
    assert "Цели" not in html and "Регистрация" not in html


def test_event_without_a_version_in_the_readers_language_says_so(client, db) -> None:
    event = make_event(
        db,
        title="Диалог ОГО",
        description="Текст",
        translations={"en": {"title": "CSO dialogue", "description": "Text"}},
    )
    db.commit()
    ky = page(client, f"/events/{event.slug}", "ky")
    assert FALLBACK_NOTE["ky"] in ky and "(орус тили)" in ky
    assert '<h1 id="event-title" lang="ru">Диалог ОГО</h1>' in ky  # screen readers switch voice
    en = page(client, f"/events/{event.slug}", "en")
    assert FALLBACK_NOTE["en"] not in en
    assert '<h1 id="event-title">CSO dialogue</h1>' in en


def test_press_room_in_each_language(client, db) -> None:
    release = make_release(
        db,
        title="Форум аймаков прошёл в Бишкеке",
        lead="Органы МСУ обменялись практиками.",
        body="Подробности.",
        published_at=datetime(2024, 1, 1, 6, tzinfo=UTC),
        translations={
            "en": {
                "title": "The Forum of Aimaks took place in Bishkek",
                "lead": "Local governments shared practice.",
                "body": "Details.",
            }
        },
    )
    db.commit()
    expected = {
        "ru": ("Пресс-центр", "Всего: 1 публикация", "Форум аймаков прошёл в Бишкеке", "1 января 2024", "Пресс-релиз"),
        "en": (
            "Press room",
            "Total: 1 publication",
            "The Forum of Aimaks took place in Bishkek",
            "January 1, 2024",
            "Press release",
        ),
        "ky": (
            "Пресс-борбор",
            "Бардыгы: 1 жарыялоо",
            "Форум аймаков прошёл в Бишкеке",
            "2024-ж., 1-январь",
            "Пресс-релиз",
        ),
    }
    for lang, texts in expected.items():
        html = page(client, "/press", lang)
        for text in texts:
            assert text in html, (lang, text)
    en = page(client, f"/press/{release.slug}", "en")
    assert "Local governments shared practice." in en and "Details." in en and "Published:" in en
    assert visible_cyrillic(en) == []
    ky = page(client, f"/press/{release.slug}", "ky")
    assert "Жарыяланды:" in ky and FALLBACK_NOTE["ky"] in ky and "Органы МСУ обменялись практиками." in ky


def test_projects_pages_in_each_language(client, db) -> None:
    funder = make_organisation(db, name="Всемирный банк", short_name="WB", translations={"en": {"name": "World Bank"}})
    project = make_project(
        db,
        name="Проект развития сообществ",
        summary="Инфраструктура сёл.",
        description="Подробно о проекте.",
        figures=[{"value": "77", "label": "сёл"}],
        translations={
            "en": {
                "name": "Community development project",
                "summary": "Village infrastructure.",
                "description": "About the project in detail.",
                "figures": [{"value": "77", "label": "villages"}],
            },
            "ky": {
                "name": "Жамааттарды өнүктүрүү долбоору",
                "summary": "Айылдардын инфратүзүмү.",
                "description": "Долбоор тууралуу кенен маалымат.",
                "figures": [{"value": "77", "label": "айыл"}],
            },
        },
    )
    db.add(ProjectOrganisation(project_id=project.id, organisation_id=funder.id, role="funder"))
    db.commit()
    expected = {
        "ru": ("Проекты и программы", "Проект развития сообществ", "Инфраструктура сёл.", "Финансирование: WB"),
        "en": ("Projects and programmes", "Community development project", "Village infrastructure.", "Funding: WB"),
        "ky": (
            "Долбоорлор жана программалар",
            "Жамааттарды өнүктүрүү долбоору",
            "Айылдардын инфратүзүмү.",
            "Каржылоо: WB",
        ),
    }
    for lang, texts in expected.items():
        html = page(client, "/projects", lang)
        for text in texts:
            assert text in html, (lang, text)
    detail = {
        "ru": ("О проекте", "Подробно о проекте.", "сёл", "Мероприятий проекта пока нет."),
        "en": (
            "About the project",
            "About the project in detail.",
            "villages",
            "The project has no events yet.",
            "World Bank",
        ),
        "ky": ("Долбоор жөнүндө", "Долбоор тууралуу кенен маалымат.", "айыл", "Долбоордун иш-чаралары азырынча жок."),
    }
    for lang, texts in detail.items():
        html = page(client, f"/projects/{project.slug}", lang)
        for text in texts:
            assert text in html, (lang, text)
        assert FALLBACK_NOTE[lang] not in html
    assert visible_cyrillic(page(client, f"/projects/{project.slug}", "en")) == []


def test_registration_form_in_each_language_when_the_route_exists(client, db) -> None:
    """Runs once /events/{slug}/register is merged (issue: registration); skipped before."""
    event = forum(db)
    path = f"/events/{event.slug}/register"
    first = client.get(path, params={"lang": "ru"})
    if first.status_code != 200:
        pytest.skip(f"{path} answers {first.status_code}: the registration form is not on this branch yet")
    assert "Регистрация" in first.text
    assert "катта" in page(client, path, "ky").lower()  # Катталуу, катталыңыз...
    en = page(client, path, "en")
    assert visible_cyrillic(en) == []
    # The form's error messages: an empty submission is refused in the reader's language.
    token = re.search(r'name="csrf_token" value="([^"]+)"', en)
    response = client.post(path, params={"lang": "en"}, data={"csrf_token": token.group(1)} if token else {})
    if response.status_code == 422:
        assert visible_cyrillic(response.text) == []


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("ru", "18 октября 2022\u202fг."), ("ky", "2022-ж., 18-октябрь"), ("en", "October 18, 2022")],
)
def test_dates_are_written_by_cldr_in_the_readers_language(lang: str, expected: str) -> None:
    token = i18n.set_language(lang)
    try:
        # 23:30 UTC on the 17th is already the 18th in Bishkek (UTC+6).
        assert date_filter(datetime(2022, 10, 17, 23, 30, tzinfo=UTC), "Asia/Bishkek") == expected
        assert format_date(datetime(2022, 10, 18), "long", locale=lang) == expected
    finally:
        i18n.reset_language(token)


def test_event_dates_in_the_events_zone_in_each_language(db) -> None:
    event = make_event(db, start_at=datetime(2022, 10, 18, 4, tzinfo=UTC), end_at=datetime(2022, 10, 18, 7, tzinfo=UTC))
    written = {}
    for lang in ("ru", "ky", "en"):
        token = i18n.set_language(lang)
        written[lang] = event_date_range(event)
        i18n.reset_language(token)
    assert written["ru"] == "18 октября 2022\u202fг., 10:00–13:00"
    assert written["ky"] == "2022-ж., 18-октябрь, 10:00–13:00"
    assert written["en"] == "October 18, 2022, 10:00–13:00"  # 24-hour clock in English too (events in Kyrgyzstan)


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        (
            "ru",
            {
                1: "1 участник",
                2: "2 участника",
                5: "5 участников",
                11: "11 участников",
                21: "21 участник",
                22: "22 участника",
                130: "130 участников",
            },
        ),
        ("en", {1: "1 participant", 2: "2 participants", 5: "5 participants", 21: "21 participants"}),
        ("ky", {1: "1 катышуучу", 2: "2 катышуучу", 5: "5 катышуучу", 21: "21 катышуучу"}),
    ],
)
def test_plurals_follow_cldr_rules_of_each_language(lang: str, counts: dict[int, str]) -> None:
    token = i18n.set_language(lang)
    try:
        for n, expected in counts.items():
            assert i18n.ngettext("%(num)d участник", "%(num)d участников", n) % {"num": n} == expected
    finally:
        i18n.reset_language(token)


def test_plural_on_a_page_in_each_language(client, db) -> None:
    for _ in range(2):
        make_event(db)
    db.commit()
    assert "Найдено: 2 мероприятия" in page(client, "/events", "ru")
    assert "Found: 2 events" in page(client, "/events", "en")
    assert "Табылды: 2 иш-чара" in page(client, "/events", "ky")


def test_error_messages_are_in_the_readers_language(client) -> None:
    en = client.get("/events/nothing-here", params={"lang": "en"})
    assert en.status_code == 404 and "Event “nothing-here” not found" in en.text
    ky = client.get("/events", params={"kind": "party", "lang": "ky"})
    assert ky.status_code == 422 and "иш-чаранын белгисиз түрү: party" in ky.text
    client.cookies.clear()
    api = client.get("/api/v1/events/nothing-here", headers={"accept-language": "en"})
    assert api.json()["error"]["message"] == "Event “nothing-here” not found"
    missing = client.get("/no/such/page", params={"lang": "ky"})
    assert missing.status_code == 404 and "Барак табылган жок" in missing.text


@pytest.mark.parametrize("lang", ["klingon", "", "EN-gb", "../../etc/passwd", "ru;q=1", "x" * 500, "ky\u0000"])
@pytest.mark.parametrize("path", ["/events", "/press", "/projects", "/organisations", "/api/v1/events"])
def test_unknown_or_odd_lang_never_fails(client, path: str, lang: str) -> None:
    client.cookies.set("lang", "zz")
    response = client.get(path, params={"lang": lang})
    assert response.status_code in (200, 400)  # 400 only for the NUL byte, refused before any page
    if response.status_code == 200 and not path.startswith("/api"):
        expected = "en" if lang == "EN-gb" else "ru"
        assert f'<html lang="{expected}">' in response.text
