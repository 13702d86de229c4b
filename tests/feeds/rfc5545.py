"""A byte-level check of iCalendar text, written from RFC 5545 alone (no parser library):
the feeds must pass it whatever icalendar does by default.

* every line ends with CRLF, is at most 75 octets, is valid UTF-8 and holds no control
  character but HTAB; continuation lines start with one space (§3.1);
* a content line is ``name *(";" param) ":" value``; a parameter value holding ``:``, ``;``
  or ``,`` is quoted, and none holds ``"`` (§3.1, §3.2); CN and LABEL are checked like that;
* a TEXT value escapes backslash, semicolon and comma and writes a newline as ``\\n``; a
  backslash is followed by nothing else (§3.3.11). CATEGORIES is a list of TEXT: its commas
  separate values, and each value is checked the same way.
"""

import re

# Properties whose value is TEXT (RFC 5545 §3.8, RFC 7986 §5, the X-WR- calendar properties).
TEXT = {
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "COMMENT",
    "CONTACT",
    "RESOURCES",
    "TZNAME",
    "NAME",
    "X-WR-CALNAME",
    "X-WR-CALDESC",
    "X-WR-TIMEZONE",
}
TEXT_LISTS = {"CATEGORIES", "RESOURCES"}
_NAME = re.compile(rb"^[A-Za-z0-9-]+$")
_ESCAPED_TEXT = re.compile(rb"^(?:[^\\;,]|\\[\\;,nN])*$")
_PARAM = re.compile(rb'^[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*$')


def unfold(body: bytes) -> list[bytes]:
    """The content lines, after the §3.1 checks on the physical lines."""
    assert body.endswith(b"\r\n"), "the last line does not end with CRLF"
    physical = body[:-2].split(b"\r\n")
    lines: list[bytes] = []
    for n, line in enumerate(physical, 1):
        assert len(line) <= 75, f"line {n} is {len(line)} octets long"
        line.decode("utf-8")  # never cut inside a character
        assert not re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", line), f"line {n} holds a control character: {line!r}"
        if line.startswith((b" ", b"\t")):
            assert lines, "a continuation line comes first"
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def _split(line: bytes) -> tuple[bytes, list[bytes], bytes]:
    """name, params, value: the first colon outside quotes ends the parameters."""
    in_quotes = False
    parts, start = [], 0
    for i, c in enumerate(line):
        if c == ord('"'):
            in_quotes = not in_quotes
        elif not in_quotes and c == ord(";"):
            parts.append(line[start:i])
            start = i + 1
        elif not in_quotes and c == ord(":"):
            parts.append(line[start:i])
            return parts[0], parts[1:], line[i + 1 :]
    raise AssertionError(f"no value in {line!r}")


def _list_values(value: bytes) -> list[bytes]:
    """A list value split at its unescaped commas."""
    values, current, i = [], b"", 0
    while i < len(value):
        if value[i : i + 1] == b"\\" and i + 1 < len(value):
            current += value[i : i + 2]
            i += 2
        elif value[i : i + 1] == b",":
            values.append(current)
            current, i = b"", i + 1
        else:
            current += value[i : i + 1]
            i += 1
    return [*values, current]


def check(body: bytes) -> list[tuple[str, str]]:
    """Assert that ``body`` is well-formed iCalendar text; return (name, unescaped value) of every
    TEXT property, for the caller to compare with what was stored."""
    texts = []
    lines = unfold(body)
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    for line in lines:
        name, params, value = _split(line)
        assert _NAME.match(name), f"bad property name in {line!r}"
        for param in params:
            assert _PARAM.match(param), f"parameter not quoted as §3.2 requires: {param!r} in {line!r}"
        upper = name.upper().decode()
        values = _list_values(value) if upper in TEXT_LISTS else [value] if upper in TEXT else []
        for v in values:
            assert _ESCAPED_TEXT.match(v), f"{upper}: TEXT not escaped as §3.3.11 requires: {v!r}"
            texts.append((upper, unescape(v)))
    begins = [ln for ln in lines if ln.startswith(b"BEGIN:")]
    assert len(begins) >= 2, "a calendar needs one component at least (§3.6)"
    return texts


def unescape(value: bytes) -> str:
    return re.sub(rb"\\([\\;,nN])", lambda m: b"\n" if m.group(1) in b"nN" else m.group(1), value).decode("utf-8")
