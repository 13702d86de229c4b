"""Dependencies of the press routes, shared by the API, the pages and the feeds."""

from typing import Annotated

from fastapi import Depends

from eventhub.press.service import ReleaseFilters


def get_release_filters(
    event: str | None = None, organisation: str | None = None, language: str | None = None, type: str | None = None
) -> ReleaseFilters:
    """Filters of the press room and the API list (event and organisation by slug), validated once."""
    return ReleaseFilters(
        event=event or None, organisation=organisation or None, language=language or None, type=type or None
    ).validate()


ReleaseFiltersDep = Annotated[ReleaseFilters, Depends(get_release_filters)]
