"""Every TEXT value escaped as RFC 5545 §3.3.11 says, calendar-level properties included (issue 19):
the byte-level checker of tests/feeds/rfc5545.py over every feed of the demo data and over
events whose titles, places and contacts hold everything that needs escaping."""

import pytest
from sqlmodel import select

from eventhub.core.models import Event
from tests.factories import add_organisation_role, make_event, make_organisation, make_session
from tests.feeds.conftest import make_registration, personal_token
from tests.feeds.parsers import with_icalendar
from tests.feeds.rfc5545 import check
from tests.feeds.test_parsers import _demo_feeds

HOSTILE = [
    "Диалог ОГО, государства и бизнеса; итоги",
    "Бэкслэш \\ и \\n буквально, в конце \\",
    'Кавычки "так", двоеточие: и ^крышка^',
    "END:VEVENT\nBEGIN:VEVENT\nSUMMARY:чужое",
    "Форум аймаков — 2023 🇰🇬, ёңөү",
]


def test_every_demo_feed_passes_the_byte_level_check(client, demo, settings) -> None:
    feeds = _demo_feeds(client, demo, settings)
    names = []
    for body in feeds.values():
        texts = check(body)
        names += [v for n, v in texts if n in ("NAME", "X-WR-CALNAME")]
    # Two seed titles hold commas and semicolons-worthy text: they come back whole.
    titles = {e.title for e in demo.exec(select(Event)).all()}
    assert any("," in t for t in titles)
    assert titles & set(names)


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_texts_are_escaped_everywhere_and_come_back_whole(client, db, settings, title) -> None:
    org = make_organisation(db, slug="hostile-org", short_name=title[:40], name=title)
    event = make_event(
        db,
        title=title,
        summary=title,
        venue_name=title,
        online_url="https://meet.example.org/x?a=1,2;b",
        contact_name=title,
        contact_email="contact@example.kg",
        registration_mode="open",
    )
    add_organisation_role(db, event, org)
    make_session(db, event, title=title, room=title, start_at=event.start_at, end_at=event.end_at)
    registration = make_registration(db, event, email="reader@example.kg", full_name=title)
    token = personal_token(db, settings, registration)
    db.commit()

    urls = [
        f"/events/{event.slug}.ics",
        f"/events/{event.slug}/agenda.ics",
        "/calendar.ics?organisation=hostile-org",
        f"/calendar/personal/{token}.ics",
    ]
    one_line = " ".join(title.split())
    for url in urls:
        body = client.get(url).content
        texts = check(body)
        values = [v for _, v in texts]
        assert any(one_line in v for v in values if "\n" not in v) or any(title in v for v in values), url
        names = [v for n, v in texts if n in ("NAME", "X-WR-CALNAME")]
        assert names and all("\n" not in v for v in names), url
        [vevent_count] = {len(with_icalendar(body))}
        assert vevent_count == 1, url  # nothing injected


GOOD = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nNAME:a\\, b\\; c\r\nBEGIN:VTIMEZONE\r\nTZID:UTC\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n"


@pytest.mark.parametrize(
    "bad",
    [
        GOOD.replace(b"NAME:a\\, b\\; c", b"NAME:a, b"),  # comma
        GOOD.replace(b"NAME:a\\, b\\; c", b"X-WR-CALNAME:a; b"),  # semicolon
        GOOD.replace(b"NAME:a\\, b\\; c", b"X-WR-CALDESC:a \\x b"),  # a backslash escaping nothing
        GOOD.replace(b"NAME:a\\, b\\; c", b'ORGANIZER;CN=a"b:mailto:x@y'),  # a quote inside a parameter
        GOOD.replace(b"NAME:a\\, b\\; c", b"NAME:" + b"x" * 80),  # not folded
        GOOD.replace(b"\r\nBEGIN:VTIMEZONE\r\nTZID:UTC\r\nEND:VTIMEZONE", b""),  # no component
        GOOD.replace(b"NAME:a\\, b\\; c", b"NAME:a\rb"),  # a bare CR
    ],
)
def test_the_checker_catches_what_the_rfc_forbids(bad) -> None:
    check(GOOD)
    with pytest.raises(AssertionError):
        check(bad)
