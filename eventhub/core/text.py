"""Text helpers shared by every domain: slugs, search keys, phones, safe Markdown."""

import re
import unicodedata
from typing import Any
from urllib.parse import quote

import nh3
import phonenumbers
from markdown_it import MarkdownIt
from slugify import slugify as _slugify
from sqlmodel import Session, select

from eventhub.core.errors import Invalid
from eventhub.core.i18n import _, gettext

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
}


def slugify(text: str, max_length: int = 100) -> str:
    """A readable Latin slug of a (Russian or Kyrgyz) title: 'Форум аймаков' -> 'forum-aimakov'."""
    return _slugify(text, max_length=max_length, word_boundary=True) or "item"


def unique_slug(db: Session, model: Any, title: str, *, wanted: str | None = None, own_id: int | None = None) -> str:
    """The slug of a new or changed row of `model` (any table with a unique `slug`), for every domain.

    `wanted` if it is free (taken: a 422 on the field); otherwise `title` transliterated
    ('Форум аймаков — 2024' -> 'forum-aimakov-2024'), then -2, -3... on collision.
    `own_id` is the row being changed: its own slug does not count as taken."""
    others = select(model.slug).where(model.id != own_id) if own_id is not None else select(model.slug)
    if wanted:
        if db.exec(others.where(model.slug == wanted)).first():
            raise Invalid(_("Адрес уже занят"), fields={"slug": _("адрес «%(wanted)s» уже занят") % {"wanted": wanted}})
        return wanted
    base = slugify(title, max_length=100)
    taken = set(db.exec(others.where(model.slug.startswith(base))))
    candidates = [base, *(f"{base}-{n}" for n in range(2, len(taken) + 3))]
    return next(c for c in candidates if c not in taken)


# Folding shared by stored text and queries: case, ё/е, Kyrgyz letters typed on a Russian
# keyboard (ө/о, ү/у, ң/н), and the usual spellings of a Latin transliteration (y/i, kh/h...).
_CYRILLIC_FOLD = str.maketrans(
    {"ё": "е", "ө": "о", "ү": "у", "ң": "н", "һ": "х"}
)  # i18n: ignore (search folding, not text)
_LATIN_FOLD = (("kh", "h"), ("ts", "c"), ("ya", "ia"), ("yu", "iu"), ("y", "i"), ("j", "zh"), ("w", "v"), ("x", "ks"))
_WORD_SPLIT = re.compile(r"[\s,.;:«»\"'()!?/\\\[\]{}<>|*&^%$#@~`+=]+")


def _fold_word(word: str) -> str:
    word = word.lower().translate(_CYRILLIC_FOLD)
    if word.isascii():
        for a, b in _LATIN_FOLD:
            word = word.replace(a, b)
    return word


def search_key(*parts: str | None) -> str:
    """What search matches against: folded words, plus their Latin transliteration."""
    text = " ".join(p for p in parts if p)
    words = [_fold_word(w) for w in _WORD_SPLIT.split(text) if w]
    latin = [_fold_word(w) for w in slugify(text, max_length=0).split("-") if w]
    return " ".join(words + latin)


def normalise_query(q: str) -> list[str]:
    """Words of a search query, folded the way search_key folds stored text."""
    return [_fold_word(w) for w in _WORD_SPLIT.split(q) if w][:10]


_md_html = MarkdownIt("commonmark", {"html": True}).enable("table")
_BAD_LINK = re.compile(r"\]\(\s*<?\s*(javascript|vbscript|data|file)\s*:", re.IGNORECASE)
_BAD_AUTOLINK = re.compile(r"<\s*(javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def html_in_markdown(source: str) -> list[str]:
    """Raw HTML a Markdown text contains (code spans and blocks do not count)."""
    found = []
    for token in _md_html.parse(source):
        if token.type == "html_block":
            found.append(token.content.strip())
        for child in token.children or []:
            if child.type == "html_inline":
                found.append(child.content)
    return found


def unsafe_link_in_markdown(source: str) -> bool:
    """A link to javascript:, vbscript:, data: or file: (inline or autolink)."""
    return bool(_BAD_LINK.search(source) or _BAD_AUTOLINK.search(source))


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


KG_COUNTRY_CODE = 996


class InvalidPhone(ValueError):
    pass


def normalise_phone(raw: str, region: str = "KG") -> str:
    """E.164 from what people type: '0702174107' and '0555 077764' are Kyrgyz numbers."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(gettext("не удалось разобрать номер телефона: «%(number)s»") % {"number": raw}) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(gettext("недействительный номер телефона: «%(number)s»") % {"number": raw})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str | None) -> str:
    """How a phone is shown to people: Kyrgyz numbers in the national format the reader dials
    ('+996702174107' -> '0702 174 107', '+996312300000' -> '0312 300 000'), foreign ones in the
    international format ('+7 916 123-45-67'), since a foreign national format cannot be dialled
    from Kyrgyzstan. tel: links, vCards and JSON-LD keep E.164."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == KG_COUNTRY_CODE:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# --- control characters: refused at the edge, cleaned in every renderer ---


def is_control(ch: str) -> bool:
    """A character no reader-facing text holds: Unicode Cc, U+2028/U+2029, or a lone surrogate."""
    return unicodedata.category(ch) in ("Cc", "Cs") or ch in "\u2028\u2029"


def bad_char(value: str, *, multiline: bool = False) -> str | None:
    """The first character `value` may not hold; a multi-line text may hold newlines and tabs."""
    allowed = "\n\t" if multiline else ""
    return next((ch for ch in value if is_control(ch) and ch not in allowed), None)


def char_name(ch: str) -> str:
    """'\\r' -> 'U+000D': how a message names an invisible character."""
    return f"U+{ord(ch):04X}"


def normalise_newlines(value: str) -> str:
    """CRLF and a lone CR (old Mac files, some forms) become LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


_CONTROL_RUN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]+")
# Characters XML 1.0 does not allow (§2.2), whatever the escaping.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def one_line(value: object) -> str:
    """Any stored text as one safe line (headers, names in calendars): each run of line breaks
    and control characters becomes one space."""
    return _CONTROL_RUN.sub(" ", "" if value is None else str(value)).strip()


def printable(value: object, *, multiline: bool = True) -> str:
    """Stored text without control characters: newlines (CRLF/CR as LF) and tabs stay in a
    multi-line text; everything else of that kind is dropped."""
    text = normalise_newlines("" if value is None else str(value))
    keep = "\n\t" if multiline else ""
    return "".join(ch for ch in text if ch in keep or not is_control(ch))


_CTL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(body: bytes) -> bytes:
    """A serialised text format (iCalendar) without the C0 controls RFC 5545 forbids in a content
    line; tabs and the CRLF line ends stay (icalendar has escaped every line break of a value)."""
    return _CTL_BYTES.sub(b"", body)


def xml_text(value: str) -> str:
    """Text an XML 1.0 document can hold: characters XML forbids (C0 controls, lone surrogates,
    U+FFFE/U+FFFF) are dropped; CR becomes LF, as an XML parser would read it anyway."""
    return _NOT_XML.sub("", normalise_newlines(value))


def content_disposition(disposition: str, filename: str) -> str:
    """A Content-Disposition header value for any stored name: an ASCII fallback and the
    RFC 6266 / 5987 `filename*`, so no character of a name ever reaches the header raw."""
    name = one_line(filename)
    ascii_name = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in name)
    header = f'{disposition}; filename="{ascii_name or "download"}"'
    if ascii_name != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header
