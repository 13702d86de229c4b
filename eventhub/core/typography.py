"""Typography per language (issue 23): quotation marks, times, numbers and lists from CLDR.

Times use each locale's CLDR `Hm` skeleton — the 24-hour clock in ru, ky and en alike: the
events happen in Kyrgyzstan, where everyone reads 14:00, and an English reader there expects
"14:00", not "2:00 PM". Numbers and lists ("a, b and c") come from Babel's CLDR data.
Babel does not ship CLDR's delimiters, so the quotation marks are copied here from CLDR 46
(common/main/{ru,ky,en}.xml, <delimiters>)."""

from collections.abc import Sequence
from datetime import datetime, time

from babel import Locale
from babel.dates import format_time
from babel.lists import format_list
from babel.numbers import format_decimal

from eventhub.core.i18n import DEFAULT_LANGUAGE, current_language

# (quotationStart, quotationEnd, alternateQuotationStart, alternateQuotationEnd)
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "ru": ("«", "»", "„", "“"),
    "ky": ("«", "»", "„", "“"),
    "en": ("“", "”", "‘", "’"),
}


def _lang(lang: str | None) -> str:
    lang = lang or current_language()
    return lang if lang in QUOTES else DEFAULT_LANGUAGE


def quote(text: str, lang: str | None = None, *, inner: bool = False) -> str:
    """`text` in the language's quotation marks («…» in ru and ky, “…” in en); `inner` for a quote in a quote."""
    marks = QUOTES[_lang(lang)]
    start, end = (marks[2], marks[3]) if inner else (marks[0], marks[1])
    return f"{start}{text}{end}"


def clock(value: datetime | time, lang: str | None = None) -> str:
    """A time of day on the 24-hour clock in the language's CLDR pattern (Hm): 09:00, 14:30."""
    lang = _lang(lang)
    return format_time(value, Locale.parse(lang).datetime_skeletons["Hm"].pattern, locale=lang)


def number(value: float, lang: str | None = None) -> str:
    """A number with the language's separators: 1 234,5 (ru, ky), 1,234.5 (en)."""
    return format_decimal(value, locale=_lang(lang))


def join(items: Sequence[str], lang: str | None = None) -> str:
    """A list as the language writes it: «a, b и c», «a, b жана c», "a, b, and c"."""
    return format_list(list(items), locale=_lang(lang)) if items else ""
