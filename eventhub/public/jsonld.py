"""schema.org JSON-LD for search engines and link previews: Event and NewsArticle.

Pure: takes loaded objects and the site's base address, returns plain dicts; no database,
settings or clock inside. ``dumps`` turns a dict into text safe inside
``<script type="application/ld+json">`` (a data block: browsers never run it, so a
Content-Security-Policy without 'unsafe-inline' leaves it alone)."""

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from eventhub.core.models import PUBLIC_EVENT_STATUSES, Event, EventStatus, Organisation, Person, PressRelease
from eventhub.labels import REGION

CONTEXT = "https://schema.org"
STATUS: dict[str, str] = {
    EventStatus.published: "https://schema.org/EventScheduled",
    EventStatus.postponed: "https://schema.org/EventPostponed",
    EventStatus.cancelled: "https://schema.org/EventCancelled",
}
ORGANISER_ROLES = ("organiser", "co_organiser")
FUNDER_ROLES = ("funder",)
COUNTRY = "KG"

# Inside a <script> element only "</" (and "<!--") can end or confuse the block; escaping
# every <, > and & keeps the text valid JSON and inert HTML. U+2028/2029 break old JS parsers.
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def dumps(data: dict[str, Any]) -> str:
    """JSON text safe to place between <script type="application/ld+json"> and </script>."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def local_iso(dt: datetime, tz: str) -> str:
    """'2023-09-08T10:00:00+06:00': the local time with its offset, to the second."""
    return dt.astimezone(ZoneInfo(tz)).replace(microsecond=0).isoformat()


def event_dates(event: Event) -> tuple[str, str]:
    """startDate and endDate: dates for all-day events (the stored end is the next midnight)."""
    if event.all_day:
        start = event.start_at.astimezone(ZoneInfo(event.timezone)).date()
        end = (event.end_at.astimezone(ZoneInfo(event.timezone)) - timedelta(days=1)).date()
        return start.isoformat(), max(start, end).isoformat()
    return local_iso(event.start_at, event.timezone), local_iso(event.end_at, event.timezone)


def attendance_mode(event: Event) -> str:
    in_person = bool(event.venue_name or event.venue_address or event.city)
    if event.online_url and in_person:
        return "https://schema.org/MixedEventAttendanceMode"
    if event.online_url:
        return "https://schema.org/OnlineEventAttendanceMode"
    return "https://schema.org/OfflineEventAttendanceMode"


def _place(event: Event) -> dict[str, Any]:
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": COUNTRY}
    if event.venue_address:
        address["streetAddress"] = event.venue_address
    if event.city:
        address["addressLocality"] = event.city
    if event.venue_region and event.venue_region in REGION and event.venue_region != "national":
        address["addressRegion"] = REGION[event.venue_region]
    place: dict[str, Any] = {"@type": "Place", "name": event.venue_name or event.city or "", "address": address}
    if event.latitude is not None and event.longitude is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": event.latitude, "longitude": event.longitude}
    return place


def location(event: Event) -> list[dict[str, Any]]:
    """A Place with a PostalAddress, a VirtualLocation, or both."""
    places = []
    if event.venue_name or event.venue_address or event.city:
        places.append(_place(event))
    if event.online_url:
        places.append({"@type": "VirtualLocation", "url": event.online_url})
    return places


def organisation(org: Organisation, base_url: str) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Organization", "name": org.name, "url": f"{base_url}/organisations/{org.slug}"}
    if org.short_name:
        data["alternateName"] = org.short_name
    if org.website:
        data["sameAs"] = org.website if "://" in org.website else "https://" + org.website
    return data


def person(p: Person, base_url: str) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Person", "name": p.name}
    if p.position:
        data["jobTitle"] = p.position
    if p.organisation is not None:
        data["affiliation"] = organisation(p.organisation, base_url)
    elif p.organisation_name:
        data["affiliation"] = {"@type": "Organization", "name": p.organisation_name}
    return data


def _one_or_many(items: list[dict[str, Any]]) -> dict[str, Any] | list[dict[str, Any]]:
    return items[0] if len(items) == 1 else items


def event_jsonld(event: Event, *, base_url: str) -> dict[str, Any]:
    """schema.org Event: dates with the event's offset, place, organisers, funders, speakers."""
    url = f"{base_url}/events/{event.slug}"
    start, end = event_dates(event)
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Event",
        "@id": url,
        "url": url,
        "name": event.title,
        "startDate": start,
        "endDate": end,
        "eventStatus": STATUS.get(event.status, STATUS[EventStatus.published]),
        "eventAttendanceMode": attendance_mode(event),
        "inLanguage": list(event.languages or []),
    }
    if event.status == EventStatus.postponed and event.previous_start_at is not None:
        # Postponing here always gives the new dates: schema.org calls that rescheduled, and
        # previousStartDate tells search engines which date it replaces.
        data["eventStatus"] = "https://schema.org/EventRescheduled"
        data["previousStartDate"] = (
            event.previous_start_at.astimezone(ZoneInfo(event.timezone)).date().isoformat()
            if event.all_day
            else local_iso(event.previous_start_at, event.timezone)
        )
    if event.summary:
        data["description"] = event.summary
    places = location(event)
    if places:
        data["location"] = _one_or_many(places)
    for key, roles in (("organizer", ORGANISER_ROLES), ("funder", FUNDER_ROLES)):
        orgs = [organisation(eo.organisation, base_url) for eo in event.organisations if eo.role in roles]
        if orgs:
            data[key] = _one_or_many(orgs)
    performers, seen = [], set()
    for session in event.sessions:
        for speaker in session.speakers:
            if speaker.person_id not in seen:
                seen.add(speaker.person_id)
                performers.append(person(speaker.person, base_url))
    if performers:
        data["performer"] = performers
    if event.series is not None:
        data["superEvent"] = {"@type": "EventSeries", "name": event.series.title}
    return data


def press_release_jsonld(
    release: PressRelease, *, base_url: str, published: datetime, tz: str, site_name: str = "eventhub"
) -> dict[str, Any]:
    """schema.org NewsArticle of a public press release; `published` is when it became public."""
    url = f"{base_url}/press/{release.slug}"
    modified = max(published, release.updated_at) if release.updated_at else published
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": release.title if len(release.title) <= 110 else release.title[:109] + "…",
        "datePublished": local_iso(published, tz),
        "dateModified": local_iso(modified, tz),
        "inLanguage": release.original_language,
    }
    if len(release.title) > 110:
        data["alternativeHeadline"] = release.title
    if release.lead:
        data["description"] = release.lead
    event = release.event
    if event is not None and event.status in PUBLIC_EVENT_STATUSES:  # a draft event stays unnamed
        data["about"] = {"@type": "Event", "name": event.title, "url": f"{base_url}/events/{event.slug}"}
        organisers = [
            organisation(eo.organisation, base_url) for eo in event.organisations if eo.role in ORGANISER_ROLES
        ]
        if organisers:
            data["author"] = _one_or_many(organisers)
            data["publisher"] = organisers[0]
    data.setdefault("publisher", {"@type": "Organization", "name": site_name, "url": base_url + "/"})
    data.setdefault("author", data["publisher"])
    return data
