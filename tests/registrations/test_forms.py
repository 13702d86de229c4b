"""An event's own form: questions of every kind (with ru/ky/en versions), the optional standard
fields, through the form, the API, the import and the exports; changing a question keeps answers."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from eventhub.core.models import FormQuestion, Registration
from tests.factories import make_organisation
from tests.registrations.conftest import NOW, form, open_event

KINDS = ("short_text", "long_text", "single_choice", "multiple_choice", "yes_no", "number", "date")


@pytest.fixture()
def organised(db):
    org = make_organisation(db, slug="forum-org", name="Форум НКО")
    # A two-day forum (local 10:00 on day one to 17:00 on day two).
    start = NOW + timedelta(days=30)
    event = open_event(db, organiser=org, capacity=50, start_at=start, end_at=start + timedelta(days=1, hours=7))
    db.commit()
    return event


@pytest.fixture()
def organiser(login_as, organised):
    _user, csrf = login_as("organiser", organisations=("forum-org",), email="org@example.org")
    return csrf


def _base(event) -> str:
    return f"/admin/events/{event.slug}/registrations/form"


def _add(client, event, csrf, **kw):
    return client.post(f"{_base(event)}/questions", data={"csrf_token": csrf, **kw})


def _questions(db, event) -> dict[str, FormQuestion]:
    db.expire_all()
    return {q.kind: q for q in db.exec(select(FormQuestion).where(FormQuestion.event_id == event.id))}


def _reg(db, event, email="aigul@example.org") -> Registration:
    db.expire_all()
    return db.exec(select(Registration).where(Registration.event_id == event.id, Registration.email == email)).one()


def _all_kinds(client, db, event, csrf) -> dict[str, FormQuestion]:
    assert _add(client, event, csrf, kind="short_text", label="Ваш ИНН", label_en="Your tax id").status_code == 200
    assert _add(client, event, csrf, kind="long_text", label="Чего вы ждёте от форума?").status_code == 200
    single = _add(
        client,
        event,
        csrf,
        kind="single_choice",
        label="Секция",
        required="on",
        choices="Вода\nЗемля\nЭнергетика",
        label_ky="Секция (ky)",
        choices_ky="Суу\nЖер\nЭнергетика",
    )
    assert single.status_code == 200
    assert (
        _add(
            client, event, csrf, kind="multiple_choice", label="Питание", choices="Вегетарианское\nХалал\nБез глютена"
        ).status_code
        == 200
    )
    assert _add(client, event, csrf, kind="yes_no", label="Будете на ужине?").status_code == 200
    assert _add(client, event, csrf, kind="number", label="Сколько лет в профессии?").status_code == 200
    assert _add(client, event, csrf, kind="date", label="Дата рождения", help_text="для пропуска").status_code == 200
    qs = _questions(db, event)
    assert set(qs) == set(KINDS)
    return qs


def _answers(qs, **overrides) -> dict[str, str]:
    values = {
        f"q_{qs['short_text'].id}": "123456789",
        f"q_{qs['long_text'].id}": "Обмен опытом\nи контакты",
        f"q_{qs['single_choice'].id}": qs["single_choice"].choices[1]["key"],
        f"q_{qs['multiple_choice'].id}_{qs['multiple_choice'].choices[0]['key']}": "on",
        f"q_{qs['multiple_choice'].id}_{qs['multiple_choice'].choices[1]['key']}": "on",
        f"q_{qs['yes_no'].id}": "yes",
        f"q_{qs['number'].id}": "7,5",
        f"q_{qs['date'].id}": "1990-04-02",
    }
    values.update(overrides)
    return values


def test_every_kind_of_question_is_asked_answered_stored_and_exported(client, db, clock, organised, organiser) -> None:
    qs = _all_kinds(client, db, organised, organiser)
    page = client.get(f"/events/{organised.slug}/register")
    for q in qs.values():
        assert q.label in page.text
    assert "Энергетика" in page.text and "для пропуска" in page.text

    assert client.post(f"/events/{organised.slug}/register", data=form() | _answers(qs)).status_code == 200
    reg = _reg(db, organised)
    assert reg.answers == {
        str(qs["short_text"].id): "123456789",
        str(qs["long_text"].id): "Обмен опытом\nи контакты",
        str(qs["single_choice"].id): qs["single_choice"].choices[1]["key"],
        str(qs["multiple_choice"].id): [c["key"] for c in qs["multiple_choice"].choices[:2]],
        str(qs["yes_no"].id): True,
        str(qs["number"].id): 7.5,
        str(qs["date"].id): "1990-04-02",
    }

    exported = client.get(f"/admin/events/{organised.slug}/registrations/export.csv").content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(exported), delimiter=";"))[:2]
    cells = dict(zip(header, row, strict=True))
    assert cells["Секция"] == "Земля"
    assert cells["Питание"] == "Вегетарианское; Халал"
    assert (cells["Будете на ужине?"], cells["Сколько лет в профессии?"], cells["Дата рождения"]) == (
        "Да",
        "7,5",
        "02.04.1990",
    )
    xlsx = load_workbook(io.BytesIO(client.get(f"/admin/events/{organised.slug}/registrations/export.xlsx").content))
    sheet = xlsx.worksheets[0]
    heads = [c.value for c in sheet[1]]
    assert sheet.cell(2, heads.index("Секция") + 1).value == "Земля"
    stats_sheet = [[c.value for c in r] for r in xlsx.worksheets[1].iter_rows()]
    assert ["Земля", 1, 0, 0] in stats_sheet

    stats = client.get(f"/admin/events/{organised.slug}/registrations/stats")
    assert "Секция" in stats.text and "Питание" in stats.text and "Халал" in stats.text

    listing = client.get(f"/admin/events/{organised.slug}/registrations")
    assert "Земля" in listing.text  # the staff list shows the answers


def test_wrong_answers_get_a_message_each_and_the_form_keeps_what_was_typed(
    client, db, clock, organised, organiser
) -> None:
    qs = _all_kinds(client, db, organised, organiser)
    bad = _answers(
        qs,
        **{
            f"q_{qs['single_choice'].id}": "",  # required
            f"q_{qs['number'].id}": "семь",
            f"q_{qs['date'].id}": "31.02.1990",
            f"q_{qs['yes_no'].id}": "может быть",
            f"q_{qs['short_text'].id}": "<script>x</script>",
        },
    )
    response = client.post(f"/events/{organised.slug}/register", data=form(full_name="") | bad)
    assert response.status_code == 422
    text = response.text
    for message in ("обязательный вопрос", "нужно число", "нужна дата", "ответьте «да» или «нет»", "HTML-теги"):
        assert message in text
    assert "слишком короткое имя" in text or "обязательное поле" in text  # the common fields at the same time
    assert "Обмен опытом" in text and "семь" in text  # what was typed stays
    assert db.exec(select(Registration)).first() is None


def test_question_versions_follow_the_readers_language(client, db, clock, organised, organiser) -> None:
    qs = _all_kinds(client, db, organised, organiser)
    page = client.get(f"/events/{organised.slug}/register", headers={"Accept-Language": "ky"})
    assert "Секция (ky)" in page.text and "Суу" in page.text
    english = client.get(f"/events/{organised.slug}/register?lang=en", headers={"Accept-Language": "en"})
    assert "Your tax id" in english.text
    # A Kyrgyz participant answers with the Kyrgyz wording in the API: the same key is stored.
    client.cookies.clear()
    response = client.post(
        f"/api/v1/events/{organised.slug}/registrations",
        json={
            "full_name": "Бакыт Асанов",
            "email": "bakyt@example.org",
            "consent": True,
            "answers": {str(qs["single_choice"].id): "Суу", str(qs["multiple_choice"].id): ["Халал"]},
        },
    )
    assert response.status_code == 202, response.text
    reg = _reg(db, organised, "bakyt@example.org")
    assert reg.answers[str(qs["single_choice"].id)] == qs["single_choice"].choices[0]["key"]


def test_the_api_refuses_bad_answers_with_a_field_each(client, db, clock, organised, organiser, bearer_as) -> None:
    qs = _all_kinds(client, db, organised, organiser)
    client.cookies.clear()
    response = client.post(
        f"/api/v1/events/{organised.slug}/registrations",
        json={
            "full_name": "Бакыт Асанов",
            "email": "bakyt@example.org",
            "consent": True,
            "answers": {str(qs["number"].id): "много", "99999": "x", str(qs["multiple_choice"].id): ["Мясо"]},
        },
    )
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields[f"answers.{qs['number'].id}"].startswith("нужно число")
    assert fields["answers.99999"] == "в форме нет такого вопроса"
    assert "такого варианта нет" in fields[f"answers.{qs['multiple_choice'].id}"]
    assert fields[f"answers.{qs['single_choice'].id}"] == "обязательный вопрос"
    assert db.exec(select(Registration)).first() is None

    ok = client.post(
        f"/api/v1/events/{organised.slug}/registrations",
        json={
            "full_name": "Бакыт Асанов",
            "email": "bakyt@example.org",
            "consent": True,
            "answers": {str(qs["single_choice"].id): "Вода", str(qs["yes_no"].id): False, str(qs["number"].id): 3},
        },
    )
    assert ok.status_code == 202
    staff = client.get(
        f"/api/v1/events/{organised.slug}/registrations", headers=bearer_as("organiser", ("forum-org",))
    ).json()
    [item] = staff["items"]
    assert item["answers"] == {
        str(qs["single_choice"].id): qs["single_choice"].choices[0]["key"],
        str(qs["yes_no"].id): False,
        str(qs["number"].id): 3,
    }


def test_changing_a_question_keeps_its_answers(client, db, clock, organised, organiser) -> None:
    qs = _all_kinds(client, db, organised, organiser)
    assert client.post(f"/events/{organised.slug}/register", data=form() | _answers(qs)).status_code == 200
    single = qs["single_choice"]
    # Re-worded, re-ordered and one choice removed, another added.
    changed = client.post(
        f"{_base(organised)}/questions/{single.id}",
        data={
            "csrf_token": organiser,
            "kind": "single_choice",
            "label": "Тематическая секция",
            "required": "on",
            "choices": "Энергетика\nЗемельные ресурсы\nКлимат",
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    exported = client.get(f"/admin/events/{organised.slug}/registrations/export.csv").content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(exported), delimiter=";"))[:2]
    assert dict(zip(header, row, strict=True))["Тематическая секция"] == "Земельные ресурсы"
    # A question with answers is archived, not deleted: the answers stay in the export.
    long_id = qs["long_text"].id
    assert (
        client.post(f"{_base(organised)}/questions/{long_id}/delete", data={"csrf_token": organiser}).status_code == 200
    )
    page = client.get(f"/events/{organised.slug}/register")
    assert "Чего вы ждёте от форума?" not in page.text
    exported = client.get(f"/admin/events/{organised.slug}/registrations/export.csv").content.decode("utf-8-sig")
    assert "Обмен опытом" in exported


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "short_text", "label": ""}, "label", "не может быть пустым"),
        ({"kind": "single_choice", "label": "Секция", "choices": ""}, "choices", "хотя бы один вариант"),
        ({"kind": "multiple_choice", "label": "Секция", "choices": "А\nа"}, "choices", "повторяются"),
        (
            {"kind": "single_choice", "label": "Секция", "choices": "А\nБ", "choices_en": "A"},
            "choices_en",
            "столько же",
        ),
        ({"kind": "essay", "label": "Секция"}, "kind", "выберите тип вопроса"),
    ],
)
def test_a_bad_question_is_refused_with_a_clear_message(client, db, organised, organiser, data, field, message) -> None:
    response = _add(client, organised, organiser, **data)
    assert response.status_code == 422
    assert message in response.text
    assert f'id="err-{field}"' in response.text
    assert _questions(db, organised) == {}


@pytest.mark.parametrize(
    ("rate", "message"),
    [("-5", "не могут быть отрицательными"), ("много", "это число"), ("1,234", "двух знаков")],
)
def test_a_bad_rate_per_day_is_refused(client, db, organised, organiser, rate, message) -> None:
    response = client.post(f"{_base(organised)}/settings", data={"csrf_token": organiser, "per_diem_rate": rate})
    assert response.status_code == 422
    assert message in response.text
    assert f'value="{rate}"' in response.text


def _switch_on(client, event, csrf, *names, **extra) -> None:
    data = {"csrf_token": csrf, **{f"field_{n}": "on" for n in names}, **extra}
    assert client.post(f"{_base(event)}/settings", data=data, follow_redirects=False).status_code == 303


OPTIONAL = ("age_group", "disability", "travel_from", "travel_dates", "accommodation")


def test_optional_fields_are_asked_only_when_switched_on(client, db, clock, organised, organiser) -> None:
    page = client.get(f"/events/{organised.slug}/register")
    assert 'name="age_group"' not in page.text and 'name="arrival_date"' not in page.text
    # Sent anyway (an old client): not stored where the event asks nothing.
    client.post(f"/events/{organised.slug}/register", data=form(age_group="30_44"))
    assert _reg(db, organised).age_group is None

    _switch_on(client, organised, organiser, *OPTIONAL, per_diem_rate="1 500,50")
    page = client.get(f"/events/{organised.slug}/register")
    for name in (
        "age_group",
        "disability",
        "travel_region",
        "travel_district",
        "arrival_date",
        "departure_date",
        "accommodation",
    ):
        assert f'name="{name}"' in page.text
    day1 = (organised.start_at + timedelta(hours=6)).date()
    response = client.post(
        f"/events/{organised.slug}/register",
        data=form(
            email="second@example.org",
            age_group="18_29",
            disability="prefer_not_to_say",
            travel_region="batken",
            travel_district="Лейлекский район",
            arrival_date=(day1 - timedelta(days=1)).isoformat(),
            departure_date=(day1 + timedelta(days=1)).isoformat(),
            accommodation="yes",
        ),
    )
    assert response.status_code == 200
    reg = _reg(db, organised, "second@example.org")
    assert (reg.age_group, reg.disability, reg.travel_region, reg.travel_district, reg.accommodation) == (
        "18_29",
        "prefer_not_to_say",
        "batken",
        "Лейлекский район",
        True,
    )
    assert (reg.arrival_date, reg.departure_date) == (day1 - timedelta(days=1), day1 + timedelta(days=1))

    exported = client.get(f"/admin/events/{organised.slug}/registrations/export.csv").content.decode("utf-8-sig")
    rows = {r[2]: r for r in csv.reader(io.StringIO(exported), delimiter=";")}
    header = list(csv.reader(io.StringIO(exported), delimiter=";"))[0]
    cells = dict(zip(header, rows["second@example.org"], strict=True))
    assert (cells["Возрастная группа"], cells["Инвалидность"], cells["Откуда: область"], cells["Проживание"]) == (
        "18–29 лет",
        "Предпочитаю не отвечать",
        "Баткенская область",
        "Да",
    )
    stats = client.get(f"/admin/events/{organised.slug}/registrations/stats").text
    assert "Возрастная группа" in stats and "18–29 лет" in stats and "Откуда едут" in stats


def test_travel_dates_outside_the_event_are_refused(client, db, clock, organised, organiser) -> None:
    _switch_on(client, organised, organiser, "travel_dates")
    day1 = (organised.start_at + timedelta(hours=6)).date()
    response = client.post(
        f"/events/{organised.slug}/register",
        data=form(arrival_date=(day1 - timedelta(days=5)).isoformat()),
    )
    assert response.status_code == 422
    assert "дата вне мероприятия" in response.text
    garbled = client.post(f"/events/{organised.slug}/register", data=form(departure_date="2030-13-40"))
    assert garbled.status_code == 422 and "нужна дата" in garbled.text
    reversed_ = client.post(
        f"/events/{organised.slug}/register",
        data=form(arrival_date=(day1 + timedelta(days=1)).isoformat(), departure_date=day1.isoformat()),
    )
    assert "дата отъезда раньше даты приезда" in reversed_.text
    api = client.post(
        f"/api/v1/events/{organised.slug}/registrations",
        json={"full_name": "Бакыт Асанов", "email": "b@example.org", "consent": True, "arrival_date": "2001-01-01"},
    )
    assert api.status_code == 422 and "дата вне мероприятия" in api.json()["error"]["fields"]["arrival_date"]
    assert db.exec(select(Registration)).first() is None


def test_the_private_page_shows_and_changes_answers_and_optional_fields(
    client, db, clock, organised, organiser, mailbox
) -> None:
    qs = _all_kinds(client, db, organised, organiser)
    _switch_on(client, organised, organiser, "age_group", "accommodation")
    client.post(f"/events/{organised.slug}/register", data=form(age_group="45_59") | _answers(qs))
    [message] = mailbox.wait_for(1)
    link = re.search(r"http://testserver(/r/[\w-]+)", message.get_body(("plain",)).get_content()).group(1)
    page = client.get(link)
    assert 'value="123456789"' in page.text and 'value="45_59" selected' in page.text
    saved = client.post(
        link, data=form(age_group="60_plus") | _answers(qs, **{f"q_{qs['number'].id}": "12"}), follow_redirects=False
    )
    assert saved.status_code == 303
    reg = _reg(db, organised)
    assert reg.age_group == "60_plus" and reg.answers[str(qs["number"].id)] == 12


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_import_reads_answers_and_optional_fields_by_their_column(client, db, clock, organised, organiser) -> None:
    qs = _all_kinds(client, db, organised, organiser)
    _switch_on(client, organised, organiser, *OPTIONAL)
    day1 = (organised.start_at + timedelta(hours=6)).date()
    content = _xlsx(
        [
            [
                "ФИО",
                "E-mail",
                "Секция",
                "Питание",
                "Будете на ужине?",
                "Сколько лет в профессии?",
                "Дата рождения",
                "Возрастная группа",
                "Инвалидность",
                "Откуда: область",
                "Дата приезда",
                "Проживание",
            ],
            [
                "Айгуль Осмонова",
                "aigul@example.org",
                "Вода",
                "Халал; Без глютена",
                "да",
                "12",
                "02.04.1990",
                "30-44",
                "нет",
                "Нарынская область",
                day1.strftime("%d.%m.%Y"),
                "нет",
            ],
            ["Бакыт Асанов", "bakyt@example.org", "Огонь", "", "", "", "", "", "", "", "01.01.2001", ""],
        ]
    )
    base = f"/admin/events/{organised.slug}/registrations/import"
    preview = client.post(base, data={"csrf_token": organiser}, files={"file": ("list.xlsx", content)})
    assert preview.status_code == 422
    assert "такого варианта нет: «Огонь»" in preview.text and "дата вне мероприятия" in preview.text
    good = _xlsx(
        [
            [
                "ФИО",
                "E-mail",
                "Секция",
                "Питание",
                "Будете на ужине?",
                "Сколько лет в профессии?",
                "Дата рождения",
                "Возрастная группа",
                "Инвалидность",
                "Откуда: область",
                "Дата приезда",
                "Проживание",
            ],
            [
                "Айгуль Осмонова",
                "aigul@example.org",
                "Вода",
                "Халал; Без глютена",
                "да",
                "12",
                "02.04.1990",
                "30-44",
                "нет",
                "Нарынская область",
                day1.strftime("%d.%m.%Y"),
                "нет",
            ],
        ]
    )
    preview = client.post(base, data={"csrf_token": organiser}, files={"file": ("list.xlsx", good)})
    assert preview.status_code == 200, preview.text
    preview_id = re.search(r'name="preview" value="(\d+)"', preview.text).group(1)  # the rows stay on the server
    done = client.post(
        f"{base}/confirm",
        data={"csrf_token": organiser, "preview": preview_id, "consent": "on", "filename": "list.xlsx"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    reg = _reg(db, organised)
    assert reg.answers == {
        str(qs["single_choice"].id): qs["single_choice"].choices[0]["key"],
        str(qs["multiple_choice"].id): [c["key"] for c in qs["multiple_choice"].choices[1:]],
        str(qs["yes_no"].id): True,
        str(qs["number"].id): 12,
        str(qs["date"].id): "1990-04-02",
    }
    assert (reg.age_group, reg.disability, reg.travel_region, reg.arrival_date, reg.accommodation) == (
        "30_44",
        "no",
        "naryn",
        day1,
        False,
    )
    assert isinstance(reg.arrival_date, date)
