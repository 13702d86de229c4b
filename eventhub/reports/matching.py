"""Unique persons across registrations: which registrations are the same person. Pure.

Certain (joined without asking): the same normalised e-mail, the same E.164 phone. Joined but
uncertain: the same normalised name at the same organisation with no shared e-mail or phone
(a staff member may split them). Not joined, uncertain: names that differ only in spelling
(the same first four letters of every word once transliterated, "Гульнара Осмонова" and
"Gulnara Osmonova", "Азамат Беков" and "Азамат Бекову"), or the same name at another
organisation. A staff member's decision on a pair (`same` or not) is kept and applied before
everything else but the certain links: "different" keeps two people apart even where name
and organisation agree.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

# Cyrillic (Russian and Kyrgyz letters) to Latin, as names are spelled in passports and e-mails.
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя",  # i18n: ignore (letters, not text)
        "a b v g d e e zh z i i k l m n n o o p r s t u u f h ts ch sh sh - y - e yu ya".split(),
        strict=True,
    )
)
_TABLE = str.maketrans({k: v.strip("-") for k, v in _CYRILLIC.items()})
# Latin spellings that differ for one sound (zh/j, kh/h, y/i, dzh/j, w/v), and doubled letters
_LATIN = (
    (re.compile(r"dzh|dj|zh"), "j"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"[yw]"), "i"),
    (re.compile(r"ts"), "c"),
)
_DOUBLE = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^a-z]+")


@lru_cache(maxsize=100_000)  # names repeat across a project's registrations
def name_tokens(name: str | None) -> tuple[str, ...]:
    """The words of a name, transliterated to Latin, folded and sorted ("Асанова Айгуль" and
    "Aigul Asanova" give the same)."""
    text = (name or "").casefold().replace("ё", "е").translate(_TABLE)  # i18n: ignore (letters, not text)
    if not text.isascii():  # accents of Latin spellings (é, ü); й and ё are handled above
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    for pattern, repl in _LATIN:
        text = pattern.sub(repl, text)
    return tuple(sorted(_DOUBLE.sub(r"\1", w) for w in _NOT_LETTER.split(text) if w))


@lru_cache(maxsize=100_000)
def name_key(name: str | None) -> str:
    return " ".join(name_tokens(name))


@lru_cache(maxsize=100_000)
def loose_key(name: str | None) -> str:
    """Names that differ in spelling only (endings, a letter) share this key."""
    return " ".join(sorted(t[:4] for t in name_tokens(name)))


def organisation_key(organisation_id: int | None, organisation_name: str | None) -> str:
    if organisation_id is not None:
        return f"#{organisation_id}"
    key = name_key(organisation_name)
    return f"={key}" if key else ""


class Record(NamedTuple):
    """What matching reads of a registration (a tuple: a project has 100,000 of them)."""

    id: int
    name: str
    email: str  # normalised; "" when none (phone-only registrations)
    phone: str  # E.164; "" when none
    organisation: str  # organisation_key()


@dataclass
class Matching:
    person_of: dict[int, int]  # registration id -> person id (the smallest registration id of the person)
    # uncertain pairs (registration ids, smaller first) for a staff member: joined by name and
    # organisation only, or not joined though the names are alike
    joined_uncertain: list[tuple[int, int]] = field(default_factory=list)
    apart_uncertain: list[tuple[int, int]] = field(default_factory=list)

    @property
    def persons(self) -> int:
        return len(set(self.person_of.values()))


class _Sets:
    def __init__(self, ids: Iterable[int]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra  # the smaller id is the root: a person's id is stable and readable
        return True


MAX_GROUP = 30  # alike names compared pairwise within a group of at most this many people


def match(records: Iterable[Record], decisions: Mapping[tuple[int, int], bool] | None = None) -> Matching:
    """Group registrations into persons. `decisions`: (smaller id, larger id) -> same person?"""
    records = list(records)
    decisions = {k: v for k, v in (decisions or {}).items()}
    sets = _Sets(r.id for r in records)
    known = sets.parent.keys()
    decisions = {k: v for k, v in decisions.items() if k[0] in known and k[1] in known}

    def join_by(values: Iterable[str]) -> None:
        first: dict[str, int] = {}
        for r, value in zip(records, values, strict=True):
            if value:
                if value in first:
                    sets.union(first[value], r.id)
                else:
                    first[value] = r.id

    join_by(r.email for r in records)
    join_by(r.phone for r in records)
    for (a, b), same in decisions.items():
        if same:
            sets.union(a, b)
    apart = [(a, b) for (a, b), same in decisions.items() if not same]

    def kept_apart(x: int, y: int) -> bool:
        rx, ry = sets.find(x), sets.find(y)
        return any({sets.find(a), sets.find(b)} == {rx, ry} for a, b in apart)

    joined_by_name: list[tuple[int, int]] = []
    first_of: dict[tuple[str, str], int] = {}
    for r in records:
        key = name_key(r.name)
        if not key or not r.organisation:
            continue
        other = first_of.setdefault((key, r.organisation), r.id)
        if other != r.id and sets.find(other) != sets.find(r.id) and not (apart and kept_apart(other, r.id)):
            sets.union(other, r.id)
            joined_by_name.append((min(other, r.id), max(other, r.id)))

    decided: set[frozenset[int]] = {frozenset((sets.find(a), sets.find(b))) for a, b in decisions}
    # joined by name only and not confirmed: the pair's two registrations still have no
    # certain link (another registration may have joined them by e-mail meanwhile)
    joined_uncertain = [(a, b) for a, b in joined_by_name if (a, b) not in decisions]

    groups: dict[str, dict[int, int]] = defaultdict(dict)  # loose key -> person -> a registration
    for r in records:
        key = loose_key(r.name)
        if key:
            groups[key].setdefault(sets.find(r.id), r.id)
    apart_uncertain = []
    for people in groups.values():
        if len(people) < 2:
            continue
        items = sorted(people.items())[:MAX_GROUP]
        for i, (pa, ra) in enumerate(items):
            for pb, rb in items[i + 1 :]:
                if frozenset((pa, pb)) not in decided:
                    apart_uncertain.append((min(ra, rb), max(ra, rb)))
    person_of = {r.id: sets.find(r.id) for r in records}
    return Matching(person_of, joined_uncertain, sorted(apart_uncertain))
