"""JSON API for staff tokens: the report's figures (no personal data: counts only) and an
event's survey results, so a funder's system can pull them."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from eventhub.accounts.deps import get_current_user
from eventhub.accounts.permissions import Action, require
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, PaginationDep
from eventhub.core.models import StaffUser
from eventhub.core.schemas import ERROR_RESPONSES, Page
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.registrations.deps import ManagedApiDep
from eventhub.reports import service
from eventhub.reports.service import DIMENSIONS, DIMS, ReportFilters
from eventhub.surveys import service as surveys

router = APIRouter(route_class=UnitOfWorkRoute, tags=["reports"], responses=ERROR_RESPONSES)


class Totals(BaseModel):
    events: int
    held: int
    registrations: int
    attended: int
    persons: int
    attended_persons: int
    repeat_persons: int
    uncertain: int


class EventFigures(BaseModel):
    slug: str
    title: str
    date: str
    registrations: int
    attended: int
    new_persons: int


class BreakdownRow(BaseModel):
    value: str | None  # None: not stated
    label: str
    persons: int
    registrations: int
    attended: int


class CrossTabOut(BaseModel):
    rows: str
    cols: str
    measure: str
    row_values: list[str | None]
    col_values: list[str | None]
    cells: list[list[int]]


class ReportOut(BaseModel):
    title: str
    totals: Totals
    events: list[EventFigures]
    breakdowns: dict[str, list[BreakdownRow]]
    crosstabs: list[CrossTabOut]


def _user(user: Annotated[StaffUser, Depends(get_current_user)]) -> StaffUser:
    return require(user, Action.edit_events)


@router.get("/reports", response_model=ReportOut)
def report(
    db: DbDep,
    now: NowDep,
    user: Annotated[StaffUser, Depends(_user)],
    project: Annotated[str | None, Query(max_length=120)] = None,
    organisation: Annotated[str | None, Query(max_length=120)] = None,
    date_from: Annotated[str | None, Query(alias="from", max_length=20, description="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=20, description="YYYY-MM-DD")] = None,
    measure: Annotated[str, Query(max_length=40, description="persons, registrations or attended")] = "persons",
) -> dict[str, Any]:
    """Events held, registrations, attendance, unique persons; every breakdown and every
    cross-tab of two dimensions ("not stated" as null). Only events the token's user may edit."""
    filters = ReportFilters(project or None, organisation or None, date_from or None, date_to or None, measure=measure)
    rep = service.build(db, user, filters, now=now)
    breakdowns = {}
    for key in DIMS:
        one = rep.one_way(key)
        breakdowns[key] = [
            {"value": v, "label": row[0], "persons": row[1], "registrations": row[2], "attended": row[3]}
            for v, row in zip(DIMENSIONS[key].values, one.rows, strict=True)
        ]
    return {
        "title": rep.title,
        "totals": rep.totals,
        "events": [
            {
                "slug": e.slug,
                "title": e.title,
                "date": e.day.isoformat(),
                "registrations": e.registrations,
                "attended": e.attended,
                "new_persons": e.new_persons,
            }
            for e in rep.events
        ],  # fmt: skip
        "breakdowns": breakdowns,
        "crosstabs": [
            {
                "rows": t.rows.key,
                "cols": t.cols.key,
                "measure": t.measure,
                "row_values": t.rows.values,
                "col_values": t.cols.values,
                "cells": t.cells,
            }
            for t in rep.all_crosstabs(filters.measure)
        ],  # fmt: skip
    }


class QuestionOut(BaseModel):
    position: int
    kind: str
    text: str
    options: list[str]
    answers: int
    counts: list[int]
    mean: float | None
    texts: list[str]


class SurveyOut(BaseModel):
    id: int
    title: str
    phase: str
    anonymous: bool
    is_open: bool
    responses: int
    questions: list[QuestionOut]


@router.get("/events/{slug}/surveys", response_model=Page[SurveyOut])
def survey_results(db: DbDep, managed: ManagedApiDep, page: PaginationDep) -> dict[str, Any]:
    """Each questionnaire of the event with its results: counts per rating (1–5) or option,
    the mean rating, the texts."""
    event, _user = managed
    out = []
    found = surveys.surveys_of(db, event.id or 0)
    for s in found[page.offset : page.offset + page.limit]:
        total, results = surveys.results(db, s)
        out.append(
            {"id": s.id, "title": s.title, "phase": s.phase, "anonymous": s.anonymous, "is_open": s.is_open,
             "responses": total, "questions": [
                 {"position": r.question.position, "kind": r.question.kind, "text": r.text, "options": r.options,
                  "answers": r.answers, "counts": r.counts, "mean": r.mean, "texts": r.texts}
                 for r in results]}
        )  # fmt: skip
    return {"items": out, "total": len(found), "offset": page.offset, "limit": page.limit}
