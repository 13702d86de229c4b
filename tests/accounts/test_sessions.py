"""Server-side staff sessions (issue 21, item 1): the review's reproductions as assertions.

A copied cookie opens nothing after logout; activity never extends the 12 hours; an idle
session ends; disabling, a role change or a password reset cuts off cookies and API tokens."""

import re
from datetime import timedelta

from sqlmodel import select

from eventhub.accounts import sessions
from eventhub.core.models import ApiToken, StaffSession, utcnow
from tests.factories import make_organisation
from tests.registrations.conftest import open_event

PASSWORD = "test password 123"


def _csrf(client, path: str = "/admin/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def _login(client, email: str, password: str = PASSWORD):
    data = {"email": email, "password": password, "csrf_token": _csrf(client), "next": "/admin"}
    return client.post("/admin/login", data=data, follow_redirects=False)


def _signed_in(client) -> bool:
    return client.get("/admin", follow_redirects=False).status_code == 200


def _clock(app, start):
    state = {"now": start}
    app.state.clock = lambda: state["now"]
    return state


def test_a_cookie_copied_before_logout_opens_nothing_after_it(client, db, make_staff) -> None:
    org = make_organisation(db)
    event = open_event(db, organiser=org)
    db.commit()
    make_staff("admin", email="boss@example.org")
    assert _login(client, "boss@example.org").status_code == 303
    stolen = client.cookies.get("eventhub_session")
    assert stolen and "boss@example.org" not in stolen  # the cookie holds a random id, no identity
    export = f"/admin/events/{event.slug}/registrations/export.csv"
    assert client.get(export).status_code == 200
    csrf = _csrf(client, "/admin")
    assert client.post("/admin/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303

    client.cookies.clear()
    client.cookies.set("eventhub_session", stolen)  # the attacker replays the captured cookie
    assert not _signed_in(client)
    assert client.get(export, follow_redirects=False).status_code in (303, 401)
    changed = client.post(
        f"/admin/events/{event.slug}/registrations/checkin-staff",
        data={"csrf_token": csrf, "email": "x@example.org"},
        follow_redirects=False,
    )
    assert changed.status_code in (303, 401, 403) and changed.headers.get("location", "").startswith("/admin/login")
    assert db.exec(select(StaffSession)).one().ended_at is not None


def test_activity_does_not_extend_the_twelve_hours(app, client, make_staff) -> None:
    make_staff("organiser", email="org@example.org")
    start = utcnow()
    clock = _clock(app, start)
    assert _login(client, "org@example.org").status_code == 303
    for hour in range(1, 12):  # a page every hour, each re-issuing the cookie (flash, CSRF)
        clock["now"] = start + timedelta(hours=hour)
        assert _signed_in(client)
        csrf = _csrf(client, "/admin/account")
        client.post(
            "/admin/account/password", data={"csrf_token": csrf, "current": "x", "password": "", "password2": ""}
        )
    clock["now"] = start + timedelta(hours=12, minutes=1)
    assert not _signed_in(client)


def test_an_idle_session_ends(app, client, make_staff) -> None:
    make_staff("organiser", email="org@example.org")
    start = utcnow()
    clock = _clock(app, start)
    assert _login(client, "org@example.org").status_code == 303
    clock["now"] = start + timedelta(minutes=119)
    assert _signed_in(client)  # seen: the idle time starts again
    clock["now"] = start + timedelta(minutes=119 + 121)
    assert not _signed_in(client)


def test_disabling_a_user_refuses_their_cookie_and_their_tokens(client, db, make_staff, bearer_as, login_as) -> None:
    org = make_organisation(db)
    event = open_event(db, organiser=org)
    db.commit()
    victim = make_staff("organiser", (org.slug,), email="leaver@example.org")
    headers = bearer_as(user=victim)
    listing = f"/api/v1/events/{event.slug}/registrations"
    assert client.get(listing, headers=headers).status_code == 200
    assert _login(client, "leaver@example.org").status_code == 303
    leaver_cookie = client.cookies.get("eventhub_session")

    _, csrf = login_as("admin")
    response = client.post(
        f"/admin/users/{victim.id}", data={"csrf_token": csrf, "role": "organiser"}, follow_redirects=False
    )  # "is_active" unchecked
    assert response.status_code == 303
    db.expire_all()
    assert victim.is_active is False

    client.cookies.clear()
    client.cookies.set("eventhub_session", leaver_cookie)
    assert not _signed_in(client)
    assert client.get(listing, headers=headers).status_code == 401
    assert all(t.revoked_at is not None for t in db.exec(select(ApiToken).where(ApiToken.user_id == victim.id)))


def test_a_role_change_ends_the_sessions_and_revokes_the_tokens(client, db, make_staff, bearer_as, login_as) -> None:
    event = open_event(db)
    db.commit()
    victim = make_staff("admin", email="was-admin@example.org")
    headers = bearer_as(user=victim)
    listing = f"/api/v1/events/{event.slug}/registrations"
    assert client.get(listing, headers=headers).status_code == 200
    assert _login(client, "was-admin@example.org").status_code == 303
    cookie = client.cookies.get("eventhub_session")
    _, csrf = login_as("admin")
    client.post(f"/admin/users/{victim.id}", data={"csrf_token": csrf, "role": "checkin", "is_active": "on"})
    client.cookies.clear()
    client.cookies.set("eventhub_session", cookie)
    assert not _signed_in(client)
    assert client.get(listing, headers=headers).status_code == 401


def test_staff_see_and_end_their_own_sessions(client, db, make_staff) -> None:
    user = make_staff("press_officer", email="press@example.org")
    other = sessions.start(db, user, now=utcnow(), lifetime=timedelta(hours=12), ip="10.1.2.3", user_agent="Phone")
    db.commit()
    assert _login(client, "press@example.org").status_code == 303
    page = client.get("/admin/account")
    assert page.status_code == 200 and "10.1.2.3" in page.text and "Phone" in page.text and "этот сеанс" in page.text
    assert 'href="/admin/account"' in client.get("/admin").text  # linked from every admin page
    phone = db.exec(select(StaffSession).where(StaffSession.ip == "10.1.2.3")).one()
    csrf = _csrf(client, "/admin/account")
    assert client.post(f"/admin/account/sessions/{phone.id}/end", data={"csrf_token": csrf}).status_code == 200
    assert sessions.find(db, other, now=utcnow(), idle=timedelta(hours=2)) is None
    assert _signed_in(client)  # their own session goes on


def test_nobody_ends_someone_elses_session_from_their_own_page(client, db, make_staff, login_as) -> None:
    someone = make_staff("admin")
    sessions.start(db, someone, now=utcnow(), lifetime=timedelta(hours=12))
    db.commit()
    row = db.exec(select(StaffSession).where(StaffSession.user_id == someone.id)).one()
    _, csrf = login_as("organiser")
    assert client.post(f"/admin/account/sessions/{row.id}/end", data={"csrf_token": csrf}).status_code == 404
    db.refresh(row)
    assert row.ended_at is None
