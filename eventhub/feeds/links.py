"""Links for the pages: "add to calendar" for an event, "subscribe" for a filtered feed.

Pure functions of loaded objects and ``base_url``: the templates only print them.
"""

from dataclasses import dataclass
from datetime import UTC
from urllib.parse import quote, urlencode

from eventhub.core import i18n
from eventhub.core.i18n import _
from eventhub.core.models import Event, EventStatus
from eventhub.events.service import EventFilters
from eventhub.feeds.ical import event_url, local_dates, location_text
from eventhub.feeds.service import filters_query

GOOGLE_TEMPLATE = "https://calendar.google.com/calendar/render"
GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/r"
# Outlook.com (personal accounts) and Outlook on the web for work accounts (Microsoft 365,
# which ministries use): the same paths on two hosts.
OUTLOOK_LIVE = "https://outlook.live.com"
OUTLOOK_OFFICE = "https://outlook.office.com"
OUTLOOK_COMPOSE = "/calendar/0/action/compose"
OUTLOOK_SUBSCRIBE = "/calendar/0/addfromweb"
DETAILS_LIMIT = 900  # characters of description in a link: browsers and Google cut long URLs


@dataclass(frozen=True)
class CalendarLinks:
    ics: str  # download the .ics file
    webcal: str  # subscribe: the calendar app follows changes
    google: str
    outlook: str  # outlook.live.com
    outlook_office: str  # outlook.office.com (work accounts)
    agenda_ics: str | None = None  # when the agenda has sessions with times
    agenda_webcal: str | None = None


@dataclass(frozen=True)
class SubscribeLinks:
    ics: str
    webcal: str
    google: str
    outlook: str
    outlook_office: str
    filtered: bool  # the feed has filters (the page says which)


def webcal(url: str) -> str:
    """The webcal:// form of an http(s) feed address: calendar apps subscribe to it."""
    return "webcal://" + url.split("://", 1)[1] if "://" in url else url


def _stamp(event: Event) -> tuple[str, str]:
    if event.all_day:
        first, after_last = local_dates(event)
        return first.strftime("%Y%m%d"), after_last.strftime("%Y%m%d")
    fmt = "%Y%m%dT%H%M%SZ"
    return event.start_at.astimezone(UTC).strftime(fmt), event.end_at.astimezone(UTC).strftime(fmt)


def _details(event: Event, url: str) -> str:
    """The summary (cut to fit a URL), the online link when there is one, the page's address."""
    text = (i18n.content(event, "summary") or "").strip()
    if len(text) > DETAILS_LIMIT:
        text = text[: DETAILS_LIMIT - 1].rstrip() + "…"
    online = _("Онлайн: %(online_url)s") % {"online_url": event.online_url} if event.online_url else ""
    return "\n\n".join(p for p in (text, online, url) if p)


def _title(event: Event) -> str:
    title = i18n.content(event, "title")
    return _("Отменено: %(title)s") % {"title": title} if event.status == EventStatus.cancelled else title


def _in_reader_language(url: str) -> str:
    """A feed address in the reader's language: ?lang= unless Russian (the feeds' default)."""
    lang = i18n.current_language()
    if lang == i18n.DEFAULT_LANGUAGE:
        return url
    return url + ("&" if "?" in url else "?") + f"lang={lang}"


def google_link(event: Event, base_url: str) -> str:
    """Google Calendar's "add event" form, filled in (UTC times, or dates for all-day events)."""
    url = event_url(event, base_url)
    start, end = _stamp(event)
    params = {"action": "TEMPLATE", "text": _title(event), "dates": f"{start}/{end}", "details": _details(event, url)}
    if not event.all_day:
        params["ctz"] = event.timezone
    location = location_text(event)
    if location:
        params["location"] = location
    return f"{GOOGLE_TEMPLATE}?{urlencode(params, quote_via=quote)}"


def outlook_link(event: Event, base_url: str, host: str = OUTLOOK_LIVE) -> str:
    """Outlook's "new event" form, filled in: Outlook.com, or ``OUTLOOK_OFFICE`` for work accounts."""
    url = event_url(event, base_url)
    if event.all_day:
        first, after_last = local_dates(event)
        start, end = first.isoformat(), after_last.isoformat()
    else:
        start = event.start_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = event.end_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    params = {
        "rru": "addevent",
        "subject": _title(event),
        "startdt": start,
        "enddt": end,
        "body": _details(event, url),
    }
    if event.all_day:
        params["allday"] = "true"
    location = location_text(event)
    if location:
        params["location"] = location
    return f"{host}{OUTLOOK_COMPOSE}?{urlencode(params, quote_via=quote)}"


def calendar_links(event: Event, base_url: str) -> CalendarLinks:
    """Everything the "add to calendar" block of an event page offers."""
    ics = _in_reader_language(f"{event_url(event, base_url)}.ics")
    agenda = _in_reader_language(f"{event_url(event, base_url)}/agenda.ics")
    has_timed_sessions = any(s.start_at is not None for s in event.sessions)
    return CalendarLinks(
        ics=ics,
        webcal=webcal(ics),
        google=google_link(event, base_url),
        outlook=outlook_link(event, base_url),
        outlook_office=outlook_link(event, base_url, OUTLOOK_OFFICE),
        agenda_ics=agenda if has_timed_sessions else None,
        agenda_webcal=webcal(agenda) if has_timed_sessions else None,
    )


def subscribe_links(filters: EventFilters, base_url: str, *, name: str | None = None) -> SubscribeLinks:
    """The feed of /calendar.ics for the filters shown on /events, in every form a reader may need."""
    name = name or _("Мероприятия")
    query = filters_query(filters)
    ics = _in_reader_language(f"{base_url}/calendar.ics" + (f"?{query}" if query else ""))
    return SubscribeLinks(
        ics=ics,
        webcal=webcal(ics),
        google=f"{GOOGLE_SUBSCRIBE}?{urlencode({'cid': webcal(ics)}, quote_via=quote)}",
        outlook=f"{OUTLOOK_LIVE}{OUTLOOK_SUBSCRIBE}?{urlencode({'url': webcal(ics), 'name': name}, quote_via=quote)}",
        outlook_office=f"{OUTLOOK_OFFICE}{OUTLOOK_SUBSCRIBE}?{urlencode({'url': ics, 'name': name}, quote_via=quote)}",
        filtered=bool(query),
    )
