"""`eventhub demo` carries every seed document, and a second run changes nothing."""

import re
from pathlib import Path

import pytest
from sqlmodel import select

from eventhub.core.models import Event, EventKind, Organisation, PressRelease, Project
from eventhub.demo.loader import load_demo

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _text(html: str) -> str:
    """Visible text of a page, whitespace collapsed, for fact checks."""
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("&nbsp;", " ").replace("&#34;", '"').replace("&#39;", "'").replace("&quot;", '"')
    return re.sub(r"\s+", " ", text)


def test_loading_twice_changes_nothing(db, demo_data) -> None:
    assert load_demo(db, demo_data) > 0
    db.commit()
    assert load_demo(db, demo_data) == 0


def test_demo_has_four_events_and_four_published_releases(demo) -> None:
    events = demo.exec(select(Event)).all()
    assert sorted(e.kind for e in events) == ["dialogue", "focus_group", "forum", "round_table"]
    assert all(e.status == "published" for e in events)
    releases = demo.exec(select(PressRelease)).all()
    assert sorted(r.type for r in releases) == ["announcement", "press_release", "report", "report"]


def test_social_mobilisation_formats_are_event_kinds() -> None:
    kinds = {k.value for k in EventKind}
    assert {"village_assembly", "community_meeting", "focus_group_discussion", "mini_meeting", "focus_group"} <= kinds


SEED_000 = "kruglyy-stol-aris-2022"
SEED_002 = "fokus-gruppa-mestnoe-samoupravlenie-2030"
SEED_003 = "forum-aymakov-2023"
SEED_004 = "dialog-vklad-ogo-v-razvitie-regionov"


@pytest.mark.parametrize(
    ("slug", "facts"),
    [
        (
            SEED_000,
            [
                "Круглый стол",
                "18 октября 2022 г.",
                "Бишкек",
                "Агентство развития и инвестирования сообществ",
                "Всемирный банк",
                "ДФ ПСИ-3",
                "Министерство Финансов КР",
                "Министерство экономики и коммерции КР",
                "Министерство здравоохранения КР",
                "Министерство труда, социального обеспечения и миграции КР",
                "Государственное агентство государственной службы и местного самоуправления при КМ КР",
                "Министерство цифрового развития КР",
                "Министерство природных ресурсов, экологии и технического надзора КР",
                "Community Driven Development",
                "Национального CDD проекта",
            ],
        ),
        (
            SEED_002,
            [
                "Фокус-группа",
                "10 июня 2016 г.",
                "конференц-зал",
                "Институт политики развития",
                "GIZ",
                "Фонд поддержки гражданского общества",
                "Институт бюджетных решений",
                "Агентство инициатив развития",
                "Жогорку Кенеш",
                "Аппарат Правительства",
                "Джети-Огузский район",
                "управления муниципальной собственностью",
                "2030",
            ],
        ),
        (
            SEED_003,
            [
                "Форум",
                "8 сентября 2023 г.",
                "Форум аймаков",
                "USAID",
                "Институт политики развития",
                "130",
                "Жалал-Абадской, Иссык-Кульской, Нарынской и Ошской",
                "Жетиген Бакиров",
                "заместитель начальника Управления по подготовке решений Президента и Кабинета Министров",
                "Лесли Вигери",
                "Посол США",
                "Акманск",
                "Абдрахмановск",
                "Успешный аймак 2",
            ],
        ),
        (
            SEED_004,
            [
                "Диалог",
                "1 марта",
                "Бишкек",
                "Объединение усилий гражданского общества, власти и бизнеса",
                "Создание условий для эффективного многостороннего диалога",
                "Укрепление доверия между партнерами",
                "Планирование развития регионов с участием граждан и ОГО",
                "Коалиции и сети ОГО как «кровеносная система» развития регионов",
                "Данные, цифровые услуги и цифровые формы участия граждан",
                "Вклад региональных ОГО в решение местных проблем",
                "мощный адвокационный ресурс",
                "0702 174 107",
                "0555 077 764",
                "0777 777 990",
                "0555 808 692",
                "0555 935 193",
                "Абдыразакова Гульмира",
                "Мамасалиева Гульгаакы",
                "Добрецова Надежда",
                "Жусупова Чынар",
                "Давлетбаева Галина",
                "Год в пресс-релизе не указан",
            ],
        ),
    ],
)
def test_event_page_shows_every_fact_of_its_seed(client, demo, slug, facts) -> None:
    response = client.get(f"/events/{slug}")
    assert response.status_code == 200
    text = _text(response.text)
    missing = [f for f in facts if f not in text]
    assert missing == []


