"""Feeds escape for their own format whatever a reader sends or a stored value holds (issue 13):
the query `q` in a calendar's name, control characters in schedule.xml."""

import pytest
import vobject
from lxml import etree

from tests.factories import make_event, make_session


@pytest.mark.parametrize(
    "q",
    [
        "форум\nаймаков",
        "форум\rEND:VCALENDAR\rBEGIN:VCALENDAR\rBEGIN:VEVENT\rUID:evil\rSUMMARY:Injected\rEND:VEVENT",
        "форум\r\nX-INJECTED:1",
    ],
)
def test_the_query_in_the_calendar_name_stays_one_escaped_line(client, db, q) -> None:
    make_event(db, title="Форум аймаков", search_text="форум аймаков forum aimakov")
    db.commit()

    response = client.get("/calendar.ics", params={"q": q})

    assert response.status_code == 200
    calendars = list(vobject.readComponents(response.text))
    assert len(calendars) == 1
    [cal] = calendars
    assert {e.summary.value for e in cal.contents.get("vevent", [])} <= {"Форум аймаков"}  # nothing injected
    name = " ".join(q.replace("\r", " ").replace("\n", " ").split())
    assert cal.contents["x-wr-calname"][0].value.startswith(f"Мероприятия · поиск «{name[:20]}")
    assert "x-injected" not in cal.contents and all("\r" not in line for line in response.text.split("\r\n"))


def test_control_characters_in_stored_texts_keep_schedule_xml_valid(client, db) -> None:
    event = make_event(db, slug="ctl-event", title="Форум\x0b аймаков", venue_name="Зал\x1f")
    make_session(
        db, event, title="Открытие\x0c", description="Повестка\x01 дня", start_at=event.start_at, end_at=event.end_at
    )
    db.commit()

    response = client.get("/events/ctl-event/schedule.xml")

    assert response.status_code == 200
    doc = etree.fromstring(response.content)  # strict XML 1.0
    assert doc.findtext("conference/title") == "Форум аймаков"
    assert doc.findtext("day/room/event/title") == "Открытие"
    assert doc.findtext("day/room/event/abstract") == "Повестка дня"
    assert doc.find("day/room").get("name") == "Зал"


def test_control_characters_in_a_stored_title_are_not_written_into_the_calendar(client, db) -> None:
    make_event(db, slug="ctl-ics", title="Форум\x0b аймаков\x1b", summary="Кратко\x07")
    db.commit()

    body = client.get("/events/ctl-ics.ics").content

    assert not any(b in body for b in (b"\x0b", b"\x1b", b"\x07"))
    [event] = vobject.readOne(body.decode()).contents["vevent"]
    assert event.summary.value == "Форум аймаков"
