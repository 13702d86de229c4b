"""The domain glossary (eventhub/translations/glossary.toml): check the catalogues, write GLOSSARY.md.

python -m tools.glossary            # rewrite GLOSSARY.md, then report what breaks the glossary
python -m tools.glossary --check    # report only; exit status 1 if anything is off
"""

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tools import messages

GLOSSARY = messages.CATALOGUES / "glossary.toml"
MARKDOWN = messages.CATALOGUES / "GLOSSARY.md"


@dataclass(frozen=True)
class Term:
    ru: str
    ky: str
    en: str
    match: dict[str, re.Pattern[str]]
    note: str = ""
    exceptions: tuple[str, ...] = ()
    avoid: dict[str, re.Pattern[str]] | None = None


def load(path: Path | None = None) -> tuple[list[Term], frozenset[str]]:
    """The terms, and the words Kyrgyz writes as Russian does."""
    data = tomllib.loads((path or GLOSSARY).read_text(encoding="utf-8"))
    terms = [
        Term(
            ru=t["ru"],
            ky=t["ky"],
            en=t["en"],
            match={lang: re.compile(p, re.IGNORECASE) for lang, p in t["match"].items()},
            note=t.get("note", ""),
            exceptions=tuple(t.get("except", ())),
            avoid={lang: re.compile(p, re.IGNORECASE) for lang, p in t.get("avoid", {}).items()},
        )
        for t in data["term"]
    ]
    return terms, frozenset(w.lower() for w in data.get("same_in_ky", {}).get("words", ()))


def problems(source: dict | None = None, path: Path | None = None) -> list[str]:
    """Every translation whose Russian source uses a term but which does not use the term's word."""
    source = messages.extract() if source is None else source
    terms, _same = load(path)
    catalogues = {lang: messages.load(lang) for lang in ("ky", "en")}
    out = []
    for _key, item in sorted(source.items(), key=lambda kv: str(kv[0])):
        for lang, catalog in catalogues.items():
            message = catalog.get(item.msgid, context=item.context)
            if message is None:
                continue  # the completeness test reports it
            forms = [f for f in messages._forms(message) if f]
            for term in terms:
                if (avoid := (term.avoid or {}).get(lang)) and any(avoid.search(f) for f in forms):
                    out.append(
                        f"{lang}: {item.msgid!r} is translated with a word the glossary avoids for «{term.ru}»: {forms[0]!r}"
                    )
                if item.msgid in term.exceptions or not term.match["ru"].search(item.msgid):
                    continue
                if forms and not any(term.match[lang].search(f) for f in forms):
                    out.append(
                        f"{lang}: {item.msgid!r} uses «{term.ru}», so its translation should say "
                        f"{getattr(term, lang)!r} (glossary); it says {forms[0]!r}"
                    )
    return out


def markdown(path: Path | None = None) -> str:
    terms, same = load(path)
    lines = [
        "# Glossary: the domain's terms in ru / ky / en",
        "",
        "Written from `glossary.toml` by `python -m tools.glossary` (do not edit by hand).",
        "`tests/test_glossary.py` checks that every message whose Russian text uses a term",
        "is translated with the term's Kyrgyz and English word.",
        "",
        "| Русский | Кыргызча | English | Note |",
        "|---|---|---|---|",
    ]
    lines += [f"| {t.ru} | {t.ky} | {t.en} | {t.note} |" for t in terms]
    lines += ["", "Written the same in Kyrgyz as in Russian: " + ", ".join(sorted(same)) + ".", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if "--check" not in argv:
        MARKDOWN.write_text(markdown(), encoding="utf-8")
    found = problems()
    for line in found:
        print(line)
    print(f"{len(found)} glossary problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
