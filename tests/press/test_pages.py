"""The press room pages: newest first with filters, one release with the event card,
contacts, Open Graph and Twitter tags, print stylesheet; the seed texts as published."""

import re

import pytest
from lxml import html as lxml_html

from eventhub.core.models import PressReleaseContact
from tests.factories import add_organisation_role, make_event, make_organisation, make_press_contact, make_release

SEED_004 = "dialog-vklad-ogo-v-razvitie-regionov-press-reliz"


def _text(page: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", lxml_html.fromstring(page).text_content())  # keeps CLDR's U+202F


def test_press_room_lists_the_four_seed_texts_newest_first(client, demo) -> None:
    doc = lxml_html.fromstring(client.get("/press").text)
    assert [a.get("href") for a in doc.cssselect(".release-card h2 a")] == [
        "/press/organy-msu-obmenyalis-luchshimi-praktikami-na-forume-aymakov-2023",
        "/press/kruglyy-stol-perspektivy-proektov-aris",
        f"/press/{SEED_004}",
        "/press/v-bishkeke-10-iyunya-sostoitsya-obsuzhdenie-videniya-msu-2030",
    ]
    kickers = [k.text_content().split("·")[0].strip() for k in doc.cssselect(".release-card .kicker")]
    assert kickers == ["Новость / отчёт о мероприятии", "Новость / отчёт о мероприятии", "Пресс-релиз", "Анонс"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"event": "forum-aymakov-2023"}, ["organy-msu-obmenyalis-luchshimi-praktikami-na-forume-aymakov-2023"]),
        ({"organisation": "aris"}, ["kruglyy-stol-perspektivy-proektov-aris"]),
        ({"organisation": "sps"}, [SEED_004]),
        ({"type": "announcement"}, ["v-bishkeke-10-iyunya-sostoitsya-obsuzhdenie-videniya-msu-2030"]),
        ({"language": "en"}, []),
    ],
)
def test_press_room_filters(client, demo, params, expected) -> None:
    doc = lxml_html.fromstring(client.get("/press", params=params).text)
    assert [a.get("href").removeprefix("/press/") for a in doc.cssselect(".release-card h2 a")] == expected


def test_press_room_filter_options_and_bad_filter(client, demo) -> None:
    doc = lxml_html.fromstring(client.get("/press", params={"event": "forum-aymakov-2023"}).text)
    assert doc.cssselect("#f-event option[selected]")[0].get("value") == "forum-aymakov-2023"
    assert len(doc.cssselect("#f-event option")) == 5  # «all» and the four seed events
    assert "aris" in [o.get("value") for o in doc.cssselect("#f-org option")]
    bad = client.get("/press", params={"language": "fr"})
    assert bad.status_code == 422 and "неизвестный язык" in bad.text


def test_press_room_issues_a_bounded_number_of_queries(client, db, count_queries) -> None:
    def build(n: int) -> None:
        for _ in range(n):
            event = make_event(db)
            add_organisation_role(db, event, make_organisation(db))
            release = make_release(db, event_id=event.id)
            db.add(PressReleaseContact(release_id=release.id, contact_id=make_press_contact(db).id))
        db.commit()

    build(2)
    with count_queries() as few:
        client.get("/press")
    build(15)
    with count_queries() as many:
        assert client.get("/press").status_code == 200
    assert many.count == few.count <= 12


def test_release_page_has_the_event_card_with_add_to_calendar(client, demo) -> None:
    doc = lxml_html.fromstring(client.get(f"/press/{SEED_004}").text)
    card = doc.cssselect("aside.event-ref")[0]
    text = re.sub(r"[ \t\r\n]+", " ", card.text_content())
    assert "Вклад организаций гражданского общества в развитие регионов Кыргызской Республики" in text
    assert "1 марта 2019\u202fг." in text and "Бишкек" in text
    assert "/events/dialog-vklad-ogo-v-razvitie-regionov.ics" in [a.get("href") for a in card.cssselect("a")]


def test_release_page_has_open_graph_and_twitter_tags(client, demo) -> None:
    doc = lxml_html.fromstring(client.get(f"/press/{SEED_004}").text)
    meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.cssselect("meta[content]")}
    title = "Диалог «Вклад организаций гражданского общества в развитие регионов Кыргызской Республики»"
    assert meta["og:type"] == "article"
    assert meta["og:title"] == meta["twitter:title"] == title
    assert meta["og:description"].startswith("Сегодня, 1 марта, в Бишкеке состоялась дискуссия")
    assert meta["og:url"] == f"http://testserver/press/{SEED_004}"
    assert meta["og:locale"] == "ru_RU"
    assert meta["twitter:card"] == "summary"
    assert meta["article:published_time"] == "2019-02-28T18:00:00+00:00"
    assert doc.cssselect("link[rel=canonical]")[0].get("href") == meta["og:url"]
    stylesheets = [link.get("href") for link in doc.cssselect("link[rel=stylesheet]")]
    assert any(href.startswith("/static/press.") and href.endswith(".css") for href in stylesheets)


def test_print_stylesheet_hides_navigation_and_keeps_contacts(client) -> None:
    css = client.get("/static/press.css").text
    print_rules = css[css.index("@media print") :]
    assert ".no-print" in print_rules and "display: none" in print_rules
    assert ".print-only { display: block" in print_rules
    assert ".press-contacts { break-inside: avoid; }" in print_rules


