"""Dependencies every domain shares: settings, the clock, pagination, the language parameter."""

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request

from eventhub.core.config import Settings
from eventhub.core.models import utcnow


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_now(request: Request) -> datetime:
    """The request's notion of now; tests may set app.state.clock to travel in time."""
    clock = getattr(request.app.state, "clock", None)
    return clock() if clock else utcnow()


class Pagination:
    def __init__(
        self,
        offset: Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")] = 0,
        limit: Annotated[int, Query(ge=1, le=100, description="items per page")] = 20,
    ) -> None:
        self.offset = offset
        self.limit = limit


async def language_query(
    lang: Annotated[
        str | None,
        Query(
            description="language of the texts and messages: ru, ky or en (then the `lang` cookie, "
            "Accept-Language, ru); texts without a version in it come in their original language",
            examples=["en"],
        ),
    ] = None,
) -> None:
    """Documents `lang` on every API operation; LanguageMiddleware has read it already."""


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
NowDep = Annotated[datetime, Depends(get_now)]
PaginationDep = Annotated[Pagination, Depends()]
