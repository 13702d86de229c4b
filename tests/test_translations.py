"""The interface catalogues are complete, and no reader-facing text bypasses them.

Both checks read the source as `make messages` does (babel.cfg), so a template or message
added on any branch is covered without touching this file. `python -m tools.messages --check`
prints the same list; `make messages` then fills what a machine can and leaves the rest to
translators: every catalogue for everything, the staff pages included; a Kyrgyz message that
only repeats the Russian counts as untranslated (unless all its words are written the same)."""

import pytest
from babel import Locale

from eventhub.core import i18n
from tools import messages


@pytest.fixture(scope="module")
def source() -> dict:
    return messages.extract()


def test_extraction_finds_templates_python_and_labels(source) -> None:
    paths = {p for m in source.values() for p in m.paths}
    assert "templates/base.html" in paths
    assert "eventhub/labels.py" in paths
    assert "eventhub/events/service.py" in paths
    assert source["%(num)d участник"].plural == "%(num)d участников"


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_catalogue_is_complete(lang, source) -> None:
    problems = messages.problems(lang, source)
    assert problems == [], (
        f"{len(problems)} problem(s) in the {lang} catalogue; run `make messages`, then translate:\n"
        + "\n".join(problems)
    )


def test_no_reader_facing_text_bypasses_the_catalogues() -> None:
    found = messages.bare_text()
    assert found == [], (
        "Russian text outside _()/ngettext (wrap it, run `make messages`, translate; "
        "mark a deliberate exception with `i18n: ignore` on its line):\n" + "\n".join(found)
    )


def test_a_missing_untranslated_or_fuzzy_message_is_reported(tmp_path, monkeypatch) -> None:
    po = tmp_path / "ky" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: ky\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Цели"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Когда"\nmsgstr "Качан"\n\n'
        'msgid "до %(deadline)s"\nmsgstr "%(date)s чейин"\n\n'
        'msgid "Выйти"\nmsgstr "Выйти"\n\n'
        'msgid "Программа: %(title)s"\nmsgstr "Программа: %(title)s"\n\n'
        'msgid "Только для сотрудников"\nmsgstr ""\n',
        encoding="utf-8",
    )
    (tmp_path / "glossary.toml").write_text('[same_in_ky]\nwords = ["программа"]\n', encoding="utf-8")
    monkeypatch.setattr(messages, "CATALOGUES", tmp_path)
    source = {
        key: messages.SourceMessage(key, None, None, {"templates/events/detail.html"})
        for key in ("Цели", "Когда", "до %(deadline)s", "Где", "Выйти", "Программа: %(title)s")
    }
    source["Только для сотрудников"] = messages.SourceMessage(
        "Только для сотрудников", None, None, {"templates/admin/x.html"}
    )
    found = "\n".join(messages.problems("ky", source))
    assert "untranslated 'Цели'" in found
    assert "fuzzy 'Когда'" in found
    assert "'%(date)s чейин' cannot be formatted" in found
    assert "missing 'Где'" in found
    assert "untranslated 'Только для сотрудников'" in found  # staff pages are in Kyrgyz too
    assert "untranslated 'Выйти' (templates/events/detail.html) — the Kyrgyz repeats the Russian" in found
    assert "Программа" not in found  # written the same in Kyrgyz


def test_bare_text_is_found_in_templates_and_python(tmp_path, monkeypatch) -> None:
    (tmp_path / "templates" / "registrations").mkdir(parents=True)
    (tmp_path / "eventhub").mkdir()
    (tmp_path / "templates" / "registrations" / "form.html").write_text(
        '<h1>{{ _("Регистрация") }}</h1>\n<label aria-label="Имя">Фамилия</label>\n'
        "{{ 'Отправить' if x else _('Сохранить') }}\n{{ plural(n, 'место', 'места', 'мест') }}\n"
        "<p>Язык / Тил</p>{# i18n: ignore #}\n"
        "{% trans count=n %}{{ count }} место{% pluralize %}{{ count }} мест{% endtrans %}<p>Итого</p>\n",
        encoding="utf-8",
    )
    (tmp_path / "eventhub" / "service.py").write_text(
        '"""Модуль."""\nfrom eventhub.core.i18n import _\n\n\ndef f(slug):\n'
        '    """Документация."""\n    ok = _("Не найдено: %(slug)s") % {"slug": slug}\n'
        '    log.warning("Не найдено: %s", slug)\n'
        '    raise ValueError(f"Не найдено: {slug}")\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(messages, "ROOT", tmp_path)
    found = "\n".join(messages.bare_text())
    assert "form.html:2: text outside _()" in found  # text and attribute values alike
    assert "form.html:3: string outside _(): 'Отправить'" in found
    assert "Сохранить" not in found
    assert "form.html:4: plural() is Russian only" in found
    assert "Язык" not in found
    assert [line for line in found.splitlines() if "form.html:6" in line] == [
        "templates/registrations/form.html:6: text outside _(): '<p>Итого</p>'"  # {% trans %} text is a message
    ]
    assert "service.py:9: string outside _(): 'Не найдено: '" in found
    assert "service.py:8" not in found  # log lines are for operators
    assert "Модуль" not in found and "Документация" not in found and "service.py:7" not in found


@pytest.mark.parametrize(("lang", "forms"), [("ru", 3), ("en", 2), ("ky", 2)])
def test_catalogues_carry_the_cldr_plural_rules(lang: str, forms: int) -> None:
    catalog = messages.load(lang)
    whole_number_categories = {Locale.parse(lang).plural_form(n) for n in range(200)}  # ru: one, few, many
    assert catalog.num_plurals == forms == len(whole_number_categories)


def test_catalogues_are_compiled_in_memory_and_no_mo_file_is_kept() -> None:
    assert i18n.translations("en").gettext("Мероприятия") == "Events"
    assert i18n.translations("ky").gettext("Мероприятия") == "Иш-чаралар"
    assert not list(messages.CATALOGUES.rglob("*.mo"))
