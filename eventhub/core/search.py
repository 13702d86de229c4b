"""Full-text search: one normaliser for documents and queries, one index, two engines.

Words are normalised here, in Python, so SQLite and PostgreSQL match the same things: case,
ё = е, Kyrgyz ө ү ң (and Latin look-alikes typed into Cyrillic words), hyphens and quotes
ignored, Russian Snowball stems, Kyrgyz case endings (the ``kyrgyz`` inflection engine, run
backwards), and every Cyrillic word also in Latin transliteration ("forum aimakov"). The
engines only match prefixes of those terms: FTS5 (``search_fts`` over ``search_document``)
on SQLite, a ``tsvector`` column with a GIN index on PostgreSQL.

The index is kept in the same transaction as the change: after each flush the rows that
changed name the documents they feed (`Kind.sources`), and those are rebuilt before the
commit (and before a search in the same unit). A new kind of document is one `register(Kind(...))`
with its builder and its sources; see the kinds at the end of this module.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import chain
from typing import Any

import snowballstemmer
import sqlalchemy as sa
from kyrgyz import Inflector
from kyrgyz.cases import Case
from markupsafe import Markup, escape
from slugify import slugify
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlmodel import col

from eventhub.core.i18n import translations
from eventhub.core.models import (
    AgendaSession,
    Event,
    EventOrganisation,
    EventRegion,
    EventSeries,
    Language,
    Organisation,
    Panel,
    Person,
    PressRelease,
    Project,
    ProjectOrganisation,
    ProjectRegion,
    SearchDocument,
    SessionSpeaker,
    table_of,
)

MAX_QUERY_WORDS = 10  # a query's first words; the rest (a pasted page) is ignored
MAX_QUERY_CHARS = 1000

# --- the normaliser ---

_RUSSIAN = snowballstemmer.stemmer("russian")
_KYRGYZ = Inflector()
_KYRGYZ_CASES = tuple(c for c in Case if c is not Case.NOMINATIVE)
# Latin letters that look like Cyrillic ones, inside a Cyrillic word (a keyboard switched mid-word).
_LOOKALIKES = str.maketrans("aeopcxykmtbhöüñ", "аеорсхукмтвнөүң")  # i18n: ignore (letters, not text)
_CYRILLIC_FOLD = (("ё", "е"), ("ө", "о"), ("ү", "у"), ("ң", "н"), ("һ", "х"), ("дж", "ж"))  # i18n: ignore
_LATIN_FOLD = (
    ("dzh", "zh"),
    ("dj", "zh"),
    ("kh", "h"),
    ("ts", "c"),
    ("ya", "ia"),
    ("yu", "iu"),
    ("y", "i"),
    ("j", "zh"),
    ("w", "v"),
    ("x", "ks"),
)
# Latin to Cyrillic, longest first: for Latin queries, to find the stem of what was meant.
_TO_CYRILLIC = (
    *(tuple(p.split("=")) for p in "shch=щ zh=ж kh=х ch=ч sh=ш ts=ц iu=ю ia=я".split()),  # i18n: ignore
    *zip("abvgdezijklmnoprstufhcq", "абвгдезижклмнопрстуфхцк", strict=True),  # i18n: ignore
)
_WORD = re.compile(r"[^\W_]+(?:[-‐‑'’ʼ`][^\W_]+)*")
_PART = re.compile(r"[^\W_]+")
_FIELD_PREFIX = re.compile(r"\b[A-Za-z_]+:")  # title:word (an engine's column filter) is the word
_JOINERS = re.compile(r"[-‐‑'’ʼ`]")
_CYRILLIC = re.compile(r"[а-яёөүңһ]")  # i18n: ignore
_TERM = re.compile(r"^[a-zа-я0-9]+$")  # i18n: ignore (what the engines' tokenisers keep whole)
# Words a query may hold that say nothing (prepositions, conjunctions): ignored in queries.
_QUERY_STOPWORDS = frozenset(
    "и в во на с со по для о об к ко из у от до за а the of and or not near in for to on at менен жана үчүн".split()  # i18n: ignore
)


def _plain(word: str) -> str:
    """Lower case, NFKC, Latin diacritics dropped outside Cyrillic words."""
    word = unicodedata.normalize("NFKC", word).lower()
    if _CYRILLIC.search(word):
        return word.translate(_LOOKALIKES)
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fold(word: str) -> str:
    if _CYRILLIC.search(word):
        for a, b in _CYRILLIC_FOLD:
            word = word.replace(a, b)
        return word
    for a, b in _LATIN_FOLD:
        word = word.replace(a, b)
    return word


def _latin(word: str) -> str:
    return _fold(slugify(word, separator="", max_length=0))


def _stem(word: str) -> str:
    return str(_RUSSIAN.stemWord(word))


def _kyrgyz_bases(word: str) -> list[str]:
    """Nominatives a Kyrgyz case form may come from: аймакка -> аймак, Бишкекте -> Бишкек.

    The engine only inflects, so each shorter prefix is inflected in every case and kept when
    one of its forms is the word (analysis by synthesis; case endings are 1 to 4 letters)."""
    found = []
    for cut in range(1, min(5, len(word) - 2)):
        base = word[:-cut]
        try:
            forms = {_KYRGYZ.inflect(base, case=case) for case in _KYRGYZ_CASES}
        except Exception:  # the engine refuses what it cannot read as a Kyrgyz noun
            continue
        if word in forms:
            found.append(base)
    return found


@lru_cache(maxsize=100_000)
def _word_terms(word: str) -> tuple[str, ...]:
    """The terms a document's word is found by."""
    plain = _plain(word)
    if not _CYRILLIC.search(plain):
        return (_fold(plain),)
    folded = _fold(plain)
    bases = [_fold(b) for b in _kyrgyz_bases(plain)]
    terms = [folded, _stem(folded), *bases, *(_stem(b) for b in bases)]
    terms += [_latin(t) for t in terms]
    return tuple(dict.fromkeys(t for t in terms if _TERM.match(t)))


