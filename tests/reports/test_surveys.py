"""Feedback questionnaires: written by the organiser in three languages, answered once from
the participant's private link (anonymous or not), bad answers refused with nothing stored,
results with charts and the texts, the export, the pre/post change."""

import io
from datetime import UTC, datetime

import openpyxl
from lxml import html
from sqlmodel import select

from eventhub.core.models import Registration, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from eventhub.core.tokens import hash_token
from eventhub.surveys import service
from tests.factories import add_organisation_role, make_event, make_organisation

QUESTIONS_RU = """rating*: Насколько полезен был тренинг?
single: Откуда вы узнали? | Facebook | Коллеги | Другое
multiple: Какие темы нужны? | Бюджет | Гендер | Закупки
text: Что улучшить?"""
QUESTIONS_EN = """How useful was the training?
Where did you hear of it? | Facebook | Colleagues | Other
Which topics are needed? | Budget | Gender | Procurement
What should change?"""
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _setup(db, n=3):
    org = make_organisation(db, slug="survey-org")
    event = make_event(db, slug="survey-training", start_at=datetime(2026, 5, 1, 4, tzinfo=UTC))
    add_organisation_role(db, event, org)
    regs = []
    for i in range(n):
        reg = Registration(
            event_id=event.id, token_hash=hash_token(f"survey-token-{i}"), full_name=f"Участник {i}",
            email=f"p{i}@x.kg", email_normalised=f"p{i}@x.kg", status="attended", consent_at=NOW, consent_text="да",
        )  # fmt: skip
        db.add(reg)
        regs.append(reg)
    db.flush()
    return event, regs


def _create(client, csrf, anonymous=False, phase="post", questions=QUESTIONS_RU, en=QUESTIONS_EN):
    data = {"title": "Отзыв о тренинге", "title_en": "Training feedback", "phase": phase, "questions_ru": questions,
            "questions_en": en, "csrf_token": csrf}  # fmt: skip
    if anonymous:
        data["anonymous"] = "1"
    return client.post("/admin/events/survey-training/surveys", data=data, follow_redirects=False)


