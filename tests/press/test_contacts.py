"""Press contacts: phones as written in the seeds become E.164 and show in the national
grouping; the vCard of a release is read back by an independent parser (vobject)."""

import pytest
import vobject

from eventhub.core.models import PressReleaseContact
from eventhub.core.text import InvalidPhone, format_phone, normalise_phone
from eventhub.press.vcard import render_vcard
from tests.factories import make_organisation, make_press_contact, make_release

SEED_004 = "dialog-vklad-ogo-v-razvitie-regionov-press-reliz"


@pytest.mark.parametrize(
    ("written", "e164", "shown"),
    [
        # every format of seed 004, as written there
        ("0702174107", "+996702174107", "0702 174 107"),
        ("0555 077764", "+996555077764", "0555 077 764"),
        ("0777 777990", "+996777777990", "0777 777 990"),
        ("0555 808692", "+996555808692", "0555 808 692"),
        ("0555 935193", "+996555935193", "0555 935 193"),
        # and the other ways people write the same numbers
        ("+996 702 174 107", "+996702174107", "0702 174 107"),
        ("996702174107", "+996702174107", "0702 174 107"),
        ("+996 (555) 07-77-64", "+996555077764", "0555 077 764"),
        ("0 (555) 077-764", "+996555077764", "0555 077 764"),
        ("0312 62 13 78", "+996312621378", "0312 621 378"),
    ],
)
def test_phone_is_stored_as_e164_and_shown_nationally(written, e164, shown) -> None:
    assert normalise_phone(written) == e164
    assert format_phone(normalise_phone(written)) == shown


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+996312300000", "0312 300 000"),  # a Bishkek landline
        ("+79161234567", "+7 916 123-45-67"),  # foreign: the national "8 (916)..." cannot be dialled from Kyrgyzstan
        ("+4930123456", "+49 30 123456"),
        ("", ""),
    ],
)
def test_landlines_are_national_and_foreign_numbers_international(e164, shown) -> None:
    assert format_phone(e164) == shown


def test_event_page_shows_seed_phones_in_national_format(client, demo) -> None:
    html = client.get("/events/dialog-vklad-ogo-v-razvitie-regionov").text
    assert '<a class="phone" href="tel:+996702174107">0702 174 107</a>' in html
    assert "+996 702 174 107" not in html


@pytest.mark.parametrize("bad", ["12345", "07021741", "телефон", "+996 000 000 000", "0702174107000"])
def test_what_is_not_a_phone_is_refused(bad) -> None:
    with pytest.raises(InvalidPhone):
        normalise_phone(bad)


def test_seed_contacts_show_as_tel_links_in_national_format(client, demo) -> None:
    html = client.get(f"/press/{SEED_004}").text
    for e164, shown in [
        ("+996702174107", "0702 174 107"),
        ("+996555077764", "0555 077 764"),
        ("+996777777990", "0777 777 990"),
        ("+996555808692", "0555 808 692"),
        ("+996555935193", "0555 935 193"),
    ]:
        assert f'<a class="phone" href="tel:{e164}">{shown}</a>' in html


def test_vcard_of_the_seed_release_parses_with_vobject(client, demo) -> None:
    response = client.get(f"/press/{SEED_004}/contacts.vcf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/vcard; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="press-contacts-{SEED_004}.vcf"'

    cards = list(vobject.readComponents(response.content.decode("utf-8")))

    assert [c.fn.value for c in cards] == [
        "Абдыразакова Гульмира",
        "Мамасалиева Гульгаакы",
        "Добрецова Надежда",
        "Жусупова Чынар",
        "Давлетбаева Галина",
    ]
    assert [[t.value for t in c.contents["tel"]] for c in cards] == [
        ["+996702174107"],
        ["+996555077764"],
        ["+996777777990"],
        ["+996555808692"],
        ["+996555935193"],
    ]
    assert cards[0].org.value == ["СПС"]
    assert cards[0].title.value == "член Оргкомитета, ответственная для интервью журналистам"
    assert all(c.version.value == "3.0" for c in cards)
    assert "Вклад организаций гражданского общества" in cards[0].note.value


def test_vcard_escapes_and_folds_long_values_without_breaking_letters(db) -> None:
    org = make_organisation(db, name="Ассоциация; «Союз, местных» \\ самоуправлений Кыргызской Республики и партнёров")
    contact = make_press_contact(
        db,
        name="Жетиген Бакиров",
        organisation_id=org.id,
        role="пресс-секретарь; для интервью,\nпо будням",
        phones=["+996702174107", "+996555077764"],
        email="press@example.kg",
    )
    db.refresh(contact)

    body = render_vcard([contact], note="Контакт для прессы: " + "очень длинный заголовок " * 8)

    assert all(len(line.encode()) <= 75 for line in body.decode().split("\r\n"))
    card = vobject.readOne(body.decode())
    assert card.org.value == [org.name]
    assert card.title.value == "пресс-секретарь; для интервью,\nпо будням"
    assert [t.value for t in card.contents["tel"]] == ["+996702174107", "+996555077764"]
    assert card.email.value == "press@example.kg"
    assert card.note.value.endswith("заголовок ")


def test_vcard_of_a_release_without_contacts_is_404(client, db) -> None:
    release = make_release(db)
    db.commit()
    assert client.get(f"/press/{release.slug}/contacts.vcf").status_code == 404


def test_vcard_answers_304_to_a_matching_etag(client, db) -> None:
    release = make_release(db)
    db.add(PressReleaseContact(release_id=release.id, contact_id=make_press_contact(db).id))
    db.commit()
    first = client.get(f"/press/{release.slug}/contacts.vcf")
    again = client.get(f"/press/{release.slug}/contacts.vcf", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_vcard_name_is_split_into_family_and_given_name(client, demo) -> None:
    """Seed names are «Фамилия Имя»: a phone must file Абдыразакова under А with Гульмира as given name."""
    cards = list(vobject.readComponents(client.get(f"/press/{SEED_004}/contacts.vcf").content.decode("utf-8")))
    assert [(c.n.value.family, c.n.value.given) for c in cards] == [
        ("Абдыразакова", "Гульмира"),
        ("Мамасалиева", "Гульгаакы"),
        ("Добрецова", "Надежда"),
        ("Жусупова", "Чынар"),
        ("Давлетбаева", "Галина"),
    ]
    assert cards[0].fn.value == "Абдыразакова Гульмира"


@pytest.mark.parametrize(
    ("name", "family", "given", "additional"),
    [
        ("Асанова Айгуль Бакытовна", "Асанова", "Айгуль", "Бакытовна"),
        ("Бакыт Асан уулу", "Бакыт Асан уулу", "", ""),  # no family name to put first
        ("Пресс-служба", "Пресс-служба", "", ""),
        ("Ли Мария Анна Сергеевна", "Ли Мария Анна Сергеевна", "", ""),
    ],
)
def test_vcard_names_that_cannot_be_split_stay_whole(db, name, family, given, additional) -> None:
    card = vobject.readOne(render_vcard([make_press_contact(db, name=name, phones=["+996702174107"])]).decode())
    assert (card.n.value.family, card.n.value.given, card.n.value.additional) == (family, given, additional)
    assert card.fn.value == name
