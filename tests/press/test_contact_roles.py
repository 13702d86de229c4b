"""A press contact's role belongs to their link with one event or release, not to the person:
Жусупова Чынар is «член Оргкомитета, ответственная для интервью журналистам» on the 2019 CSO
dialogue's pages and something else on a forum she was chosen for later."""

import html
import re

from sqlmodel import select

from eventhub.core.models import EventPressContact, PressContact, PressRelease
from tests.factories import make_event

DIALOGUE = "dialog-vklad-ogo-v-razvitie-regionov"
DIALOGUE_ROLE = "член Оргкомитета, ответственная для интервью журналистам"
FORUM_ROLE = "модератор пресс-подхода, интервью на кыргызском языке"


def _contact_text(page: str, name: str) -> str:
    item = re.search(r'<li class="contact">\s*<strong>' + name + r"</strong>(.*?)</li>", page, re.S)
    assert item, name
    return html.unescape(re.sub(r"<[^>]+>", " ", item.group(1)))


def test_one_contact_has_different_roles_on_two_events_pages(client, demo, login_as) -> None:
    zhusupova = demo.exec(select(PressContact).where(PressContact.slug == "zhusupova-chynar")).one()
    assert zhusupova.role is None  # the directory keeps only what is always true of her
    forum = make_event(demo, slug="forum-aymakov-2025", title="Форум аймаков — 2025")
    _user, csrf = login_as("admin")
    # chosen for the forum in the event editor's API, with her role there
    response = client.patch(
        f"/api/v1/events/{forum.slug}",
        json={"press_contacts": ["zhusupova-chynar"], "press_contact_roles": {"zhusupova-chynar": FORUM_ROLE}},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 200, response.text
    dialogue_page = client.get(f"/events/{DIALOGUE}").text
    forum_page = client.get(f"/events/{forum.slug}").text
    assert DIALOGUE_ROLE in _contact_text(dialogue_page, "Жусупова Чынар")
    assert FORUM_ROLE in _contact_text(forum_page, "Жусупова Чынар")
    assert DIALOGUE_ROLE not in forum_page and FORUM_ROLE not in dialogue_page
    api = client.get(f"/api/v1/events/{forum.slug}").json()
    assert [(c["name"], c["role"]) for c in api["press_contacts"]] == [("Жусупова Чынар", FORUM_ROLE)]


def test_the_role_is_edited_on_the_events_organisations_page(client, demo, login_as) -> None:
    _user, csrf = login_as("admin")
    page = client.get(f"/admin/events/{DIALOGUE}/organisations").text
    assert 'name="press-role-zhusupova-chynar"' in page and DIALOGUE_ROLE in html.unescape(page)
    form = {"csrf_token": csrf} | {
        f"press-role-{s}": DIALOGUE_ROLE
        for s in ("abdyrazakova-gulmira", "mamasalieva-gulgaaky", "dobretsova-nadezhda", "davletbaeva-galina")
    }
    form["press-role-zhusupova-chynar"] = "ответственная за аккредитацию"
    response = client.post(f"/admin/events/{DIALOGUE}/press-contacts", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    links = demo.exec(select(EventPressContact).join(PressContact).where(PressContact.slug == "zhusupova-chynar")).all()
    assert [link.role for link in links] == ["ответственная за аккредитацию"]
    assert "ответственная за аккредитацию" in _contact_text(client.get(f"/events/{DIALOGUE}").text, "Жусупова Чынар")
    # the release about the same dialogue keeps its own role for her
    release = demo.exec(select(PressRelease).where(PressRelease.event_id == links[0].event_id)).one()
    assert DIALOGUE_ROLE in _contact_text(client.get(f"/press/{release.slug}").text, "Жусупова Чынар")


def test_a_releases_contact_role_is_set_in_the_api_and_shown_in_the_vcard(client, demo, bearer_as) -> None:
    release = demo.exec(select(PressRelease).where(PressRelease.slug.contains("dialog"))).first()
    headers = bearer_as("admin")
    response = client.patch(
        f"/api/v1/press-releases/{release.slug}",
        json={"contact_roles": {"zhusupova-chynar": "для интервью на кыргызском языке"}},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    roles = {c["slug"]: c["role"] for c in response.json()["contacts"]}
    assert roles["zhusupova-chynar"] == "для интервью на кыргызском языке"
    assert roles["davletbaeva-galina"] == DIALOGUE_ROLE  # the others keep theirs
    vcard = client.get(f"/press/{release.slug}/contacts.vcf").content.decode()
    assert "TITLE:для интервью на кыргызском языке" in vcard
