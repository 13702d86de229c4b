"""The report for funders over a set of events (a project, an organisation, a filter and a
date range): events held, registrations, attendance and unique persons, each broken down
and cross-tabulated by sex, organisation kind, region, age group, disability and category.

Counted: registrations that hold a place (confirmed or attended), as the per-event
statistics count them; "attended" = checked in. A person's sex, region, age group, disability,
category and organisation are those of their latest registration that states them (someone
who gave their age group once is not "not stated" for the rest of the project). A value no
one chose (NULL, the older "undisclosed") is counted as "not stated", always shown.
"""

import dataclasses
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from eventhub import labels as event_labels
from eventhub.accounts.permissions import editable_events_clause
from eventhub.core import i18n
from eventhub.core.errors import Invalid
from eventhub.core.i18n import N_, _
from eventhub.core.models import (
    GENDER_CHOICES,
    AgeGroup,
    Disability,
    Event,
    EventOrganisation,
    EventStatus,
    MatchDecision,
    Organisation,
    OrganisationKind,
    Project,
    Region,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
    StaffUser,
    id_of,
)
from eventhub.core.text import format_phone
from eventhub.registrations import labels as reg_labels
from eventhub.registrations.service import HOLDING
from eventhub.reports import labels
from eventhub.reports.matching import Matching, Record, match, organisation_key

ZONE = ZoneInfo("Asia/Bishkek")  # date ranges are days in Kyrgyzstan
REPORTED_STATUSES = (EventStatus.published, EventStatus.postponed)  # not drafts, not cancelled events


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str  # N_(): translate where shown
    order: tuple[str, ...]
    names: Any  # a _Labels

    def label(self, value: str | None) -> str:
        return (self.names.get(value) if value is not None else None) or _(reg_labels.NOT_GIVEN)

    @property
    def values(self) -> list[str | None]:
        """Every value, "not stated" last: tables keep the same rows whatever the data."""
        return [*self.order, None]


DIMENSIONS = {
    d.key: d
    for d in (
        Dimension("gender", N_("Пол"), tuple(g.value for g in GENDER_CHOICES), reg_labels.GENDER),
        Dimension(
            "organisation_kind",
            N_("Вид организации"),
            tuple(k.value for k in OrganisationKind),
            event_labels.ORGANISATION_KIND,
        ),
        Dimension("region", N_("Регион"), tuple(r.value for r in Region), event_labels.REGION),
        Dimension("age_group", N_("Возрастная группа"), tuple(a.value for a in AgeGroup), labels.AGE_GROUP),
        Dimension("disability", N_("Инвалидность"), tuple(d.value for d in Disability), labels.DISABILITY),
        Dimension("category", N_("Категория"), tuple(c.value for c in RegistrationCategory), reg_labels.CATEGORY),
    )
}
DIMS = tuple(DIMENSIONS)  # a registration's and a person's values are tuples in this order
assert DIMS == ("gender", "organisation_kind", "region", "age_group", "disability", "category")  # build() reads them so
MEASURES = {
    "persons": N_("Уникальные участники"),
    "registrations": N_("Регистрации"),
    "attended": N_("Пришли"),
}


@lru_cache(maxsize=100_000)
def show_phone(e164: str) -> str:
    """A stored phone as people read it (core.text.format_phone); Kyrgyz numbers directly, as
    phonenumbers takes a third of a millisecond a number (a project has thousands)."""
    if len(e164) == 13 and e164.startswith("+996") and e164[4:].isdigit() and e164[4] in "2357":
        return f"0{e164[4:7]} {e164[7:10]} {e164[10:]}"
    return format_phone(e164)


# --- the selection of events ---


