"""API shapes of organisations."""

from typing import Any

from pydantic import BaseModel, Field

from eventhub.core.i18n import content, current_language
from eventhub.core.models import Organisation, Project
from eventhub.core.schemas import ProjectRef


class OrganisationPublic(BaseModel):
    slug: str
    language: str = Field(description="language of the texts below (from ?lang= or Accept-Language)")
    original_language: str
    short_name: str | None
    name: str
    kind: str
    website: str | None
    description: str | None

    @classmethod
    def of(cls, org: Organisation) -> "OrganisationPublic":
        return cls(**_fields(org))


class OrganisationDetail(OrganisationPublic):
    projects: list[ProjectRef]

    @classmethod
    def with_projects(cls, org: Organisation, projects: list[Project]) -> "OrganisationDetail":
        return cls(**_fields(org), projects=[ProjectRef.of(p) for p in projects])


def _fields(org: Organisation) -> dict[str, Any]:
    return dict(
        slug=org.slug,
        language=current_language(),
        original_language=org.original_language,
        short_name=org.short_name,
        name=content(org, "name"),
        kind=org.kind,
        website=org.website,
        description=content(org, "description"),
    )
