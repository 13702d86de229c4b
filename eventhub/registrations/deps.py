"""Dependencies of the registration routes: the site's link maker, the event being
registered for, the event an organiser manages, and how mail is sent after the response."""

import dataclasses
from collections.abc import Callable
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Path, Request
from sqlmodel import Session, col, select

from eventhub.accounts import ratelimit
from eventhub.accounts.deps import get_current_user
from eventhub.accounts.permissions import require_check_in, require_event_edit
from eventhub.admin.deps import get_admin_user
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, SettingsDep
from eventhub.core.errors import NotFound, TooManyRequests
from eventhub.core.i18n import _
from eventhub.core.models import PUBLIC_EVENT_STATUSES, Event, StaffUser
from eventhub.core.outbox import AFTER_RESPONSE_DELAYS, deliver_after_response
from eventhub.core.uow import end_read, independent_write
from eventhub.events.service import event_not_found
from eventhub.registrations.mail import Site


def get_site(settings: SettingsDep) -> Site:
    return Site.from_settings(settings)


SiteDep = Annotated[Site, Depends(get_site)]


class MailAfterResponse:
    """Send the outbox rows a request wrote, after its commit, in a background task with
    units of work of its own (app.state.units)."""

    def __init__(self, request: Request, background: BackgroundTasks, settings: SettingsDep) -> None:
        self.background = background
        self.settings = settings
        self.units = request.app.state.units
        self.delays = getattr(request.app.state, "outbox_retry_delays", AFTER_RESPONSE_DELAYS)

    def send(self, ids: list[int]) -> None:
        if ids:
            self.background.add_task(deliver_after_response, self.units, self.settings, list(ids), self.delays)


MailDep = Annotated[MailAfterResponse, Depends()]


def registration_rate_limit(request: Request, db: DbDep, settings: SettingsDep, now: NowDep) -> None:
    """Registration POSTs: at most `rate_limit_registrations` a minute from one address,
    counted in the database so that every worker process shares the count."""
    per_minute = settings.rate_limit_registrations
    if per_minute <= 0:
        return
    limit = dataclasses.replace(ratelimit.REGISTRATION, count=per_minute)
    ip = ratelimit.client_ip(request)
    # A dry run (?dry_run=true: validate only) takes no seat and sends nothing: it is not
    # counted, so a form checking itself does not use up the registrations (issue 21).
    dry_run = request.query_params.get("dry_run", "").lower() in ("true", "1", "yes", "on")
    with independent_write(db):  # counted whatever the registration then answers
        wait = ratelimit.wait_for(db, limit, ip=ip, now=now)
        if wait is None and not dry_run:
            ratelimit.count(db, limit, ip=ip, now=now)
    if wait is not None:
        raise TooManyRequests(_("Слишком много заявок с вашего адреса; попробуйте через минуту"), retry_after=wait)


RegistrationLimit = Annotated[None, Depends(registration_rate_limit)]


def get_public_event_light(db: DbDep, slug: Annotated[str, Path(max_length=160)]) -> Event:
    """The event by slug, without its agenda: what the registration routes need."""
    event = db.exec(select(Event).where(Event.slug == slug, col(Event.status).in_(PUBLIC_EVENT_STATUSES))).first()
    if event is None:
        raise event_not_found(db, slug)
    _release(db)
    return event


def _release(db: Session) -> None:
    """Give the connection back between this dependency and the route: FastAPI runs them as
    separate thread-pool jobs, and a connection held while waiting for a free thread can
    starve the pool under a burst. (The event's attributes reload on first use.)"""
    end_read(db)


PublicEventDep = Annotated[Event, Depends(get_public_event_light)]


def _event_by_slug(db: Session, slug: str) -> Event:
    event = db.exec(select(Event).where(Event.slug == slug)).first()
    if event is None:
        raise NotFound(_("Мероприятие «%(slug)s» не найдено") % {"slug": slug})
    return event


def _managed(
    check: Callable[[Session, StaffUser, Event], StaffUser], user_dep: Callable[..., StaffUser]
) -> Callable[..., tuple[Event, StaffUser]]:
    """The event of the path and the user, if `check` (from accounts.permissions) lets them."""

    def load(
        db: DbDep, slug: Annotated[str, Path(max_length=160)], user: Annotated[StaffUser, Depends(user_dep)]
    ) -> tuple[Event, StaffUser]:
        event = _event_by_slug(db, slug)
        check(db, user, event)
        _release(db)
        return event, user

    return load


# Organisers of the event's organisations and admins manage registrations; check-in staff
# only mark arrivals at the door and print the sign-in sheet. Pages send nobody to the
# login page; the API answers 401.
ManagedDep = Annotated[tuple[Event, StaffUser], Depends(_managed(require_event_edit, get_admin_user))]
CheckinDep = Annotated[tuple[Event, StaffUser], Depends(_managed(require_check_in, get_admin_user))]
ManagedApiDep = Annotated[tuple[Event, StaffUser], Depends(_managed(require_event_edit, get_current_user))]
