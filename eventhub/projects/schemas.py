"""API shapes of projects."""

from pydantic import BaseModel, Field

from eventhub.core.i18n import content, current_language
from eventhub.core.models import Project
from eventhub.core.schemas import OrganisationRef


class Figure(BaseModel):
    value: str
    label: str


class ProjectOrganisationPublic(BaseModel):
    organisation: OrganisationRef
    role: str


class ProjectPublic(BaseModel):
    slug: str
    language: str = Field(description="language of the texts below (from ?lang= or Accept-Language)")
    original_language: str
    short_name: str | None
    name: str
    summary: str | None
    description: str | None
    figures: list[Figure]
    regions: list[str]
    website: str | None
    start_year: int | None
    end_year: int | None
    organisations: list[ProjectOrganisationPublic]

    @classmethod
    def from_project(cls, p: Project) -> "ProjectPublic":
        return cls(
            slug=p.slug,
            language=current_language(),
            original_language=p.original_language,
            short_name=p.short_name,
            name=content(p, "name"),
            summary=content(p, "summary"),
            description=content(p, "description"),
            figures=[Figure(**f) for f in p.figures],
            regions=sorted(r.region for r in p.regions),
            website=p.website,
            start_year=p.start_year,
            end_year=p.end_year,
            organisations=[
                ProjectOrganisationPublic(organisation=OrganisationRef.of(po.organisation), role=po.role)
                for po in p.organisations
            ],
        )
