"""Staff reads scoped to one's organisations (accounts/scopes.py): press accreditations, the
press editor's events, press releases, the check-in door, objects loaded through the address."""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from eventhub.core.models import EventCheckinStaff, Invitation, PressRelease, Registration
from eventhub.registrations.mail import Site
from tests.factories import add_organisation_role, make_event, make_organisation, make_release, make_session

START = datetime(2030, 5, 14, 4, 0, tzinfo=UTC)


def _reg(db: Any, event: Any, name: str, email: str, **kw: Any) -> Registration:
    values = {
        "event_id": event.id, "token_hash": uuid.uuid4().hex, "full_name": name, "email": email,
        "email_normalised": email.lower(), "consent_at": START, "consent_text": "Согласие", "status": "confirmed",
    } | kw  # fmt: skip
    reg = Registration(**values)
    db.add(reg)
    db.flush()
    return reg


@dataclass
class Two:
    a: Any  # organisation A and its events
    a_event: Any
    a_draft: Any
    b: Any
    b_event: Any
    b_draft: Any
    b_guest: Registration
    b_journalist: Registration


@pytest.fixture()
def two(db) -> Two:
    a, b = make_organisation(db, name="Организация А"), make_organisation(db, name="Организация Б")
    events = []
    for org, tag in ((a, "А"), (b, "Б")):
        for status in ("published", "draft"):
            event = make_event(
                db, status=status, title=f"{'Черновик' if status == 'draft' else 'Форум'} {tag}", start_at=START,
                registration_mode="open",
            )  # fmt: skip
            add_organisation_role(db, event, org, "organiser")
            events.append(event)
    guest = _reg(db, events[2], "Бермет Садыкова", "bermet@example.org", phone="+996702174107")
    journalist = _reg(db, events[2], "Журналист Бэ", "press-b@example.org", category="press", outlet="Азаттык")
    db.commit()
    return Two(a, events[0], events[1], b, events[2], events[3], guest, journalist)


# --- press ---


def test_an_organiser_sees_only_the_journalists_of_their_own_events(client, db, two, login_as) -> None:
    mine = _reg(db, two.a_event, "Журналист А", "press-a@example.org", category="press", outlet="24.kg")
    db.commit()
    login_as("organiser", (two.a.slug,))
    organiser = client.get("/admin/press/accreditation").text
    login_as("press_officer")
    press_officer = client.get("/admin/press/accreditation").text

    assert mine.email in organiser and "Журналист А" in organiser
    assert "press-b@example.org" not in organiser and "Журналист Бэ" not in organiser and "Форум Б" not in organiser
    assert "press-b@example.org" in press_officer and mine.email in press_officer  # the platform's press service


def test_the_press_editor_offers_only_the_events_a_release_may_be_about(client, two, login_as) -> None:
    login_as("organiser", (two.a.slug,))
    organiser = client.get("/admin/press/new").text
    login_as("press_officer")
    press_officer = client.get("/admin/press/new").text

    assert "Черновик А" in organiser and "Форум А" in organiser
    assert "Черновик Б" not in organiser and "Форум Б" not in organiser
    assert "Форум А" in press_officer and "Форум Б" in press_officer
    assert "Черновик А" not in press_officer and "Черновик Б" not in press_officer


def test_an_organiser_cannot_read_or_change_another_organisations_releases(
    client, db, two, login_as, bearer_as
) -> None:
    theirs = make_release(db, status="published", title="Релиз Б", slug="reliz-b", event_id=two.b_event.id)
    db.commit()
    user, csrf = login_as("organiser", (two.a.slug,))
    api = bearer_as(user=user)
    base = f"/admin/press/{theirs.id}"
    form = {"csrf_token": csrf, "type": "press_release", "title": "Чужой", "body": "Текст", "language": "ru"}

    answers = [
        client.get(base).status_code,
        client.get(f"{base}/translations").status_code,
        client.post(base, data=form | {"action": "save"}).status_code,
        client.post(base, data=form | {"action": "unpublish"}).status_code,
        client.post(f"{base}/translations", data={"csrf_token": csrf, "en-title": "Other"}).status_code,
        client.post(f"{base}/delete", data={"csrf_token": csrf, "confirm": "yes"}).status_code,
        client.patch("/api/v1/press-releases/reliz-b", headers=api, json={"status": "draft"}).status_code,
        client.delete("/api/v1/press-releases/reliz-b", headers=api).status_code,
    ]
    listed = client.get("/admin/press").text
    staff_view = client.get("/api/v1/press-releases/reliz-b", headers=api).json()

    assert answers == [404] * 8
    assert "Релиз Б" not in listed
    assert "status" not in staff_view and staff_view["title"] == "Релиз Б"  # what everyone reads, no more
    db.expire_all()
    stored = db.get(PressRelease, theirs.id)
    assert (stored.title, stored.status, stored.translations) == ("Релиз Б", "published", {})


