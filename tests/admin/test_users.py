"""Staff accounts in the browser (issue 20, item 3; issue 21, items 1–2): only admins manage
them, every change is audited, nobody locks the site out, a reset goes by a one-time link."""

import re

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from eventhub.accounts.passwords import password_problem
from eventhub.core.models import AuditLog, OutboxMessage, StaffSession, StaffUser, StaffUserOrganisation
from tests.factories import make_organisation


def _csrf(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


@pytest.mark.parametrize("role", ["organiser", "press_officer", "checkin"])
def test_only_admins_manage_accounts(client, login_as, make_staff, role) -> None:
    other = make_staff("organiser")
    _, csrf = login_as(role)
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/admin/users/{other.id}").status_code == 403
    posted = client.post(f"/admin/users/{other.id}", data={"csrf_token": csrf, "role": "admin", "is_active": "on"})
    assert posted.status_code == 403
    assert client.post(f"/admin/users/{other.id}/reset", data={"csrf_token": csrf}).status_code == 403
    assert "/admin/users" not in client.get("/admin").text  # not offered in the nav either
    assert client.get("/admin/account").status_code == 200  # their own page they have


def test_an_admin_adds_a_staff_member_who_sets_their_password_by_the_link(client, db, login_as) -> None:
    org = make_organisation(db)
    db.commit()
    admin, csrf = login_as("admin")
    assert 'href="/admin/users"' in client.get("/admin").text
    added = client.post(
        "/admin/users",
        data={"csrf_token": csrf, "email": "New.Person@Example.org", "full_name": "Нурлан", "role": "organiser",
              "organisations": str(org.id)},
        follow_redirects=False,
    )  # fmt: skip
    assert added.status_code == 303
    user = db.exec(select(StaffUser).where(StaffUser.email == "new.person@example.org")).one()
    assert user.role == "organiser" and user.full_name == "Нурлан"
    assert db.exec(
        select(StaffUserOrganisation.organisation_id).where(StaffUserOrganisation.user_id == user.id)
    ).all() == [org.id]
    mail = db.exec(select(OutboxMessage).where(OutboxMessage.to_address == "new.person@example.org")).one()
    link = re.search(r"http\S+/admin/password/reset/(\S+)", mail.body_text)
    assert link and mail.kind == "password_reset"
    entries = db.exec(select(AuditLog).where(AuditLog.entity_type == "staff_user", AuditLog.entity_id == user.id)).all()
    assert entries and all(e.user_id == admin.id for e in entries)

    client.cookies.clear()
    page = f"/admin/password/reset/{link.group(1)}"
    weak = client.post(
        page, data={"csrf_token": _csrf(client, page), "password": "1234567890", "password2": "1234567890"}
    )
    assert weak.status_code == 422 and "не менее 12 символов" in weak.text
    good = "свой пароль для входа"
    done = client.post(
        page, data={"csrf_token": _csrf(client, page), "password": good, "password2": good}, follow_redirects=False
    )
    assert done.status_code == 303
    assert client.get(page).status_code == 404  # one time only
    login = client.post(
        "/admin/login",
        data={"email": "new.person@example.org", "password": good, "csrf_token": _csrf(client, "/admin/login")},
        follow_redirects=False,
    )
    assert login.status_code == 303


def test_the_add_form_keeps_what_was_typed_and_names_the_problem(client, db, login_as) -> None:
    _, csrf = login_as("admin")
    bad = client.post(
        "/admin/users", data={"csrf_token": csrf, "email": "notanemail", "full_name": "Айбек", "role": "organiser"}
    )
    assert bad.status_code == 422 and "неверный адрес электронной почты" in bad.text and 'value="Айбек"' in bad.text
    role = client.post("/admin/users", data={"csrf_token": csrf, "email": "a@example.org", "role": "root"})
    assert role.status_code == 422 and "допустимые роли" in role.text
    assert db.exec(select(StaffUser).where(StaffUser.email == "a@example.org")).first() is None


def test_an_admin_cannot_disable_or_demote_themself(client, db, login_as, make_staff) -> None:
    make_staff("admin")  # another admin exists: still refused
    admin, csrf = login_as("admin")
    off = client.post(f"/admin/users/{admin.id}", data={"csrf_token": csrf, "role": "admin"})
    demoted = client.post(f"/admin/users/{admin.id}", data={"csrf_token": csrf, "role": "organiser", "is_active": "on"})
    assert off.status_code == 422 and demoted.status_code == 422 and "Нельзя отключить себя" in off.text
    db.refresh(admin)
    assert admin.is_active and admin.role == "admin"


def test_the_last_admin_cannot_be_removed(client, db, login_as, make_staff) -> None:
    from datetime import timedelta

    from eventhub.accounts import staff
    from eventhub.core.errors import Conflict
    from eventhub.core.models import utcnow

    other = make_staff("admin")
    admin, csrf = login_as("admin")
    assert (
        client.post(
            f"/admin/users/{other.id}", data={"csrf_token": csrf, "role": "admin"}, follow_redirects=False
        ).status_code
        == 303
    )
    db.refresh(other)
    assert other.is_active is False  # two admins: one may go
    # Now `admin` is the only active one: a (hypothetical) other admin could not remove them.
    with pytest.raises(Conflict):
        staff.update_user(db, admin, actor=other, now=utcnow() + timedelta(seconds=1), full_name=None,
                          role="organiser", organisation_ids=[], is_active=True)  # fmt: skip
    db.rollback()


def test_an_admin_sees_and_ends_a_users_sessions_and_resets_the_password(client, db, login_as, make_staff) -> None:
    from datetime import timedelta

    from eventhub.accounts import sessions
    from eventhub.core.models import utcnow

    target = make_staff("organiser", email="t@example.org")
    sessions.start(db, target, now=utcnow(), lifetime=timedelta(hours=12), ip="192.0.2.7", user_agent="Laptop")
    db.commit()
    _, csrf = login_as("admin")
    page = client.get(f"/admin/users/{target.id}").text
    assert "192.0.2.7" in page and "Laptop" in page
    assert f'href="/admin/users/{target.id}"' in client.get("/admin/users").text
    row = db.exec(select(StaffSession).where(StaffSession.user_id == target.id)).one()
    assert client.post(f"/admin/users/{target.id}/sessions/{row.id}/end", data={"csrf_token": csrf}).status_code == 200
    db.refresh(row)
    assert row.ended_at is not None

    old_hash = target.password_hash
    assert client.post(f"/admin/users/{target.id}/reset", data={"csrf_token": csrf}).status_code == 200
    db.refresh(target)
    assert target.password_hash != old_hash  # the old password no longer works
    assert db.exec(select(OutboxMessage).where(OutboxMessage.to_address == "t@example.org")).one()


def test_own_password_change_asks_the_current_one_and_refuses_weak_ones(client, db, make_staff) -> None:
    make_staff("checkin", email="door@example.org")
    client.post(
        "/admin/login",
        data={
            "email": "door@example.org",
            "password": "test password 123",
            "csrf_token": _csrf(client, "/admin/login"),
        },
    )
    csrf = _csrf(client, "/admin/account")

    def change(current: str, new: str, again: str | None = None):
        data = {"csrf_token": csrf, "current": current, "password": new, "password2": new if again is None else again}
        return client.post("/admin/account/password", data=data, follow_redirects=False)

    assert "неверный текущий пароль" in change("wrong", "a much better password").text
    assert "не менее 12 символов" in change("test password 123", "1234567890").text
    assert "распространён" in change("test password 123", "password1234").text
    assert "не совпадают" in change("test password 123", "a much better password", "other").text
    assert change("test password 123", "a much better password").status_code == 303
    assert client.get("/admin/account").status_code == 200  # this session stays


@pytest.mark.parametrize("password", ["1234567890", "123456789012", "password2024!", "qwertyuiop123", "aaaaaaaaaaaaaa"])
def test_weak_passwords_are_refused(password) -> None:
    assert password_problem(password) is not None


def test_good_passwords_pass() -> None:
    assert password_problem("correct horse battery staple") is None
    assert password_problem("Бишкек-2026-весна") is None


def test_the_cli_validates_the_email_role_and_password(tmp_path, monkeypatch) -> None:
    from eventhub.cli import app
    from eventhub.core.config import get_settings

    monkeypatch.setenv("EVENTHUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EVENTHUB_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        email = runner.invoke(app, ["user", "add", "notanemail", "--role", "admin"], input="long enough password\n")
        assert email.exit_code == 1 and "неверный адрес электронной почты" in email.output
        role = runner.invoke(app, ["user", "add", "a@example.org", "--role", "root"], input="long enough password\n")
        assert role.exit_code == 1 and "допустимые роли: admin, organiser, press_officer, checkin" in role.output
        weak = runner.invoke(app, ["user", "add", "a@example.org", "--role", "admin"], input="1234567890\n")
        assert weak.exit_code == 1 and "не менее 12 символов" in weak.output
        ok = runner.invoke(app, ["user", "add", "a@example.org", "--role", "admin"], input="long enough password\n")
        assert ok.exit_code == 0, ok.output
    finally:
        get_settings.cache_clear()
