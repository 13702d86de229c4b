"""Dependencies of the outcomes routes shared by the API and the pages."""

from typing import Annotated

from fastapi import Depends, Query

from eventhub.outcomes.service import RecommendationFilters


def get_recommendation_filters(
    organisation: Annotated[str | None, Query(max_length=120)] = None,
    project: Annotated[str | None, Query(max_length=120)] = None,
    event: Annotated[str | None, Query(max_length=160)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    year: Annotated[str | None, Query(max_length=4)] = None,
    q: str | None = None,
) -> RecommendationFilters:
    """The tracker's filters, validated once: an unknown status or year is a 4xx naming the field."""
    number = int(year) if year and year.isdigit() else (0 if year else None)
    return RecommendationFilters(
        organisation=organisation or None, project=project or None, event=event or None,
        status=status or None, year=number, q=q or None,
    ).validate()  # fmt: skip


RecommendationFiltersDep = Annotated[RecommendationFilters, Depends(get_recommendation_filters)]
