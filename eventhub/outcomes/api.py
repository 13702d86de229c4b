"""JSON API: closing reports and recommendations. Reading is public (what the organiser
published); writing, and reading drafts and staff-only recommendations, needs a Bearer token
of an organiser of the event's organisations (or an admin)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from eventhub.accounts.deps import OptionalUser, allowed_to
from eventhub.accounts.permissions import Action, can_edit_event
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, PaginationDep, SettingsDep
from eventhub.core.errors import NotFound
from eventhub.core.i18n import _
from eventhub.core.models import StaffUser
from eventhub.core.schemas import ERROR_RESPONSES, ErrorResponse, Page, Responses
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.events.deps import get_event_or_404
from eventhub.outcomes.deps import RecommendationFiltersDep
from eventhub.outcomes.schemas import (
    ClosingReportOut,
    RecommendationOut,
    RecommendationStaff,
    RecommendationWrite,
    ReportWrite,
    StepWrite,
    recommendation_out,
    report_out,
)
from eventhub.outcomes.service import (
    add_step,
    create_recommendation,
    delete_recommendation,
    event_for_staff,
    event_recommendations,
    get_recommendation,
    get_recommendation_for_staff,
    get_report,
    list_public_recommendations,
    public_report,
    recorded_outcomes,
    save_report,
    update_recommendation,
)
from eventhub.outcomes.service import today as local_today

router = APIRouter(route_class=UnitOfWorkRoute, tags=["outcomes"], responses=ERROR_RESPONSES)
Writer = Annotated[StaffUser, Depends(allowed_to(Action.edit_events))]
SlugPath = Annotated[str, Path(max_length=160)]
RecId = Annotated[int, Path(ge=1, le=2_147_483_647)]
WRITE_ERRORS: Responses = {
    401: {"model": ErrorResponse, "description": "No or invalid token"},
    403: {"model": ErrorResponse, "description": "Not an organiser of the event"},
}


@router.get("/events/{slug}/report", response_model=ClosingReportOut)
def api_get_report(db: DbDep, slug: SlugPath, user: OptionalUser) -> ClosingReportOut:
    """The event's closing report once published (its organisers: the draft too)."""
    event = get_event_or_404(db, user, slug)
    report = get_report(db, event) if can_edit_event(db, user, event) else public_report(db, event)
    if report is None:
        raise NotFound(_("У мероприятия «%(slug)s» нет опубликованных итогов") % {"slug": slug})
    return report_out(report, recorded_outcomes(db, event))


@router.put("/events/{slug}/report", response_model=ClosingReportOut, responses=WRITE_ERRORS)
def api_put_report(db: DbDep, slug: SlugPath, data: ReportWrite, user: Writer, now: NowDep) -> ClosingReportOut:
    """Create or change the closing report; `published: true` shows it on the event page."""
    event = event_for_staff(db, slug, user)
    report = save_report(db, event, data=data, user=user, now=now)
    return report_out(report, recorded_outcomes(db, event))


@router.get("/events/{slug}/recommendations", response_model=Page[RecommendationOut])
def api_event_recommendations(
    db: DbDep, slug: SlugPath, user: OptionalUser, settings: SettingsDep, page: PaginationDep
) -> Page[RecommendationOut]:
    """The event's recommendations in order: the public ones, or every one for its organisers
    (`is_public` tells them apart; the staff-only fields are in each one's own answer)."""
    event = get_event_or_404(db, user, slug)
    staff = can_edit_event(db, user, event)
    items = event_recommendations(db, event, staff=staff)[page.offset : page.offset + page.limit]
    return Page(
        items=[recommendation_out(r, settings.base_url) for r in items],
        total=len(event_recommendations(db, event, staff=staff)),
        offset=page.offset,
        limit=page.limit,
    )


@router.post(
    "/events/{slug}/recommendations", response_model=RecommendationStaff, status_code=201, responses=WRITE_ERRORS
)
def api_create_recommendation(
    db: DbDep, slug: SlugPath, data: RecommendationWrite, user: Writer, now: NowDep, settings: SettingsDep
) -> RecommendationOut:
    """A new recommendation of the event (status `proposed`, dated today)."""
    event = event_for_staff(db, slug, user)
    rec = create_recommendation(db, event, data=data, user=user, today=local_today(now, event.timezone))
    return recommendation_out(get_recommendation(db, rec.id or 0, user), settings.base_url, staff=True)


@router.get("/recommendations", response_model=Page[RecommendationOut])
def api_list_recommendations(
    db: DbDep, filters: RecommendationFiltersDep, page: PaginationDep, settings: SettingsDep
) -> Page[RecommendationOut]:
    """Public recommendations; filter by addressee, project, event (slugs), status, year, words."""
    items, total = list_public_recommendations(db, filters, offset=page.offset, limit=page.limit)
    return Page(
        items=[recommendation_out(r, settings.base_url) for r in items],
        total=total,
        offset=page.offset,
        limit=page.limit,
    )


@router.get("/recommendations/{rec_id}", response_model=RecommendationStaff | RecommendationOut)
def api_get_recommendation(db: DbDep, rec_id: RecId, user: OptionalUser, settings: SettingsDep) -> RecommendationOut:
    """One recommendation with its dated history (its organisers: staff-only fields too)."""
    rec = get_recommendation(db, rec_id, user)
    return recommendation_out(rec, settings.base_url, staff=can_edit_event(db, user, rec.event))


@router.patch("/recommendations/{rec_id}", response_model=RecommendationStaff, responses=WRITE_ERRORS)
def api_update_recommendation(
    db: DbDep, rec_id: RecId, data: RecommendationWrite, user: Writer, settings: SettingsDep
) -> RecommendationOut:
    """Change the fields sent (the status moves with POST …/steps)."""
    rec = update_recommendation(db, get_recommendation_for_staff(db, rec_id, user), data=data, user=user)
    return recommendation_out(rec, settings.base_url, staff=True)


@router.post(
    "/recommendations/{rec_id}/steps", response_model=RecommendationStaff, status_code=201, responses=WRITE_ERRORS
)
def api_add_step(
    db: DbDep, rec_id: RecId, data: StepWrite, user: Writer, now: NowDep, settings: SettingsDep
) -> RecommendationOut:
    """Move the recommendation on (proposed → sent → accepted / rejected → in progress → implemented)."""
    rec = get_recommendation_for_staff(db, rec_id, user)
    add_step(db, rec, data=data, user=user, now=now, timezone=rec.event.timezone)
    return recommendation_out(rec, settings.base_url, staff=True)


@router.delete("/recommendations/{rec_id}", status_code=204, responses=WRITE_ERRORS)
def api_delete_recommendation(db: DbDep, rec_id: RecId, user: Writer) -> Response:
    delete_recommendation(db, get_recommendation_for_staff(db, rec_id, user), user=user)
    return Response(status_code=204)
