"""Jinja globals of the public site, added to the one environment (eventhub.templating) by create_app."""

from typing import Any

from fastapi import Request
from markupsafe import Markup

from eventhub.core.models import Event, PressRelease
from eventhub.press.service import public_date
from eventhub.public import jsonld
from eventhub.public.assets import static_url
from eventhub.public.seo import ShareLink, share_links


def site_url(request: Request, path: str = "") -> str:
    """The public absolute address of a path (EVENTHUB_BASE_URL, not the Host header)."""
    base_url: str = request.app.state.settings.base_url
    return base_url + path


def json_ld(data: dict[str, Any]) -> Markup:
    return Markup('<script type="application/ld+json">') + Markup(jsonld.dumps(data)) + Markup("</script>")


def event_json_ld(request: Request, event: Event) -> Markup:
    return json_ld(jsonld.event_jsonld(event, base_url=site_url(request)))


def press_release_json_ld(request: Request, release: PressRelease) -> Markup:
    settings = request.app.state.settings
    published = public_date(release) or release.created_at
    return json_ld(
        jsonld.press_release_jsonld(
            release, base_url=settings.base_url, published=published, tz=settings.timezone, site_name=settings.site_name
        )
    )


def share(request: Request, path: str, title: str) -> list[ShareLink]:
    return share_links(site_url(request, path), title)


GLOBALS = {
    "static_url": static_url,
    "site_url": site_url,
    "event_json_ld": event_json_ld,
    "press_release_json_ld": press_release_json_ld,
    "share_links": share,
}
