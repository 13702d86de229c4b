"""The catalogues use the glossary's terms (eventhub/translations/glossary.toml).

A message whose Russian source uses a term of the domain (область, айыл аймак, круглый стол,
лист ожидания, …) must say the glossary's Kyrgyz and English word, so a reader meets one word
for one thing on every page, e-mail and export."""

from tools import glossary, messages


def test_every_translation_uses_the_glossary_terms() -> None:
    found = glossary.problems()
    assert found == [], "\n".join(found)


def test_glossary_markdown_is_up_to_date() -> None:
    assert glossary.MARKDOWN.read_text(encoding="utf-8") == glossary.markdown(), "run `python -m tools.glossary`"


def test_an_oblast_is_облус_in_kyrgyz_never_аймак() -> None:
    ky = messages.load("ky")
    assert ky.get("Область").string == "Облус"
    assert ky.get("Регион").string == "Облус"
    assert ky.get("Чуйская область").string == "Чүй облусу"
    assert ky.get("Круглый стол").string == "Тегерек стол"


def test_a_translation_that_does_not_use_the_term_is_reported(tmp_path, monkeypatch) -> None:
    for lang, body in {
        "ky": 'msgid "Все области"\nmsgstr "Бардык аймактар"\n\nmsgid "Круглый стол"\nmsgstr "Тегерек стол"\n\n'
        'msgid "Айыл аймак"\nmsgstr "Айыл аймагы"\n',
        "en": 'msgid "Все области"\nmsgstr "All oblasts"\n\nmsgid "Круглый стол"\nmsgstr "Round table"\n\n'
        'msgid "Айыл аймак"\nmsgstr "Aiyl aimak"\n',
    }.items():
        po = tmp_path / lang / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True)
        po.write_text(f'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n\n{body}', encoding="utf-8")
    (tmp_path / "glossary.toml").write_text(glossary.GLOSSARY.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(messages, "CATALOGUES", tmp_path)
    source = {
        k: messages.SourceMessage(k, None, None, {"x.html"}) for k in ("Все области", "Круглый стол", "Айыл аймак")
    }
    found = glossary.problems(source, tmp_path / "glossary.toml")
    assert any(p.startswith("ky: 'Все области' uses «область»") and "'облус'" in p for p in found)
    assert any(p.startswith("ky: 'Все области' is translated with a word the glossary avoids") for p in found)
    assert any(p.startswith("en: 'Все области' uses «область»") for p in found)
    assert not [p for p in found if "Круглый стол" in p or "Айыл аймак" in p]
