"""Editing the Kyrgyz and English versions of an agenda's sessions and panels side by side."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from eventhub.core.models import AuditLog
from tests.factories import add_organisation_role, make_event, make_organisation, make_panel, make_session

START = datetime(2030, 5, 14, 4, 0, tzinfo=UTC)


def _agenda(db):
    org = make_organisation(db)
    event = make_event(db, title="Форум аймаков", start_at=START, end_at=START + timedelta(hours=8))
    add_organisation_role(db, event, org, "organiser")
    opening = make_session(db, event, title="Открытие", start_at=START, end_at=START + timedelta(hours=1))
    panel_session = make_session(
        db,
        event,
        title="Панель о воде",
        kind="panel",
        start_at=START + timedelta(hours=1),
        end_at=START + timedelta(hours=2),
    )
    panel = make_panel(db, panel_session, expected_result="Предложения по воде", guiding_questions=["Кто платит?"])
    db.commit()
    return org, event, opening, panel_session, panel


def test_organiser_saves_kyrgyz_session_title_and_panel_result_readers_see_them(client, db, login_as) -> None:
    org, event, opening, panel_session, panel = _agenda(db)
    _, csrf = login_as("organiser", (org.slug,))
    agenda = client.get(f"/admin/events/{event.slug}/agenda").text
    assert f"/admin/events/{event.slug}/agenda/translations" in agenda
    page = client.get(f"/admin/events/{event.slug}/agenda/translations")
    assert page.status_code == 200
    assert "Открытие" in page.text and "Предложения по воде" in page.text and "Кто платит?" in page.text
    assert (
        f'name="s{opening.id}-ky-title"' in page.text and f'name="p{panel_session.id}-en-expected_result"' in page.text
    )

    response = client.post(
        f"/admin/events/{event.slug}/agenda/translations",
        data={
            "csrf_token": csrf,
            f"s{opening.id}-ky-title": "Ачылыш",
            f"p{panel_session.id}-ky-expected_result": "Суу боюнча сунуштар",
            f"p{panel_session.id}-en-guiding_questions": "Who pays?\n\nWho decides?",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    db.expire_all()
    assert db.get(type(opening), opening.id).translations == {"ky": {"title": "Ачылыш"}}
    assert db.get(type(panel), panel.id).translations == {
        "ky": {"expected_result": "Суу боюнча сунуштар"},
        "en": {"guiding_questions": ["Who pays?", "Who decides?"]},
    }
    kyrgyz = client.get(f"/events/{event.slug}", params={"lang": "ky"}).text
    assert "Ачылыш" in kyrgyz and "Суу боюнча сунуштар" in kyrgyz
    ics = client.get(f"/events/{event.slug}/agenda.ics", params={"lang": "ky"}).text.replace("\r\n ", "")
    assert "SUMMARY:Ачылыш" in ics and "Суу боюнча сунуштар" in ics
    api = client.get(f"/api/v1/events/{event.slug}", params={"lang": "en"}).json()
    panel_out = next(s for s in api["agenda"] if s["id"] == panel_session.id)["panel"]
    assert panel_out["guiding_questions"] == ["Who pays?", "Who decides?"]
    assert panel_out["expected_result"] == "Предложения по воде"  # no English version: the original
    actions = db.exec(select(AuditLog.action, AuditLog.entity_type).where(AuditLog.event_id == event.id)).all()
    assert sorted(actions) == [("translate", "agenda_session"), ("translate", "panel")]


def test_an_over_long_panel_result_is_refused_beside_the_field_and_nothing_is_stored(client, db, login_as) -> None:
    _, event, opening, panel_session, panel = _agenda(db)
    _, csrf = login_as("admin")
    response = client.post(
        f"/admin/events/{event.slug}/agenda/translations",
        data={
            "csrf_token": csrf,
            f"s{opening.id}-en-title": "Opening",
            f"p{panel_session.id}-en-expected_result": "x" * 5001,
        },
    )
    assert response.status_code == 422
    assert 'value="Opening"' in response.text  # what was typed is kept
    assert f'aria-describedby="err-p{panel_session.id}-en-expected_result"' in response.text
    assert "Не длиннее 5000 символов" in response.text
    db.expire_all()
    assert db.get(type(opening), opening.id).translations == {}
    assert db.get(type(panel), panel.id).translations == {}


def test_agenda_translations_are_not_for_other_organisations_or_check_in_staff(client, db, login_as) -> None:
    _, event, opening, _s, _p = _agenda(db)
    other = make_organisation(db)
    db.commit()
    _, csrf = login_as("organiser", (other.slug,))
    assert client.get(f"/admin/events/{event.slug}/agenda/translations").status_code in (403, 404)
    _, csrf = login_as("checkin")
    refused = client.post(
        f"/admin/events/{event.slug}/agenda/translations",
        data={"csrf_token": csrf, f"s{opening.id}-en-title": "Opening"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    client.cookies.clear()
    anonymous = client.get(f"/admin/events/{event.slug}/agenda/translations", follow_redirects=False)
    assert anonymous.status_code == 303 and "/admin/login" in anonymous.headers["location"]
    db.expire_all()
    assert db.get(type(opening), opening.id).translations == {}
