"""The admin pages of a change: before confirming, how many people will be written to and the
message they get (with the organiser's note); "do not notify" for a typo fix."""

from datetime import timedelta

from sqlmodel import select

from eventhub.admin.events import EVENT_FORM
from eventhub.core.models import Event, OutboxMessage
from eventhub.events.editing import event_input
from tests.admin.posting import as_post
from tests.registrations.conftest import NOW, form, open_event

START = NOW + timedelta(days=30)


def _queued(db) -> list[OutboxMessage]:
    return list(db.exec(select(OutboxMessage).where(OutboxMessage.kind.like("event_%"))))


def _registered(client, db, mailbox, n: int = 3):
    event = open_event(db, title="Форум аймаков", capacity=2, start_at=START, contact_email="aijan@ipr.kg")
    db.commit()
    for i in range(n):
        client.post(f"/events/{event.slug}/register", data=form(full_name=f"Участник {i}", email=f"p{i}@example.org"))
    mailbox.wait_for(n)
    return event


def test_postponing_shows_the_count_and_a_preview_with_the_note_then_queues_on_confirmation(
    client, db, clock, mailbox, login_as
) -> None:
    event = _registered(client, db, mailbox)
    _user, csrf = login_as("admin")

    page = client.get(f"/admin/events/{event.slug}/postpone")
    assert (
        "Письмо получат: 3 — подтверждённые: 2 (с обновлением для календаря), ждут подтверждения: 0, в листе ожидания: 1."
        in page.text
    )

    body = {
        "csrf_token": csrf, "start_at": "2030-03-10T10:00", "end_at": "2030-03-10T14:00",
        "note": "Переносим на неделю: совпало с выборами", "notify": "on",
    }  # fmt: skip
    preview = client.post(f"/admin/events/{event.slug}/postpone", data=body | {"step": "preview"})
    assert preview.status_code == 200
    assert "Тема:</strong> Мероприятие перенесено: Форум аймаков" in preview.text
    assert "Переносим на неделю: совпало с выборами" in preview.text and "Имя Участника" in preview.text
    assert (
        'value="Переносим на неделю: совпало с выборами"' in preview.text
        or "совпало с выборами</textarea>" in preview.text
    )
    db.expire_all()
    assert _queued(db) == [] and db.get(Event, event.id).status == "published"  # a preview changes nothing

    done = client.post(f"/admin/events/{event.slug}/postpone", data=body, follow_redirects=False)
    assert done.status_code == 303
    db.expire_all()
    assert sorted(m.to_address for m in _queued(db)) == ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert db.get(Event, event.id).status == "postponed"


def test_cancelling_without_notifying_queues_nothing(client, db, clock, mailbox, login_as) -> None:
    event = _registered(client, db, mailbox)
    _user, csrf = login_as("admin")
    response = client.post(
        f"/admin/events/{event.slug}/cancel",
        data={"csrf_token": csrf, "reason": "Опечатка в дате"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Event, event.id).status == "cancelled" and _queued(db) == []


def test_an_empty_reason_is_refused_and_nothing_is_queued(client, db, clock, mailbox, login_as) -> None:
    event = _registered(client, db, mailbox)
    _user, csrf = login_as("admin")
    response = client.post(
        f"/admin/events/{event.slug}/cancel", data={"csrf_token": csrf, "reason": " ", "notify": "on"}
    )
    assert response.status_code == 422 and "обязательное поле" in response.text
    db.expire_all()
    assert db.get(Event, event.id).status == "published" and _queued(db) == []


def test_the_editor_previews_a_change_of_place_before_saving_it(client, db, clock, mailbox, login_as) -> None:
    event = _registered(client, db, mailbox)
    _user, csrf = login_as("admin")
    assert "Письмо получат: 3" in client.get(f"/admin/events/{event.slug}").text
    values = EVENT_FORM.values(event_input(db, event), event.timezone)
    body = as_post(values, csrf_token=csrf, venue_name="Зал «Ала-Тоо»", notify=True, note="Новый зал побольше")

    preview = client.post(f"/admin/events/{event.slug}", data=body)
    assert preview.status_code == 200 and 'id="notify-preview"' in preview.text
    assert "Новый зал побольше" in preview.text and 'name="confirm" value="notify"' in preview.text
    db.expire_all()
    assert db.get(Event, event.id).venue_name is None and _queued(db) == []

    saved = client.post(f"/admin/events/{event.slug}", data=body | {"confirm": "notify"}, follow_redirects=False)
    assert saved.status_code == 303
    db.expire_all()
    assert db.get(Event, event.id).venue_name == "Зал «Ала-Тоо»" and len(_queued(db)) == 3

    quiet = as_post(values, csrf_token=csrf, venue_name="Зал «Ала-Тоо», 2 этаж")
    assert client.post(f"/admin/events/{event.slug}", data=quiet, follow_redirects=False).status_code == 303
    db.expire_all()
    assert db.get(Event, event.id).venue_name == "Зал «Ала-Тоо», 2 этаж" and len(_queued(db)) == 3  # no new mail


def test_the_editor_keeps_the_contact_and_refuses_a_bad_one(client, db, clock, mailbox, login_as) -> None:
    event = _registered(client, db, mailbox, n=0)
    _user, csrf = login_as("admin")
    values = EVENT_FORM.values(event_input(db, event), event.timezone)
    bad = client.post(f"/admin/events/{event.slug}", data=as_post(values, csrf_token=csrf, contact_phone="12"))
    assert bad.status_code == 422 and 'value="12"' in bad.text
    good = as_post(values, csrf_token=csrf, contact_name="Айжан Бекова", contact_phone="0555 123 456")
    assert client.post(f"/admin/events/{event.slug}", data=good, follow_redirects=False).status_code == 303
    db.expire_all()
    stored = db.get(Event, event.id)
    assert (stored.contact_name, stored.contact_phone, stored.contact_email) == (
        "Айжан Бекова",
        "+996555123456",
        "aijan@ipr.kg",
    )
