"""A list filtered by series, project or organisation says which: the series link of the
forum page lands on «Форум аймаков 2022–2025» with its description, not on a bare «Мероприятия»."""

import html
import re


def _h1(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", re.search(r"<h1>(.*?)</h1>", page, re.S).group(1))).split())


def test_series_link_of_the_forum_lands_on_the_series(client, demo) -> None:
    event_page = client.get("/events/forum-aymakov-2023").text
    assert 'href="/events?series=forum-aymakov"' in event_page
    page = client.get("/events?series=forum-aymakov").text
    assert _h1(page) == "Форум аймаков 2022–2025"
    assert "<title>Форум аймаков · Мероприятия" in page
    assert "Ежегодное мероприятие по обмену опытом" in page
    assert 'href="/events/forum-aymakov-2023"' in page


def test_project_and_organisation_lists_are_headed_by_them(client, demo) -> None:
    project = client.get("/events?project=uspeshnyy-aymak-2").text
    assert "Успешный аймак 2" in _h1(project) and 'href="/projects/uspeshnyy-aymak-2"' in project
    org = client.get("/events?organisation=ipr").text
    assert _h1(org) == "Институт политики развития (ИПР)"


def test_unfiltered_list_keeps_the_generic_heading_and_unknown_filters_are_refused(client, demo) -> None:
    assert _h1(client.get("/events").text) == "Мероприятия"
    unknown = client.get("/events?series=nope")
    assert (unknown.status_code, _h1(unknown.text)) == (422, "Неверные параметры фильтра")
