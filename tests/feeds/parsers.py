"""Independent iCalendar parsers, each reduced to what a calendar client shows.

Besides icalendar (which writes the feeds) the tests read every feed with:
* vobject (Python; the parser of Radicale and many CalDAV tools),
* ical (Python; a strict RFC 5545 parser built on pydantic),
* ical.js (Mozilla's, the parser of Thunderbird's family), through Node: tests/feeds/js.

Each parser gives, per VEVENT: uid, summary, sequence, status, start and end — times as
UTC "YYYY-MM-DDTHH:MM:SSZ", all-day dates as "YYYY-MM-DD".
"""

import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import icalendar
import vobject
from ical.calendar_stream import IcsCalendarStream

from tools.install_test_deps import TESTS

JS_DIR = TESTS / "feeds" / "js"
PARSE_JS = JS_DIR / "parse.mjs"


def _when(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise AssertionError(f"floating time {value}: the TZID was not resolved")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def _status(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value)).upper()


def with_icalendar(body: bytes) -> list[dict]:
    cal = icalendar.Calendar.from_ical(body)
    return [
        {
            "uid": str(ev["UID"]),
            "summary": str(ev["SUMMARY"]),
            "sequence": int(ev.get("SEQUENCE", 0)),
            "status": _status(ev.get("STATUS")),
            "start": _when(ev.decoded("DTSTART")),
            "end": _when(ev.decoded("DTEND")) if "DTEND" in ev else None,
            "description": str(ev.get("DESCRIPTION", "")),
        }
        for ev in cal.walk("VEVENT")
    ]


def _forget_vobject_zones() -> None:
    """vobject keeps the first VTIMEZONE it saw for a TZID for the whole process; a client reads
    each calendar with its own, so every feed here starts from an empty registry."""
    registry = vars(vobject.icalendar)["__tzidMap"]
    utc = registry.get("UTC")
    registry.clear()
    if utc is not None:
        registry["UTC"] = utc


def with_vobject(body: bytes) -> list[dict]:
    _forget_vobject_zones()
    cal = vobject.readOne(body.decode("utf-8"))
    events = []
    for ev in getattr(cal, "vevent_list", []):
        events.append(
            {
                "uid": ev.uid.value,
                "summary": ev.summary.value,
                "sequence": int(ev.sequence.value) if hasattr(ev, "sequence") else 0,
                "status": _status(ev.status.value) if hasattr(ev, "status") else None,
                "start": _when(ev.dtstart.value),
                "end": _when(ev.dtend.value) if hasattr(ev, "dtend") else None,
                "description": ev.description.value if hasattr(ev, "description") else "",
            }
        )
    return events


def with_ical(body: bytes) -> list[dict]:
    events = []
    for cal in IcsCalendarStream.from_ics(body.decode("utf-8")).calendars:
        for ev in cal.events:
            events.append(
                {
                    "uid": ev.uid,
                    "summary": ev.summary,
                    "sequence": int(ev.sequence or 0),
                    "status": _status(ev.status),
                    "start": _when(ev.dtstart),
                    "end": _when(ev.dtend),
                    "description": ev.description or "",
                }
            )
    return events


class IcalJs:
    """Mozilla's ical.js via Node; parses many files in one process."""

    def __init__(self, node: str) -> None:
        self.node = node

    def parse_many(self, bodies: dict[str, bytes], workdir: Path) -> dict[str, list[dict]]:
        paths = {}
        for name, body in bodies.items():
            path = workdir / f"{len(paths)}.ics"
            path.write_bytes(body)
            paths[str(path)] = name
        out = subprocess.run(
            [self.node, str(PARSE_JS), *paths], capture_output=True, text=True, timeout=120, check=False
        )
        if out.returncode != 0:
            raise AssertionError(f"ical.js failed:\n{out.stderr}")
        parsed = json.loads(out.stdout)
        result = {}
        for path, name in paths.items():
            result[name] = [
                {
                    "uid": ev["uid"],
                    "summary": ev["summary"],
                    "sequence": int(ev["sequence"] or 0),
                    "status": _status(ev["status"]),
                    "start": ev["start"] if not ev["all_day"] else _date_of(ev["start"]),
                    "end": (ev["end"] if not ev["all_day"] else _date_of(ev["end"])) if ev["end"] else None,
                    "description": ev["description"] or "",
                    "timezones": parsed[path]["timezones"],
                }
                for ev in parsed[path]["events"]
            ]
        return result


def _date_of(value: str) -> str:
    return value[:10]


def find_icaljs() -> tuple[IcalJs | None, str]:
    """ical.js ready to run, or None and the reason (the tests skip with it)."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        return None, "node is not installed (make test installs it where apt-get is available): ical.js checks skipped"
    if not (JS_DIR / "node_modules" / "ical.js").is_dir():
        return None, "ical.js is not installed: run `python -m tools.install_test_deps` (`make test` does it)"
    return IcalJs(node), ""


PYTHON_PARSERS = {"icalendar": with_icalendar, "vobject": with_vobject, "ical": with_ical}


def comparable(events: list[dict]) -> list[tuple]:
    """What every parser must agree on, sorted by UID."""
    return sorted((e["uid"], e["summary"], e["sequence"], e["status"], e["start"], e["end"]) for e in events)
