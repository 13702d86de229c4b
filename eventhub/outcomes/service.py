"""Closing reports and recommendations: reading what is public, writing (checked whole
before anything is stored, audited). Permissions: the organisers of the event's
organisations (accounts/permissions.py `require_event_edit`) write and read staff-only parts."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, func, select

from eventhub.accounts.permissions import can_edit_event, require_event_edit
from eventhub.core import audit
from eventhub.core.errors import Invalid, NotFound
from eventhub.core.i18n import _
from eventhub.core.models import (
    PUBLIC_EVENT_STATUSES,
    AgendaSession,
    ClosingReport,
    Event,
    Organisation,
    Project,
    Recommendation,
    RecommendationAddressee,
    RecommendationStatus,
    RecommendationStep,
    Registration,
    RegistrationStatus,
    SessionOutcome,
    StaffUser,
    id_of,
    rel,
)
from eventhub.core.text import normalise_query, search_key
from eventhub.core.versions import check_versions
from eventhub.events.editing import get_event_for_staff
from eventhub.outcomes.schemas import RecommendationWrite, ReportWrite, StepWrite
from eventhub.outcomes.translations import (
    OUTCOME_FIELDS,
    RECOMMENDATION_FIELDS,
    REPORT_FIELDS,
    STEP_FIELDS,
    status_label,
)

S = RecommendationStatus
ORDER = (S.proposed, S.sent, S.accepted, S.rejected, S.in_progress, S.implemented)
# Where a recommendation may go from each status: forward only (a step may be skipped:
# an answer may come before anyone recorded the sending); a rejection ends it.
NEXT: dict[str, tuple[S, ...]] = {
    S.proposed: (S.sent, S.accepted, S.rejected, S.in_progress, S.implemented),
    S.sent: (S.accepted, S.rejected, S.in_progress, S.implemented),
    S.accepted: (S.in_progress, S.implemented),
    S.in_progress: (S.implemented,),
    S.rejected: (),
    S.implemented: (),
}


def event_for_staff(db: Session, slug: str, user: StaffUser | None) -> Event:
    """An event whose outcomes `user` may write (another organisation's draft: 404)."""
    event = get_event_for_staff(db, slug)
    if event is None:
        raise NotFound(_("Мероприятие «%(slug)s» не найдено") % {"slug": slug})
    require_event_edit(db, user, event)
    return event


# --- closing report ---


def get_report(db: Session, event: Event) -> ClosingReport | None:
    return db.exec(select(ClosingReport).where(ClosingReport.event_id == id_of(event))).first()


def public_report(db: Session, event: Event) -> ClosingReport | None:
    """The report when its event is public and the organiser published it."""
    if event.status not in PUBLIC_EVENT_STATUSES:
        return None
    report = get_report(db, event)
    return report if report is not None and report.published_at is not None else None


def session_outcomes(db: Session, event: Event) -> list[tuple[AgendaSession, SessionOutcome | None]]:
    """Every session of the event in programme order, with what it produced (None: nothing recorded)."""
    outcomes = {o.session_id: o for o in db.exec(select(SessionOutcome).where(SessionOutcome.event_id == id_of(event)))}
    return [(s, outcomes.get(id_of(s))) for s in event.sessions]


def recorded_outcomes(db: Session, event: Event) -> list[tuple[AgendaSession, SessionOutcome]]:
    return [(s, o) for s, o in session_outcomes(db, event) if o is not None]


@dataclass(frozen=True)
class CheckinFigures:
    attendance: int
    organisations: int
    kinds: dict[str, int]


def checkin_figures(db: Session, event: Event) -> CheckinFigures:
    """Who came, from the check-in: people, distinct organisations (from the directory or as
    typed) and the kinds of those in the directory."""
    rows = db.exec(
        select(Registration.organisation_id, Registration.organisation_name).where(
            Registration.event_id == id_of(event),
            sa.or_(
                col(Registration.checked_in_at).is_not(None),
                col(Registration.status) == RegistrationStatus.attended,
            ),
        )
    ).all()
    org_ids = {org_id for org_id, _name in rows if org_id is not None}
    typed = {name.strip().casefold() for org_id, name in rows if org_id is None and name and name.strip()}
    kinds: Counter[str] = Counter()
    if org_ids:
        kinds.update(db.exec(select(Organisation.kind).where(col(Organisation.id).in_(org_ids))).all())
    return CheckinFigures(attendance=len(rows), organisations=len(org_ids) + len(typed), kinds=dict(kinds))


def save_report(db: Session, event: Event, *, data: ReportWrite, user: StaffUser, now: datetime) -> ClosingReport:
    """Create or change the event's report and its sessions' outcomes, all or nothing."""
    report = get_report(db, event)
    created = report is None
    if report is None:
        report = ClosingReport(event_id=id_of(event))
    before = _report_snapshot(report)
    sent = data.model_dump(exclude_unset=True)
    for name in ("attendance", "organisations_count", "summary", "minutes"):
        if name in sent:
            setattr(report, name, sent[name])
    if "organisation_kinds" in sent:
        report.organisation_kinds = {str(k): v for k, v in (data.organisation_kinds or {}).items() if v}
    if data.language is not None:
        report.original_language = data.language
    if data.translations is not None:
        report.translations = check_versions(report.original_language, REPORT_FIELDS, data.translations)
    sessions = {id_of(s): s for s in event.sessions}
    errors = {
        f"outcomes.{i}.session": _("нет такой сессии в программе этого мероприятия")
        for i, o in enumerate(data.outcomes or [])
        if o.session not in sessions
    }
    if errors:
        raise Invalid(_("Неверные данные"), fields=errors)
    if data.published is True and report.published_at is None:
        report.published_at = now
    elif data.published is False:
        report.published_at = None
    db.add(report)
    db.flush()
    stored = {o.session_id: o for o in db.exec(select(SessionOutcome).where(SessionOutcome.event_id == id_of(event)))}
    for i, item in enumerate(data.outcomes or []):
        outcome = stored.get(item.session)
        if item.result is None:
            if outcome is not None:
                db.delete(outcome)
            continue
        if outcome is None:
            outcome = SessionOutcome(session_id=item.session, event_id=id_of(event), result=item.result)
            outcome.original_language = report.original_language
        outcome.result = item.result
        if item.translations is not None:
            try:
                outcome.translations = check_versions(outcome.original_language, OUTCOME_FIELDS, item.translations)
            except Invalid as exc:
                raise Invalid(exc.message, fields={f"outcomes.{i}.{k}": v for k, v in exc.fields.items()}) from None
        db.add(outcome)
    db.flush()
    changes = audit.diff(before, _report_snapshot(report))
    if created or changes:
        audit.record(
            db, user=user, action="create" if created else "update", entity=report, changes=changes,
            event_id=event.id, elide=("summary", "minutes"),
        )  # fmt: skip
    return report


def _report_snapshot(report: ClosingReport) -> dict[str, Any]:
    return {
        "attendance": report.attendance,
        "organisations_count": report.organisations_count,
        "organisation_kinds": dict(report.organisation_kinds or {}),
        "summary": report.summary,
        "minutes": report.minutes,
        "published_at": report.published_at.isoformat() if report.published_at else None,
    }


# --- recommendations: what is public ---


def public_clause() -> sa.ColumnElement[bool]:
    """The one definition of a public recommendation: marked public, of a public event whose
    report is published."""
    return sa.and_(
        col(Recommendation.is_public).is_(True),
        col(Recommendation.event_id).in_(
            select(ClosingReport.event_id)
            .join(Event, col(Event.id) == col(ClosingReport.event_id))
            .where(col(ClosingReport.published_at).is_not(None), col(Event.status).in_(PUBLIC_EVENT_STATUSES))
        ),
    )


def _options() -> list[Any]:
    return [
        selectinload(rel(Recommendation.addressees)).selectinload(rel(RecommendationAddressee.organisation)),
        selectinload(rel(Recommendation.history)),
        selectinload(rel(Recommendation.event)),
        selectinload(rel(Recommendation.session)),
    ]


@dataclass(frozen=True)
class RecommendationFilters:
    organisation: str | None = None  # slug of an addressee
    project: str | None = None  # slug
    event: str | None = None  # slug
    status: str | None = None
    year: int | None = None  # of the event
    q: str | None = None

    def validate(self) -> "RecommendationFilters":
        fields = {}
        if self.status and self.status not in ORDER:
            fields["status"] = _("допустимые значения: %(values)s") % {"values": ", ".join(ORDER)}
        if self.year is not None and not 1990 <= self.year <= 2100:
            fields["year"] = _("год от 1990 до 2100")
        if self.q is not None and len(self.q) > 200:
            fields["q"] = _("запрос длиннее %(max)d символов") % {"max": 200}
        if fields:
            raise Invalid(_("Неверные параметры фильтра"), fields=fields)
        return self

    def any(self) -> bool:
        return any(
            v not in (None, "") for v in (self.organisation, self.project, self.event, self.status, self.year, self.q)
        )


def list_public_recommendations(
    db: Session, filters: RecommendationFilters, *, offset: int = 0, limit: int = 50
) -> tuple[list[Recommendation], int]:
    """Public recommendations matching `filters`, the latest steps first."""
    query = select(Recommendation).where(public_clause())
    if filters.organisation:
        query = query.where(
            col(Recommendation.id).in_(
                select(RecommendationAddressee.recommendation_id)
                .join(Organisation, col(Organisation.id) == col(RecommendationAddressee.organisation_id))
                .where(Organisation.slug == filters.organisation)
            )
        )
    if filters.event or filters.project or filters.year:
        events = select(Event.id)
        if filters.event:
            events = events.where(Event.slug == filters.event)
        if filters.project:
            events = events.join(Project, col(Project.id) == col(Event.project_id)).where(
                Project.slug == filters.project
            )
        if filters.year:
            events = events.where(func.extract("year", col(Event.start_at)) == filters.year)
        query = query.where(col(Recommendation.event_id).in_(events))
    if filters.status:
        query = query.where(Recommendation.status == filters.status)
    for word in normalise_query(filters.q or ""):
        query = query.where(col(Recommendation.search_text).contains(word, autoescape=True))
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    rows = db.exec(
        query.options(*_options())
        .order_by(col(Recommendation.status_on).desc().nulls_last(), col(Recommendation.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), total


def public_years(db: Session) -> list[int]:
    """The years of events with public recommendations (the tracker's year filter)."""
    years = db.exec(
        select(func.extract("year", col(Event.start_at)))
        .where(col(Event.id).in_(select(Recommendation.event_id).where(public_clause())))
        .distinct()
    ).all()
    return sorted({int(y) for y in years if y is not None}, reverse=True)


def get_public_recommendation(db: Session, rec_id: int) -> Recommendation:
    rec = db.exec(
        select(Recommendation).where(Recommendation.id == rec_id, public_clause()).options(*_options())
    ).first()
    if rec is None:
        raise NotFound(_("Рекомендация не найдена"))
    return rec


def get_recommendation(db: Session, rec_id: int, user: StaffUser | None) -> Recommendation:
    """A recommendation `user` may read: public ones for everyone, any of the events they run."""
    rec = db.exec(select(Recommendation).where(Recommendation.id == rec_id).options(*_options())).first()
    if rec is not None and user is not None and can_edit_event(db, user, rec.event):
        return rec
    return get_public_recommendation(db, rec_id)


def get_recommendation_for_staff(db: Session, rec_id: int, user: StaffUser | None) -> Recommendation:
    """A recommendation `user` may change (else 404 when they may not even see it, 403 otherwise)."""
    rec = db.exec(select(Recommendation).where(Recommendation.id == rec_id).options(*_options())).first()
    if rec is None:
        raise NotFound(_("Рекомендация не найдена"))
    require_event_edit(db, user, rec.event)
    return rec


def event_recommendations(db: Session, event: Event, *, staff: bool) -> list[Recommendation]:
    query = select(Recommendation).where(Recommendation.event_id == id_of(event))
    if not staff:
        query = query.where(public_clause())
    return list(
        db.exec(query.options(*_options()).order_by(col(Recommendation.position), col(Recommendation.id))).all()
    )


def for_organisation(db: Session, organisation: Organisation, limit: int = 200) -> list[Recommendation]:
    """Public recommendations addressed to `organisation`."""
    items, _total = list_public_recommendations(db, RecommendationFilters(organisation=organisation.slug), limit=limit)
    return items


def for_project(db: Session, project: Project, limit: int = 200) -> list[Recommendation]:
    """Public recommendations of the project's events."""
    items, _total = list_public_recommendations(db, RecommendationFilters(project=project.slug), limit=limit)
    return items


def status_counts(items: list[Recommendation]) -> list[tuple[str, str, int]]:
    counts = Counter(r.status for r in items)
    return [(s, status_label(s), counts[s]) for s in ORDER if counts[s]]


# --- recommendations: writing ---


def _addressees(db: Session, slugs: list[str]) -> list[Organisation]:
    orgs = {o.slug: o for o in db.exec(select(Organisation).where(col(Organisation.slug).in_(slugs)))}
    missing = [s for s in slugs if s not in orgs]
    if missing:
        raise Invalid(
            _("Неверные данные"),
            fields={"addressees": _("нет такой организации в справочнике: %(slugs)s") % {"slugs": ", ".join(missing)}},
        )
    return [orgs[s] for s in dict.fromkeys(slugs)]


def _search_text(rec: Recommendation, orgs: list[Organisation]) -> str:
    versions = [v.get("text") for v in (rec.translations or {}).values()]
    names = [p for o in orgs for p in (o.name, o.short_name)]
    return search_key(rec.text, *versions, *names)


def _rec_snapshot(rec: Recommendation) -> dict[str, Any]:
    return {
        "text": rec.text,
        "session_id": rec.session_id,
        "responsible": rec.responsible,
        "due_on": rec.due_on.isoformat() if rec.due_on else None,
        "is_public": rec.is_public,
        "addressees": [a.organisation_id for a in rec.addressees],
    }


def create_recommendation(
    db: Session, event: Event, *, data: RecommendationWrite, user: StaffUser, today: date
) -> Recommendation:
    if data.text is None:
        raise Invalid(_("Неверные данные"), fields={"text": _("обязательное поле")})
    position = db.exec(
        select(func.coalesce(func.max(Recommendation.position), 0)).where(Recommendation.event_id == id_of(event))
    ).one()
    # Proposed at the event (recorded afterwards), or today when written before it ends.
    proposed_on = min(today, event.end_at.astimezone(ZoneInfo(event.timezone)).date())
    rec = Recommendation(
        event_id=id_of(event), text=data.text, position=position + 1, status=S.proposed, status_on=proposed_on,
        created_by_id=user.id,
    )  # fmt: skip
    rec.event = event
    _apply(db, rec, event, data)
    db.flush()
    db.add(
        RecommendationStep(recommendation_id=id_of(rec), status=S.proposed, dated=proposed_on, recorded_by_id=user.id)
    )
    db.flush()
    db.refresh(rec, ["history"])
    audit.record(
        db, user=user, action="create", entity=rec, changes=audit.diff({}, _rec_snapshot(rec)), event_id=event.id
    )
    return rec


def update_recommendation(
    db: Session, rec: Recommendation, *, data: RecommendationWrite, user: StaffUser
) -> Recommendation:
    before = _rec_snapshot(rec)
    _apply(db, rec, rec.event, data)
    db.flush()
    db.refresh(rec, ["addressees"])
    changes = audit.diff(before, _rec_snapshot(rec))
    if changes:
        audit.record(db, user=user, action="update", entity=rec, changes=changes, event_id=rec.event_id)
    return rec


def _apply(db: Session, rec: Recommendation, event: Event, data: RecommendationWrite) -> None:
    """Every field sent, checked before anything changes."""
    sent = data.model_dump(exclude_unset=True)
    if "text" in sent and data.text is None:
        raise Invalid(_("Неверные данные"), fields={"text": _("обязательное поле")})
    if data.session is not None and data.session not in {s.id for s in event.sessions}:
        raise Invalid(_("Неверные данные"), fields={"session": _("нет такой сессии в программе этого мероприятия")})
    orgs = _addressees(db, data.addressees) if data.addressees is not None else [a.organisation for a in rec.addressees]
    language = data.language or rec.original_language
    translations = (
        check_versions(language, RECOMMENDATION_FIELDS, data.translations) if data.translations is not None else None
    )
    for name in ("text", "session", "responsible", "due_on", "is_public"):
        if name in sent and not (name == "is_public" and sent[name] is None):
            setattr(rec, "session_id" if name == "session" else name, sent[name])
    rec.original_language = language
    if translations is not None:
        rec.translations = translations
    rec.search_text = _search_text(rec, orgs)
    db.add(rec)
    if data.addressees is not None:
        for link in list(rec.addressees):
            db.delete(link)
        db.flush()
        for i, org in enumerate(orgs):
            db.add(RecommendationAddressee(recommendation_id=id_of(rec), organisation_id=id_of(org), position=i))
        db.flush()
        db.refresh(rec, ["addressees"])


def delete_recommendation(db: Session, rec: Recommendation, *, user: StaffUser) -> None:
    audit.record(
        db, user=user, action="delete", entity=rec, changes=audit.diff(_rec_snapshot(rec), {}), event_id=rec.event_id
    )
    db.delete(rec)
    db.flush()


def add_step(
    db: Session, rec: Recommendation, *, data: StepWrite, user: StaffUser, now: datetime, timezone: str
) -> RecommendationStep:
    """Move a recommendation on (forward only), with the day it happened and a note."""
    allowed = NEXT.get(rec.status, ())
    if data.status not in allowed:
        message = (
            _("Из статуса «%(from)s» можно перейти только в: %(to)s")
            % {"from": status_label(rec.status), "to": ", ".join(f"«{status_label(s)}»" for s in allowed)}
            if allowed
            else _("Статус «%(from)s» окончательный") % {"from": status_label(rec.status)}
        )
        raise Invalid(message, fields={"status": message})
    today = now.astimezone(ZoneInfo(timezone)).date()
    dated = data.dated or today
    last = rec.history[-1].dated if rec.history else None
    if dated > today:
        raise Invalid(_("Неверные данные"), fields={"dated": _("дата ещё не наступила")})
    if last is not None and dated < last:
        raise Invalid(
            _("Неверные данные"),
            fields={"dated": _("не раньше предыдущего шага (%(date)s)") % {"date": last.isoformat()}},
        )
    language = data.language or rec.original_language
    step = RecommendationStep(
        recommendation_id=id_of(rec), status=data.status, dated=dated, note=data.note,
        document_url=data.document_url, recorded_at=now, recorded_by_id=user.id, original_language=language,
    )  # fmt: skip
    if data.translations is not None:
        step.translations = check_versions(language, STEP_FIELDS, data.translations)
    before = rec.status
    rec.status, rec.status_on = data.status, dated
    db.add(step)
    db.add(rec)
    db.flush()
    db.refresh(rec, ["history"])
    audit.record(
        db, user=user, action="status", entity=rec, changes={"status": [before, rec.status]}, event_id=rec.event_id
    )
    return step


def recent_steps(db: Session, limit: int = 50) -> list[RecommendationStep]:
    """The latest steps of public recommendations (the Atom feed)."""
    return list(
        db.exec(
            select(RecommendationStep)
            .join(Recommendation, col(Recommendation.id) == col(RecommendationStep.recommendation_id))
            .where(public_clause())
            .options(
                selectinload(rel(RecommendationStep.recommendation)).options(*_options()),
            )
            .order_by(col(RecommendationStep.recorded_at).desc(), col(RecommendationStep.id).desc())
            .limit(limit)
        ).all()
    )


def by_addressee(recs: list[Recommendation]) -> list[tuple[Organisation | None, list[Recommendation]]]:
    """Recommendations grouped by the organisation they are addressed to, in first-seen order
    (one addressed to two bodies is in both groups; None: addressed to nobody yet)."""
    groups: dict[int | None, tuple[Organisation | None, list[Recommendation]]] = {}
    for rec in recs:
        targets: list[Organisation | None] = [a.organisation for a in rec.addressees] or [None]
        for org in targets:
            key = org.id if org is not None else None
            groups.setdefault(key, (org, []))[1].append(rec)
    none = groups.pop(None, None)
    return [*groups.values(), *([none] if none else [])]


def today(now: datetime, timezone: str) -> date:
    """The date at the event's place."""
    return now.astimezone(ZoneInfo(timezone)).date()