def test_dialogue_has_four_panels_each_with_an_expected_result(client, demo) -> None:
    data = client.get(f"/api/v1/events/{SEED_004}").json()
    panels = [s for s in data["agenda"] if s["kind"] == "panel"]
    assert len(panels) == 4
    assert all(p["panel"]["expected_result"] for p in panels)
    assert len(data["goals"]) == 3
    assert [c["phones"] for c in data["press_contacts"]] == [
        ["+996702174107"],
        ["+996555077764"],
        ["+996777777990"],
        ["+996555808692"],
        ["+996555935193"],
    ]


def test_forum_belongs_to_the_yearly_series(client, demo) -> None:
    data = client.get(f"/api/v1/events/{SEED_003}").json()
    assert data["series"]["slug"] == "forum-aymakov"
    assert data["series_edition"] == "2023"
    assert data["participants_count"] == 130
    assert set(data["regions"]) >= {"jalal_abad", "issyk_kul", "naryn", "osh"}
    series_page = _text(client.get("/events?series=forum-aymakov").text)
    assert "Форум аймаков" in series_page


@pytest.mark.parametrize(
    ("slug", "facts"),
    [
        (
            "ppms-casa-1000",
            ["77", "Джалал-Абадская", "Ошская", "Баткенская", "НЭСК", "Фонд Ага Хана", "Всемирный банк", "186", "2,5"],
        ),
        ("df-ppms", ["150", "186", "2,5"]),
        ("df-psi-3", ["Всемирный банк", "АРИС", "COVID-19", "сельские сходы", "мини-собрания по целевым группам"]),
        ("uspeshnyy-aymak-2", ["USAID", "Институт политики развития", "38", "50", "Нарынская"]),
    ],
)
def test_project_pages_show_the_figures_of_seed_001_and_003(client, demo, slug, facts) -> None:
    text = _text(client.get(f"/projects/{slug}").text)
    assert [f for f in facts if f not in text] == []


def test_project_page_lists_its_events(client, demo) -> None:
    text = _text(client.get("/projects/df-psi-3").text)
    assert "Перспективы и актуальные вопросы реализации Проектов АРИС" in text


@pytest.mark.parametrize(
    ("type_", "date", "phrase"),
    [
        ("report", "18 октября 2022 г.", "первая рабочая встреча"),
        ("announcement", "6 июня 2016 г., 12:30", "Как должно выглядеть кыргызстанское село в 2030 году"),
        ("report", "8 сентября 2023 г.", "Органы МСУ обменялись лучшими практиками на Форуме аймаков-2023"),
        ("press_release", "1 марта 2019 г.", "Состоятся четыре панельные дискуссии"),
    ],
)
def test_seed_texts_are_published_with_their_dates(client, demo, type_, date, phrase) -> None:
    release = next(
        r
        for r in demo.exec(select(PressRelease).where(PressRelease.type == type_)).all()
        if phrase in _text(client.get(f"/press/{r.slug}").text)
    )
    text = _text(client.get(f"/press/{release.slug}").text)
    assert date in text
    assert release.slug in client.get("/press").text


def test_seed_facts_organisation_kinds(demo) -> None:
    kinds = {o.slug: o.kind for o in demo.exec(select(Organisation)).all()}
    assert kinds["world-bank"] == "donor"
    assert kinds["usaid"] == "donor"
    assert kinds["zhogorku-kenesh"] == "parliament"
    assert kinds["akmanskiy-aa"] == "local_government"
    assert kinds["minfin-kr"] == "ministry"
    assert demo.exec(select(Project).where(Project.slug == "df-psi-3")).one()


def test_seed_files_are_where_the_checklist_says(demo) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS}")
    assert len(list(SEEDS.glob("*.txt"))) == 5
