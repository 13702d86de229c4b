"""No participant's e-mail, phone or gender on any public address (pages, feeds, anonymous API)."""

import json
import re
from collections import deque
from datetime import timedelta
from urllib.parse import urljoin, urlparse

from sqlmodel import select

from eventhub.core.models import Event
from eventhub.registrations import service
from eventhub.registrations.mail import Site
from eventhub.registrations.schemas import parse_registration
from tests.registrations.conftest import NOW, form

PEOPLE = [
    ("Гульнара Секретова", "gulnara.secret@private-mail.kg", "0700 112 233", "female", "naryn"),
    ("Эрлан Тайный", "erlan.hidden@private-mail.kg", "0555 445 566", "male", "osh"),
    ("Нуржан Скрытый", "nurzhan.x@private-mail.kg", "+996 777 889 900", "undisclosed", "talas"),
    ("Айпери Невидимая", "aiperi.nv@private-mail.kg", "0502 334 455", "female", "batken"),
]
SKIP_PREFIXES = ("/admin", "/r/", "/static/", "/docs")
MAX_PAGES = 600


def _forbidden(settings) -> list[str]:
    needles = []
    for name, email, phone, _gender, _region in PEOPLE:
        e164 = parse_registration(form(phone=phone)).phone
        needles += [name, email, email.split("@")[0], e164, e164[4:], phone]
    return needles


def test_public_addresses_show_no_participant_data(client, demo, settings, clock) -> None:
    db = demo
    site = Site.from_settings(settings)
    dialogue = db.exec(select(Event).where(Event.slug == "dialog-vklad-ogo-v-razvitie-regionov")).one()
    dialogue.start_at, dialogue.end_at = NOW + timedelta(days=10), NOW + timedelta(days=10, hours=6)
    dialogue.registration_mode, dialogue.capacity = "open", 3
    db.add(dialogue)
    db.commit()
    for name, email, phone, gender, region in PEOPLE:
        service.register(
            db,
            event_id=dialogue.id,
            data=parse_registration(
                form(
                    full_name=name,
                    email=email,
                    phone=phone,
                    gender=gender,
                    region=region,
                    accessibility_needs="пандус у входа",
                )
            ),
            now=NOW,
            site=site,
        )
        db.commit()
    forbidden = _forbidden(settings)

    slugs = [e.slug for e in db.exec(select(Event))]
    seeds = [
        "/",
        "/events",
        "/organisations",
        "/projects",
        "/press",
        "/calendar.ics",
        "/calendar.ics?from=2000-01-01",  # the whole archive, past the default window
        "/press/feed.atom",
        "/healthz",
        "/openapi.json",
        "/api/v1/events",
        "/api/v1/organisations",
        "/api/v1/projects",
        "/api/v1/registrations/consent",
    ]
    for slug in slugs:
        seeds += [
            f"/events/{slug}",
            f"/events/{slug}/register",
            f"/events/{slug}.ics",
            f"/events/{slug}/agenda.ics",
            f"/api/v1/events/{slug}",
            f"/api/v1/events/{slug}/registrations",
        ]
    queue, seen, visited = deque(seeds), set(seeds), 0
    while queue and visited < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        visited += 1
        text = response.text
        for needle in forbidden:
            assert needle not in text, f"{needle!r} shown at {path}"
        if response.headers.get("content-type", "").startswith("application/json") and path != "/openapi.json":
            assert '"gender"' not in text, path  # press contacts' own e-mail and phones are public
        if "/register" not in path:
            for label in ("Женский", "Мужской", "Предпочитаю не указывать", "пандус у входа"):
                assert label not in text, f"{label!r} shown at {path}"
        for href in re.findall(r'href="([^"#]+)', text) if "html" in response.headers.get("content-type", "") else []:
            target = urlparse(urljoin("http://testserver" + path, href.replace("&amp;", "&")))
            if target.netloc != "testserver" or target.path.startswith(SKIP_PREFIXES):
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if link not in seen and len(seen) < 5 * MAX_PAGES:
                seen.add(link)
                queue.append(link)
    assert visited > 40  # the crawl really went through the demo data
    staff_only = client.get(f"/api/v1/events/{dialogue.slug}/registrations")
    assert staff_only.status_code == 401
    assert json.loads(staff_only.text)["error"]["code"] == "unauthorized"
