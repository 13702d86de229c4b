"""Small things organisers hit: press seats apart from the capacity, an invitation used up says
so before the form is filled, saving an invitation keeps its note."""

from sqlmodel import select

from eventhub.core.models import Invitation, Registration
from eventhub.registrations import service
from eventhub.registrations.mail import Site
from tests.factories import make_organisation
from tests.registrations.conftest import form, open_event


def test_press_seats_can_be_kept_apart_from_the_capacity(client, db, clock, login_as) -> None:
    org = make_organisation(db, slug="ogo")
    event = open_event(db, organiser=org, capacity=1)
    db.commit()
    _user, csrf = login_as("organiser", organisations=("ogo",), email="o@example.org")
    client.post(f"/events/{event.slug}/register", data=form(email="a@example.org"))
    client.post(
        f"/events/{event.slug}/register", data=form(email="press1@example.org", category="press", outlet="24.kg")
    )
    db.expire_all()
    assert {r.email: r.status for r in db.exec(select(Registration))}["press1@example.org"] == "waitlisted"
    data = {"csrf_token": csrf, "press_outside_capacity": "on"}
    assert client.post(f"/admin/events/{event.slug}/registrations/form/settings", data=data).status_code == 200
    client.post(
        f"/events/{event.slug}/register", data=form(email="press2@example.org", category="press", outlet="AKIpress")
    )
    client.post(f"/events/{event.slug}/register", data=form(email="b@example.org"))
    db.expire_all()
    statuses = {r.email: r.status for r in db.exec(select(Registration))}
    assert statuses["press2@example.org"] == "confirmed" and statuses["b@example.org"] == "waitlisted"
    assert service.free_places(db, event) == 0  # the journalists took no participant's seat


def test_an_invitation_used_up_says_so_before_the_form_and_its_note_stays(client, db, settings, clock) -> None:
    minfin = make_organisation(db, name="Министерство финансов", kind="ministry")
    event = open_event(db, registration_mode="invitation", capacity=None)
    site = Site.from_settings(settings)
    invitation = service.save_invitation(
        db, event=event, organisation=minfin.slug, seat_quota=1, note="через приёмную", site=site
    )
    db.commit()
    token = service.invitation_url(site, event, invitation).split("invitation=")[1]
    assert client.post(f"/events/{event.slug}/register", data=form(invitation=token)).status_code == 200
    page = client.get(f"/events/{event.slug}/register", params={"invitation": token})
    assert "Места по этому приглашению закончились" in page.text
    assert 'name="full_name"' not in page.text  # nobody fills the form in vain
    service.save_invitation(db, event=event, organisation=minfin.slug, seat_quota=3, note=None, site=site)
    db.commit()
    db.expire_all()
    assert db.get(Invitation, invitation.id).note == "через приёмную"
