"""Invitation-only events: a link per organisation, its seat quota enforced."""

from sqlmodel import select

from eventhub.core.models import Registration
from eventhub.registrations import service
from eventhub.registrations.mail import Site
from tests.factories import make_organisation
from tests.registrations.conftest import form, open_event


def _site(settings) -> Site:
    return Site.from_settings(settings)


def _invite(db, settings, event, org, quota):
    invitation = service.save_invitation(
        db, event=event, organisation=org.slug, seat_quota=quota, note=None, site=_site(settings)
    )
    db.commit()
    url = service.invitation_url(_site(settings), event, invitation)
    return invitation, url.split("invitation=")[1]


def test_invitation_link_registers_for_its_organisation_until_the_quota_is_used(
    client, db, settings, clock, mailbox
) -> None:
    minfin = make_organisation(db, name="Министерство финансов", kind="ministry")
    event = open_event(db, registration_mode="invitation", capacity=None)
    _, token = _invite(db, settings, event, minfin, 2)

    page = client.get(f"/events/{event.slug}/register", params={"invitation": token})
    first = client.post(f"/events/{event.slug}/register", data=form(email="a@minfin.kg", invitation=token))
    second = client.post(
        f"/api/v1/events/{event.slug}/registrations", json=form(email="b@minfin.kg", invitation=token, consent=True)
    )
    third = client.post(f"/events/{event.slug}/register", data=form(email="c@minfin.kg", invitation=token))

    assert "по приглашению для организации «Министерство финансов»" in page.text
    assert first.status_code == 200 and second.status_code == 202
    assert third.status_code == 409 and "Места по этому приглашению закончились" in third.text
    regs = list(db.exec(select(Registration).where(Registration.event_id == event.id)))
    assert sorted((r.email, r.status, r.organisation_id) for r in regs) == [
        ("a@minfin.kg", "confirmed", minfin.id),
        ("b@minfin.kg", "confirmed", minfin.id),
    ]


def test_invitation_only_event_without_or_with_a_bad_link_stores_nothing(client, db, settings, clock) -> None:
    org = make_organisation(db)
    event = open_event(db, registration_mode="invitation")
    invitation, token = _invite(db, settings, event, org, 5)

    missing = client.post(f"/events/{event.slug}/register", data=form())
    wrong = client.post(f"/events/{event.slug}/register", data=form(invitation="not-a-real-token"))
    service.revoke_invitation(db, event=event, invitation_id=invitation.id, now=clock["now"], site=_site(settings))
    db.commit()
    revoked = client.post(f"/events/{event.slug}/register", data=form(invitation=token))
    page = client.get(f"/events/{event.slug}/register", params={"invitation": token})

    assert missing.status_code == 422 and "по ссылке-приглашению" in missing.text
    assert wrong.status_code == 422 and "неверна или устарела" in wrong.text
    assert revoked.status_code == 422 and "отозвано" in revoked.text
    assert "отозвано" in page.text and 'name="full_name"' not in page.text
    assert db.exec(select(Registration)).all() == []


def test_a_renewed_invitation_link_replaces_the_old_one(client, db, settings, clock) -> None:
    org = make_organisation(db)
    event = open_event(db, registration_mode="invitation")
    invitation, old = _invite(db, settings, event, org, 5)

    service.revoke_invitation(
        db, event=event, invitation_id=invitation.id, now=clock["now"], site=_site(settings), renew=True
    )
    db.commit()
    new = service.invitation_url(_site(settings), event, invitation).split("invitation=")[1]

    assert new != old
    assert client.post(f"/events/{event.slug}/register", data=form(invitation=old)).status_code == 422
    assert client.post(f"/events/{event.slug}/register", data=form(invitation=new)).status_code == 200
