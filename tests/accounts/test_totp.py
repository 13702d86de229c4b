"""The optional second factor (issue 21, item 2): set up from one's account page, asked at
login after the password, compulsory for admins when the site says so."""

import re

import pyotp
from sqlmodel import select

from eventhub.core.models import StaffUser, utcnow


def _csrf(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def _password_step(client, email: str):
    data = {
        "email": email,
        "password": "test password 123",
        "csrf_token": _csrf(client, "/admin/login"),
        "next": "/admin",
    }
    return client.post("/admin/login", data=data, follow_redirects=False)


def test_setting_up_and_logging_in_with_the_second_factor(client, db, make_staff) -> None:
    make_staff("organiser", email="two@example.org")
    assert _password_step(client, "two@example.org").status_code == 303
    csrf = _csrf(client, "/admin/account")
    client.post("/admin/account/totp/setup", data={"csrf_token": csrf})
    page = client.get("/admin/account").text
    assert page.count('id="h-totp"') == 1  # one second-factor section, in the page, not in its <title>
    assert "<section" not in page.split("<title>", 1)[1].split("</title>", 1)[0]
    secret = re.search(r"<code>([A-Z2-7]{16,})</code>", page).group(1)
    assert 'src="data:image/png;base64,' in page
    wrong = client.post("/admin/account/totp", data={"csrf_token": csrf, "code": "000000"})
    assert wrong.status_code == 422 and "введите шесть цифр" in wrong.text
    ok = client.post(
        "/admin/account/totp", data={"csrf_token": csrf, "code": pyotp.TOTP(secret).now()}, follow_redirects=False
    )
    assert ok.status_code == 303
    assert db.exec(select(StaffUser).where(StaffUser.email == "two@example.org")).one().totp_secret == secret

    client.cookies.clear()
    step = _password_step(client, "two@example.org")
    assert step.headers["location"] == "/admin/login/code"
    assert client.get("/admin", follow_redirects=False).status_code == 303  # the password alone opens nothing
    code_csrf = _csrf(client, "/admin/login/code")
    bad = client.post("/admin/login/code", data={"csrf_token": code_csrf, "code": "123456"})
    assert bad.status_code == 401
    good = client.post(
        "/admin/login/code",
        data={"csrf_token": code_csrf, "code": pyotp.TOTP(secret).at(utcnow())},
        follow_redirects=False,
    )
    assert good.status_code == 303 and client.get("/admin").status_code == 200


def test_admins_must_set_it_up_when_the_site_requires_it(app, client, login_as) -> None:
    app.state.settings = app.state.settings.model_copy(update={"admin_totp_required": True})
    login_as("admin")
    sent = client.get("/admin/events", follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/admin/account")
    assert "Администраторам нужен второй фактор" in client.get("/admin/account").text
    login_as("organiser")
    assert client.get("/admin", follow_redirects=False).status_code == 200  # others: optional
