"""Editing an event's texts in Kyrgyz and English side by side in the admin."""

from tests.factories import add_organisation_role, make_event, make_organisation


def test_organiser_adds_an_english_version_and_readers_see_it(client, db, login_as) -> None:
    org = make_organisation(db)
    event = make_event(db, title="Форум аймаков", summary="Обмен опытом", goals=["Цель один"])
    add_organisation_role(db, event, org, "organiser")
    db.commit()
    _, csrf = login_as("organiser", (org.slug,))
    page = client.get(f"/admin/events/{event.slug}/translations")
    assert page.status_code == 200 and "Форум аймаков" in page.text

    response = client.post(
        f"/admin/events/{event.slug}/translations",
        data={
            "csrf_token": csrf,
            "en-title": "Forum of Aimaks",
            "en-goals": "Goal one\n\nGoal two",
            "ky-title": "Аймактар форуму",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    db.refresh(event)
    assert event.translations == {
        "en": {"title": "Forum of Aimaks", "goals": ["Goal one", "Goal two"]},
        "ky": {"title": "Аймактар форуму"},
    }
    english = client.get(f"/events/{event.slug}", params={"lang": "en"}).text
    assert "Forum of Aimaks" in english and "Goal two" in english
    assert "Аймактар форуму" in client.get(f"/events/{event.slug}", params={"lang": "ky"}).text


def test_a_too_long_title_keeps_what_was_typed_and_stores_nothing(client, db, login_as) -> None:
    event = make_event(db, title="Круглый стол")
    db.commit()
    _, csrf = login_as("admin")
    response = client.post(
        f"/admin/events/{event.slug}/translations",
        data={"csrf_token": csrf, "en-title": "x" * 401, "en-summary": "Kept summary"},
    )
    assert response.status_code == 422
    assert "Kept summary" in response.text and "aria-invalid" in response.text
    db.refresh(event)
    assert event.translations == {}


def test_press_officer_translates_a_release_and_the_english_press_room_shows_it(client, db, login_as) -> None:
    from tests.factories import make_release

    release = make_release(db, title="Пресс-релиз о диалоге", lead="Лид")
    db.commit()
    _, csrf = login_as("press_officer")
    assert "Пресс-релиз о диалоге" in client.get(f"/admin/press/{release.id}/translations").text
    response = client.post(
        f"/admin/press/{release.id}/translations",
        data={"csrf_token": csrf, "en-title": "Press release on the dialogue", "en-body": "**Text**"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    db.refresh(release)
    assert release.translations == {"en": {"title": "Press release on the dialogue", "body": "**Text**"}}
    assert "Press release on the dialogue" in client.get(f"/press/{release.slug}", params={"lang": "en"}).text
