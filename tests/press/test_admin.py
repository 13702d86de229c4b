"""The press officer's pages: write with a preview, save, schedule, publish, withdraw,
delete; every form error next to its field with the typed values kept."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from eventhub.core.models import PressContact, PressRelease, Registration
from tests.factories import add_organisation_role, make_event, make_organisation, make_press_contact, make_release

NOW = datetime(2030, 3, 1, 3, 0, 0, tzinfo=UTC)  # 09:00 in Bishkek


def _form(csrf: str, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "type": "press_release",
        "title": "Диалог ОГО — 2030",
        "lead": "Лид.",
        "body": "Текст **пресс-релиза**.",
        "language": "ru",
        "event": "",
        "source_note": "",
        "slug": "",
        "embargo_until": "",
    } | fields


def test_preview_shows_sanitised_html_and_stores_nothing(client, db, clock, login_as) -> None:
    _, csrf = login_as("press_officer")
    response = client.post(
        "/admin/press/new", data=_form(csrf, action="preview", body="## Панели\n\n1. **Первая**\n2. Вторая")
    )
    assert response.status_code == 200
    assert "Предпросмотр — ещё не сохранено" in response.text
    assert "<h2>Панели</h2>" in response.text and "<strong>Первая</strong>" in response.text
    assert 'value="Диалог ОГО — 2030"' in response.text
    assert db.exec(select(func.count()).select_from(PressRelease)).one() == 0


def test_preview_of_html_shows_the_escaped_text_and_the_message(client, db, clock, login_as) -> None:
    _, csrf = login_as("organiser")
    response = client.post(
        "/admin/press/new", data=_form(csrf, action="preview", body='<img src=x onerror="alert(1)">')
    )
    assert response.status_code == 422
    assert "HTML-разметка в тексте не допускается" in response.text
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=" in response.text


def test_save_then_schedule_then_publish_then_withdraw(client, db, clock, login_as) -> None:
    _, csrf = login_as("press_officer")
    event = make_event(db, slug="dialog-2030")
    make_press_contact(db, slug="gulmira", name="Абдыразакова Гульмира")
    db.commit()

    saved = client.post(
        "/admin/press/new",
        data=_form(csrf, action="save", event="dialog-2030") | {"contacts": ["gulmira"]},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    url = saved.headers["location"].split("?")[0]
    release = db.exec(select(PressRelease)).one()
    assert (release.status, release.event_id, [c.contact.slug for c in release.contacts]) == (
        "draft",
        event.id,
        ["gulmira"],
    )
    page = client.get(saved.headers["location"]).text
    assert "Сохранено." in page and "Черновик" in page

    scheduled = client.post(
        url, data=_form(csrf, action="schedule", embargo_until="2030-03-01T10:00:00") | {"contacts": ["gulmira"]}
    )
    assert scheduled.status_code == 200  # followed the redirect
    db.refresh(release)
    assert (release.status, release.embargo_until) == ("scheduled", datetime(2030, 3, 1, 4, tzinfo=UTC))
    assert "Эмбарго до 01.03.2030 10:00" in scheduled.text
    assert client.get(f"/press/{release.slug}").status_code == 404

    published = client.post(url, data=_form(csrf, action="publish") | {"contacts": ["gulmira"]})
    db.refresh(release)
    assert (release.status, release.published_at) == ("published", NOW)
    assert "Опубликовано." in published.text
    assert client.get(f"/press/{release.slug}").status_code == 200

    client.post(url, data=_form(csrf, action="unpublish") | {"contacts": ["gulmira"]})
    db.refresh(release)
    assert release.status == "draft"
    assert client.get(f"/press/{release.slug}").status_code == 404


def test_saving_a_scheduled_release_after_its_embargo_passed_keeps_it(client, db, clock, login_as) -> None:
    _, csrf = login_as("press_officer")
    release = make_release(db, status="scheduled", published_at=None, embargo_until=NOW - timedelta(hours=1))
    db.commit()
    response = client.post(
        f"/admin/press/{release.id}",
        data=_form(
            csrf, action="save", title="Исправленный заголовок", embargo_until="2030-03-01T08:00:00", slug=release.slug
        ),
    )
    assert response.status_code == 200, response.text
    db.refresh(release)
    assert (release.title, release.status) == ("Исправленный заголовок", "scheduled")
    assert client.get(f"/press/{release.slug}").status_code == 200


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"action": "schedule", "embargo_until": "2030-03-01T08:59:59"}, "время эмбарго уже прошло"),
        ({"action": "schedule", "embargo_until": "завтра"}, "не удалось разобрать дату"),
        ({"action": "schedule"}, "укажите время окончания эмбарго"),
        ({"action": "save", "event": "no-such-event"}, "мероприятие «no-such-event» не найдено"),
        ({"action": "save", "body": "Смотрите <a href='x'>здесь</a>"}, "HTML-разметка в тексте не допускается"),
        (
            {"action": "save", "new_contact_name": "Гульмира", "new_contact_phones": "0702 174 107, 12-34"},
            "номер «12-34» не распознан",
        ),
        ({"action": "publish", "title": ""}, "обязательное поле"),
    ],
)
def test_form_errors_are_shown_next_to_the_field_and_nothing_is_stored(
    client, db, clock, login_as, fields, message
) -> None:
    _, csrf = login_as("press_officer")
    response = client.post("/admin/press/new", data=_form(csrf, lead="Мой лид, который нельзя терять") | fields)
    assert response.status_code == 422
    assert 'class="field-error"' in response.text and message in response.text
    assert "Мой лид, который нельзя терять" in response.text
    if "new_contact_phones" in fields:
        assert 'value="0702 174 107, 12-34"' in response.text
        assert 'aria-invalid="true"' in response.text
    assert db.exec(select(func.count()).select_from(PressRelease)).one() == 0
    assert db.exec(select(func.count()).select_from(PressContact)).one() == 0


def test_new_contact_written_with_the_release(client, db, clock, login_as) -> None:
    _, csrf = login_as("press_officer")
    response = client.post(
        "/admin/press/new",
        data=_form(
            csrf,
            action="publish",
            new_contact_name="Мамасалиева Гульгаакы",
            new_contact_phones="0555 077764",
            new_contact_role="для интервью журналистам",
        ),
    )
    assert response.status_code == 200
    release = db.exec(select(PressRelease)).one()
    assert [(c.contact.name, c.contact.phones) for c in release.contacts] == [
        ("Мамасалиева Гульгаакы", ["+996555077764"])
    ]
    assert '<a class="phone" href="tel:+996555077764">0555 077 764</a>' in client.get(f"/press/{release.slug}").text


def test_admin_pages_need_the_role_and_the_csrf_token(client, db, clock, login_as) -> None:
    anonymous = client.get("/admin/press", follow_redirects=False)
    assert (anonymous.status_code, anonymous.headers["location"]) == (303, "/admin/login?next=/admin/press")
    login_as("checkin")
    assert client.get("/admin/press").status_code == 403
    _, csrf = login_as("organiser")
    assert client.get("/admin/press").status_code == 200
    assert client.post("/admin/press/new", data=_form("forged", action="save")).status_code == 403
    assert db.exec(select(func.count()).select_from(PressRelease)).one() == 0


def test_list_shows_every_status(client, db, clock, login_as) -> None:
    login_as("press_officer")
    make_release(db, title="Черновой", status="draft", published_at=None)
    make_release(db, title="Под эмбарго", status="scheduled", published_at=None, embargo_until=NOW + timedelta(hours=2))
    make_release(db, title="Вышедший")
    db.commit()
    html = client.get("/admin/press").text
    assert "Черновой" in html and "Под эмбарго" in html and "Вышедший" in html
    assert "Эмбарго до 01.03.2030 11:00" in html
    assert "Под эмбарго" not in client.get("/admin/press?status=draft").text


def test_delete_needs_confirmation(client, db, clock, login_as) -> None:
    _, csrf = login_as("press_officer")
    release = make_release(db)
    db.commit()
    assert client.post(f"/admin/press/{release.id}/delete", data={"csrf_token": csrf}).status_code == 422
    done = client.post(
        f"/admin/press/{release.id}/delete", data={"csrf_token": csrf, "confirm": "yes"}, follow_redirects=False
    )
    assert done.status_code == 303
    assert db.exec(select(func.count()).select_from(PressRelease)).one() == 0


def test_accreditation_list_shows_journalists_only(client, db, clock, login_as) -> None:
    org = make_organisation(db)
    login_as("organiser", (org.slug,))
    event = make_event(db, title="Форум аймаков — 2030")
    add_organisation_role(db, event, org, "organiser")
    for name, category, outlet in [("Журналист Один", "press", "24.kg"), ("Участник Два", "participant", None)]:
        db.add(
            Registration(
                event_id=event.id,
                token_hash=name,
                full_name=name,
                email=f"{category}@example.org",
                email_normalised=f"{category}@example.org",
                category=category,
                outlet=outlet,
                consent_at=NOW,
                consent_text="согласен",
                status="confirmed",
            )
        )
    db.commit()
    html = client.get("/admin/press/accreditation").text
    assert "Журналист Один" in html and "24.kg" in html and "Форум аймаков — 2030" in html
    assert "Участник Два" not in html
    assert "press@example.org" not in client.get(f"/events/{event.slug}").text
