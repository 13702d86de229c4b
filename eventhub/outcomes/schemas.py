"""API shapes of closing reports and recommendations (the admin pages validate the same models)."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

from annotated_types import Len
from pydantic import BaseModel, Field

from eventhub.core.i18n import N_, content
from eventhub.core.models import (
    ClosingReport,
    Language,
    OrganisationKind,
    Recommendation,
    RecommendationStatus,
    RecommendationStep,
    SessionOutcome,
)
from eventhub.core.text import markdown_to_html
from eventhub.core.validation import Choice, Line, Maybe, Required, Slug, Url, WriteModel
from eventhub.core.versions import text_type, translations_field, version_model
from eventhub.outcomes.translations import (
    OUTCOME_FIELDS,
    RECOMMENDATION_FIELDS,
    REPORT_FIELDS,
    STEP_FIELDS,
    status_label,
)

if TYPE_CHECKING:
    ReportVersion = WriteModel
    OutcomeVersion = WriteModel
    RecommendationVersion = WriteModel
    StepVersion = WriteModel
else:
    ReportVersion = version_model("ReportVersion", REPORT_FIELDS)
    OutcomeVersion = version_model("OutcomeVersion", OUTCOME_FIELDS)
    RecommendationVersion = version_model("RecommendationVersion", RECOMMENDATION_FIELDS)
    StepVersion = version_model("StepVersion", STEP_FIELDS)

ContentLanguage = Annotated[Language, Choice(Language, N_("выберите язык: ru, ky или en"))]
Status = Annotated[
    RecommendationStatus,
    Choice(
        RecommendationStatus,
        N_("допустимые значения: proposed, sent, accepted, rejected, in_progress, implemented"),
    ),
]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Summary: Any = text_type(REPORT_FIELDS["summary"])
Minutes: Any = text_type(REPORT_FIELDS["minutes"])
Result: Any = text_type(OUTCOME_FIELDS["result"])
RecommendationText: Any = text_type(RECOMMENDATION_FIELDS["text"])
Note: Any = text_type(STEP_FIELDS["note"])


class OutcomeWrite(WriteModel):
    """What one session or panel of the event actually produced."""

    session: int = Field(description="id of a session of the event")
    result: Maybe[Result] = Field(default=None, description="empty: remove the recorded result")
    translations: dict[str, OutcomeVersion] | None = translations_field()


class ReportWrite(WriteModel):
    """The closing report; on PUT, fields left out keep their stored values."""

    attendance: Maybe[Count] = Field(default=None, description="people who came (check-in fills it in)")
    organisations_count: Maybe[Count] = None
    organisation_kinds: dict[OrganisationKind, Count] | None = Field(
        default=None, description='{"ngo": 12, "ministry": 3}'
    )
    summary: Maybe[Summary] = Field(default=None, description="Markdown")
    minutes: Maybe[Minutes] = Field(default=None, description="Markdown")
    language: Maybe[ContentLanguage] = Field(default=None, description="ru | ky | en: the original language")
    outcomes: Annotated[list[OutcomeWrite], Len(0, 200)] | None = None
    translations: dict[str, ReportVersion] | None = translations_field()
    published: bool | None = Field(default=None, description="true: shown in the outcomes section of the event page")


class RecommendationWrite(WriteModel):
    """A recommendation; on PATCH only the fields sent are changed."""

    text: Maybe[RecommendationText] = None
    language: Maybe[ContentLanguage] = None
    session: Maybe[int] = Field(default=None, description="id of the session or panel it came from")
    addressees: Annotated[list[Slug], Len(0, 30)] | None = Field(
        default=None, description="slugs of the organisations it is addressed to"
    )
    responsible: Maybe[Annotated[str, Line(300)]] = Field(default=None, description="staff-only")
    due_on: Maybe[date] = None
    is_public: bool | None = None
    translations: dict[str, RecommendationVersion] | None = translations_field()


class StepWrite(WriteModel):
    """A new step of a recommendation's history."""

    status: Required[Status]
    dated: Maybe[date] = Field(default=None, description="the day it happened; today when left out")
    note: Maybe[Note] = None
    document_url: Maybe[Url] = None
    language: Maybe[ContentLanguage] = None
    translations: dict[str, StepVersion] | None = translations_field()


# --- answers ---


class AddresseeRef(BaseModel):
    slug: str
    name: str
    url: str


class StepOut(BaseModel):
    status: str
    status_label: str
    dated: date
    note: str | None
    document_url: str | None

    @classmethod
    def of(cls, step: RecommendationStep) -> "StepOut":
        return cls(
            status=step.status,
            status_label=status_label(step.status),
            dated=step.dated,
            note=content(step, "note"),
            document_url=step.document_url,
        )


class RecommendationOut(BaseModel):
    id: int
    url: str
    event: str = Field(description="slug")
    session: int | None
    text: str
    language: str
    status: str
    status_label: str
    status_on: date | None
    due_on: date | None
    addressees: list[AddresseeRef]
    history: list[StepOut]
    is_public: bool


class RecommendationStaff(RecommendationOut):
    responsible: str | None
    translations: dict[str, dict[str, Any]]


def recommendation_out(rec: Recommendation, base: str, *, staff: bool = False) -> RecommendationOut:
    fields: dict[str, Any] = {
        "id": rec.id,
        "url": f"{base}/recommendations/{rec.id}",
        "event": rec.event.slug,
        "session": rec.session_id,
        "text": content(rec, "text"),
        "language": rec.original_language,
        "status": rec.status,
        "status_label": status_label(rec.status),
        "status_on": rec.status_on,
        "due_on": rec.due_on,
        "addressees": [
            AddresseeRef(
                slug=a.organisation.slug,
                name=content(a.organisation, "name"),
                url=f"{base}/organisations/{a.organisation.slug}",
            )
            for a in rec.addressees
        ],
        "history": [StepOut.of(s) for s in rec.history],
        "is_public": rec.is_public,
    }
    if staff:
        return RecommendationStaff(**fields, responsible=rec.responsible, translations=rec.translations)
    return RecommendationOut(**fields)


class OutcomeOut(BaseModel):
    session: int
    title: str
    expected_result: str | None
    result: str


class ClosingReportOut(BaseModel):
    event: str
    published: bool
    published_at: datetime | None
    attendance: int | None
    organisations_count: int | None
    organisation_kinds: dict[str, int]
    summary: str | None
    summary_html: str
    minutes: str | None
    outcomes: list[OutcomeOut]
    language: str


def report_out(report: ClosingReport, outcomes: list[tuple[Any, SessionOutcome]]) -> ClosingReportOut:
    return ClosingReportOut(
        event=report.event.slug,
        published=report.published_at is not None,
        published_at=report.published_at,
        attendance=report.attendance,
        organisations_count=report.organisations_count,
        organisation_kinds=report.organisation_kinds,
        summary=content(report, "summary"),
        summary_html=markdown_to_html(content(report, "summary")),
        minutes=content(report, "minutes"),
        outcomes=[
            OutcomeOut(
                session=session.id,
                title=content(session, "title"),
                expected_result=content(session.panel, "expected_result") if session.panel else None,
                result=content(outcome, "result"),
            )
            for session, outcome in outcomes
        ],
        language=report.original_language,
    )
