"""Languages: which one a request reads in, the gettext catalogues, content versions.

The interface source strings are Russian (the default language, and the language Kyrgyz
translators work from); `translations/{en,ky}` translate them, `translations/ru` carries
the Russian plural forms. Catalogues are compiled in memory from the .po files at start-up,
so no compiled .mo file is ever committed or forgotten.
"""

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from eventhub import ROOT

LANGUAGES = ("ru", "ky", "en")
DEFAULT_LANGUAGE = "ru"
LANGUAGE_NAMES = {"ru": "Русский", "ky": "Кыргызча", "en": "English"}  # i18n: ignore (each in its own language)
COOKIE = "lang"
CATALOGUES = ROOT / "eventhub" / "translations"

_current: ContextVar[str] = ContextVar("eventhub_language", default=DEFAULT_LANGUAGE)


def current_language() -> str:
    return _current.get()


def set_language(lang: str) -> Any:
    """Set the language of this request (or task); returns a token for reset_language."""
    return _current.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def reset_language(token: Any) -> None:
    _current.reset(token)


def valid_language(value: str | None) -> str | None:
    """One of LANGUAGES, from a code or a tag with a region ('en', 'en-GB', 'ky_KG'); else None."""
    primary = (value or "").strip().lower()[:35].replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else None


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str | None, default: str) -> str:
    """An explicit choice (?lang=, then the cookie), else Accept-Language, else the default."""
    for choice in (query_lang, cookie_lang):
        if lang := valid_language(choice):
            return lang
    for lang in _accepted(accept_language or ""):
        if lang in LANGUAGES:
            return lang
    return default if default in LANGUAGES else DEFAULT_LANGUAGE


def _accepted(header: str) -> list[str]:
    """Primary language tags of an Accept-Language header, by quality (RFC 9110)."""
    weighted = []
    for i, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, i, tag.split("-")[0].lower()))
    return [tag for _, _, tag in sorted(weighted)]


@cache
def translations(lang: str) -> Translations:
    """The compiled catalogue of a language (an empty one where none exists yet)."""
    po = CATALOGUES / lang / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return Translations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(fp=buf)


def gettext(message: str) -> str:
    return translations(current_language()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ungettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current_language()).upgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations(current_language()).unpgettext(context, singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


# --- content in several languages ---


def content(obj: Any, field: str, lang: str | None = None) -> Any:
    """The field in the reader's language, else the original (see is_fallback)."""
    lang = lang or current_language()
    if lang != getattr(obj, "original_language", lang):
        value = (getattr(obj, "translations", None) or {}).get(lang, {}).get(field)
        if value:
            return value
    return getattr(obj, field)


def is_fallback(obj: Any, field: str = "title", lang: str | None = None) -> bool:
    """True when the reader's language has no version and the original is shown instead."""
    lang = lang or current_language()
    original = getattr(obj, "original_language", lang)
    if lang == original or not getattr(obj, field, None):
        return False
    return not (getattr(obj, "translations", None) or {}).get(lang, {}).get(field)


@dataclass(frozen=True)
class TranslationState:
    """Which of the texts a reader is shown exist in their language (`translated`) and which are
    shown in the original instead (`missing`); texts empty in the original count as neither."""

    language: str
    original_language: str
    translated: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def state(self) -> str:
        """ "complete" (say nothing), "partial" (name what is missing) or "none" (all in the original)."""
        if not self.missing:
            return "complete"
        return "partial" if self.translated else "none"


def translation_state(obj: Any, fields: Iterable[str], lang: str | None = None) -> TranslationState:
    """What of `fields` of `obj` the reader reads in their language (pages, API, feeds say the same)."""
    lang = lang or current_language()
    original = getattr(obj, "original_language", lang)
    shown = [f for f in fields if getattr(obj, f, None)]
    missing = tuple(f for f in shown if is_fallback(obj, f, lang))
    return TranslationState(lang, original, tuple(f for f in shown if f not in missing), missing)


def all_versions(obj: Any, fields: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Every language version of `fields`: the original plus the translations."""
    original = getattr(obj, "original_language", DEFAULT_LANGUAGE)
    out = {original: {f: getattr(obj, f) for f in fields}}
    for lang, values in (getattr(obj, "translations", None) or {}).items():
        if lang in LANGUAGES and lang != original:
            out[lang] = {f: values.get(f) for f in fields if values.get(f) is not None}
    return out
