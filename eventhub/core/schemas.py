"""Response shapes shared by several domains: pages of results, errors, small references."""

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from eventhub.core.i18n import content

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="matching items in all pages")
    offset: int
    limit: int


class ErrorBody(BaseModel):
    code: str = Field(examples=["not_found"])
    message: str
    fields: dict[str, str] = Field(default_factory=dict, description="field name -> what is wrong with it")


class ErrorResponse(BaseModel):
    error: ErrorBody


# FastAPI's `responses=`: {status: {"model": ..., "description": ...}}
Responses = dict[int | str, dict[str, Any]]

# Answers any API operation may give, whatever it does: documented once for all of them.
COMMON_RESPONSES: Responses = {
    400: {
        "model": ErrorResponse,
        "description": "Malformed request (e.g. a NUL byte, a body that is not what it says)",
    },
    401: {"model": ErrorResponse, "description": "An Authorization header with an unknown or revoked token"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
    429: {"model": ErrorResponse, "description": "Too many requests; retry after the time in Retry-After"},
}

ERROR_RESPONSES: Responses = {
    404: {"model": ErrorResponse, "description": "Not found"},
    422: {"model": ErrorResponse, "description": "Invalid parameters, with a message per field"},
}


class OrganisationRef(BaseModel):
    slug: str
    short_name: str | None
    name: str = Field(description="in the language of the answer, else the original")
    kind: str

    @classmethod
    def of(cls, org: Any) -> "OrganisationRef":
        return cls(slug=org.slug, short_name=org.short_name, name=content(org, "name"), kind=org.kind)


class ProjectRef(BaseModel):
    slug: str
    short_name: str | None
    name: str = Field(description="in the language of the answer, else the original")

    @classmethod
    def of(cls, project: Any) -> "ProjectRef":
        return cls(slug=project.slug, short_name=project.short_name, name=content(project, "name"))


class SeriesRef(BaseModel):
    slug: str
    title: str = Field(description="in the language of the answer, else the original")

    @classmethod
    def of(cls, series: Any) -> "SeriesRef":
        return cls(slug=series.slug, title=content(series, "title"))


WRITE_RESPONSES: Responses = {
    401: {"model": ErrorResponse, "description": "No or a revoked API token"},
    403: {"model": ErrorResponse, "description": "The token's user may not do this"},
    404: {"model": ErrorResponse, "description": "Not found (drafts of other organisations included)"},
    409: {"model": ErrorResponse, "description": "Conflicts with the current state (e.g. already published)"},
    422: {"model": ErrorResponse, "description": "Invalid body, with a message per field"},
}