def test_write_answer_once_and_see_the_results(client, login_as, db):
    event, regs = _setup(db)
    _user, csrf = login_as("organiser", ("survey-org",))
    assert 'href="/admin/events/survey-training/surveys"' in client.get("/admin/events/survey-training/report").text
    r = _create(client, csrf)
    assert r.status_code == 303
    survey = db.exec(select(Survey)).one()
    questions = service.questions(db, survey)
    assert [q.kind for q in questions] == ["rating", "single", "multiple", "text"]
    assert questions[0].required and questions[1].options == ["Facebook", "Коллеги", "Другое"]
    assert questions[1].translations["en"] == {
        "text": "Where did you hear of it?",
        "options": ["Facebook", "Colleagues", "Other"],
    }
    rating, single, multiple, text = (f"q{q.id}" for q in questions)

    # the participant finds it on their private page, in English there
    page = client.get("/r/survey-token-0?lang=en")
    assert f'href="/r/survey-token-0/survey/{survey.id}"' in page.text and "Training feedback" in page.text
    form = html.fromstring(client.get(f"/r/survey-token-0/survey/{survey.id}?lang=en").text)
    assert "Where did you hear of it?" in [el.text_content().strip() for el in form.cssselect("legend")]
    client.get("/r/survey-token-0?lang=ru")  # back to Russian (the choice is kept in a cookie)

    # out of range: a clear error, what was typed stays, nothing stored
    r = client.post(f"/r/survey-token-0/survey/{survey.id}", data={rating: "7", single: "1", text: "Больше практики"})
    assert r.status_code == 422
    doc = html.fromstring(r.text)
    assert doc.cssselect(f"#e-{rating}")[0].text_content() == "оценка — число от 1 до 5"
    assert doc.cssselect("textarea")[0].text_content() == "Больше практики"
    assert db.exec(select(SurveyResponse)).all() == [] and db.exec(select(SurveyAnswer)).all() == []
    r = client.post(f"/r/survey-token-0/survey/{survey.id}", data={rating: "4", single: "9"})
    assert r.status_code == 422 and "выберите один вариант" in r.text
    r = client.post(f"/r/survey-token-0/survey/{survey.id}", data={single: "0"})
    assert r.status_code == 422 and "ответьте на этот вопрос" in r.text
    assert db.exec(select(SurveyResponse)).all() == []

    answers = [
        {rating: "4", single: "1", multiple: ["0", "2"], text: "Больше практики"},
        {rating: "5", single: "1", multiple: ["2"]},
        {rating: "2", single: "0", text: "Короче"},
    ]
    for i, data in enumerate(answers):
        r = client.post(f"/r/survey-token-{i}/survey/{survey.id}", data=data, follow_redirects=False)
        assert r.status_code == 303
    # sent twice: refused, nothing more stored
    r = client.post(f"/r/survey-token-0/survey/{survey.id}", data={rating: "1"})
    assert r.status_code == 409 and "Вы уже ответили" in r.text
    assert len(db.exec(select(SurveyResponse)).all()) == 3
    responses = db.exec(select(SurveyResponse)).all()
    assert {r.registration_id for r in responses} == {reg.id for reg in regs}  # not anonymous
    assert "вы ответили, спасибо" in client.get("/r/survey-token-0").text

    total, results = service.results(db, survey)
    assert total == 3
    assert results[0].counts == [0, 1, 0, 1, 1] and results[0].mean == 3.67
    assert results[1].counts == [1, 2, 0]
    assert results[2].counts == [1, 0, 2] and results[2].answers == 2
    assert results[3].texts == ["Больше практики", "Короче"]

    page = html.fromstring(client.get(f"/admin/events/survey-training/surveys/{survey.id}").text)
    svgs = page.xpath("//*[local-name()='svg']")
    assert len(svgs) == 3  # the text question has its answers listed, no chart
    assert svgs[0].xpath("./*[local-name()='desc']")[0].text_content().startswith("1: 0; 2: 1")
    assert [li.text_content() for li in page.cssselect("ul.survey-texts li")] == ["Больше практики", "Короче"]

    wb = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/admin/events/survey-training/surveys/{survey.id}/export.xlsx").content)
    )
    summary = list(wb.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert summary[0] == ("Насколько полезен был тренинг?", "1", 0, 3.67)
    assert wb.worksheets[0].auto_filter.ref == "A1:D13"  # 5 ratings, 3 + 3 options, the texts
    assert all(len(ws._charts) == 1 for ws in wb.worksheets[1:4])
    assert [r[1] for r in wb["Тексты"].iter_rows(min_row=2, values_only=True)] == ["Больше практики", "Короче"]


def test_anonymous_answers_keep_no_registration(client, login_as, db):
    event, regs = _setup(db, 1)
    _user, csrf = login_as("admin")
    _create(client, csrf, anonymous=True)
    survey = db.exec(select(Survey)).one()
    rating = f"q{service.questions(db, survey)[0].id}"
    assert (
        client.post(f"/r/survey-token-0/survey/{survey.id}", data={rating: "5"}, follow_redirects=False).status_code
        == 303
    )
    assert client.post(f"/r/survey-token-0/survey/{survey.id}", data={rating: "5"}).status_code == 409  # once per link
    response = db.exec(select(SurveyResponse)).one()
    assert response.registration_id is None


def test_bad_questionnaires_are_refused(client, login_as, db):
    _setup(db, 0)
    _user, csrf = login_as("admin")
    for questions, en, field, message in (
        ("", "", "questions_ru", "напишите хотя бы один вопрос"),
        (
            "stars: Как вам?",
            "",
            "questions_ru",
            "строка 1: начните с вида вопроса (rating, single, multiple, text), двоеточия и текста",
        ),
        ("single: Откуда? | Facebook", "", "questions_ru", "строка 1: нужно не меньше двух вариантов через «|»"),
        (
            "rating: Как вам?\ntext: Что ещё?",
            "How was it?",
            "questions_en",
            "столько же строк, сколько вопросов на русском (2)",
        ),
    ):
        r = _create(client, csrf, questions=questions, en=en)
        assert r.status_code == 422
        assert html.fromstring(r.text).cssselect(f"#e-{field}")[0].text_content() == message
    assert db.exec(select(Survey)).all() == [] and db.exec(select(SurveyQuestion)).all() == []


def test_pre_and_post_paired_per_participant(client, login_as, db):
    event, regs = _setup(db, 3)
    _user, csrf = login_as("admin")
    questions = "rating: Знаю, как читать бюджет\nrating: Могу объяснить коллегам"
    _create(client, csrf, phase="pre", questions=questions, en="")
    _create(client, csrf, phase="post", questions=questions, en="")
    pre, post = db.exec(select(Survey).order_by(Survey.id)).all()
    for survey, ratings in ((pre, {0: (2, 1), 1: (3, 3), 2: (1, 1)}), (post, {0: (4, 3), 1: (5, 4)})):
        q1, q2 = (f"q{q.id}" for q in service.questions(db, survey))
        for i, (a, b) in ratings.items():
            client.post(f"/r/survey-token-{i}/survey/{survey.id}", data={q1: str(a), q2: str(b)})
    changes = service.pre_post(db, event.id)
    # participant 2 answered only before: not paired
    assert [(c.pairs, c.before, c.after, c.delta) for c in changes] == [(2, 2.5, 4.5, 2.0), (2, 2.0, 3.5, 1.5)]
    assert "+2.00" in client.get("/admin/events/survey-training/surveys").text


def test_the_after_event_message_asks_for_feedback(db, settings):
    import sqlalchemy as sa

    from eventhub.core.models import EventMailSettings, OutboxMessage, RegistrationNotice
    from eventhub.registrations import reminders
    from eventhub.registrations.mail import Site

    event, regs = _setup(db, 1)
    db.add(EventMailSettings(event_id=event.id, after_event=True, after_event_text="Спасибо!"))
    db.flush()
    site = Site.from_settings(settings)
    [first] = reminders.queue_after_event(db, event_id=event.id, now=NOW, site=site)
    assert "ответьте на несколько вопросов" not in db.get(OutboxMessage, first).body_text  # no questionnaire yet
    service.create_survey(
        db, event=event, title="Отзыв", phase="post", anonymous=False, intro=None, sources={"ru": "rating: Как вам?"}
    )
    db.exec(sa.delete(RegistrationNotice))  # as if it had not gone yet
    [second] = reminders.queue_after_event(db, event_id=event.id, now=NOW, site=site)
    body = db.get(OutboxMessage, second).body_text
    assert (
        "Пожалуйста, ответьте на несколько вопросов о мероприятии — опрос на вашей странице: "
        + site.private_url(regs[0])
        in body
    )
