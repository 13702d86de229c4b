"""A personal agenda without an account: a reader stars sessions of an event and subscribes to
a feed of just those (pretalx has it), at ``/calendar/starred/{token}.ics``.

The list lives on the server behind a secret token (only its hash is stored) that the reader's
browser keeps in a cookie, so one address serves every event the reader stars sessions of and
the calendar follows when they star more. The page that sets the stars (``/events/{slug}/stars``)
is the reader's own and is never cached; the event page, cached for everyone, only links to it.
The entries are the sessions' own (same UIDs as ``agenda.ics``), so a subscriber of both sees one.
"""

from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from eventhub.core import i18n
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, SettingsDep
from eventhub.core.errors import Invalid, NotFound
from eventhub.core.i18n import _
from eventhub.core.models import (
    PUBLIC_EVENT_STATUSES,
    AgendaSession,
    Event,
    StarList,
    StarredSession,
    id_of,
    rel,
    utcnow,
)
from eventhub.core.tokens import hash_token, new_token
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.core.validation import validate
from eventhub.events.service import get_public_event
from eventhub.feeds import ical
from eventhub.feeds.links import webcal
from eventhub.feeds.service import ICS, PRIVATE_CACHE, TOKEN_RE, FeedSpec, prodid
from eventhub.templating import templates

COOKIE = "eventhub_stars"
COOKIE_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie
PAGE_HEADERS = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


# --- the list ---


def find_list(db: Session, token: str | None) -> StarList | None:
    if not token or not TOKEN_RE.match(token):
        return None
    return db.exec(select(StarList).where(StarList.token_hash == hash_token(token))).first()


def starred_ids(db: Session, star_list: StarList | None, event: Event) -> set[int]:
    if star_list is None:
        return set()
    return set(
        db.exec(
            select(StarredSession.session_id)
            .join(AgendaSession, col(AgendaSession.id) == col(StarredSession.session_id))
            .where(StarredSession.list_id == star_list.id, AgendaSession.event_id == event.id)
        ).all()
    )


class StarsIn(BaseModel):
    """The posted form: the ids of the sessions starred (the checkboxes ticked)."""

    session: list[Annotated[int, Field(ge=1)]] = Field(default_factory=list, max_length=500)


def set_stars(
    db: Session, star_list: StarList | None, event: Event, session_ids: list[int], now: datetime
) -> tuple[StarList, str | None]:
    """Star exactly ``session_ids`` of ``event`` (timed sessions only) in the reader's list, made
    when they have none; returns the list and, when new, its token (to set in the cookie)."""
    timed = {s.id for s in event.sessions if s.start_at is not None}
    unknown = [i for i in session_ids if i not in timed]
    if unknown:
        raise Invalid(_("Неверные данные"), fields={"session": _("нет такой сессии с указанным временем")})
    token = None
    if star_list is None:
        token = new_token()
        star_list = StarList(token_hash=hash_token(token), created_at=now, updated_at=now)
        db.add(star_list)
        db.flush()
    db.execute(
        sa.delete(StarredSession).where(
            col(StarredSession.list_id) == star_list.id,
            col(StarredSession.session_id).in_(select(AgendaSession.id).where(AgendaSession.event_id == event.id)),
        )
    )
    for sid in sorted(set(session_ids)):
        db.add(StarredSession(list_id=id_of(star_list), session_id=sid))
    star_list.updated_at = now
    db.flush()
    return star_list, token


# --- the feed ---


def starred_feed(db: Session, token: str, *, base_url: str, site_name: str, lang: str | None = None) -> FeedSpec:
    """/calendar/starred/{token}.ics: the starred sessions of public events, each its own entry."""
    star_list = find_list(db, token)
    if star_list is None:
        raise NotFound(_("Календарь не найден"))
    list_id, revised = star_list.id, star_list.updated_at

    def render(db: Session) -> bytes:
        sessions = db.exec(
            select(AgendaSession)
            .join(StarredSession, col(StarredSession.session_id) == col(AgendaSession.id))
            .join(Event, col(Event.id) == col(AgendaSession.event_id))
            .where(
                StarredSession.list_id == list_id,
                col(Event.status).in_(PUBLIC_EVENT_STATUSES),
                col(AgendaSession.start_at).is_not(None),
            )
            .options(selectinload(rel(AgendaSession.event)), selectinload(rel(AgendaSession.speakers)))
            .order_by(col(AgendaSession.start_at), col(AgendaSession.id))
        ).all()
        return ical.render_sessions(
            list(sessions),
            name=_("Моя программа — %(site_name)s") % {"site_name": site_name},
            base_url=base_url,
            prodid=prodid(site_name),
            empty_year=revised.year,
        )

    return FeedSpec(
        f"starred/{star_list.token_hash}@{revised.isoformat()}",
        ICS,
        "my-programme.ics",
        render,
        cache_control=PRIVATE_CACHE,
        as_of=revised,
        lang=lang or i18n.DEFAULT_LANGUAGE,
    )


# --- the page ---

router = APIRouter(route_class=UnitOfWorkRoute)
SlugPath = Annotated[str, Path(max_length=160)]


async def _posted(request: Request) -> dict[str, Any]:
    form = await request.form()
    return {"session": [v for v in form.getlist("session") if isinstance(v, str)]}


def _page(
    request: Request,
    db: Session,
    event: Event,
    star_list: StarList | None,
    token: str | None,
    base_url: str,
    *,
    saved: bool = False,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    feed = f"{base_url}/calendar/starred/{token}.ics" if token and star_list is not None else None
    response = templates.TemplateResponse(
        request,
        "events/stars.html",
        {
            "event": event,
            "sessions": [s for s in event.sessions if s.start_at is not None],
            "starred": starred_ids(db, star_list, event),
            "feed": feed,
            "feed_webcal": webcal(feed) if feed else None,
            "saved": saved,
            "errors": errors or {},
        },
        status_code=status_code,
    )
    response.headers.update(PAGE_HEADERS)
    return response


@router.get("/events/{slug}/stars", include_in_schema=False)
def stars_page(request: Request, slug: SlugPath, db: DbDep, settings: SettingsDep) -> HTMLResponse:
    """The reader's own choice of sessions and the address of its feed."""
    event = get_public_event(db, slug)
    token = request.cookies.get(COOKIE)
    return _page(
        request,
        db,
        event,
        find_list(db, token),
        token,
        settings.base_url,
        saved=request.query_params.get("saved") == "1",
    )


@router.post("/events/{slug}/stars", include_in_schema=False)
def stars_submit(
    request: Request,
    slug: SlugPath,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    posted: Annotated[dict[str, Any], Depends(_posted)],
) -> Response:
    """Star the ticked sessions (and unstar the others of this event); 303 back to the page."""
    event = get_public_event(db, slug)
    token = request.cookies.get(COOKIE)
    star_list = find_list(db, token)
    try:
        data = validate(StarsIn, posted)
        star_list, new = set_stars(db, star_list, event, data.session, now or utcnow())
    except Invalid as exc:
        db.rollback()
        event = get_public_event(db, slug)
        return _page(
            request, db, event, find_list(db, token), token, settings.base_url, errors=exc.fields, status_code=422
        )
    response = RedirectResponse(f"/events/{event.slug}/stars?saved=1", status_code=303)
    if new is not None:
        response.set_cookie(
            COOKIE,
            new,
            max_age=COOKIE_AGE,
            httponly=True,
            samesite="lax",
            secure=settings.base_url.startswith("https://"),
            path="/",
        )
    response.headers.update(PAGE_HEADERS)
    return response