@dataclass(frozen=True)
class ReportFilters:
    """What the report is over, as typed (query parameters); `validate()` checks it."""

    project: str | None = None
    organisation: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    rows: str = "region"
    cols: str = "gender"
    measure: str = "persons"

    def dates(self) -> tuple[date | None, date | None]:
        return _date(self.date_from), _date(self.date_to)

    def validate(self) -> "ReportFilters":
        errors: dict[str, str] = {}
        parsed = {}
        for name in ("date_from", "date_to"):
            raw = getattr(self, name)
            try:
                parsed[name] = _date(raw)
            except ValueError:
                errors[name] = _("неверная дата: нужен формат ГГГГ-ММ-ДД")
        start, end = parsed.get("date_from"), parsed.get("date_to")
        if start and end and end < start:
            errors["date_to"] = _("период заканчивается раньше, чем начинается")
        for name in ("rows", "cols"):
            if getattr(self, name) not in DIMENSIONS:
                errors[name] = _("неизвестный разрез: %(value)s") % {"value": str(getattr(self, name))[:40]}
        if "rows" not in errors and "cols" not in errors and self.rows == self.cols:
            errors["cols"] = _("выберите два разных разреза")
        if self.measure not in MEASURES:
            errors["measure"] = _("неизвестный показатель: %(value)s") % {"value": str(self.measure)[:40]}
        if errors:
            raise Invalid(_("Проверьте параметры отчёта"), fields=errors)
        return self

    def query(self, **override: str | None) -> dict[str, str]:
        """The filters as query parameters (links to exports, other cross-tabs)."""
        values = {
            "project": self.project, "organisation": self.organisation, "from": self.date_from,
            "to": self.date_to, "rows": self.rows, "cols": self.cols, "measure": self.measure,
        } | override  # fmt: skip
        return {k: v for k, v in values.items() if v}


def _date(raw: str | None) -> date | None:
    raw = (raw or "").strip()
    return date.fromisoformat(raw) if raw else None


def events_clause(db: Session, user: StaffUser, filters: ReportFilters) -> tuple[list[Any], str]:
    """WHERE conditions on Event for the report, and its title. Staff see only the events
    they may edit (admins all): their own organisations' people."""
    conditions: list[Any] = [editable_events_clause(db, user), col(Event.status).in_(REPORTED_STATUSES)]
    titles = []
    if filters.project:
        project = db.exec(select(Project).where(Project.slug == filters.project)).first()
        if project is None:
            raise Invalid(_("Проверьте параметры отчёта"), fields={"project": _("такого проекта нет")})
        conditions.append(col(Event.project_id) == project.id)
        titles.append(project.short_name or project.name)
    if filters.organisation:
        org = db.exec(select(Organisation).where(Organisation.slug == filters.organisation)).first()
        if org is None:
            raise Invalid(_("Проверьте параметры отчёта"), fields={"organisation": _("такой организации нет")})
        conditions.append(
            col(Event.id).in_(select(EventOrganisation.event_id).where(EventOrganisation.organisation_id == org.id))
        )
        titles.append(org.short_name or org.name)
    start, end = filters.dates()
    if start:
        conditions.append(col(Event.start_at) >= datetime.combine(start, time(), ZONE))
    if end:
        conditions.append(col(Event.start_at) < datetime.combine(end + timedelta(days=1), time(), ZONE))
    if start or end:
        titles.append(f"{start.strftime('%d.%m.%Y') if start else '…'} – {end.strftime('%d.%m.%Y') if end else '…'}")
    return conditions, " · ".join(titles) or _("Все мероприятия")


# --- the report ---


@dataclass(slots=True)
class EventLine:
    id: int
    slug: str
    title: str
    day: date  # local date of the start
    start: datetime
    held: bool = False  # started before now
    registrations: int = 0
    attended: int = 0
    new_persons: int = 0  # persons at their first event of the selection


@dataclass(slots=True)
class RegLine:
    id: int
    event_id: int
    values: tuple[str | None, ...]  # in DIMS order
    attended: bool
    person: int = 0