def _words(text: str) -> Iterable[str]:
    for match in _WORD.finditer(text):
        whole = match.group()
        parts = _JOINERS.split(whole)
        if len(parts) > 1:
            yield from parts
            yield "".join(parts)  # Джети-Огуз: also "джетиогуз", as typed without the hyphen
        else:
            yield whole


def document_terms(*texts: str | None) -> str:
    """A document's text as the space-separated terms the index stores."""
    terms = chain.from_iterable(_word_terms(w) for t in texts if t for w in _words(t))
    return " ".join(dict.fromkeys(terms))


@lru_cache(maxsize=10_000)
def _query_word(word: str) -> tuple[str, ...]:
    """Prefixes one typed word is matched by (any of them)."""
    plain = _plain(_JOINERS.sub("", word))
    if not _CYRILLIC.search(plain):
        folded = _fold(plain)
        meant = folded
        for a, b in _TO_CYRILLIC:
            meant = meant.replace(a, b)
        found = [folded, _latin(_stem(meant))] if _CYRILLIC.search(meant) else [folded]
    else:
        folded = _fold(plain)
        bases = [_fold(b) for b in _kyrgyz_bases(plain)]
        found = [_stem(folded), *(_stem(b) for b in bases)]
    return tuple(dict.fromkeys(t for t in found if _TERM.match(t)))


def query_terms(q: str | bytes | None) -> list[tuple[str, ...]]:
    """A query as groups of prefixes: every group must match (AND), any prefix of a group (OR).

    No group: nothing to look for (an empty or punctuation-only query finds nothing). What
    engines read as syntax (quotes, ``*``, ``:``, NEAR, AND) is punctuation or a plain word here."""
    if isinstance(q, bytes):
        q = q.decode("utf-8", "replace")
    text = _FIELD_PREFIX.sub(" ", (q or "")[:MAX_QUERY_CHARS])
    # Hyphenated words as their parts (all must match): the index holds parts and the joined word.
    words = [w for w in _PART.findall(text) if len(w) > 1 and w.lower() not in _QUERY_STOPWORDS]
    groups = []
    for word in words:
        group = _query_word(word)
        if group and group not in groups:
            groups.append(group)
    return groups[:MAX_QUERY_WORDS]


def has_terms(q: str | None) -> bool:
    return bool(query_terms(q))


# --- highlighting (pages) ---


def _matches(word: str, groups: Sequence[tuple[str, ...]]) -> bool:
    terms = _word_terms(word)
    return any(t.startswith(p) for g in groups for p in g for t in terms)