def test_a_release_may_be_about_only_an_event_its_writer_runs(client, db, two, login_as, bearer_as) -> None:
    user, csrf = login_as("organiser", (two.a.slug,))
    api = bearer_as(user=user)
    body = {"type": "press_release", "title": "Анонс", "body": "Текст", "language": "ru"}

    refused = [
        client.post("/api/v1/press-releases", headers=api, json=body | {"event": two.b_draft.slug}),
        client.post("/api/v1/press-releases", headers=api, json=body | {"event": two.b_event.slug}),
        client.post("/admin/press/new", data=body | {"event": two.b_draft.slug, "action": "save", "csrf_token": csrf}),
    ]
    own = client.post("/api/v1/press-releases", headers=api, json=body | {"event": two.a_draft.slug})
    moved = client.patch(f"/api/v1/press-releases/{own.json()['slug']}", headers=api, json={"event": two.b_draft.slug})

    assert [r.status_code for r in refused] == [422, 422, 422]
    assert refused[0].json()["error"]["fields"] == {"event": f"мероприятие «{two.b_draft.slug}» не найдено"}
    assert f"мероприятие «{two.b_draft.slug}» не найдено" in refused[2].text
    assert own.status_code == 201
    assert moved.status_code == 422
    assert db.exec(select(PressRelease.event_id)).all() == [two.a_draft.id]


def test_a_release_about_no_event_belongs_to_its_authors_organisations(client, db, two, login_as, make_staff) -> None:
    author = make_staff("organiser", (two.a.slug,))
    loose = make_release(db, status="draft", published_at=None, title="Без события", created_by_id=author.id)
    db.commit()
    seen = {}
    for who, role, orgs in [("colleague", "organiser", (two.a.slug,)), ("other", "organiser", (two.b.slug,)),
                            ("press", "press_officer", ()), ("door", "checkin", (two.a.slug,))]:  # fmt: skip
        login_as(role, orgs)
        seen[who] = client.get(f"/admin/press/{loose.id}").status_code
    assert seen == {"colleague": 200, "other": 404, "press": 200, "door": 403}


# --- the door ---


def _door(client: Any, event: Any) -> dict[str, int]:
    base = f"/admin/events/{event.slug}/registrations"
    return {p: client.get(base + p).status_code for p in ("/checkin", "/sign-in")}


def test_check_in_staff_work_only_at_events_given_to_them(client, db, two, login_as, make_staff) -> None:
    door = make_staff("checkin", email="door@example.org")
    _, door_csrf = login_as("checkin", email=None)  # another door keeper, of no organisation
    before = {
        "b_event": _door(client, two.b_event),
        "b_draft": _door(client, two.b_draft),
        "mark": client.post(
            f"/admin/events/{two.b_event.slug}/registrations/checkin",
            data={"csrf_token": door_csrf, "registration": str(two.b_guest.id)},
        ).status_code,
        "sheet": client.get(f"/admin/events/{two.b_event.slug}/registrations/sign-in").text,
    }
    _, csrf = login_as("organiser", (two.a.slug,))
    staff_page = f"/admin/events/{two.a_draft.slug}/registrations/checkin-staff"
    gave = client.post(staff_page, data={"csrf_token": csrf, "email": "Door@Example.org"}, follow_redirects=False)
    listed = client.get(staff_page).text
    wrong = client.post(staff_page, data={"csrf_token": csrf, "email": "nobody@example.org"})
    login_as("organiser", (two.b.slug,))
    foreign = client.post(staff_page, data={"csrf_token": csrf, "email": "door@example.org"}, follow_redirects=False)

    _login(client, door)
    given = _door(client, two.a_draft)
    elsewhere = _door(client, two.a_event)

    assert before["b_event"] == {"/checkin": 403, "/sign-in": 403} and before["b_draft"] == {
        "/checkin": 404,
        "/sign-in": 404,
    }
    assert before["mark"] == 403 and "Бермет" not in before["sheet"] and "0702 174 107" not in before["sheet"]
    assert gave.status_code == 303 and "door@example.org" in listed
    assert wrong.status_code == 422 and "нет активного сотрудника" in wrong.text
    assert foreign.status_code == 404  # another organisation's draft does not exist for them
    assert given == {"/checkin": 200, "/sign-in": 200} and elsewhere == {"/checkin": 403, "/sign-in": 403}
    assert db.exec(select(EventCheckinStaff.event_id).where(EventCheckinStaff.user_id == door.id)).all() == [
        two.a_draft.id
    ]
    db.expire_all()
    assert db.get(Registration, two.b_guest.id).status == "confirmed"


def test_check_in_staff_of_an_organisation_work_at_its_published_events(client, db, two, login_as) -> None:
    login_as("checkin", (two.a.slug,))
    assert _door(client, two.a_event) == {"/checkin": 200, "/sign-in": 200}
    assert _door(client, two.a_draft) == {"/checkin": 404, "/sign-in": 404}
    assert _door(client, two.b_event) == {"/checkin": 403, "/sign-in": 403}


