"""Schedule exports: frab schedule.xml and c3voc schedule.json, valid against the published schemas."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from eventhub.feeds import schedule
from tests.factories import add_speaker, make_event, make_panel, make_person, make_session
from tests.feeds.samples import partner_session, round_table
from tests.feeds.test_ical import _matches_expected
from tests.feeds.test_parsers import DEMO_SLUGS

SCHEMAS = Path(__file__).parent / "schemas"
BASE = "https://events.example.kg"


@pytest.fixture(scope="module")
def xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "schedule.xml.xsd")))


@pytest.fixture(scope="module")
def json_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / "schedule.json.schema.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    # Every format checker jsonschema has (uuid, date-time, uri, ...), as c3voc's frabcheck does.
    return cls(schema, format_checker=jsonschema.FormatChecker())


def _valid_xml(xsd: etree.XMLSchema, body: bytes) -> etree._Element:
    doc = etree.fromstring(body)
    assert xsd.validate(doc), str(xsd.error_log)
    return doc


def _valid_json(validator, body: bytes) -> dict:
    data = json.loads(body)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []
    return data


def test_sample_schedules_match_the_expected_files(xsd, json_validator) -> None:
    event = round_table()
    _matches_expected("round_table_schedule.xml", schedule.render_schedule_xml(event, base_url=BASE))
    _matches_expected("round_table_schedule.json", schedule.render_schedule_json(event, base_url=BASE))


def test_schedules_of_the_samples_are_valid(xsd, json_validator) -> None:
    for event in (round_table(), partner_session()):
        doc = _valid_xml(xsd, schedule.render_schedule_xml(event, base_url=BASE))
        data = _valid_json(json_validator, schedule.render_schedule_json(event, base_url=BASE))
        assert len(doc.findall("day/room/event")) == 2
        assert sum(len(ev) for day in data["schedule"]["conference"]["days"] for ev in day["rooms"].values()) == 2


def test_berlin_sessions_carry_their_offsets(json_validator) -> None:
    data = json.loads(schedule.render_schedule_json(partner_session(), base_url=BASE))
    events = [ev for day in data["schedule"]["conference"]["days"] for evs in day["rooms"].values() for ev in evs]
    assert [(e["date"], e["start"], e["duration"]) for e in events] == [
        ("2030-07-01T10:00:00+02:00", "10:00", "01:30"),
        ("2030-12-02T10:00:00+01:00", "10:00", "01:00"),
    ]
    assert data["schedule"]["conference"]["time_zone_name"] == "Europe/Berlin"
    assert data["schedule"]["conference"]["daysCount"] == 155


def test_acronym_passes_both_schemas_rules() -> None:
    event = round_table()
    assert schedule.acronym(event) == "kruglyy_stol_msu_2030"
    event.slug = "ab"
    assert schedule.acronym(event) == "ab__"


def test_demo_schedules_are_valid(client, demo, xsd, json_validator) -> None:
    for slug in DEMO_SLUGS:
        xml = client.get(f"/events/{slug}/schedule.xml")
        assert xml.status_code == 200
        assert xml.headers["content-type"] == "application/xml; charset=utf-8"
        _valid_xml(xsd, xml.content)
        js = client.get(f"/events/{slug}/schedule.json")
        assert js.headers["content-type"] == "application/json"
        _valid_json(json_validator, js.content)


def test_parallel_multi_day_agenda_is_valid_with_rooms_days_and_persons(client, db, xsd, json_validator) -> None:
    event = make_event(
        db,
        kind="forum",
        title="Форум аймаков – 2031",
        start_at=datetime(2031, 9, 8, 3, tzinfo=UTC),
        end_at=datetime(2031, 9, 9, 12, tzinfo=UTC),
    )
    people = [make_person(db, name=f"Спикер {i}") for i in range(3)]
    for day in range(2):
        for room in range(3):
            start = event.start_at + timedelta(days=day, hours=room)
            session = make_session(
                db,
                event,
                title=f"Сессия {day}-{room}",
                kind="panel",
                room=f"Зал {room + 1}",
                start_at=start,
                end_at=start + timedelta(minutes=90),
            )
            add_speaker(db, session, people[room], "moderator")
            make_panel(db, session, guiding_questions=["Что дальше?"])
    make_session(db, event, title="Без времени")
    db.commit()
    doc = _valid_xml(xsd, client.get(f"/events/{event.slug}/schedule.xml").content)
    assert [d.get("date") for d in doc.findall("day")] == ["2031-09-08", "2031-09-09"]
    assert [r.get("name") for r in doc.findall("day")[0].findall("room")] == ["Зал 1", "Зал 2", "Зал 3"]
    assert doc.find("day/room/event/persons/person").text == "Спикер 0"
    data = _valid_json(json_validator, client.get(f"/events/{event.slug}/schedule.json").content)
    days = data["schedule"]["conference"]["days"]
    assert [sorted(d["rooms"]) for d in days] == [["Зал 1", "Зал 2", "Зал 3"]] * 2
    guids = [ev["guid"] for d in days for evs in d["rooms"].values() for ev in evs]
    assert len(guids) == len(set(guids)) == 6


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        # 8–10 Sep, 09:00–17:00 in Bishkek (+06): those hours on every day.
        (
            datetime(2030, 9, 8, 3, tzinfo=UTC),
            datetime(2030, 9, 10, 11, tzinfo=UTC),
            [("2030-09-08", "09:00", "17:00"), ("2030-09-09", "09:00", "17:00"), ("2030-09-10", "09:00", "17:00")],
        ),
        # 18:00 to 02:00 two days on: through the nights.
        (
            datetime(2030, 9, 8, 12, tzinfo=UTC),
            datetime(2030, 9, 9, 20, tzinfo=UTC),
            [("2030-09-08", "18:00", "00:00"), ("2030-09-09", "00:00", "00:00"), ("2030-09-10", "00:00", "02:00")],
        ),
    ],
)
def test_a_multi_day_event_without_sessions_has_real_days(client, db, xsd, json_validator, start, end, days) -> None:
    make_event(db, slug="forum-three-days", start_at=start, end_at=end)
    db.commit()

    data = _valid_json(json_validator, client.get("/events/forum-three-days/schedule.json").content)
    conference = data["schedule"]["conference"]
    got = [(d["date"], d["day_start"][11:16], d["day_end"][11:16]) for d in conference["days"]]
    assert got == days
    assert conference["daysCount"] == len(days)
    assert all(d["day_start"] < d["day_end"] for d in conference["days"])
    doc = _valid_xml(xsd, client.get("/events/forum-three-days/schedule.xml").content)
    assert [(d.get("date"), d.get("start")[11:16], d.get("end")[11:16]) for d in doc.findall("day")] == days


def test_an_all_day_multi_day_event_has_whole_days(client, db, json_validator) -> None:
    event = make_event(
        db,
        slug="all-day-three",
        all_day=True,
        start_at=datetime(2030, 9, 7, 18, tzinfo=UTC),  # 8 Sep 00:00 in Bishkek
        end_at=datetime(2030, 9, 10, 18, tzinfo=UTC),  # to 11 Sep 00:00: 8, 9 and 10 Sep
    )
    db.commit()
    data = _valid_json(json_validator, client.get(f"/events/{event.slug}/schedule.json").content)
    days = data["schedule"]["conference"]["days"]
    assert [(d["date"], d["day_start"], d["day_end"]) for d in days] == [
        (f"2030-09-{n:02d}", f"2030-09-{n:02d}T00:00:00+06:00", f"2030-09-{n + 1:02d}T00:00:00+06:00")
        for n in (8, 9, 10)
    ]
