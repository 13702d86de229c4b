"""Admin pages: editors that keep what was typed after an error, lists, agenda, history."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from eventhub.admin.events import EVENT_FORM
from eventhub.core.models import AgendaSession, AuditLog, Event, Organisation
from eventhub.events.editing import event_input
from tests.admin.posting import as_post
from tests.factories import (
    add_organisation_role,
    make_event,
    make_organisation,
    make_person,
    make_session,
    table_counts,
)

START = datetime(2030, 5, 14, 4, 0, tzinfo=UTC)  # 10:00 in Bishkek


@pytest.fixture()
def organiser(db, login_as):
    """Signed in as an organiser of IPR; returns the CSRF token."""
    make_organisation(db, slug="ipr", short_name="ИПР", name="Институт политики развития")
    db.commit()
    return login_as("organiser", ("ipr",))[1]


def _ipr_event(db, status: str = "draft", **kw) -> Event:
    event = make_event(db, status=status, start_at=START, end_at=START + timedelta(hours=8), **kw)
    add_organisation_role(db, event, db.exec(select(Organisation).where(Organisation.slug == "ipr")).one())
    db.commit()
    return event


def _error(page: str, field: str) -> str:
    match = re.search(rf'id="f-{field}-error">([^<]+)<', page)
    return html.unescape(match.group(1)) if match else ""


NEW_FORM = {
    "organiser": "ipr",
    "kind": "forum",
    "title": "Форум аймаков — 2024",
    "goals": "Обмен опытом\nНовые практики",
    "start_at": "2024-09-13T17:00",
    "end_at": "2024-09-13T10:00",
    "timezone": "Asia/Bishkek",
    "venue_name": "Отель «Иссык-Куль»",
    "languages": ["ru", "ky"],
    "regions": ["naryn", "osh"],
    "registration_mode": "open",
    "capacity": "150",
}


def test_an_error_is_shown_beside_the_field_and_what_was_typed_is_kept(client, db, organiser) -> None:
    before = table_counts(db)
    response = client.post("/admin/events/new", data=NEW_FORM | {"csrf_token": organiser})
    assert response.status_code == 422
    page = response.text
    assert _error(page, "end_at") == "окончание должно быть позже начала"
    assert "Проверьте поля" in page
    assert 'value="Форум аймаков — 2024"' in page and "Отель «Иссык-Куль»" in html.unescape(page)
    assert ">Обмен опытом\nНовые практики</textarea>" in page
    assert re.search(r'value="naryn" checked', page) and not re.search(r'value="batken" checked', page)
    assert re.search(r'<option value="open" selected', page) and 'value="2024-09-13T17:00"' in page
    assert table_counts(db) == before


def test_the_online_link_error_too(client, db, organiser) -> None:
    form = NEW_FORM | {"csrf_token": organiser, "end_at": "2024-09-13T18:00", "online_url": "zoom"}
    page = client.post("/admin/events/new", data=form).text
    assert _error(page, "online_url") == "нужен адрес, начинающийся с http:// или https://"


def test_an_organiser_builds_an_event_with_the_forms(client, db, organiser) -> None:
    for slug in ("aibek", "gulnara"):
        make_person(db, slug=slug, name=slug.title())
    make_organisation(db, slug="usaid", name="USAID")
    db.commit()
    form = NEW_FORM | {"csrf_token": organiser, "end_at": "2024-09-13T18:00"}
    created = client.post("/admin/events/new", data=form, follow_redirects=False)
    assert (created.status_code, created.headers["location"]) == (303, "/admin/events/forum-aimakov-2024/agenda")
    assert "Черновик создан" in client.get(created.headers["location"]).text

    panel = {
        "csrf_token": organiser, "kind": "panel", "title": "Панель: услуги", "start_at": "2024-09-13T11:00",
        "end_at": "2024-09-13T12:00", "room": "Зал 1", "moderators": ["aibek"], "panellists": ["gulnara"],
        "guiding_questions": "Что работает?\nЧто нет?", "expected_result": "Предложения",
    }  # fmt: skip
    assert (
        client.post("/admin/events/forum-aimakov-2024/sessions/new", data=panel, follow_redirects=False).status_code
        == 303
    )
    clash = client.post("/admin/events/forum-aimakov-2024/sessions/new", data=panel | {"title": "Вторая"})
    assert clash.status_code == 422 and "уже идёт «Панель: услуги»" in _error(clash.text, "room")
    assert 'value="Вторая"' in clash.text and ">Что работает?\nЧто нет?</textarea>" in clash.text

    rows = {"csrf_token": organiser, "rows": "3", "organisation-0": "ipr", "role-0": "organiser",
            "organisation-1": "usaid", "role-1": "funder", "note-1": "грант", "organisation-2": "", "role-2": "partner"}  # fmt: skip
    assert (
        client.post("/admin/events/forum-aimakov-2024/organisations", data=rows, follow_redirects=False).status_code
        == 303
    )
    event = db.exec(select(Event).where(Event.slug == "forum-aimakov-2024")).one()
    assert [(eo.organisation.slug, eo.role, eo.note) for eo in event.organisations] == [
        ("ipr", "organiser", None), ("usaid", "funder", "грант"),
    ]  # fmt: skip
    assert [(s.title, [sp.person.slug for sp in s.speakers], s.panel.expected_result) for s in event.sessions] == [
        ("Панель: услуги", ["aibek", "gulnara"], "Предложения")
    ]
    assert (event.capacity, event.registration_mode, sorted(r.region for r in event.regions)) == (
        150,
        "open",
        ["naryn", "osh"],
    )


def test_the_organisations_editor_points_at_the_wrong_row(client, db, organiser) -> None:
    event = _ipr_event(db)
    rows = {"csrf_token": organiser, "rows": "3", "organisation-0": "ipr", "role-0": "organiser",
            "organisation-1": "", "organisation-2": "ipr", "role-2": "organiser"}  # fmt: skip
    response = client.post(f"/admin/events/{event.slug}/organisations", data=rows)
    assert response.status_code == 422
    assert response.text.count('class="has-error"') == 1
    assert "уже указана в этой роли" in response.text.split('name="organisation-2"')[1].split("</td>")[0]


def test_postpone_asks_for_valid_new_dates(client, db, organiser) -> None:
    event = _ipr_event(db, status="published")
    page = client.get(f"/admin/events/{event.slug}/postpone").text
    assert 'value="2030-05-14T10:00"' in page and "Перенести мероприятие?" in page
    bad = client.post(
        f"/admin/events/{event.slug}/postpone", data={"csrf_token": organiser, "start_at": "2030-05-21T10:00"}
    )
    assert bad.status_code == 422 and _error(bad.text, "end_at") == "обязательное поле"
    good = {"csrf_token": organiser, "start_at": "2030-05-21T10:00", "end_at": "2030-05-21T18:00"}
    assert client.post(f"/admin/events/{event.slug}/postpone", data=good, follow_redirects=False).status_code == 303
    db.refresh(event)
    assert (event.status, event.start_at) == ("postponed", START + timedelta(days=7))


def test_agenda_arrows_move_sessions(client, db, organiser) -> None:
    event = _ipr_event(db)
    first, second = (
        make_session(db, event, title="Первая", position=0),
        make_session(db, event, title="Вторая", position=1),
    )
    db.commit()
    response = client.post(
        f"/admin/events/{event.slug}/sessions/{second.id}/move", data={"csrf_token": organiser, "direction": "up"}
    )
    assert response.status_code == 200 and "Порядок изменён" in response.text
    assert response.text.index("Вторая") < response.text.index("Первая")
    assert [s.id for s in db.exec(select(AgendaSession).order_by(AgendaSession.position)).all()] == [
        second.id,
        first.id,
    ]


def test_forms_need_the_csrf_token(client, db, organiser) -> None:
    event = _ipr_event(db)
    assert client.post(f"/admin/events/{event.slug}/delete", data={}).status_code == 403
    assert client.post(f"/admin/events/{event.slug}/delete", data={"csrf_token": "forged"}).status_code == 403
    assert db.get(Event, event.id) is not None


def test_event_list_shows_only_the_organisers_events_with_status_filter(client, db, organiser) -> None:
    mine_draft, mine_public = _ipr_event(db, title="Мой черновик"), _ipr_event(db, status="published", title="Моё")
    make_event(db, title="Чужое")
    db.commit()
    page = client.get("/admin/events").text
    assert "Мой черновик" in page and "Моё" in page and "Чужое" not in page
    drafts = client.get("/admin/events", params={"status": "draft"}).text
    assert "Мой черновик" in drafts and f'/admin/events/{mine_public.slug}"' not in drafts
    assert client.get("/admin/events", params={"status": "lost"}).status_code == 422
    assert client.get(f"/admin/events/{mine_draft.slug}").status_code == 200
    assert "Черновик" in client.get(f"/events/{mine_draft.slug}").text  # a preview for those who edit it


def test_history_of_changes_is_shown_to_admins(client, db, organiser, login_as) -> None:
    event = _ipr_event(db)
    values = as_post(EVENT_FORM.values(event_input(db, event), event.timezone), city="Ош", csrf_token=organiser)
    assert client.post(f"/admin/events/{event.slug}", data=values, follow_redirects=False).status_code == 303
    assert f"/admin/events/{event.slug}/history" not in client.get(f"/admin/events/{event.slug}").text
    assert client.get(f"/admin/events/{event.slug}/history").status_code == 403
    login_as("admin")
    assert f"/admin/events/{event.slug}/history" in client.get(f"/admin/events/{event.slug}").text
    page = html.unescape(client.get(f"/admin/events/{event.slug}/history").text)
    assert "История изменений" in page and "<dt>Город или село</dt>" in page and "Бишкек</del> → <ins>Ош" in page


def test_directory_search_and_a_field_error(client, db, organiser) -> None:
    make_organisation(db, slug="aris", short_name="АРИС", name="Агентство развития и инвестирования сообществ")
    db.commit()
    page = client.get("/admin/organisations", params={"q": "агентство"}).text
    assert "/admin/organisations/aris" in page and '/admin/organisations/ipr"' not in page
    form = {"csrf_token": organiser, "name": "Новая организация", "website": "example.org", "kind": "cso"}
    response = client.post("/admin/organisations/new", data=form)
    assert response.status_code == 422 and "http://" in _error(response.text, "website")
    assert 'value="example.org"' in response.text and '<option value="cso" selected' in response.text


def test_a_directory_entry_in_use_is_not_deleted_and_the_page_says_why(client, db, login_as) -> None:
    _, csrf = login_as("admin")
    org = make_organisation(db)
    add_organisation_role(db, make_event(db), org)
    db.commit()
    page = client.post(f"/admin/organisations/{org.slug}/delete", data={"csrf_token": csrf}).text
    assert "нельзя удалить" in page


def test_every_demo_event_opens_in_the_editor_and_saves(client, demo, login_as) -> None:
    _, csrf = login_as("admin")
    for event in demo.exec(select(Event)).all():
        before = event_input(demo, event)
        values = as_post(EVENT_FORM.values(before, event.timezone), csrf_token=csrf)
        response = client.post(f"/admin/events/{event.slug}", data=values, follow_redirects=False)
        assert response.status_code == 303, (event.slug, response.text[:500])
        assert event_input(demo, event) == before, event.slug
        assert event.sequence == 0
    assert demo.exec(select(AuditLog)).all() == []  # saving unchanged is no change


def test_events_list_page_queries_do_not_grow_with_rows(client, db, organiser, count_queries) -> None:
    def queries() -> int:
        with count_queries() as counter:
            assert client.get("/admin/events").status_code == 200
        return counter.count

    _ipr_event(db)
    few = queries()
    for _ in range(15):
        _ipr_event(db)
    assert queries() == few <= 12


def test_drafts_of_other_organisations_are_not_found(client, db, organiser) -> None:
    other = make_organisation(db)
    draft = make_event(db, status="draft")
    add_organisation_role(db, draft, other)
    db.commit()
    assert client.get(f"/admin/events/{draft.slug}").status_code == 404
    assert client.get(f"/events/{draft.slug}").status_code == 404
    assert not db.exec(select(AuditLog)).all()
