"""The demo's outcomes (eventhub/demo/outcomes.yaml): illustrative, not seed facts — the file
and every text say so. Loaded once per event: an event that has a report is left alone."""

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, select

from eventhub.core.models import (
    ClosingReport,
    Event,
    Organisation,
    Recommendation,
    RecommendationAddressee,
    RecommendationStatus,
    RecommendationStep,
    SessionOutcome,
    id_of,
)
from eventhub.core.text import search_key

OUTCOMES_FILE = Path(__file__).with_name("outcomes.yaml")


def read_outcomes(path: Path = OUTCOMES_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


def load_outcomes(db: Session, data: dict[str, Any] | None = None) -> int:
    """How many events got their (illustrative) report."""
    data = data if data is not None else read_outcomes()
    loaded = 0
    for item in data.get("events") or []:
        event = db.exec(select(Event).where(Event.slug == item["event"])).first()
        if event is None or db.exec(select(ClosingReport).where(ClosingReport.event_id == event.id)).first():
            continue
        day = event.start_at.date()
        db.add(ClosingReport(
            event_id=id_of(event), original_language=item.get("language", "ru"), attendance=item.get("attendance"),
            summary=item.get("summary"), published_at=event.end_at,
        ))  # fmt: skip
        sessions = list(event.sessions)
        for position, result in (item.get("outcomes") or {}).items():
            session = sessions[int(position) - 1]
            db.add(SessionOutcome(session_id=id_of(session), event_id=id_of(event), result=result))
        for i, rec_data in enumerate(item.get("recommendations") or [], 1):
            orgs = [db.exec(select(Organisation).where(Organisation.slug == slug)).one() for slug in rec_data["to"]]
            steps = rec_data.get("steps") or []
            last: dict[str, Any] = steps[-1] if steps else {"status": RecommendationStatus.proposed, "dated": day}
            rec = Recommendation(
                event_id=id_of(event), session_id=sessions[rec_data["panel"] - 1].id, position=i,
                text=rec_data["text"], status=last["status"], status_on=_date(last["dated"]),
                search_text=search_key(rec_data["text"], *(o.name for o in orgs), *(o.short_name for o in orgs)),
            )  # fmt: skip
            db.add(rec)
            db.flush()
            for j, org in enumerate(orgs):
                db.add(RecommendationAddressee(recommendation_id=id_of(rec), organisation_id=id_of(org), position=j))
            db.add(RecommendationStep(recommendation_id=id_of(rec), status=RecommendationStatus.proposed, dated=day))
            for step in steps:
                db.add(RecommendationStep(
                    recommendation_id=id_of(rec), status=step["status"], dated=_date(step["dated"]), note=step.get("note"),
                ))  # fmt: skip
        db.flush()
        loaded += 1
    return loaded


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
