"""Closing reports and recommendations: the organiser's pages, the API, what the public reads
(the event page's «Итоги», /recommendations, the ministry's page, the Atom feed)."""

from datetime import UTC, datetime, timedelta

import feedparser
from sqlmodel import func, select

from eventhub.core.models import ClosingReport, Recommendation, RecommendationStep, Registration, SessionOutcome
from tests.factories import (
    add_organisation_role,
    make_event,
    make_organisation,
    make_panel,
    make_project,
    make_session,
)

PAST = datetime(2025, 3, 12, 4, 0, tzinfo=UTC)


def _world(db):
    org = make_organisation(db, slug="cso-forum", name="Форум ОГО")
    minjust = make_organisation(db, slug="minjust", name="Министерство юстиции", kind="ministry")
    minfin = make_organisation(db, slug="minfin", name="Министерство финансов", kind="ministry")
    project = make_project(db, slug="dialogue")
    event = make_event(db, slug="cso-dialogue", title="Диалог ОГО и государства", start_at=PAST,
                       end_at=PAST + timedelta(hours=8), project_id=project.id)  # fmt: skip
    add_organisation_role(db, event, org, "organiser")
    panel = make_session(db, event, title="Панель 1: законодательство", position=1)
    make_panel(db, panel, expected_result="Предложения по закону о НКО")
    other = make_session(db, event, title="Панель 2: финансирование", position=2)
    db.commit()
    return event, panel, other, minjust, minfin


def _report_form(csrf, panel, other, **extra):
    return {
        "csrf_token": csrf, "attendance": "120", "organisations_count": "45", "kind-cso": "30", "kind-ministry": "5",
        "language": "ru", "summary": "Участники **договорились** о четырёх предложениях.", "minutes": "",
        f"outcome-{panel.id}": "Три поправки к закону о НКО", f"outcome-{other.id}": "",
    } | extra  # fmt: skip


def test_an_unpublished_report_is_not_public_and_publishing_shows_itogi(client, db, login_as) -> None:
    event, panel, other, *_ = _world(db)
    _, csrf = login_as("organiser", ("cso-forum",))
    response = client.post(
        f"/admin/events/{event.slug}/report", data=_report_form(csrf, panel, other), follow_redirects=False
    )
    assert response.status_code == 303
    report = db.exec(select(ClosingReport)).one()
    assert report.attendance == 120 and report.organisation_kinds == {"cso": 30, "ministry": 5}
    assert report.published_at is None
    assert db.exec(select(SessionOutcome)).one().result == "Три поправки к закону о НКО"
    client.cookies.clear()
    assert "h-outcomes" not in client.get(f"/events/{event.slug}").text
    assert client.get(f"/api/v1/events/{event.slug}/report").status_code == 404

    _, csrf = login_as("organiser", ("cso-forum",))
    form = _report_form(csrf, panel, other, action="publish")
    assert client.post(f"/admin/events/{event.slug}/report", data=form, follow_redirects=False).status_code == 303
    client.cookies.clear()
    # Another address than the first read: the anonymous page cache trusts its version for a second.
    page = client.get(f"/events/{event.slug}?after=publish").text
    assert 'id="h-outcomes"' in page and "Участников: 120" in page
    assert "<strong>договорились</strong>" in page
    assert "Предложения по закону о НКО" in page and "Три поправки к закону о НКО" in page
    api = client.get(f"/api/v1/events/{event.slug}/report").json()
    assert api["published"] is True and api["outcomes"][0]["result"] == "Три поправки к закону о НКО"


def test_a_wrong_figure_is_named_and_what_was_typed_stays(client, db, login_as) -> None:
    event, panel, other, *_ = _world(db)
    _, csrf = login_as("organiser", ("cso-forum",))
    response = client.post(
        f"/admin/events/{event.slug}/report",
        data=_report_form(csrf, panel, other, attendance="сто", summary="<script>x</script>"),
    )
    assert response.status_code == 422
    assert "нужно целое число" in response.text and "HTML-разметка" in response.text
    assert 'value="сто"' in response.text and "Три поправки к закону о НКО" in response.text
    assert db.exec(select(func.count()).select_from(ClosingReport)).one() == 0