@dataclass(slots=True)
class PersonLine:
    id: int
    name: str = ""
    organisation: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    values: tuple[str | None, ...] = ()
    events: list[int] = field(default_factory=list)  # event ids in date order
    attended: int = 0


@dataclass
class OneWay:
    dimension: Dimension
    rows: list[tuple[str, int, int, int]]  # label, persons, registrations, attended


@dataclass
class CrossTab:
    rows: Dimension
    cols: Dimension
    measure: str
    row_labels: list[str]
    col_labels: list[str]
    cells: list[list[int]]

    @property
    def row_totals(self) -> list[int]:
        return [sum(r) for r in self.cells]

    @property
    def col_totals(self) -> list[int]:
        return [sum(c) for c in zip(*self.cells, strict=True)] if self.cells else []

    @property
    def total(self) -> int:
        return sum(self.row_totals)


@dataclass
class Report:
    title: str
    filters: ReportFilters
    events: list[EventLine]
    regs: list[RegLine]
    persons: dict[int, PersonLine]
    matching: Matching
    reg_details: dict[int, tuple[Any, ...]]  # registration id -> its row (uncertain pairs show them)
    # tables computed once per build (a kept build serves several pages), by (kind, arguments, language)
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def _once(self, key: tuple[Any, ...], compute: Any) -> Any:
        key = (*key, i18n.current_language())
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    @property
    def totals(self) -> dict[str, int]:
        return dict(self._once(("totals",), self._totals))

    def _totals(self) -> dict[str, int]:
        attended_persons = {r.person for r in self.regs if r.attended}
        return {
            "events": len(self.events),
            "held": sum(1 for e in self.events if e.held),
            "registrations": len(self.regs),
            "attended": sum(1 for r in self.regs if r.attended),
            "persons": len(self.persons),
            "attended_persons": len(attended_persons),
            "repeat_persons": sum(1 for p in self.persons.values() if len(set(p.events)) > 1),
            "uncertain": len(self.matching.joined_uncertain) + len(self.matching.apart_uncertain),
        }

    def _items(self, measure: str) -> Sequence[RegLine | PersonLine]:
        if measure == "persons":
            return list(self.persons.values())
        if measure == "attended":
            return [r for r in self.regs if r.attended]
        return self.regs

    def one_way(self, key: str) -> OneWay:
        return self._once(("one_way", key), lambda: self._one_way(key))  # type: ignore[no-any-return]

    def _one_way(self, key: str) -> OneWay:
        dim = DIMENSIONS[key]
        i = DIMS.index(key)
        persons = Counter(p.values[i] for p in self.persons.values())
        regs = Counter(r.values[i] for r in self.regs)
        came = Counter(r.values[i] for r in self.regs if r.attended)
        return OneWay(dim, [(dim.label(v), persons[v], regs[v], came[v]) for v in dim.values])

    def crosstab(self, rows: str, cols: str, measure: str = "persons") -> CrossTab:
        return self._once(("crosstab", rows, cols, measure), lambda: self._crosstab(rows, cols, measure))  # type: ignore[no-any-return]

    def _crosstab(self, rows: str, cols: str, measure: str = "persons") -> CrossTab:
        a, b = DIMENSIONS[rows], DIMENSIONS[cols]
        i, j = DIMS.index(rows), DIMS.index(cols)
        counts = Counter((x.values[i], x.values[j]) for x in self._items(measure))
        return CrossTab(
            a, b, measure, [a.label(v) for v in a.values], [b.label(v) for v in b.values],
            [[counts[(va, vb)] for vb in b.values] for va in a.values],
        )  # fmt: skip

    def all_crosstabs(self, measure: str = "persons") -> list[CrossTab]:
        return [self.crosstab(a, b, measure) for n, a in enumerate(DIMS) for b in DIMS[n + 1 :]]

    def person_rows(self) -> list[PersonLine]:
        return sorted(self.persons.values(), key=lambda p: (p.name.casefold(), p.id))

    def uncertain(self) -> list[tuple[bool, tuple[Any, ...], tuple[Any, ...]]]:
        """(joined now?, registration a, registration b) for a staff member to decide."""
        pairs = [(True, a, b) for a, b in self.matching.joined_uncertain]
        pairs += [(False, a, b) for a, b in self.matching.apart_uncertain]
        return [(joined, self.reg_details[a], self.reg_details[b]) for joined, a, b in pairs]


