"""API shapes of events."""

from datetime import datetime

from pydantic import BaseModel, Field

from eventhub.i18n import all_versions, content, current_language
from eventhub.models import Event
from eventhub.schemas import OrganisationRef, ProjectRef, SeriesRef


class Venue(BaseModel):
    name: str | None
    address: str | None
    city: str | None
    region: str | None
    latitude: float | None
    longitude: float | None


class EventOrganisationPublic(BaseModel):
    organisation: OrganisationRef
    role: str
    note: str | None


TRANSLATABLE = ("title", "summary", "description", "goals")


class EventPublic(BaseModel):
    slug: str
    url: str
    language: str = Field(description="language of the texts below (from ?lang= or Accept-Language)")
    original_language: str
    title: str
    kind: str
    status: str
    summary: str | None
    start_at: datetime = Field(description="UTC")
    end_at: datetime = Field(description="UTC; for all-day events the midnight after the last day")
    timezone: str = Field(examples=["Asia/Bishkek"])
    all_day: bool
    date_note: str | None = Field(description="what the organisers could not say precisely (time, year)")
    venue: Venue
    online_url: str | None
    languages: list[str]
    regions: list[str]
    project: ProjectRef | None
    series: SeriesRef | None
    series_edition: str | None
    organisations: list[EventOrganisationPublic]

    @classmethod
    def from_event(cls, event: Event, base_url: str) -> "EventPublic":
        return cls(**_common(event, base_url))


class SpeakerPublic(BaseModel):
    name: str
    position: str | None
    organisation: str | None
    role: str


class PanelPublic(BaseModel):
    guiding_questions: list[str]
    expected_result: str | None


class SessionPublic(BaseModel):
    position: int
    kind: str
    title: str
    description: str | None
    start_at: datetime | None
    end_at: datetime | None
    room: str | None
    track: str | None
    speakers: list[SpeakerPublic]
    panel: PanelPublic | None


class PressContactPublic(BaseModel):
    name: str
    organisation: str | None
    role: str | None
    phones: list[str] = Field(description="E.164")
    email: str | None


class Registration(BaseModel):
    mode: str
    capacity: int | None
    opens_at: datetime | None
    deadline_at: datetime | None


class EventDetail(EventPublic):
    translations: dict[str, dict] | None = Field(
        default=None, description="every language version of the texts, with ?include=translations"
    )
    goals: list[str]
    description: str | None
    participants_count: int | None
    participants_note: str | None
    registration: Registration
    agenda: list[SessionPublic]
    press_contacts: list[PressContactPublic]

    @classmethod
    def from_event(cls, event: Event, base_url: str, with_translations: bool = False) -> "EventDetail":
        return cls(
            **_common(event, base_url),
            translations=all_versions(event, TRANSLATABLE) if with_translations else None,
            goals=content(event, "goals"),
            description=content(event, "description"),
            participants_count=event.participants_count,
            participants_note=event.participants_note,
            registration=Registration(
                mode=event.registration_mode,
                capacity=event.capacity,
                opens_at=event.registration_opens_at,
                deadline_at=event.registration_deadline_at,
            ),
            agenda=[
                SessionPublic(
                    position=s.position,
                    kind=s.kind,
                    title=content(s, "title"),
                    description=content(s, "description"),
                    start_at=s.start_at,
                    end_at=s.end_at,
                    room=s.room,
                    track=s.track,
                    speakers=[
                        SpeakerPublic(
                            name=sp.person.name,
                            position=sp.person.position,
                            organisation=_org_name(sp.person),
                            role=sp.role,
                        )
                        for sp in s.speakers
                    ],
                    panel=PanelPublic(
                        guiding_questions=content(s.panel, "guiding_questions"),
                        expected_result=content(s.panel, "expected_result"),
                    )
                    if s.panel
                    else None,
                )
                for s in event.sessions
            ],
            press_contacts=[
                PressContactPublic(
                    name=c.contact.name,
                    organisation=_org_name(c.contact),
                    role=c.contact.role,
                    phones=c.contact.phones,
                    email=c.contact.email,
                )
                for c in event.press_contacts
            ],
        )


def _org_name(holder) -> str | None:  # noqa: ANN001
    if holder.organisation is not None:
        return holder.organisation.short_name or holder.organisation.name
    return holder.organisation_name


def _common(event: Event, base_url: str) -> dict:
    return dict(
        slug=event.slug,
        url=f"{base_url}/events/{event.slug}",
        language=current_language(),
        original_language=event.original_language,
        title=content(event, "title"),
        kind=event.kind,
        status=event.status,
        summary=content(event, "summary"),
        start_at=event.start_at,
        end_at=event.end_at,
        timezone=event.timezone,
        all_day=event.all_day,
        date_note=event.date_note,
        venue=Venue(
            name=event.venue_name,
            address=event.venue_address,
            city=event.city,
            region=event.venue_region,
            latitude=event.latitude,
            longitude=event.longitude,
        ),
        online_url=event.online_url,
        languages=event.languages,
        regions=sorted(r.region for r in event.regions),
        project=ProjectRef.model_validate(event.project) if event.project else None,
        series=SeriesRef.model_validate(event.series) if event.series else None,
        series_edition=event.series_edition,
        organisations=[
            EventOrganisationPublic(
                organisation=OrganisationRef.model_validate(eo.organisation), role=eo.role, note=eo.note
            )
            for eo in event.organisations
        ],
    )