def test_figures_come_from_the_check_in(client, db, login_as) -> None:
    event, panel, other, minjust, _ = _world(db)
    for i, (org_id, name) in enumerate([(minjust.id, None), (minjust.id, None), (None, "ОФ «Эл»"), (None, "оф «эл»")]):
        db.add(Registration(event_id=event.id, token_hash=f"t{i}", full_name=f"П {i}", email=f"p{i}@example.org",
                            email_normalised=f"p{i}@example.org", consent_at=PAST, consent_text="да",
                            status="attended", checked_in_at=PAST, organisation_id=org_id, organisation_name=name))  # fmt: skip
    db.add(Registration(event_id=event.id, token_hash="absent", full_name="Н", email="n@example.org",
                        email_normalised="n@example.org", consent_at=PAST, consent_text="да", status="confirmed"))  # fmt: skip
    db.commit()
    _, csrf = login_as("organiser", ("cso-forum",))
    response = client.post(
        f"/admin/events/{event.slug}/report", data=_report_form(csrf, panel, other, action="checkin")
    )
    assert response.status_code == 200
    assert 'name="attendance" type="number" value="4"' in response.text
    assert 'name="organisations_count" type="number" value="2"' in response.text
    assert 'name="kind-ministry" type="number" value="1"' in response.text
    assert db.exec(select(func.count()).select_from(ClosingReport)).one() == 0  # only refilled, not stored


def _publish(client, db, event, headers):
    response = client.put(
        f"/api/v1/events/{event.slug}/report", json={"published": True, "attendance": 80}, headers=headers
    )
    assert response.status_code == 200, response.text


def test_recommendations_through_the_api_reach_the_tracker_the_ministry_and_the_feed(client, db, bearer_as) -> None:
    event, panel, other, minjust, minfin = _world(db)
    headers = bearer_as("organiser", ("cso-forum",))
    first = client.post(
        f"/api/v1/events/{event.slug}/recommendations",
        json={"text": "Упростить регистрацию НКО", "addressees": ["minjust"], "session": panel.id,
              "responsible": "А. Исаков, +996 555 000 000", "translations": {"en": {"text": "Simplify NGO registration"}}},
        headers=headers,
    )  # fmt: skip
    assert first.status_code == 201, first.text
    rec = first.json()
    assert rec["status"] == "proposed" and rec["responsible"].startswith("А. Исаков")
    hidden = client.post(
        f"/api/v1/events/{event.slug}/recommendations",
        json={"text": "Внутренняя заметка", "addressees": ["minfin"], "is_public": False},
        headers=headers,
    )
    assert hidden.status_code == 201
    # Before the report is published nothing is public.
    assert client.get("/api/v1/recommendations").json()["total"] == 0
    _publish(client, db, event, headers)
    step = client.post(f"/api/v1/recommendations/{rec['id']}/steps",
                       json={"status": "accepted", "note": "Министерство включило в план"}, headers=headers)  # fmt: skip
    assert step.status_code == 201, step.text
    assert [s["status"] for s in step.json()["history"]] == ["proposed", "accepted"]
    # A step back is refused with a message naming where it may go.
    back = client.post(f"/api/v1/recommendations/{rec['id']}/steps", json={"status": "sent"}, headers=headers)
    assert back.status_code == 422 and "«выполняется»" in back.json()["error"]["fields"]["status"]

    listed = client.get("/api/v1/recommendations").json()
    assert listed["total"] == 1 and listed["items"][0]["status"] == "accepted"
    assert "responsible" not in listed["items"][0]
    assert client.get(f"/api/v1/recommendations/{hidden.json()['id']}").status_code == 404
    assert client.get("/api/v1/recommendations?organisation=minjust&status=accepted").json()["total"] == 1
    assert client.get("/api/v1/recommendations?status=implemented").json()["total"] == 0
    assert client.get("/api/v1/recommendations?status=nonsense").status_code == 422

    tracker = client.get("/recommendations?q=регистрацию").text
    assert "Упростить регистрацию НКО" in tracker and "Внутренняя заметка" not in tracker and "Исаков" not in tracker
    assert "Упростить регистрацию НКО" not in client.get("/recommendations?q=бюджет").text
    assert "Simplify NGO registration" in client.get("/recommendations?lang=en").text
    client.cookies.clear()  # ?lang= is remembered
    ministry = client.get("/organisations/minjust").text
    assert "Рекомендации, адресованные организации" in ministry and "Упростить регистрацию НКО" in ministry
    assert "Внутренняя заметка" not in client.get("/organisations/minfin").text
    assert "Упростить регистрацию НКО" in client.get("/projects/dialogue").text
    detail = client.get(f"/recommendations/{rec['id']}").text
    assert "Министерство включило в план" in detail and "принята" in detail

    feed = feedparser.parse(client.get("/recommendations.atom").content)
    assert not feed.bozo
    assert [e.title.split(":")[0] for e in feed.entries] == ["принята", "предложена"]


