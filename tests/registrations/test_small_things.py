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


def test_a_decline_is_confirmed_first_and_can_be_undone(client, db, clock, login_as, mailbox) -> None:
    org = make_organisation(db, slug="ogo2")
    event = open_event(db, organiser=org, capacity=5)
    db.commit()
    client.post(f"/events/{event.slug}/register", data=form(email="a@example.org"))
    _user, csrf = login_as("organiser", organisations=("ogo2",), email="o2@example.org")
    db.expire_all()
    reg = db.exec(select(Registration)).one()
    base = f"/admin/events/{event.slug}/registrations"
    listing = client.get(base)
    assert f'href="{base}/{reg.id}/decline"' in listing.text  # a link to the question, not the decline
    ask = client.get(f"{base}/{reg.id}/decline")
    assert "Отклонить регистрацию «Айгуль Осмонова»?" in ask.text
    done = client.post(f"{base}/{reg.id}/decline", data={"csrf_token": csrf})
    assert "Отменить отклонение: Айгуль Осмонова" in done.text
    db.expire_all()
    assert db.get(Registration, reg.id).status == "declined"
    undone = client.post(f"{base}/{reg.id}/undecline", data={"csrf_token": csrf})
    assert "Отклонение отменено" in undone.text
    db.expire_all()
    assert db.get(Registration, reg.id).status == "confirmed"
    subjects = [m["Subject"] for m in mailbox.wait_for(3)]
    assert len(subjects) == 3  # confirmed, declined, approved again
