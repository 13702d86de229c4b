"""Interface catalogues: what the source asks for, what each catalogue lacks, bare text.

`make messages` extracts and updates the catalogues with pybabel, then runs this module,
which (1) fills the Russian catalogue where it can — the source strings are Russian, so
`msgstr` repeats the `msgid`; for plural entries the "one" and "many" forms are the msgid
and msgid_plural, the "few" form (2 участника) is left for a person to write — and
(2) prints everything tests/test_translations.py would fail on, so a translator can work
through the list and re-run. Nothing is compiled: eventhub.core.i18n compiles the .po files in
memory at start-up.

    python -m tools.messages            # fill ru, then report; exit status 1 if anything is missing
    python -m tools.messages --check    # report only
"""

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "eventhub" / "translations"
LANGUAGES = ("ru", "en", "ky")
SOURCE_LANGUAGE = "ru"
# Directories whose files babel.cfg maps; everything else (tests, .venv, node_modules) is skipped.
SOURCE_DIRS = ("eventhub", "templates")

# Every catalogue is complete for everything: the staff pages too (Kyrgyz is the state language
# of office work). A Kyrgyz message that merely repeats its Russian source is untranslated unless
# every word of it is written the same in Kyrgyz (the glossary's `same_in_ky` list).
WORD = re.compile(r"[\w-]+")


def same_in_kyrgyz_words() -> frozenset[str]:
    import tomllib

    data = tomllib.loads((CATALOGUES / "glossary.toml").read_text(encoding="utf-8"))
    return frozenset(w.lower() for w in data.get("same_in_ky", {}).get("words", ()))


def repeats_russian(text: str, msgid: str, same: frozenset[str]) -> bool:
    """Whether a Kyrgyz `text` is the Russian `msgid` left as it was (placeholders aside)."""
    if text != msgid or not CYRILLIC.search(msgid):
        return False
    words = {w.lower() for w in WORD.findall(_PLACEHOLDER.sub(" ", msgid)) if CYRILLIC.search(w)}
    return not words <= same


@dataclass
class SourceMessage:
    msgid: str
    plural: str | None
    context: str | None
    paths: set[str] = field(default_factory=set)

    @property
    def key(self) -> str | tuple[str, str]:
        return (self.msgid, self.context) if self.context else self.msgid


