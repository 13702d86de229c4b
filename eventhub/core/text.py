"""Text helpers shared by every domain: slugs, search keys, phones, safe Markdown."""

import re
from typing import Any

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