# The last reports built in this process, by (user, filters, fingerprint of the data): the
# page's other cross-tabs, the exports and the matches page reuse one build. Small: a report of
# 100k registrations holds them all.
_BUILT: "OrderedDict[tuple[Any, ...], Report]" = OrderedDict()
KEEP = 2


def fingerprint(db: Session, conditions: list[Any]) -> tuple[Any, ...]:
    """What a report depends on, in COUNT(*)-like queries: its events (how many, last change),
    their registrations (how many, last change), the directory's organisations and the match
    decisions. A registration written, deleted or checked in changes it."""
    event_ids = sa.select(col(Event.id)).where(*conditions).scalar_subquery()
    events = db.execute(sa.select(sa.func.count(), sa.func.max(col(Event.updated_at))).where(*conditions)).one()
    regs = db.execute(
        sa.select(sa.func.count(), sa.func.max(col(Registration.updated_at)), sa.func.max(col(Registration.id))).where(
            col(Registration.event_id).in_(event_ids)
        )
    ).one()
    orgs = db.execute(sa.select(sa.func.count(), sa.func.max(col(Organisation.updated_at)))).one()
    decisions = db.execute(
        sa.select(
            sa.func.count(),
            sa.func.max(col(MatchDecision.decided_at)),
            sa.func.sum(sa.case((col(MatchDecision.same), 1), else_=0)),  # an answer changed
        )
    ).one()
    return (*events, *regs, *orgs, *decisions)


def build(db: Session, user: StaffUser, filters: ReportFilters, *, now: datetime) -> Report:
    """The report, from this process's last builds when nothing it counts has changed."""
    filters = filters.validate()
    conditions, title = events_clause(db, user, filters)
    selection = (filters.project, filters.organisation, filters.date_from, filters.date_to)
    key = (user.id, user.role, selection, fingerprint(db, conditions), i18n.current_language())
    report = _BUILT.get(key)
    if report is None:
        report = _build(db, filters, conditions, title, now=now)
        _BUILT[key] = report
        while len(_BUILT) > KEEP:
            _BUILT.popitem(last=False)
    else:
        _BUILT.move_to_end(key)
        for line in report.events:
            line.held = line.start <= now
    return dataclasses.replace(report, filters=filters)