def test_taking_an_event_back_ends_the_door_keepers_access(client, db, two, login_as, make_staff) -> None:
    door = make_staff("checkin", email="door2@example.org")
    db.add(EventCheckinStaff(event_id=two.b_event.id, user_id=door.id))
    db.commit()
    _, csrf = login_as("organiser", (two.b.slug,))
    staff_page = f"/admin/events/{two.b_event.slug}/registrations/checkin-staff"
    removed = client.post(staff_page, data={"csrf_token": csrf, "remove": str(door.id)}, follow_redirects=False)
    again = client.post(staff_page, data={"csrf_token": csrf, "remove": str(door.id)})
    _login(client, door)
    assert removed.status_code == 303 and again.status_code == 404
    assert _door(client, two.b_event) == {"/checkin": 403, "/sign-in": 403}


def _login(client: Any, user: Any) -> None:
    """Sign in as an existing user (login_as makes a new one)."""
    from sqlmodel import Session

    from tests.factories import staff_cookie

    db = Session.object_session(user)
    cookie = staff_cookie(db, user, client.app.state.settings.get_secret_key())
    client.cookies.clear()
    client.cookies.set("eventhub_session", cookie)


def test_the_done_notice_names_only_a_registration_of_the_event_in_the_address(client, db, two, login_as) -> None:
    mine = _reg(db, two.a_event, "Айгуль Осмонова", "aigul@example.org", status="attended")
    db.commit()
    login_as("organiser", (two.a.slug,))
    base = f"/admin/events/{two.a_event.slug}/registrations/checkin"
    assert "Айгуль Осмонова — отмечен(а)" in client.get(base, params={"done": mine.id}).text
    other = client.get(base, params={"done": two.b_guest.id})
    assert other.status_code == 200 and "Бермет" not in other.text and "отмечен" not in other.text
    assert client.get(base, params={"done": 2**40}).status_code in (200, 422)


def test_check_in_search_matches_names_codes_and_only_whole_emails_or_phones(client, db, two, login_as) -> None:
    login_as("organiser", (two.b.slug,))
    base = f"/admin/events/{two.b_event.slug}/registrations/checkin"
    code = Site.from_settings(client.app.state.settings).checkin_code(two.b_guest)

    def finds(q: str) -> bool:
        return f'name="registration" value="{two.b_guest.id}"' in client.get(base, params={"q": q}).text

    found = {q: finds(q) for q in [
        "садыкова", "Бермет", "sadykova", code, "bermet@example.org", "BERMET@example.org", "0702 174 107", "+996702174107",
        "bermet", "example.org", "@example", "0702", "174107", "174 107", "702174107x",
    ]}  # fmt: skip
    assert found == {
        "садыкова": True, "Бермет": True, "sadykova": True, code: True, "bermet@example.org": True,
        "BERMET@example.org": True, "0702 174 107": True, "+996702174107": True,
        # fragments of an e-mail or a phone find nobody
        "bermet": True,  # …but "bermet" is her name in Latin letters
        "example.org": False, "@example": False, "0702": False, "174107": False, "174 107": False, "702174107x": False,
    }  # fmt: skip


# --- objects named by id belong to the event in the address ---


def test_objects_in_the_address_are_loaded_through_its_event(client, db, two, login_as) -> None:
    pending = _reg(db, two.b_event, "Ожидает Бэ", "pending-b@example.org", status="pending")
    invitation = Invitation(event_id=two.b_event.id, organisation_id=two.b.id, seat_quota=2, token_hash="inv-b")
    db.add(invitation)
    session = make_session(db, two.b_draft, start_at=START, end_at=START + timedelta(hours=1), title="Сессия Б")
    db.commit()
    _, csrf = login_as("organiser", (two.a.slug,))
    a = f"/admin/events/{two.a_event.slug}"
    answers = {
        "approve": client.post(f"{a}/registrations/{pending.id}/approve", data={"csrf_token": csrf}).status_code,
        "check_in": client.post(
            f"{a}/registrations/checkin", data={"csrf_token": csrf, "registration": str(two.b_guest.id)}
        ).status_code,
        "revoke": client.post(
            f"{a}/registrations/invitations/{invitation.id}/revoke", data={"csrf_token": csrf}
        ).status_code,
        "session": client.get(f"/admin/events/{two.a_draft.slug}/sessions/{session.id}").status_code,
    }
    assert answers == {"approve": 404, "check_in": 404, "revoke": 404, "session": 404}
    db.expire_all()
    assert (db.get(Registration, pending.id).status, db.get(Registration, two.b_guest.id).status) == (
        "pending",
        "confirmed",
    )
    assert db.get(Invitation, invitation.id).revoked_at is None
    assert re.search("Сессия Б", client.get(f"/admin/events/{two.a_draft.slug}/agenda").text) is None
