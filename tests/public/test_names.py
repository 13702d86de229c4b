"""An organisation or project whose short name is its name (the seeds know «НЭСК», «СПС»
only by their abbreviations) is named once, never «НЭСК (НЭСК)»; real abbreviations stay."""

import html
import re

import pytest


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split()).replace(" )", ")").replace("( ", "(")


@pytest.mark.parametrize(
    ("url", "doubled", "kept"),
    [
        ("/events/dialog-vklad-ogo-v-razvitie-regionov", ["СПС (СПС)"], []),
        (
            "/events/fokus-gruppa-mestnoe-samoupravlenie-2030",
            [
                "Институт бюджетных решений (Институт бюджетных решений)",
                "Агентство инициатив развития (Агентство инициатив развития)",
            ],
            ["Институт политики развития (ИПР)"],
        ),
        ("/projects/ppms-casa-1000", ["НЭСК (НЭСК)", "Фонд Ага Хана (Фонд Ага Хана)"], ["НЭСК", "Фонд Ага Хана"]),
        ("/organisations", ["НЭСК (НЭСК)", "СПС (СПС)"], ["Институт политики развития (ИПР)"]),
        ("/organisations/nesk", ["НЭСК (НЭСК)"], []),
    ],
)
def test_a_name_equal_to_its_short_name_is_shown_once(client, demo, url, doubled, kept) -> None:
    response = client.get(url)
    assert response.status_code == 200
    text = _text(response.text)
    for name in doubled:
        assert name not in text
        assert name.split(" (")[0] in text
    for name in kept:
        assert name in text


def test_organisation_filter_names_each_organisation_once(client, demo) -> None:
    options = [
        html.unescape(o) for o in re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>', client.get("/events").text)
    ]
    assert "НЭСК" in options and "СПС" in options
    assert "НЭСК — НЭСК" not in options and "СПС — СПС" not in options
    assert "ИПР — Институт политики развития" in options