def _window(text: str, first: int, limit: int | None) -> tuple[int, int]:
    """Where a snippet of about `limit` characters around `first` starts and ends (at spaces)."""
    if limit is None or len(text) <= limit:
        return 0, len(text)
    start = max(0, min(first - limit // 4, len(text) - limit))
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = start + limit
    if end < len(text):
        end = max(text.rfind(" ", start, end), start + limit // 2)
    return start, end


def _spans(text: str, q: str | None) -> list[tuple[int, int]]:
    """Where the words `q` finds are: a hyphenated word whole (Джети-Огуз) or its parts (аймаков-2023)."""
    groups = query_terms(q)
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(text) if groups else ():
        if _matches(_JOINERS.sub("", m.group()), groups):
            spans.append(m.span())
        elif _JOINERS.search(m.group()):
            spans += [
                (m.start() + p.start(), m.start() + p.end())
                for p in _PART.finditer(m.group())
                if _matches(p.group(), groups)
            ]
    return spans


def highlight(text: str | None, q: str | None, *, limit: int | None = None) -> Markup:
    """`text` escaped, the words `q` matches in <mark>; `limit`: a snippet of about that many
    characters around the first match."""
    text = text or ""
    spans = _spans(text, q)
    start, end = _window(text, spans[0][0] if spans else 0, limit)
    out = [Markup("…") if start else Markup("")]
    pos = start
    for a, b in spans:
        if a < start or b > end:
            continue
        out += [escape(text[pos:a]), Markup("<mark>"), escape(text[a:b]), Markup("</mark>")]
        pos = b
    out.append(escape(text[pos:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)


def snippet(text: str | None, q: str | None, *, limit: int) -> str:
    """The plain-text snippet `highlight` would show (the API's)."""
    text = text or ""
    spans = _spans(text, q)
    start, end = _window(text, spans[0][0] if spans else 0, limit)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def matched_groups(text: str | None, q: str | None) -> int:
    """How many of `q`'s words `text` holds (the snippet comes from the text holding most)."""
    groups = query_terms(q)
    words = [_JOINERS.sub("", w) for w in _WORD.findall(text or "")] if groups else []
    words += [p for w in _WORD.findall(text or "") if _JOINERS.search(w) for p in _PART.findall(w)]
    return sum(1 for g in groups if any(_matches(w, [g]) for w in words))


def matches_text(text: str | None, q: str | None) -> bool:
    """Whether `text` holds a word `q` finds (which text of a hit its snippet is cut from)."""
    return bool(text and _spans(text, q))


# --- kinds of documents ---


@dataclass
class Document:
    """What a reader sees of one thing: its title, everything else, and (events) when it is."""

    title: list[str | None]
    body: list[str | None]
    starts_at: datetime | None = None
    ends_at: datetime | None = None


Builder = Callable[[Session, Sequence[int]], dict[int, Document]]
Source = Callable[[Session, Any], Iterable[int | None]]


@dataclass(frozen=True)
class Kind:
    """One kind of searchable thing. `build(db, ids)`: the documents of those rows (a missing
    id is a deleted row); `sources`: for each model whose rows a document shows, the ids of
    this kind a changed row of it concerns."""

    name: str
    model: type
    build: Builder
    sources: dict[type, Source] = field(default_factory=dict)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def kind_of(model: type) -> str | None:
    """The kind of document a model's rows are, if they are searchable."""
    return next((k.name for k in KINDS.values() if k.model is model), None)


def versions(obj: Any, *fields: str) -> list[str | None]:
    """The fields of `obj` and of all its language versions (Translatable.translations)."""
    texts: list[str | None] = []
    for source in (vars(obj), *((getattr(obj, "translations", None) or {}).values())):
        for name in fields:
            value = source.get(name) if isinstance(source, dict) else None
            if isinstance(value, list):
                texts += [str(v) for v in value]
            elif value is not None:
                texts.append(str(value))
    return texts


def _ids(db: Session, stmt: Any) -> list[int]:
    return [i for i in db.execute(stmt).scalars() if i is not None]


def _own(_db: Session, obj: Any) -> list[int | None]:
    return [obj.id]


# --- the index ---

_PENDING = "search_pending"
_SWEEP = "search_sweep"
_SEARCH_TABLE = table_of(SearchDocument)


def _after_flush(db: Session, _ctx: Any) -> None:
    if not KINDS:
        return
    changed = list(chain(db.new, db.deleted)) + [o for o in db.dirty if db.is_modified(o)]
    pending: set[tuple[str, int]] = db.info.setdefault(_PENDING, set())
    for obj in changed:
        for kind in KINDS.values():
            source = kind.sources.get(type(obj))
            if source is not None:
                pending.update((kind.name, i) for i in source(db, obj) if i is not None)


def _do_orm_execute(state: ORMExecuteState) -> None:
    # A bulk DELETE names no rows: the documents whose rows are gone are swept at commit.
    if state.is_delete and any(k.model in {m.class_ for m in state.all_mappers} for k in KINDS.values()):
        state.session.info[_SWEEP] = True


def refresh(db: Session) -> None:
    """Rebuild the documents the transaction's changes concern (before commit and search)."""
    if db.new or db.dirty or db.deleted:
        db.flush()
    pending: set[tuple[str, int]] = db.info.pop(_PENDING, set())
    by_kind: dict[str, list[int]] = {}
    for name, ref_id in pending:
        by_kind.setdefault(name, []).append(ref_id)
    for name, ids in by_kind.items():
        write(db, KINDS[name], sorted(ids))
    if db.info.pop(_SWEEP, False):
        for kind in KINDS.values():
            own = table_of(kind.model)
            db.execute(
                sa.delete(_SEARCH_TABLE).where(
                    _SEARCH_TABLE.c.kind == kind.name, _SEARCH_TABLE.c.ref_id.not_in(sa.select(own.c.id))
                )
            )


def write(db: Session, kind: Kind, ids: Sequence[int]) -> None:
    """Replace the documents of `ids` (rows gone: their documents go)."""
    t = _SEARCH_TABLE
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        docs = kind.build(db, chunk)
        db.execute(sa.delete(t).where(t.c.kind == kind.name, t.c.ref_id.in_(chunk)))
        rows = [
            {
                "kind": kind.name,
                "ref_id": ref_id,
                "title": document_terms(*doc.title),
                "body": document_terms(*doc.body),
                "starts_at": doc.starts_at,
                "ends_at": doc.ends_at,
            }
            for ref_id, doc in docs.items()
        ]
        if rows:
            db.execute(sa.insert(t), rows)


def rebuild(db: Session, kinds: Iterable[str] | None = None) -> int:
    """The whole index anew (after a restore, or for a database made before it existed)."""
    count = 0
    for name in kinds or list(KINDS):
        kind = KINDS[name]
        db.execute(sa.delete(_SEARCH_TABLE).where(_SEARCH_TABLE.c.kind == name))
        ids = _ids(db, sa.select(table_of(kind.model).c.id).order_by(table_of(kind.model).c.id))
        write(db, kind, ids)
        count += len(ids)
    return count


def fill_if_empty(db: Session) -> int:
    """Build the index when it is empty and there is something to find (a database migrated to
    the index's revision); how many documents were written."""
    if db.execute(sa.select(_SEARCH_TABLE.c.id).limit(1)).first() is not None:
        return 0
    if not any(db.execute(sa.select(table_of(k.model).c.id).limit(1)).first() for k in KINDS.values()):
        return 0
    return rebuild(db)


def _before_commit(db: Session) -> None:
    if db.info.get(_PENDING) or db.info.get(_SWEEP) or db.new or db.dirty or db.deleted:
        refresh(db)


def _after_soft_rollback(db: Session, previous: SessionTransaction) -> None:
    # A savepoint rolled back (a caught IntegrityError) leaves the transaction's earlier
    # changes to index; documents named by the rolled-back part are rebuilt as they now are.
    if not previous.nested:
        db.info.pop(_PENDING, None)
        db.info.pop(_SWEEP, None)


def install() -> None:
    if sa.event.contains(Session, "after_flush", _after_flush):
        return
    sa.event.listen(Session, "after_flush", _after_flush)
    sa.event.listen(Session, "do_orm_execute", _do_orm_execute)
    sa.event.listen(Session, "before_commit", _before_commit)
    sa.event.listen(Session, "after_soft_rollback", _after_soft_rollback)


# --- queries ---

# What each engine keeps outside the model (alembic/env.py and the migration test skip them).
ENGINE_OBJECTS = frozenset({"tsv", "ix_search_document_tsv"})


def engine_object(name: str | None) -> bool:
    """Whether a reflected table, column or index is the search engines' own (FTS5 and its shadow tables)."""
    return bool(name) and (str(name).startswith("search_fts") or name in ENGINE_OBJECTS)


def _fts5(groups: Sequence[tuple[str, ...]]) -> str:
    return " AND ".join("(" + " OR ".join(f'"{p}"*' for p in g) + ")" for g in groups)


def _tsquery(groups: Sequence[tuple[str, ...]], weight: str = "") -> str:
    return " & ".join("(" + " | ".join(f"'{p}':*{weight}" for p in g) + ")" for g in groups)


def _is_sqlite(db: Session) -> bool:
    return db.get_bind().dialect.name == "sqlite"


def _matching(db: Session, groups: Sequence[tuple[str, ...]]) -> tuple[Any, Any, Any, list[Any]]:
    """(FROM, title-match test, score ordering, WHERE) for documents matching all groups."""
    t = _SEARCH_TABLE
    if _is_sqlite(db):
        fts = sa.table("search_fts", sa.column("rowid"))
        expr = _fts5(groups)
        title_ids: Any = (
            sa.select(sa.literal_column("rowid"))
            .select_from(fts)
            .where(sa.literal_column("search_fts").op("MATCH")("title : (" + expr + ")"))
        )
        # The engine's matches as a materialised table (a LIMIT keeps SQLite from flattening it)
        # drive the query: never a scan of every document probing the FTS index.
        hits = (
            sa.select(fts.c.rowid.label("rid"), sa.func.bm25(sa.literal_column("search_fts"), 4.0, 1.0).label("score"))
            .select_from(fts)
            .where(sa.literal_column("search_fts").op("MATCH")(expr))
            .limit(-1)
            .subquery("hits")
        )
        return hits.join(t, t.c.id == hits.c.rid), t.c.id.in_(title_ids.scalar_subquery()), hits.c.score, []
    tsv: Any = sa.literal_column("search_document.tsv")
    # The terms are [a-zа-я0-9]+ (_TERM), so the tsquery text is built from plain words only.
    query = sa.text("CAST(:search_q AS tsquery)").bindparams(search_q=_tsquery(groups))
    title = sa.text("CAST(:search_title AS tsquery)").bindparams(search_title=_tsquery(groups, "A"))
    return t, tsv.op("@@")(title), -sa.func.ts_rank(tsv, query), [tsv.op("@@")(query)]


class _Match(sa.sql.expression.ColumnElement[bool]):
    """search_document rows matching groups of prefixes, compiled for each engine (so the
    filter can be part of a query built before the session is known, as the event lists are)."""

    inherit_cache = False
    type = sa.Boolean()

    def __init__(self, groups: Sequence[tuple[str, ...]]) -> None:
        self.groups = groups


@compiles(_Match, "sqlite")
def _match_sqlite(element: _Match, compiler: Any, **kw: Any) -> str:
    expr = compiler.process(sa.literal(_fts5(element.groups)), **kw)
    return f"search_document.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH {expr})"


@compiles(_Match)
def _match_postgresql(element: _Match, compiler: Any, **kw: Any) -> str:
    expr = compiler.process(sa.literal(_tsquery(element.groups)), **kw)
    return f"search_document.tsv @@ CAST({expr} AS tsquery)"


def matching_ids(kind: str, q: str | None) -> Any:
    """A subquery of the ids of `kind` whose documents match `q` (none when `q` has no words)."""
    groups = query_terms(q)
    t = _SEARCH_TABLE
    if not groups:
        return sa.select(t.c.ref_id).where(sa.false())
    return sa.select(t.c.ref_id).where(t.c.kind == kind, _Match(groups))


@dataclass(frozen=True)
class Hit:
    ref_id: int
    in_title: bool


def search(
    db: Session, kind: str, q: str | None, *, now: datetime, visible: Any = None, offset: int = 0, limit: int = 20
) -> tuple[list[Hit], int]:
    """Ids of `kind` matching `q`, best first, and how many match: a match in the title over
    one in the body, upcoming over past at equal rank, then the engine's score and the date.
    `visible`: a subquery of the ids a reader may see."""
    refresh(db)
    groups = query_terms(q)
    if not groups:
        return [], 0
    t = _SEARCH_TABLE
    source, in_title, score, where = _matching(db, groups)
    where = [t.c.kind == kind, *where]
    if visible is not None:  # a correlated test per match, so it never drives the query
        where.append(visible.where(list(visible.selected_columns)[0] == t.c.ref_id).exists())
    total = db.execute(sa.select(sa.func.count()).select_from(source).where(*where)).scalar_one()
    if not total:
        return [], 0
    past = sa.case((sa.and_(t.c.ends_at.is_not(None), t.c.ends_at < now), 1), else_=0)
    title_first = sa.case((in_title, 0), else_=1)
    rows = db.execute(
        sa.select(t.c.ref_id, title_first)
        .select_from(source)
        .where(*where)
        .order_by(title_first, past, score, t.c.starts_at.desc(), t.c.ref_id)
        .offset(offset)
        .limit(limit)
    ).all()
    return [Hit(ref_id, tier == 0) for ref_id, tier in rows], int(total)


# --- the kinds: events, press releases, organisations, projects ---


def _event_ids_of_sessions(db: Session, session_ids: Iterable[int | None]) -> list[int]:
    s = table_of(AgendaSession)
    return _ids(db, sa.select(s.c.event_id).where(s.c.id.in_([i for i in session_ids if i is not None])))


def _build_events(db: Session, ids: Sequence[int]) -> dict[int, Document]:
    events = {e.id: e for e in db.execute(sa.select(Event).where(col(Event.id).in_(ids))).scalars()}
    if not events:
        return {}
    docs: dict[int, Document] = {}
    for e in events.values():
        assert e.id is not None
        docs[e.id] = Document(
            title=versions(e, "title"),
            body=[
                *versions(e, "summary", "goals", "description", "date_note", "participants_note"),
                e.series_edition,
                e.venue_name,
                e.venue_address,
                e.city,
            ],
            starts_at=e.start_at,
            ends_at=e.end_at,
        )
    organisations = db.execute(
        sa.select(col(EventOrganisation.event_id), Organisation)
        .join(Organisation, col(Organisation.id) == col(EventOrganisation.organisation_id))
        .where(col(EventOrganisation.event_id).in_(ids))
    ).all()
    for event_id, org in organisations:
        docs[event_id].body += versions(org, "short_name", "name")
    for event_id, region in db.execute(
        sa.select(col(EventRegion.event_id), col(EventRegion.region)).where(col(EventRegion.event_id).in_(ids))
    ).all():
        docs[event_id].body += region_names(region)
    for e in events.values():
        assert e.id is not None
        if e.venue_region:
            docs[e.id].body += region_names(e.venue_region)
    project_ids = {e.project_id for e in events.values() if e.project_id}
    series_ids = {e.series_id for e in events.values() if e.series_id}
    projects = {p.id: p for p in db.execute(sa.select(Project).where(col(Project.id).in_(project_ids))).scalars()}
    series = {s.id: s for s in db.execute(sa.select(EventSeries).where(col(EventSeries.id).in_(series_ids))).scalars()}
    for e in events.values():
        assert e.id is not None
        if e.project_id in projects:
            docs[e.id].body += versions(projects[e.project_id], "short_name", "name")
        if e.series_id in series:
            docs[e.id].body += versions(series[e.series_id], "title")
    sessions = {
        s.id: s for s in db.execute(sa.select(AgendaSession).where(col(AgendaSession.event_id).in_(ids))).scalars()
    }
    for s in sessions.values():
        docs[s.event_id].body += versions(s, "title", "description", "room", "track")
    if sessions:
        for panel in db.execute(sa.select(Panel).where(col(Panel.session_id).in_(list(sessions)))).scalars():
            docs[sessions[panel.session_id].event_id].body += versions(panel, "guiding_questions", "expected_result")
        speakers = db.execute(
            sa.select(col(SessionSpeaker.session_id), Person)
            .join(Person, col(Person.id) == col(SessionSpeaker.person_id))
            .where(col(SessionSpeaker.session_id).in_(list(sessions)))
        ).all()
        for session_id, person in speakers:
            docs[sessions[session_id].event_id].body += [
                *versions(person, "name", "position"),
                person.organisation_name,
            ]
    return docs


# Region codes to their Russian names (labels.REGION fills it); documents hold them in every language.
REGION_LABELS: dict[str, str] = {}


def region_names(code: str) -> list[str | None]:
    label = REGION_LABELS.get(code)
    if not label:
        return [code]
    return [code, *(translations(lang.value).ugettext(label) for lang in Language)]


def _events_of_person(db: Session, person: Any) -> list[int]:
    s, sp = table_of(AgendaSession), table_of(SessionSpeaker)
    return _ids(
        db, sa.select(s.c.event_id).join(sp, sp.c.session_id == s.c.id).where(sp.c.person_id == person.id).distinct()
    )


def _events_of_organisation(db: Session, org: Any) -> list[int]:
    eo = table_of(EventOrganisation)
    return _ids(db, sa.select(eo.c.event_id).where(eo.c.organisation_id == org.id).distinct())


def _events_where(column: str) -> Source:
    def source(db: Session, obj: Any) -> list[int]:
        return _ids(db, sa.select(table_of(Event).c.id).where(table_of(Event).c[column] == obj.id))

    return source


register(
    Kind(
        "event",
        Event,
        _build_events,
        {
            Event: _own,
            EventRegion: lambda _db, o: [o.event_id],
            EventOrganisation: lambda _db, o: [o.event_id],
            AgendaSession: lambda _db, o: [o.event_id],
            SessionSpeaker: lambda db, o: _event_ids_of_sessions(db, [o.session_id]),
            Panel: lambda db, o: _event_ids_of_sessions(db, [o.session_id]),
            Person: _events_of_person,
            Organisation: _events_of_organisation,
            Project: _events_where("project_id"),
            EventSeries: _events_where("series_id"),
        },
    )
)


def _build_press(db: Session, ids: Sequence[int]) -> dict[int, Document]:
    releases = list(db.execute(sa.select(PressRelease).where(col(PressRelease.id).in_(ids))).scalars())
    event_ids = {r.event_id for r in releases if r.event_id}
    events = {e.id: e for e in db.execute(sa.select(Event).where(col(Event.id).in_(event_ids))).scalars()}
    docs = {}
    for r in releases:
        assert r.id is not None
        event = events.get(r.event_id)
        docs[r.id] = Document(
            title=versions(r, "title"),
            body=[*versions(r, "lead", "body"), *(versions(event, "title") if event else [])],
            starts_at=r.published_at or r.embargo_until,
        )
    return docs


def _press_of_event(db: Session, event: Any) -> list[int]:
    p = table_of(PressRelease)
    return _ids(db, sa.select(p.c.id).where(p.c.event_id == event.id))


register(Kind("press", PressRelease, _build_press, {PressRelease: _own, Event: _press_of_event}))


def _build_organisations(db: Session, ids: Sequence[int]) -> dict[int, Document]:
    docs = {}
    for org in db.execute(sa.select(Organisation).where(col(Organisation.id).in_(ids))).scalars():
        assert org.id is not None
        docs[org.id] = Document(title=versions(org, "short_name", "name"), body=versions(org, "description"))
    return docs


register(Kind("organisation", Organisation, _build_organisations, {Organisation: _own}))


def _build_projects(db: Session, ids: Sequence[int]) -> dict[int, Document]:
    docs = {}
    for p in db.execute(sa.select(Project).where(col(Project.id).in_(ids))).scalars():
        assert p.id is not None
        figures = [f.get("label") for f in p.figures or []]
        docs[p.id] = Document(
            title=versions(p, "short_name", "name"), body=[*versions(p, "summary", "description"), *figures]
        )
    orgs = db.execute(
        sa.select(col(ProjectOrganisation.project_id), Organisation)
        .join(Organisation, col(Organisation.id) == col(ProjectOrganisation.organisation_id))
        .where(col(ProjectOrganisation.project_id).in_(ids))
    ).all()
    for project_id, org in orgs:
        docs[project_id].body += versions(org, "short_name", "name")
    for project_id, region in db.execute(
        sa.select(col(ProjectRegion.project_id), col(ProjectRegion.region)).where(
            col(ProjectRegion.project_id).in_(ids)
        )
    ).all():
        docs[project_id].body += region_names(region)
    return docs


def _projects_of_organisation(db: Session, org: Any) -> list[int]:
    po = table_of(ProjectOrganisation)
    return _ids(db, sa.select(po.c.project_id).where(po.c.organisation_id == org.id).distinct())


register(
    Kind(
        "project",
        Project,
        _build_projects,
        {
            Project: _own,
            ProjectOrganisation: lambda _db, o: [o.project_id],
            ProjectRegion: lambda _db, o: [o.project_id],
            Organisation: _projects_of_organisation,
        },
    )
)

install()