def _build(db: Session, filters: ReportFilters, conditions: list[Any], title: str, *, now: datetime) -> Report:
    event_rows = db.execute(
        sa.select(col(Event.id), col(Event.slug), col(Event.title), col(Event.start_at), col(Event.timezone))
        .where(*conditions)
        .order_by(col(Event.start_at), col(Event.id))
    ).all()
    events = {
        row[0]: EventLine(row[0], row[1], row[2], row[3].astimezone(ZoneInfo(row[4])).date(), row[3], row[3] <= now)
        for row in event_rows
    }
    event_ids = sa.select(col(Event.id)).where(*conditions).scalar_subquery()
    reg_rows = list(
        db.execute(
            sa.select(
                col(Registration.id),
                col(Registration.event_id),
                col(Registration.full_name),
                col(Registration.email_normalised),
                col(Registration.phone),
                col(Registration.organisation_id),
                col(Registration.organisation_name),
                col(Organisation.name),
                col(Organisation.kind),
                col(Registration.gender),
                col(Registration.region),
                col(Registration.age_group),
                col(Registration.disability),
                col(Registration.category),
                col(Registration.status),
                col(Registration.email),
            )  # fmt: skip
            .join(Organisation, col(Organisation.id) == col(Registration.organisation_id), isouter=True)
            .where(col(Registration.event_id).in_(event_ids), col(Registration.status).in_(HOLDING))
        )
    )
    order = {eid: n for n, eid in enumerate(events)}
    reg_rows.sort(key=lambda r: (order[r[1]], r[0]))  # date order: a person's latest values win
    decisions = {
        (a, b): same
        for a, b, same in db.execute(
            sa.select(
                col(MatchDecision.registration_a_id), col(MatchDecision.registration_b_id), col(MatchDecision.same)
            )
        )
    }
    matching = match(
        (Record(r[0], r[2], r[3] or "", r[4] or "", organisation_key(r[5], r[6])) for r in reg_rows), decisions
    )
    dims = [DIMENSIONS[k] for k in DIMS]
    regs: list[RegLine] = []
    persons: dict[int, PersonLine] = {}
    genders, kinds, regions, ages, disabilities, categories = (frozenset(d.order) for d in dims)
    for r in reg_rows:
        # in DIMS order; a value outside the dimension ("undisclosed" of older rows) is not stated
        values = (
            r[9] if r[9] in genders else None,
            r[8] if r[8] in kinds else None,
            r[10] if r[10] in regions else None,
            r[11] if r[11] in ages else None,
            r[12] if r[12] in disabilities else None,
            r[13] if r[13] in categories else None,
        )
        attended = r[14] == RegistrationStatus.attended
        pid = matching.person_of[r[0]]
        regs.append(RegLine(r[0], r[1], values, attended, pid))
        person = persons.get(pid)
        if person is None:
            person = persons[pid] = PersonLine(pid, values=values)
            events[r[1]].new_persons += 1
        elif None in values:  # the latest stated value wins
            person.values = tuple(v if v is not None else old for v, old in zip(values, person.values, strict=True))
        else:
            person.values = values
        person.name = r[2]
        organisation = r[7] or r[6]
        if organisation:
            person.organisation = organisation
        if r[15] and r[15] not in person.emails:
            person.emails.append(r[15])
        phone = r[4]  # E.164; shown formatted (show_phone)
        if phone and phone not in person.phones:
            person.phones.append(phone)
        person.events.append(r[1])
        person.attended += attended
        line = events[r[1]]
        line.registrations += 1
        line.attended += attended
    asked = {i for pair in (*matching.joined_uncertain, *matching.apart_uncertain) for i in pair}
    details = {
        r[0]: (r[0], r[2], r[15], r[4] or "", r[7] or r[6] or "", events[r[1]]) for r in reg_rows if r[0] in asked
    }
    return Report(title, filters, list(events.values()), regs, persons, matching, details)


# --- decisions on uncertain matches ---


def decide(
    db: Session, user: StaffUser, *, registration_a: int, registration_b: int, same: bool, now: datetime
) -> MatchDecision:
    """Keep a staff member's answer: one person or two. Only about registrations of events
    they may edit."""
    a, b = sorted((registration_a, registration_b))
    if a == b:
        raise Invalid(_("Выберите две разные регистрации"))
    visible = db.exec(
        select(Registration.id).where(
            col(Registration.id).in_((a, b)),
            col(Registration.event_id).in_(select(Event.id).where(editable_events_clause(db, user))),
        )
    ).all()
    if len(set(visible)) != 2:
        raise Invalid(_("Регистрация не найдена"))
    decision = db.exec(
        select(MatchDecision).where(MatchDecision.registration_a_id == a, MatchDecision.registration_b_id == b)
    ).first()
    if decision is None:
        decision = MatchDecision(registration_a_id=a, registration_b_id=b, same=same)
    decision.same = same
    decision.decided_by_id = id_of(user)
    decision.decided_at = now
    db.add(decision)
    db.flush()
    return decision
