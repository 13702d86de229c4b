"""API shapes of organisations."""

from pydantic import BaseModel, ConfigDict

from eventhub.core.schemas import ProjectRef


class OrganisationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    short_name: str | None
    name: str
    kind: str
    website: str | None
    description: str | None


class OrganisationDetail(OrganisationPublic):
    projects: list[ProjectRef]
