"""Atom 1.0 (RFC 4287) feed of press releases: a pure renderer.

Takes loaded objects and everything else as arguments (base URL, the feed's own address,
the HTML of each body) and returns bytes; no database, settings, URL building or clock."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from eventhub.core.text import xml_text

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

ET.register_namespace("", ATOM_NS)


@dataclass(frozen=True)
class AtomEntry:
    """One release as the feed shows it (the caller decides what is public)."""

    url: str
    title: str
    summary: str | None
    content_html: str
    published: datetime
    updated: datetime
    language: str
    category: str
    category_label: str
    event_url: str | None = None
    event_title: str | None = None


def _q(tag: str) -> str:
    return f"{{{ATOM_NS}}}{tag}"


def _date(dt: datetime) -> str:
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str | None) -> ET.Element:
    # Stored texts may hold characters XML 1.0 forbids (C0 controls): dropped, or the feed is not XML.
    el = ET.SubElement(parent, _q(tag), {k: xml_text(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = xml_text(text)
    return el


def feed_updated(entries: Sequence[AtomEntry], fallback: datetime = EPOCH) -> datetime:
    """The feed changed when its latest entry did (a fixed fallback keeps empty feeds stable)."""
    return max((e.updated for e in entries), default=fallback)


def render_atom(
    *,
    feed_id: str,
    title: str,
    self_url: str,
    alternate_url: str,
    entries: Sequence[AtomEntry],
    author: str,
    subtitle: str | None = None,
    language: str = "ru",
    updated: datetime | None = None,
    generator_version: str | None = None,
) -> bytes:
    """The feed as UTF-8 bytes: entries in the order given (newest first)."""
    feed = ET.Element(_q("feed"), {XML_LANG: language})
    _add(feed, "id", feed_id)
    _add(feed, "title", title)
    if subtitle:
        _add(feed, "subtitle", subtitle)
    _add(feed, "updated", _date(updated or feed_updated(entries)))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=alternate_url)
    _add(_add(feed, "author"), "name", author)
    _add(feed, "generator", "eventhub", version=generator_version)
    for e in entries:
        entry = _add(feed, "entry")
        entry.set(XML_LANG, e.language)
        _add(entry, "id", e.url)
        _add(entry, "title", e.title)
        _add(entry, "published", _date(e.published))
        _add(entry, "updated", _date(e.updated))
        _add(entry, "link", rel="alternate", type="text/html", href=e.url)
        if e.event_url:
            _add(entry, "link", rel="related", type="text/html", href=e.event_url, title=e.event_title)
        _add(entry, "category", term=e.category, label=e.category_label)
        if e.summary:
            _add(entry, "summary", e.summary, type="text")
        _add(entry, "content", e.content_html, type="html")
    ET.indent(feed, space="  ")
    xml: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)  # bytes for any encoding but "unicode"
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + xml + b"\n"