def extract() -> dict[str | tuple[str, str], SourceMessage]:
    """Every message in the source, as `make messages` extracts it (babel.cfg, N_ and _)."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = dict(DEFAULT_KEYWORDS) | {"N_": None, "_": None}

    def keep(dirpath: str) -> bool:
        rel = Path(dirpath).resolve().relative_to(ROOT).as_posix()
        return rel == "." or rel.split("/")[0] in SOURCE_DIRS and "__pycache__" not in rel

    found: dict[str | tuple[str, str], SourceMessage] = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=keywords, directory_filter=keep
    ):
        singular, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
        if not singular:
            continue
        item = SourceMessage(singular, plural, context)
        item = found.setdefault(item.key, item)
        item.paths.add(Path(filename).as_posix())
    return found


def catalogue_path(lang: str) -> Path:
    return CATALOGUES / lang / "LC_MESSAGES" / "messages.po"


def load(lang: str) -> Catalog:
    with catalogue_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


_PLACEHOLDER = re.compile(r"%\((\w+)\)")


def _format_error(text: str, names: set[str]) -> str | None:
    """Why `text % {names}` would fail at render time (Jinja's newstyle gettext always formats)."""
    try:
        text % dict.fromkeys(names, 1)
    except (KeyError, ValueError, TypeError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _forms(message: Message) -> list[str]:
    value = message.string
    return list(value) if isinstance(value, (list, tuple)) else [value]


def problems(lang: str, source: dict | None = None) -> list[str]:
    """Everything wrong with one catalogue against the source; [] when it is complete."""
    source = extract() if source is None else source
    path = catalogue_path(lang)
    if not path.exists():
        return [f"{lang}: no catalogue at {path.relative_to(ROOT)} (run `make messages`)"]
    catalog = load(lang)
    same = same_in_kyrgyz_words() if lang == "ky" else frozenset()
    out = []
    for _key, item in sorted(source.items(), key=lambda kv: str(kv[0])):
        where = ", ".join(sorted(item.paths))
        message = catalog.get(item.msgid, context=item.context)
        if message is None:
            out.append(f"{lang}: missing {item.msgid!r} ({where}) — run `make messages`")
            continue
        if message.fuzzy:
            out.append(f"{lang}: fuzzy {item.msgid!r} ({where}) — check the translation, then remove the fuzzy flag")
        if item.plural and not message.pluralizable:
            out.append(
                f"{lang}: {item.msgid!r} is a plural message in the source but not in the catalogue — run `make messages`"
            )
            continue
        forms = _forms(message)
        if item.plural and len(forms) != catalog.num_plurals:
            out.append(
                f"{lang}: {item.msgid!r} has {len(forms)} plural forms, the language needs {catalog.num_plurals}"
            )
        if not all(forms):
            out.append(
                f"{lang}: untranslated {item.msgid!r} ({where})"
                + (" — the plural forms are: " + " | ".join(f or "…" for f in forms) if item.plural else "")
            )
            continue
        if lang == "ky" and any(
            repeats_russian(f, m, same)
            for f, m in zip(forms, [item.msgid, *[item.plural or item.msgid] * 9], strict=False)
        ):
            out.append(f"{lang}: untranslated {item.msgid!r} ({where}) — the Kyrgyz repeats the Russian")
            continue
        names = (
            set(_PLACEHOLDER.findall(item.msgid))
            | set(_PLACEHOLDER.findall(item.plural or ""))
            | ({"num"} if item.plural else set())
        )
        for text in (item.msgid, item.plural, *forms):
            if text and (error := _format_error(text, names)):
                out.append(
                    f"{lang}: {text!r} cannot be formatted with {sorted(names)} ({error}); write a literal % as %%"
                )
        if lang == SOURCE_LANGUAGE:
            if forms[0] != item.msgid or forms[-1] != (item.plural or item.msgid):
                out.append(
                    f"{lang}: {item.msgid!r} is translated as {forms!r}; the source strings are Russian, "
                    "so msgstr repeats the msgid (plurals: one = msgid, many = msgid_plural)"
                )
    return out


def fill_source_catalogue(source: dict | None = None) -> int:
    """Russian msgstr = msgid; plural one/many forms from msgid/msgid_plural. Returns how many changed."""
    source = extract() if source is None else source
    catalog = load(SOURCE_LANGUAGE)
    changed = 0
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, (list, tuple)):
            singular, plural = message.id[0], message.id[1]
            forms = _forms(message) + [""] * (catalog.num_plurals - len(_forms(message)))
            new = [forms[0] or singular, *forms[1:-1], forms[-1] or plural][: catalog.num_plurals]
            if new != _forms(message):
                message.string = tuple(new)
                changed += 1
        elif not message.string:
            message.string = message.id
            changed += 1
    if changed:
        with catalogue_path(SOURCE_LANGUAGE).open("wb") as fh:
            write_po(fh, catalog, width=0, no_location=True, sort_output=True)
    return changed


# Header lines that change on every run (dates, Babel's version) or only hold pybabel's
# placeholders: dropped, so that two branches running `make messages` do not conflict on them.
VOLATILE_HEADERS = (
    "POT-Creation-Date:",
    "PO-Revision-Date:",
    "Generated-By:",
    "Last-Translator:",
    "Report-Msgid-Bugs-To:",
)


def drop_volatile_headers() -> int:
    """Remove VOLATILE_HEADERS from the template and every catalogue; returns files changed."""
    changed = 0
    for path in [CATALOGUES / "messages.pot", *(catalogue_path(lang) for lang in LANGUAGES)]:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        kept = "".join(
            line
            for line in text.splitlines(keepends=True)
            if not line.startswith(tuple('"' + h for h in VOLATILE_HEADERS))
        )
        if kept != text:
            path.write_text(kept, encoding="utf-8")
            changed += 1
    return changed


# --- text shown to readers that bypasses the catalogues ---

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
GETTEXT_NAMES = {"_", "gettext", "ngettext", "pgettext", "npgettext", "N_", "lazy_gettext"}
IGNORE_MARK = "i18n: ignore"  # on a line whose Cyrillic is deliberate (e.g. the trilingual switch label)
# Python files that never address a reader: seed data, the operator's command line and backups.
PYTHON_EXEMPT = ("eventhub/demo/", "eventhub/backup.py", "eventhub/cli.py", "eventhub/cli/")
LOGGERS = {"log", "logger", "logging"}  # log lines are for operators, not readers


def _jinja_env():
    from jinja2 import Environment

    return Environment(extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)


def bare_text_in_template(path: Path) -> Iterator[str]:
    """Cyrillic outside _()/ngettext in a template, and the retired plural() helper."""
    from jinja2 import nodes

    rel = path.relative_to(ROOT).as_posix()
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()

    def ignored(lineno: int) -> bool:
        return 0 < lineno <= len(lines) and IGNORE_MARK in lines[lineno - 1]

    env = _jinja_env()
    in_trans, previous = False, None  # {% trans %}…{% endtrans %} text is a message, not bare text
    for lineno, kind, value in env.lex(source, name=rel):
        if kind == "name" and previous == "block_begin" and value in ("trans", "endtrans"):
            in_trans = value == "trans"
        previous = kind if kind != "whitespace" else previous
        if kind == "data" and not in_trans and CYRILLIC.search(value):
            # A data token may span lines: report the first line that has Cyrillic.
            for offset, line in enumerate(value.split("\n")):
                if CYRILLIC.search(line) and not ignored(lineno + offset):
                    yield f"{rel}:{lineno + offset}: text outside _(): {line.strip()[:80]!r}"

    def visit(node: nodes.Node, translated: bool) -> Iterator[str]:
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
            if node.node.name == "plural":
                yield f'{rel}:{node.lineno}: plural() is Russian only — use ngettext("%(num)d …", "%(num)d …", n)'
            translated = translated or node.node.name in GETTEXT_NAMES
        if isinstance(node, nodes.Const) and isinstance(node.value, str) and CYRILLIC.search(node.value):
            if not translated and not ignored(node.lineno):
                yield f"{rel}:{node.lineno}: string outside _(): {node.value[:80]!r}"
        for child in node.iter_child_nodes():
            yield from visit(child, translated)

    yield from visit(env.parse(source, name=rel), False)


def bare_text_in_python(path: Path) -> Iterator[str]:
    """Cyrillic string literals outside _()/N_() in Python, docstrings apart."""
    rel = path.relative_to(ROOT).as_posix()
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source, filename=rel)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))

    def called(func: ast.expr) -> str | None:
        return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None

    def visit(node: ast.AST, translated: bool) -> Iterator[str]:
        if isinstance(node, ast.Call) and called(node.func) in GETTEXT_NAMES:
            translated = True
        end = getattr(node, "end_lineno", None)
        if end and end != node.lineno and IGNORE_MARK in lines[end - 1]:  # type: ignore[attr-defined]
            translated = True  # the mark after a multi-line literal (as the formatter wraps it) covers all of it
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and getattr(node.func.value, "id", None) in LOGGERS
        ):
            translated = True  # not shown to readers, so not translated
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and CYRILLIC.search(node.value)
            and not translated
            and id(node) not in docstrings
            and IGNORE_MARK not in lines[node.lineno - 1]
        ):
            yield f"{rel}:{node.lineno}: string outside _(): {node.value[:80]!r}"
        for child in ast.iter_child_nodes(node):
            yield from visit(child, translated)

    yield from visit(tree, False)


def bare_text() -> list[str]:
    """Every place where reader-facing Cyrillic bypasses the catalogues."""
    out = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt") and "node_modules" not in path.parts:
            out.extend(bare_text_in_template(path))
    for path in sorted((ROOT / "eventhub").rglob("*.py")):
        if not path.relative_to(ROOT).as_posix().startswith(PYTHON_EXEMPT):
            out.extend(bare_text_in_python(path))
    return out


def main(argv: list[str]) -> int:
    source = extract()
    if "--check" not in argv and catalogue_path(SOURCE_LANGUAGE).exists():
        if n := fill_source_catalogue(source):
            print(f"ru: filled {n} message(s) from their msgid")
        drop_volatile_headers()
    report = bare_text() + [p for lang in LANGUAGES for p in problems(lang, source)]
    for line in report:
        print(line)
    print(
        f"{len(source)} messages in the source; {len(report)} problem(s)"
        + ("" if report else ": every catalogue is complete")
    )
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
