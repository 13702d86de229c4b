"""Pure renderers for being found and shared: share links, sitemap.xml, robots.txt."""

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode
from xml.sax.saxutils import escape

SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org)


@dataclass(frozen=True)
class ShareLink:
    network: str  # css class and test hook: whatsapp, telegram, facebook
    name: str  # the visible link text
    href: str


def share_links(url: str, title: str) -> list[ShareLink]:
    """Plain links to the share pages of WhatsApp, Telegram and Facebook: no scripts, no tracking."""
    return [
        ShareLink("whatsapp", "WhatsApp", "https://wa.me/?" + urlencode({"text": f"{title} {url}"}, quote_via=quote)),
        ShareLink(
            "telegram", "Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title}, quote_via=quote)
        ),
        ShareLink(
            "facebook",
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}, quote_via=quote),
        ),
    ]


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: datetime | None = None


def render_sitemap(entries: list[SitemapEntry]) -> bytes:
    """A sitemaps.org urlset (the first SITEMAP_LIMIT entries)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for entry in entries[:SITEMAP_LIMIT]:
        lastmod = ""
        if entry.lastmod is not None:
            lastmod = f"<lastmod>{entry.lastmod.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}</lastmod>"
        lines.append(f"<url><loc>{escape(entry.loc)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


# Private or non-page addresses: staff pages, the API, participants' private links and feeds,
# registration forms. Drafts and embargoed releases need no line: they answer 404.
DISALLOWED = ("/admin", "/api/", "/r/", "/calendar/personal/", "/events/*/register")


def render_robots(base_url: str) -> str:
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in DISALLOWED),
        "Allow: /",
        "",
        f"Sitemap: {base_url}/sitemap.xml",
    ]
    return "\n".join(lines) + "\n"