def test_release_page_lists_contacts_with_vcard_download(client, demo) -> None:
    doc = lxml_html.fromstring(client.get(f"/press/{SEED_004}").text)
    contacts = doc.cssselect(".press-contacts .contact")
    assert len(contacts) == 5
    assert [a.get("href") for a in doc.cssselect(".press-contacts a[download]")] == [f"/press/{SEED_004}/contacts.vcf"]


def test_a_release_about_a_draft_event_shows_no_event_card(client, db) -> None:
    event = make_event(db, status="draft", title="Секретное мероприятие")
    release = make_release(db, event_id=event.id)
    db.commit()
    page = client.get(f"/press/{release.slug}").text
    assert "Секретное мероприятие" not in page
    assert "Секретное мероприятие" not in client.get("/press").text


SEED_TEXTS = {
    "kruglyy-stol-perspektivy-proektov-aris": [
        "Новость / отчёт о мероприятии",
        "Опубликовано: 18 октября 2022\u202fг.",
        "В Бишкеке состоялась первая рабочая встреча по инициативе Всемирного банка, с участием 7 министерств и ведомств",
        "Министерство природных ресурсов, экологии и технического надзора КР",
        "Справочно:",
        "CDD подходы (Community Driven Development)",
    ],
    "v-bishkeke-10-iyunya-sostoitsya-obsuzhdenie-videniya-msu-2030": [
        "Анонс",
        "Опубликовано: 6 июня 2016\u202fг., 12:30",
        "Как должно выглядеть кыргызстанское село в 2030 году?",
        "Джети-Огузский район Иссык-Кульской области",
        "Институт политики развития, Институт бюджетных решений и Агентство инициатив развития",
        "[1] Видение - это план действий",
    ],
    "organy-msu-obmenyalis-luchshimi-praktikami-na-forume-aymakov-2023": [
        "Опубликовано: 8 сентября 2023\u202fг.",
        "8 СЕНТЯБРЯ, 2023 – Агентство США по международному развитию (USAID)",
        "более 130 представителей",
        "Жетиген Бакиров",
        "Лесли Вигери, Посол США в Кыргызской Республике",
        "Ресурс о деятельности международных донорских организаций в Кыргызской Республике",
    ],
    SEED_004: [
        "Пресс-релиз",
        "Сегодня, 1 марта, в Бишкеке состоялась дискуссия",
        "Объединение усилий гражданского общества, власти и бизнеса",
        "«Планирование развития регионов с участием граждан и ОГО»",
        "«Коалиции и сети ОГО как «кровеносная система» развития регионов»",
        "«Данные, цифровые услуги и цифровые формы участия граждан»",
        "«Вклад региональных ОГО в решение местных проблем»",
        "Контакты для прессы",
        "Давлетбаева Галина",
    ],
}


@pytest.mark.parametrize("slug", list(SEED_TEXTS))
def test_seed_text_reads_like_the_original(client, demo, slug) -> None:
    text = _text(client.get(f"/press/{slug}").text)
    assert [fact for fact in SEED_TEXTS[slug] if fact not in text] == []
    assert "обновлено" not in text  # a seed text was never changed after publication


def test_seed_003_links_the_project_page_it_names(client, demo) -> None:
    doc = lxml_html.fromstring(
        client.get("/press/organy-msu-obmenyalis-luchshimi-praktikami-na-forume-aymakov-2023").text
    )
    link = [a for a in doc.cssselect(".release-body a") if a.text_content() == "www.fb.com/SA2Project"]
    assert link[0].get("href") == "https://www.fb.com/SA2Project"


def test_event_page_links_its_press_feed(client, demo) -> None:
    assert 'href="/events/forum-aymakov-2023/press.atom"' in client.get("/events/forum-aymakov-2023").text


def test_release_pdf_carries_the_text_panels_and_contacts(client, demo) -> None:
    import io

    from pypdf import PdfReader

    response = client.get(f"/press/{SEED_004}/release.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'inline; filename="{SEED_004}.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Диалог «Вклад организаций гражданского общества в развитие регионов Кыргызской Республики»" in text
    for panel in (
        "Планирование развития регионов с участием граждан и ОГО",
        "Вклад региональных ОГО в решение местных проблем",
    ):
        assert panel in text
    for phone in ("0702 174 107", "0555 077 764", "0777 777 990", "0555 808 692", "0555 935 193"):
        assert phone in text
    assert reader.metadata.title.startswith("Диалог «Вклад")
    again = client.get(f"/press/{SEED_004}/release.pdf", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304  # same release, same bytes: the renderer is deterministic


def test_release_pdf_writes_kyrgyz_letters(client, db) -> None:
    import io

    from pypdf import PdfReader

    release = make_release(db, title="Аймактардын өнүгүүсү: ң, ө, ү", original_language="ky", body="- Жаңы *долбоор*")
    db.commit()
    reader = PdfReader(io.BytesIO(client.get(f"/press/{release.slug}/release.pdf").content))
    text = reader.pages[0].extract_text()
    assert "Аймактардын өнүгүүсү: ң, ө, ү" in text and "Жаңы" in text
