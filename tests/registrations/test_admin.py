"""Organiser pages: who may see them, the list and its actions, check-in, statistics."""

import re

import pytest
from sqlmodel import select

from eventhub.accounts.permissions import can_check_in, can_edit_event
from eventhub.core.models import AuditLog, Registration
from tests.factories import add_organisation_role, make_organisation
from tests.registrations.conftest import form, open_event


@pytest.fixture()
def organised(db):
    org = make_organisation(db, slug="ogo-koalitsiya", name="Коалиция ОГО")
    event = open_event(db, organiser=org, capacity=2)
    db.commit()
    return event


def _register(client, event, *people) -> None:
    for email, extra in people:
        assert client.post(f"/events/{event.slug}/register", data=form(email=email, **extra)).status_code == 200


def _regs(db, event):
    db.expire_all()
    return {r.email: r for r in db.exec(select(Registration).where(Registration.event_id == event.id))}


def test_only_staff_of_the_organising_organisations_see_registrations(client, db, clock, organised, login_as) -> None:
    base = f"/admin/events/{organised.slug}/registrations"
    anonymous = client.get(base, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/admin/login")

    login_as("organiser", organisations=(make_organisation(db).slug,))
    assert client.get(base).status_code == 403
    login_as("press_officer", email="staff1@example.org")
    assert client.get(base).status_code == 403

    checkin, _ = login_as("checkin", organisations=("ogo-koalitsiya",), email="staff2@example.org")
    assert client.get(f"{base}/checkin").status_code == 200
    assert client.get(f"{base}/sign-in").status_code == 200
    assert client.get(base).status_code == 403 and client.get(f"{base}/export.csv").status_code == 403

    organiser, _ = login_as("organiser", organisations=("ogo-koalitsiya",), email="staff3@example.org")
    for path in ("", "/checkin", "/stats", "/invitations", "/import", "/sign-in", "/export.csv", "/export.xlsx"):
        assert client.get(base + path).status_code == 200, path
    admin, _ = login_as("admin", email="staff4@example.org")
    assert client.get(base).status_code == 200
    assert [can_edit_event(db, u, organised) for u in (organiser, checkin, admin)] == [True, False, True]
    assert [can_check_in(db, u, organised) for u in (organiser, checkin, admin)] == [True, True, True]


def test_co_organisers_manage_but_partners_do_not(db, clock, login_as) -> None:
    co, partner = make_organisation(db), make_organisation(db)
    event = open_event(db)
    add_organisation_role(db, event, co, "co_organiser")
    add_organisation_role(db, event, partner, "partner")
    db.commit()
    co_user, _ = login_as("organiser", organisations=(co.slug,), email="staff5@example.org")
    partner_user, _ = login_as("organiser", organisations=(partner.slug,), email="staff6@example.org")

    assert can_edit_event(db, co_user, event) is True
    assert can_edit_event(db, partner_user, event) is False


def test_list_filters_and_searches_across_case_and_alphabets(client, db, clock, organised, login_as) -> None:
    _register(
        client,
        organised,
        ("a@example.org", {"full_name": "Айгуль Осмонова", "gender": "female"}),
        ("b@example.org", {"full_name": "Бакыт Асанов", "gender": "male"}),
        ("c@example.org", {"full_name": "Чынара Жусупова", "gender": "female"}),
    )
    login_as("organiser", organisations=("ogo-koalitsiya",), email="staff7@example.org")
    base = f"/admin/events/{organised.slug}/registrations"

    by_name = client.get(base, params={"q": "осмонова"}).text
    latin = client.get(base, params={"q": "asanov"}).text
    waiting = client.get(base, params={"status": "waitlisted"}).text
    women = client.get(base, params={"gender": "female"}).text

    assert "Айгуль Осмонова" in by_name and "Бакыт" not in by_name
    assert "Бакыт Асанов" in latin and "Айгуль" not in latin
    assert "Чынара Жусупова" in waiting and "Айгуль" not in waiting
    assert "Айгуль" in women and "Чынара" in women and "Бакыт" not in women
    assert client.get(base, params={"status": "vip"}).status_code == 422


def test_approve_and_decline_pending_registrations_and_the_participant_is_told(
    client, db, clock, mailbox, login_as
) -> None:
    org = make_organisation(db)
    event = open_event(db, organiser=org, registration_mode="approval", capacity=1)
    db.commit()
    _register(client, event, ("a@example.org", {}), ("b@example.org", {}), ("c@example.org", {}))
    regs = _regs(db, event)
    _, csrf = login_as("organiser", organisations=(org.slug,), email="staff8@example.org")
    base = f"/admin/events/{event.slug}/registrations"
    mailbox.clear()

    approved = client.post(f"{base}/{regs['a@example.org'].id}/approve", data={"csrf_token": csrf})
    full = client.post(f"{base}/{regs['b@example.org'].id}/approve", data={"csrf_token": csrf})
    declined = client.post(f"{base}/{regs['c@example.org'].id}/decline", data={"csrf_token": csrf})
    no_csrf = client.post(f"{base}/{regs['b@example.org'].id}/decline", data={})

    assert approved.status_code == 200 and "Заявка одобрена" in approved.text
    assert full.status_code == 409 and "Свободных мест нет" in full.text
    assert declined.status_code == 200
    assert no_csrf.status_code == 403
    assert {e: r.status for e, r in _regs(db, event).items()} == {
        "a@example.org": "confirmed",
        "b@example.org": "pending",
        "c@example.org": "declined",
    }
    subjects = {m["To"]: m["Subject"] for m in mailbox.wait_for(2)}
    assert subjects["a@example.org"].startswith("Заявка одобрена")
    assert subjects["c@example.org"].startswith("Заявка отклонена")
    assert db.exec(select(AuditLog.action).where(AuditLog.event_id == event.id).order_by(AuditLog.id)).all() == [
        "approve",
        "decline",
    ]


def test_declining_a_confirmed_participant_promotes_from_the_waiting_list(
    client, db, clock, organised, mailbox, login_as
) -> None:
    _register(client, organised, ("a@example.org", {}), ("b@example.org", {}), ("c@example.org", {}))
    _, csrf = login_as("organiser", organisations=("ogo-koalitsiya",), email="staff9@example.org")
    base = f"/admin/events/{organised.slug}/registrations"

    client.post(f"{base}/{_regs(db, organised)['a@example.org'].id}/decline", data={"csrf_token": csrf})

    assert {e: r.status for e, r in _regs(db, organised).items()} == {
        "a@example.org": "declined",
        "b@example.org": "confirmed",
        "c@example.org": "confirmed",
    }


def test_organiser_moves_someone_from_the_waiting_list_after_raising_capacity(
    client, db, clock, organised, login_as
) -> None:
    _register(
        client, organised, ("a@example.org", {}), ("b@example.org", {}), ("c@example.org", {}), ("d@example.org", {})
    )
    _, csrf = login_as("organiser", organisations=("ogo-koalitsiya",), email="staff10@example.org")
    base = f"/admin/events/{organised.slug}/registrations"
    regs = _regs(db, organised)

    refused = client.post(f"{base}/{regs['d@example.org'].id}/promote", data={"csrf_token": csrf})
    organised.capacity = 4
    db.add(organised)
    db.commit()
    moved = client.post(f"{base}/{regs['d@example.org'].id}/promote", data={"csrf_token": csrf})
    filled = client.post(f"{base}/fill", data={"csrf_token": csrf})

    assert refused.status_code == 409
    assert moved.status_code == 200 and filled.status_code == 200
    assert {e: r.status for e, r in _regs(db, organised).items()} == {
        "a@example.org": "confirmed",
        "b@example.org": "confirmed",
        "c@example.org": "confirmed",
        "d@example.org": "confirmed",
    }


def test_check_in_by_name_with_one_tap_and_by_the_qr_code_from_the_email(
    client, db, clock, organised, mailbox, login_as
) -> None:
    _register(
        client,
        organised,
        ("a@example.org", {"full_name": "Айгуль Осмонова"}),
        ("b@example.org", {"full_name": "Бакыт Асанов"}),
    )
    messages = {m["To"]: m for m in mailbox.wait_for(2)}
    _, csrf = login_as("checkin", organisations=("ogo-koalitsiya",), email="staff11@example.org")
    base = f"/admin/events/{organised.slug}/registrations/checkin"

    found = client.get(base, params={"q": "айгуль"})
    reg_id = re.search(r'name="registration" value="(\d+)"', found.text).group(1)
    tapped = client.post(base, data={"csrf_token": csrf, "registration": reg_id, "q": "айгуль"})
    # The code read aloud: Crockford base32, "<number>-<six characters>".
    qr_value = re.search(
        r"назовите код ([0-9A-Z]+-[0-9A-Z]{6})", messages["b@example.org"].get_body(("plain",)).get_content()
    ).group(1)
    scanned = client.get(base, params={"code": qr_value})
    typed = client.get(base, params={"q": f"http://testserver{base}?code={qr_value}"})
    client.post(base, data={"csrf_token": csrf, "code": qr_value})
    forged = client.get(base, params={"code": f"{reg_id}-AAAAAAAAAA"})

    assert "Айгуль Осмонова" in found.text and "Бакыт" not in found.text
    assert tapped.status_code == 200 and "Айгуль Осмонова — отмечен(а)" in tapped.text
    assert "Бакыт Асанов" in scanned.text and "Отметить приход" in scanned.text
    assert "Бакыт Асанов" in typed.text
    assert forged.status_code == 200 and "QR-код не подходит" in forged.text
    assert {e: r.status for e, r in _regs(db, organised).items()} == {
        "a@example.org": "attended",
        "b@example.org": "attended",
    }
    assert all(r.checked_in_at is not None for r in _regs(db, organised).values())
    assert "Пришли: <strong>2</strong> из 2" in client.get(base).text


def test_the_qr_code_image_in_the_confirmation_holds_the_check_in_address(
    client, db, clock, organised, mailbox
) -> None:
    _register(client, organised, ("a@example.org", {}))
    [message] = mailbox.wait_for(1)
    html = message.get_body(("html",)).get_content()
    images = [p for p in message.walk() if p.get_content_type() == "image/png"]

    assert len(images) == 1
    cid = images[0]["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html
    assert images[0].get_payload(decode=True).startswith(b"\x89PNG")


def test_statistics_show_sex_disaggregated_registered_and_attended(client, db, clock, login_as) -> None:
    org = make_organisation(db)
    ministry = make_organisation(db, short_name="МФ", name="Министерство финансов", kind="ministry")
    event = open_event(db, organiser=org, capacity=None)
    db.commit()
    _register(
        client,
        event,
        ("a@example.org", {"gender": "female", "region": "naryn"}),
        ("b@example.org", {"gender": "female", "region": "osh", "organisation": "МФ", "organisation_other": None}),
        ("c@example.org", {"gender": "male", "region": "naryn", "category": "press"}),
        ("d@example.org", {"gender": None, "region": None}),
    )
    _, csrf = login_as("organiser", organisations=(org.slug,), email="staff12@example.org")
    base = f"/admin/events/{event.slug}/registrations"
    client.post(f"{base}/checkin", data={"csrf_token": csrf, "registration": str(_regs(db, event)["a@example.org"].id)})

    html = client.get(f"{base}/stats").text
    from eventhub.registrations.service import statistics

    stats = statistics(db, event)
    assert stats["gender"].rows == [("Женский", 2, 1), ("Мужской", 1, 0), ("Не указано", 1, 0)]
    assert stats["organisation_kind"].rows == [("Министерство", 1, 0), ("Не указано", 3, 1)]
    assert stats["region"].rows[0] == ("Нарынская область", 2, 1)
    assert stats["category"].rows == [("Участник", 3, 1), ("Пресса", 1, 0)]
    assert stats["attendance"].rows == [("Зарегистрированы", 4, 1)]
    assert ministry.kind == "ministry"
    assert "Женский" in html and 'class="bar bar-reg" style="width: 100.0%"' in html
    assert "<script" not in html
