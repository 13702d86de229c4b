"""Load the seed events from seed.yaml: upsert by slug, so a second run changes nothing."""

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, overload
from zoneinfo import ZoneInfo

import yaml
from sqlmodel import Session, SQLModel, select

from eventhub.core.models import (
    AgendaSession,
    Event,
    EventOrganisation,
    EventPressContact,
    EventRegion,
    EventSeries,
    Organisation,
    Panel,
    Person,
    PressContact,
    PressRelease,
    PressReleaseContact,
    Project,
    ProjectOrganisation,
    ProjectRegion,
    SessionSpeaker,
    SpeakerRole,
    id_of,
    table_of,
)
from eventhub.core.text import normalise_phone, search_key
from eventhub.demo.outcomes import load_outcomes
from eventhub.directory.service import replace_rows

SEED_FILE = Path(__file__).with_name("seed.yaml")


def read_seed(path: Path = SEED_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        seed: dict[str, Any] = yaml.safe_load(fh)
    return seed


class _Loader:
    def __init__(self, db: Session) -> None:
        self.db = db
        self.changed = 0
        self.orgs: dict[str, Organisation] = {}
        self.projects: dict[str, Project] = {}
        self.series: dict[str, EventSeries] = {}
        self.people: dict[str, Person] = {}
        self.contacts: dict[str, PressContact] = {}
        self.events: dict[str, Event] = {}

    # -- helpers --

    def upsert(self, model: type[SQLModel], slug: str, values: dict[str, Any]) -> Any:
        obj = self.db.exec(select(model).where(table_of(model).c.slug == slug)).first()
        if obj is None:
            obj = model(slug=slug, **values)
            self.db.add(obj)
            self.changed += 1
        else:
            for key, value in values.items():
                if getattr(obj, key) != value:
                    setattr(obj, key, value)
                    self.changed += 1
        self.db.flush()
        return obj

    def replace_children(self, current: list[Any], wanted: list[tuple[Any, ...]], build: Any, key: Any) -> None:
        """Rebuild a child collection only when its content differs from what is wanted."""
        if replace_rows(self.db, current, wanted, key, build):
            self.changed += 1

    # -- sections --

    def organisations(self, items: list[dict[str, Any]]) -> None:
        for it in items:
            values = {
                "short_name": it.get("short_name"),
                "name": it["name"],
                "kind": it.get("kind", "other"),
                "website": it.get("website"),
                "description": it.get("description"),
            }
            values["search_text"] = search_key(values["short_name"], values["name"])
            self.orgs[it["slug"]] = self.upsert(Organisation, it["slug"], values)

    def projects_(self, items: list[dict[str, Any]]) -> None:
        for it in items:
            values = {
                k: it.get(k)
                for k in ("short_name", "name", "summary", "description", "website", "start_year", "end_year")
            }
            values["figures"] = [{"value": str(f["value"]), "label": f["label"]} for f in it.get("figures") or []]
            project = self.upsert(Project, it["slug"], values)
            self.projects[it["slug"]] = project
            wanted = [(self.orgs[o["org"]].id, o["role"]) for o in it.get("organisations") or []]
            self.replace_children(
                project.organisations,
                wanted,
                lambda i, w, p=project: ProjectOrganisation(
                    project_id=p.id, organisation_id=w[0], role=w[1], position=i
                ),
                lambda c: (c.organisation_id, c.role),
            )
            self.replace_children(
                sorted(project.regions, key=lambda r: r.region),
                sorted((r,) for r in it.get("regions") or []),
                lambda i, w, p=project: ProjectRegion(project_id=p.id, region=w[0]),
                lambda c: (c.region,),
            )
            self.db.refresh(project)

    def series_(self, items: list[dict[str, Any]]) -> None:
        for it in items:
            values = {k: it.get(k) for k in ("title", "description", "first_year", "last_year")}
            values["project_id"] = self.projects[it["project"]].id if it.get("project") else None
            self.series[it["slug"]] = self.upsert(EventSeries, it["slug"], values)

    def people_(self, items: list[dict[str, Any]]) -> None:
        for it in items:
            values = {
                "name": it["name"],
                "position": it.get("position"),
                "organisation_id": self.orgs[it["organisation"]].id if it.get("organisation") else None,
                "organisation_name": it.get("organisation_name"),
            }
            self.people[it["slug"]] = self.upsert(Person, it["slug"], values)

    def contacts_(self, items: list[dict[str, Any]]) -> None:
        for it in items:
            values = {
                "name": it["name"],
                "organisation_id": self.orgs[it["organisation"]].id if it.get("organisation") else None,
                "organisation_name": it.get("organisation_name"),
                "role": it.get("role"),
                "phones": [normalise_phone(str(p)) for p in it.get("phones") or []],
                "email": it.get("email"),
            }
            self.contacts[it["slug"]] = self.upsert(PressContact, it["slug"], values)

    def _contact_link(self, item: str | dict[str, Any]) -> tuple[int | None, str | None]:
        """(contact id, role) of a seed link: a slug, or {contact: slug, role: the role there}."""
        if isinstance(item, str):
            return self.contacts[item].id, None
        return self.contacts[item["contact"]].id, item.get("role")

    def events_(self, items: list[dict[str, Any]]) -> None:
        for it in items:
            tz = ZoneInfo(it.get("timezone") or "Asia/Bishkek")
            start, end, all_day = _event_times(it["start"], it.get("end") or it["start"], tz)
            venue = it.get("venue") or {}
            reg = it.get("registration") or {}
            values = {
                "kind": it["kind"],
                "status": it.get("status", "published"),
                "title": it["title"],
                "summary": it.get("summary"),
                "description": it.get("description"),
                "goals": list(it.get("goals") or []),
                "start_at": start,
                "end_at": end,
                "timezone": str(tz),
                "all_day": it.get("all_day", all_day),
                "date_note": it.get("date_note"),
                "venue_name": venue.get("name"),
                "venue_address": venue.get("address"),
                "city": venue.get("city"),
                "venue_region": venue.get("region"),
                "latitude": venue.get("lat"),
                "longitude": venue.get("lon"),
                "online_url": it.get("online_url"),
                "languages": list(it.get("languages") or ["ru"]),
                "project_id": self.projects[it["project"]].id if it.get("project") else None,
                "series_id": self.series[it["series"]].id if it.get("series") else None,
                "series_edition": str(it["series_edition"]) if it.get("series_edition") else None,
                "participants_count": it.get("participants_count"),
                "participants_note": it.get("participants_note"),
                "registration_mode": reg.get("mode", "closed"),
                "capacity": reg.get("capacity"),
                "published_at": start if it.get("status", "published") != "draft" else None,
            }
            values["search_text"] = search_key(values["title"], values["summary"], values["city"])
            event = self.upsert(Event, it["slug"], values)
            self.events[it["slug"]] = event
            self._event_children(event, it)

    def _event_children(self, event: Event, it: dict[str, Any]) -> None:
        event_id = id_of(event)
        self.replace_children(
            sorted(event.regions, key=lambda r: r.region),
            sorted((r,) for r in it.get("regions") or []),
            lambda i, w: EventRegion(event_id=event_id, region=w[0]),
            lambda c: (c.region,),
        )
        self.replace_children(
            event.organisations,
            [(self.orgs[o["org"]].id, o["role"], o.get("note")) for o in it.get("organisations") or []],
            lambda i, w: EventOrganisation(event_id=event_id, organisation_id=w[0], role=w[1], note=w[2], position=i),
            lambda c: (c.organisation_id, c.role, c.note),
        )
        self.replace_children(
            event.press_contacts,
            [self._contact_link(c) for c in it.get("press_contacts") or []],
            lambda i, w: EventPressContact(event_id=event_id, contact_id=w[0], role=w[1], position=i),
            lambda c: (c.contact_id, c.role),
        )
        tz = ZoneInfo(event.timezone)
        wanted = [_session_key(s, self.people, tz) for s in it.get("agenda") or []]
        if [_stored_session_key(s) for s in event.sessions] != wanted:
            for s in list(event.sessions):
                self.db.delete(s)
            self.db.flush()
            for i, s in enumerate(it.get("agenda") or []):
                self._add_session(event, i, s, tz)
            self.changed += 1
            self.db.flush()
        self.db.refresh(event)

    def _add_session(self, event: Event, i: int, s: dict[str, Any], tz: ZoneInfo) -> None:
        session = AgendaSession(
            event_id=id_of(event),
            position=i,
            kind=s.get("kind", "other"),
            title=s["title"],
            description=s.get("description"),
            start_at=_local(s.get("start"), tz),
            end_at=_local(s.get("end"), tz),
            room=s.get("room"),
        )
        self.db.add(session)
        self.db.flush()
        session_id = id_of(session)
        for j, (person, role) in enumerate(_speakers(s)):
            self.db.add(
                SessionSpeaker(session_id=session_id, person_id=id_of(self.people[person]), role=role, position=j)
            )
        panel = s.get("panel")
        if panel is not None:
            self.db.add(
                Panel(
                    session_id=session_id,
                    guiding_questions=list(panel.get("guiding_questions") or []),
                    expected_result=panel.get("expected_result"),
                )
            )

    def releases(self, items: list[dict[str, Any]]) -> None:
        tz = ZoneInfo("Asia/Bishkek")
        for it in items:
            values = {
                "type": it["type"],
                "status": it.get("status", "published"),
                "title": it["title"],
                "lead": it.get("lead"),
                "body": it.get("body") or "",
                "original_language": it.get("language", "ru"),
                "event_id": self.events[it["event"]].id if it.get("event") else None,
                "published_at": _local(it.get("published_at"), tz),
                "source_note": it.get("source_note"),
            }
            values["search_text"] = search_key(values["title"], values["lead"])
            # A seed text has not changed since it was published: say so in pages and feeds.
            if values["published_at"] is not None:
                values["created_at"] = values["updated_at"] = values["published_at"]
            release = self.upsert(PressRelease, it["slug"], values)
            self.replace_children(
                release.contacts,
                [self._contact_link(c) for c in it.get("contacts") or []],
                lambda i, w, r=release: PressReleaseContact(release_id=r.id, contact_id=w[0], role=w[1], position=i),
                lambda c: (c.contact_id, c.role),
            )


def _speakers(s: dict[str, Any]) -> list[tuple[str, str]]:
    out = [(sp["person"], sp.get("role", SpeakerRole.speaker.value)) for sp in s.get("speakers") or []]
    panel = s.get("panel") or {}
    out += [(p, SpeakerRole.moderator.value) for p in panel.get("moderators") or []]
    out += [(p, SpeakerRole.panellist.value) for p in panel.get("panellists") or []]
    return out


def _session_key(s: dict[str, Any], people: dict[str, Person], tz: ZoneInfo) -> tuple[Any, ...]:
    panel = s.get("panel")
    return (
        s.get("kind", "other"),
        s["title"],
        s.get("description"),
        _local(s.get("start"), tz),
        _local(s.get("end"), tz),
        s.get("room"),
        tuple((people[p].id, r) for p, r in _speakers(s)),
        None if panel is None else (tuple(panel.get("guiding_questions") or []), panel.get("expected_result")),
    )


def _stored_session_key(s: AgendaSession) -> tuple[Any, ...]:
    return (
        s.kind,
        s.title,
        s.description,
        s.start_at,
        s.end_at,
        s.room,
        tuple((sp.person_id, sp.role) for sp in s.speakers),
        None if s.panel is None else (tuple(s.panel.guiding_questions), s.panel.expected_result),
    )


@overload
def _local(value: date | datetime | str, tz: ZoneInfo) -> datetime: ...
@overload
def _local(value: None, tz: ZoneInfo) -> None: ...
def _local(value: date | datetime | str | None, tz: ZoneInfo) -> datetime | None:
    """A local date or datetime from the data file as an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def _event_times(start: Any, end: Any, tz: ZoneInfo) -> tuple[datetime, datetime, bool]:
    """Dates only mean an all-day event: local midnight to the midnight after the last day."""
    if isinstance(start, str):
        start = datetime.fromisoformat(start) if "T" in start else date.fromisoformat(start)
    if isinstance(end, str):
        end = datetime.fromisoformat(end) if "T" in end else date.fromisoformat(end)
    if not isinstance(start, datetime) and not isinstance(end, datetime):
        return _local(start, tz), _local(end + timedelta(days=1), tz), True
    return _local(start, tz), _local(end, tz), False


def load_demo(db: Session, data: dict[str, Any] | None = None) -> int:
    """Upsert every item of the seed file; returns how many rows or collections changed."""
    data = data if data is not None else read_seed()
    loader = _Loader(db)
    loader.organisations(data.get("organisations") or [])
    loader.projects_(data.get("projects") or [])
    loader.series_(data.get("series") or [])
    loader.people_(data.get("people") or [])
    loader.contacts_(data.get("press_contacts") or [])
    loader.events_(data.get("events") or [])
    loader.releases(data.get("press_releases") or [])
    db.flush()
    loader.changed += load_outcomes(db)  # illustrative, from outcomes.yaml (events of this seed only)
    return loader.changed
