"""Text helpers shared by every domain: slugs, search keys, phones, safe Markdown."""

import re

import nh3
import phonenumbers
from markdown_it import MarkdownIt
from slugify import slugify as _slugify

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h2", "h3", "h4",
    "blockquote", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}


def slugify(text: str, max_length: int = 100) -> str:
    """A readable Latin slug of a (Russian or Kyrgyz) title: 'Форум аймаков' -> 'forum-aimakov'."""
    return _slugify(text, max_length=max_length, word_boundary=True) or "item"


def search_key(*parts: str | None) -> str:
    """What search matches against: lower case, ё→е, plus a Latin transliteration."""
    text = " ".join(p for p in parts if p)
    folded = text.lower().replace("ё", "е")
    return f"{folded} {slugify(text, max_length=0).replace('-', ' ')}"


def normalise_query(q: str) -> list[str]:
    """Words of a search query, folded the way search_key folds stored text."""
    folded = q.lower().replace("ё", "е")
    return [w for w in re.split(r"[\s,.;:«»\"'()!?]+", folded) if w]


def markdown_to_html(source: str | None) -> str:
    """Markdown to HTML with raw HTML disabled and the result sanitised by nh3."""
    if not source:
        return ""
    html = _md.render(source)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )


class InvalidPhone(ValueError):
    pass


def normalise_phone(raw: str, region: str = "KG") -> str:
    """E.164 from what people type: '0702174107' and '0555 077764' are Kyrgyz numbers."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"не удалось разобрать номер телефона: {raw!r}") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"недействительный номер телефона: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str | None) -> str:
    """'+996702174107' -> '+996 702 174 107' (international form of the national grouping)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
