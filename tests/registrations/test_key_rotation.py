"""A secret key rotation (issue 21, item 3): the new key signs, the old ones still verify.

The review's reproduction: after a rotation every private link mailed afterwards was broken
(the link was re-made with the new key, the database held the hash of the old one)."""

import re

from fastapi.testclient import TestClient
from sqlmodel import select

from eventhub.core.db import get_db
from eventhub.core.models import Registration
from eventhub.main import create_app
from eventhub.registrations import service
from eventhub.registrations.mail import Site
from tests.registrations.conftest import form, open_event

OLD, NEW = "the-old-key-" + "o" * 40, "the-new-key-" + "n" * 40


def _links(message) -> tuple[str, str]:
    body = message.get_body(("plain",)).get_content()
    private = re.search(r"http://testserver(/r/[\w-]+)", body).group(1)
    calendar = re.search(r"http://testserver(/calendar/personal/[\w-]+\.ics)", body).group(1)
    return private, calendar


def _register(client, event, mailbox, email: str) -> tuple[str, str]:
    before = len(mailbox.messages)
    client.post(f"/events/{event.slug}/register", data=form(email=email))
    return _links(mailbox.wait_for(before + 1)[before])


def test_a_rotation_keeps_every_link_and_code_working(app, client, db, clock, mailbox) -> None:
    app.state.settings = app.state.settings.model_copy(update={"secret_key": OLD, "old_secret_keys": ""})
    event = open_event(db, capacity=10)
    db.commit()
    private, calendar = _register(client, event, mailbox, "before@example.org")
    reg = db.exec(select(Registration).where(Registration.email_normalised == "before@example.org")).one()
    printed_code = Site.from_settings(app.state.settings).checkin_code(reg)

    app.state.settings = app.state.settings.model_copy(update={"secret_key": NEW, "old_secret_keys": OLD})
    # Registering again re-sends the link: the mail written after the rotation carries a working one.
    again, again_calendar = _register(client, event, mailbox, "before@example.org")
    assert (again, again_calendar) == (private, calendar)
    for address in (private, calendar):
        assert client.get(address).status_code == 200
    site = Site.from_settings(app.state.settings)
    assert service.registration_by_code(db, event=event, code=printed_code, site=site).id == reg.id
    assert site.checkin_code(reg) != printed_code  # new codes are signed with the new key...
    assert service.registration_by_code(db, event=event, code=site.checkin_code(reg), site=site).id == reg.id

    after, after_calendar = _register(client, event, mailbox, "after@example.org")  # ...and new links
    assert client.get(after).status_code == 200 and client.get(after_calendar).status_code == 200

    # Once the old key is dropped from the ring, what it signed no longer verifies.
    app.state.settings = app.state.settings.model_copy(update={"old_secret_keys": ""})
    site = Site.from_settings(app.state.settings)
    assert not site.checkin_code_ok(reg, printed_code)


def test_a_rotation_signs_no_staff_member_out(settings, db, make_staff) -> None:
    import re as _re

    make_staff("admin", email="keys@example.org")

    def app_with(current: str, old: str = ""):
        app = create_app(settings.model_copy(update={"secret_key": current, "old_secret_keys": old}))
        app.dependency_overrides[get_db] = lambda: db
        return app

    before = app_with(OLD)
    with TestClient(before) as c:
        csrf = _re.search(r'name="csrf_token" value="([^"]+)"', c.get("/admin/login").text).group(1)
        c.post("/admin/login", data={"email": "keys@example.org", "password": "test password 123", "csrf_token": csrf})
        cookie = c.cookies.get("eventhub_session")
    for app, signed_in in ((app_with(NEW, OLD), True), (app_with(NEW), False)):
        with TestClient(app) as c:
            c.cookies.set("eventhub_session", cookie)
            assert (c.get("/admin", follow_redirects=False).status_code == 200) is signed_in
        app.state.engine.dispose()
    before.state.engine.dispose()
