"""vCard 3.0 (RFC 2426) of press contacts: a pure renderer.

Version 3.0 because it is the one every phone imports (iOS, Android, Outlook) with
non-ASCII text in UTF-8. Takes loaded contacts and returns bytes; nothing else inside."""

from collections.abc import Sequence

from eventhub.models import PressContact


def _escape(value: str) -> str:
    """Text value escaping of RFC 2426 §4: backslash, comma, semicolon, newline."""
    return (
        value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\r\n", "\\n").replace("\n", "\\n")
    )


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


def render_vcard(
    contacts: Sequence[PressContact], *, note: str | None = None, source_url: str | None = None
) -> bytes:
    """One VCARD per contact: name, organisation, role, phones (E.164), e-mail."""
    lines: list[str] = []
    for c in contacts:
        organisation = c.organisation.name if c.organisation is not None else c.organisation_name
        card = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{_escape(c.name)}"]
        # The family/given split of a name is not known (seeds write «Фамилия Имя»):
        # the whole name as the family name shows it as written, never reordered.
        card.append(f"N:{_escape(c.name)};;;;")
        if organisation:
            card.append(f"ORG:{_escape(organisation)}")
        if c.role:
            card.append(f"TITLE:{_escape(c.role)}")
        for phone in c.phones:
            card.append(f"TEL;TYPE=CELL,VOICE:{phone}")
        if c.email:
            card.append(f"EMAIL;TYPE=INTERNET:{_escape(c.email)}")
        if note:
            card.append(f"NOTE:{_escape(note)}")
        if source_url:
            card.append(f"URL:{source_url}")
        card.append(f"UID:eventhub-press-contact-{c.slug}")
        card.append("END:VCARD")
        lines.extend(card)
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
