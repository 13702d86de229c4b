"""vCard 3.0 (RFC 2426) of press contacts: a pure renderer.

Version 3.0 because it is the one every phone imports (iOS, Android, Outlook) with
non-ASCII text in UTF-8. Takes loaded contacts and returns bytes; nothing else inside."""

from collections.abc import Sequence

from eventhub.core.contacts import LinkedContact
from eventhub.core.models import PressContact
from eventhub.core.text import one_line, printable


def _escape(value: str) -> str:
    """Text value escaping of RFC 6350 §3.4 (and RFC 2426 §4): backslash, comma, semicolon and
    every line break (CRLF, LF and a lone CR, which importers read as a new line); other control
    characters are dropped, so no stored value can start a property of its own."""
    return printable(value).replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space, never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


# Last words of traditional Kyrgyz names («Бакыт Асан уулу», «Айгуль Асан кызы»): given name,
# father's name and "son/daughter of", with no family name to put first.
_PATRONYMIC_WORDS = frozenset({"уулу", "кызы"})  # i18n: ignore (name words matched, not text)


def name_parts(name: str) -> tuple[str, str, str]:
    """(family, given, additional) of vCard N for a press contact's one name field.

    Press contacts are written family name first, as in Kyrgyz and Russian documents (the seed
    press release: «Абдыразакова Гульмира»), so with two words the first is the family name and
    the second the given name; with three, the third is the patronymic (additional names:
    «Асанова Айгуль Бакытовна»). Any other shape — one word, four or more, a traditional
    «… уулу / кызы» name — is not split: the whole name goes into the family field, shown as
    written and never reordered. FN always carries the name as written."""
    words = name.split()
    if len(words) in (2, 3) and words[-1].casefold() not in _PATRONYMIC_WORDS:
        return words[0], words[1], " ".join(words[2:])
    return " ".join(words), "", ""


def render_vcard(
    contacts: Sequence[PressContact | LinkedContact], *, note: str | None = None, source_url: str | None = None
) -> bytes:
    """One VCARD per contact: name, organisation, role, phones (E.164), e-mail."""
    lines: list[str] = []
    for c in contacts:
        organisation = c.organisation.name if c.organisation is not None else c.organisation_name
        card = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{_escape(c.name)}"]
        family, given, additional = name_parts(c.name)
        card.append(f"N:{_escape(family)};{_escape(given)};{_escape(additional)};;")
        if organisation:
            card.append(f"ORG:{_escape(organisation)}")
        if c.role:
            card.append(f"TITLE:{_escape(c.role)}")
        for phone in c.phones:
            card.append(f"TEL;TYPE=CELL,VOICE:{_escape(phone)}")
        if c.email:
            card.append(f"EMAIL;TYPE=INTERNET:{_escape(c.email)}")
        if note:
            card.append(f"NOTE:{_escape(note)}")
        if source_url:
            card.append(f"URL:{one_line(source_url)}")
        card.append(f"UID:eventhub-press-contact-{_escape(c.slug)}")
        card.append("END:VCARD")
        lines.extend(card)
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
