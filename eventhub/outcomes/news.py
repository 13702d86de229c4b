"""«Write a post-event news item»: a press release draft prefilled from the closing report
(attendance, what each session produced, the recommendations and their addressees, photos),
as the seeds' own post-event reports are written. The press editor opens it; nothing is stored."""

from typing import Any

from sqlmodel import Session

from eventhub.accounts.permissions import can_edit_event
from eventhub.core.i18n import _, content
from eventhub.core.models import Event, MaterialKind, StaffUser
from eventhub.outcomes import materials, service
from eventhub.templating import event_date_range


def news_draft(db: Session, event: Event, user: StaffUser, base_url: str) -> dict[str, Any] | None:
    """The editor's fields (type report, title, lead, body in Markdown), or None without a report."""
    staff = can_edit_event(db, user, event)
    report = service.get_report(db, event) if staff else service.public_report(db, event)
    if report is None:
        return None
    title = content(event, "title")
    where = ", ".join(p for p in (event.city,) if p)
    lead = f"{event_date_range(event)}{', ' + where if where else ''} — {title}."
    if report.attendance:
        lead += " " + _("Участвовали %(people)d человек из %(orgs)d организаций.") % {
            "people": report.attendance, "orgs": report.organisations_count or 0,
        }  # fmt: skip
    parts = []
    if content(report, "summary"):
        parts.append(content(report, "summary"))
    outcomes = service.recorded_outcomes(db, event)
    if outcomes:
        parts.append("## " + _("Что дала каждая сессия"))
        parts.append("\n".join(f"- **{content(s, 'title')}**: {content(o, 'result')}" for s, o in outcomes))
    recs = service.event_recommendations(db, event, staff=False)
    if recs:
        parts.append("## " + _("Рекомендации"))
        lines = []
        for i, rec in enumerate(recs, 1):
            to = ", ".join(content(a.organisation, "name") for a in rec.addressees)
            lines.append(f"{i}. {content(rec, 'text')}" + (f" ({_('Кому: %(to)s') % {'to': to}})" if to else ""))
        parts.append("\n".join(lines))
    photos = [m for m in materials.event_materials(db, event, staff=False) if m.kind == MaterialKind.photo]
    if photos:
        parts.append("## " + _("Фото"))
        parts.append("\n".join(f"- [{m.title}]({base_url}/materials/{m.id}/{m.filename})" for m in photos))
    return {
        "type": "report", "language": report.original_language, "event": event.slug,
        "title": _("Итоги: %(title)s") % {"title": title}, "lead": lead, "body": "\n\n".join(parts),
    }  # fmt: skip