def test_writes_are_for_the_events_organisers_only(client, db, bearer_as) -> None:
    event, *_ = _world(db)
    make_organisation(db, slug="someone-else")
    db.commit()
    stranger = bearer_as("organiser", ("someone-else",))
    body = {"text": "Чужая рекомендация"}
    assert client.post(f"/api/v1/events/{event.slug}/recommendations", json=body, headers=stranger).status_code == 403
    assert client.post(f"/api/v1/events/{event.slug}/recommendations", json=body).status_code == 401
    press = bearer_as("press_officer")
    assert client.put(f"/api/v1/events/{event.slug}/report", json={}, headers=press).status_code == 403
    assert db.exec(select(func.count()).select_from(Recommendation)).one() == 0


def test_unknown_addressee_and_session_are_named_and_nothing_is_stored(client, db, bearer_as) -> None:
    event, *_ = _world(db)
    headers = bearer_as("organiser", ("cso-forum",))
    r = client.post(f"/api/v1/events/{event.slug}/recommendations",
                    json={"text": "Т", "addressees": ["no-such-ministry"]}, headers=headers)  # fmt: skip
    assert r.status_code == 422 and "no-such-ministry" in r.json()["error"]["fields"]["addressees"]
    r = client.post(
        f"/api/v1/events/{event.slug}/recommendations", json={"text": "Т", "session": 999999}, headers=headers
    )
    assert r.status_code == 422 and "session" in r.json()["error"]["fields"]
    assert db.exec(select(func.count()).select_from(Recommendation)).one() == 0
    assert db.exec(select(func.count()).select_from(RecommendationStep)).one() == 0


def test_the_organiser_moves_a_recommendation_on_from_its_page(client, db, login_as) -> None:
    event, panel, _other, minjust, minfin = _world(db)
    _, csrf = login_as("organiser", ("cso-forum",))
    response = client.post(
        f"/admin/events/{event.slug}/recommendations",
        data={"csrf_token": csrf, "text": "Создать совет по диалогу", "language": "ru", "session": str(panel.id),
              "addressees": ["minjust", "minfin"], "responsible": "", "due_on": "2025-12-31", "is_public": "on"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    rec = db.exec(select(Recommendation)).one()
    assert [a.organisation.slug for a in rec.addressees] == ["minjust", "minfin"]
    page = client.get(f"/admin/events/{event.slug}/recommendations/{rec.id}")
    assert page.status_code == 200 and "Следующий шаг" in page.text
    future = client.post(f"/admin/events/{event.slug}/recommendations/{rec.id}/steps",
                         data={"csrf_token": csrf, "status": "sent", "dated": "2099-01-01", "note": ""})  # fmt: skip
    assert future.status_code == 422 and "дата ещё не наступила" in future.text
    ok = client.post(f"/admin/events/{event.slug}/recommendations/{rec.id}/steps",
                     data={"csrf_token": csrf, "status": "sent", "dated": "2025-03-20", "note": "Письмо №12"},
                     follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303
    db.expire_all()
    assert db.get(Recommendation, rec.id).status == "sent"
    empty = client.post(f"/admin/events/{event.slug}/recommendations",
                        data={"csrf_token": csrf, "text": "", "language": "ru", "is_public": "on"})  # fmt: skip
    assert empty.status_code == 422 and "обязательное поле" in empty.text


def test_write_a_news_item_opens_the_press_editor_prefilled_from_the_report(client, db, login_as, bearer_as) -> None:
    event, panel, _other, *_ = _world(db)
    headers = bearer_as("organiser", ("cso-forum",))
    client.put(f"/api/v1/events/{event.slug}/report", headers=headers, json={
        "published": True, "attendance": 120, "organisations_count": 45, "summary": "Договорились о четырёх предложениях.",
        "outcomes": [{"session": panel.id, "result": "Три поправки к закону о НКО"}],
    })  # fmt: skip
    client.post(f"/api/v1/events/{event.slug}/recommendations", headers=headers,
                json={"text": "Упростить регистрацию НКО", "addressees": ["minjust"]})  # fmt: skip
    login_as("organiser", ("cso-forum",))
    report_page = client.get(f"/admin/events/{event.slug}/report").text
    assert f"/admin/press/new?event={event.slug}&amp;from=report" in report_page
    editor = client.get(f"/admin/press/new?event={event.slug}&from=report").text
    assert "Итоги: Диалог ОГО и государства" in editor
    assert "Участвовали 120 человек из 45 организаций." in editor
    assert "Три поправки к закону о НКО" in editor
    assert "Упростить регистрацию НКО (Кому: Министерство юстиции)" in editor
