"""Typography per language from CLDR: «» in ru and ky, “” in en; the 24-hour clock in all three
(the events happen in Kyrgyzstan); numbers and lists as each language writes them — on pages,
in e-mails, in the press release PDF and in calendar descriptions."""

import io
import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from pypdf import PdfReader

from eventhub.core.typography import clock, join, number, quote
from tests.factories import make_event, make_release

AFTERNOON = datetime(2030, 5, 14, 8, 30, tzinfo=UTC)  # 14:30 in Bishkek (UTC+6)


@pytest.mark.parametrize(
    ("lang", "quoted", "time", "figure", "listed"),
    [
        ("ru", "«Форум»", "14:30", "1\xa0234,5", "цели и описание"),
        ("ky", "«Форум»", "14:30", "1\xa0234,5", "цели жана описание"),
        ("en", "“Forum”", "14:30", "1,234.5", "цели and описание"),
    ],
)
def test_cldr_typography_per_language(lang, quoted, time, figure, listed) -> None:
    assert quote(quoted[1:-1], lang) == quoted
    assert clock(datetime(2030, 5, 14, 14, 30), lang) == time
    assert clock(datetime(2030, 5, 14, 9, 5), lang) == "09:05"
    assert number(1234.5, lang).replace("\u202f", "\xa0") == figure
    assert join(["цели", "описание"], lang) == listed


def test_english_pages_use_the_24_hour_clock(client, db) -> None:
    event = make_event(
        db, start_at=AFTERNOON, end_at=AFTERNOON + timedelta(hours=3), translations={"en": {"title": "Forum"}}
    )
    db.commit()
    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"}).text
    assert "14:30–17:30" in page
    assert not re.search(r"\d:\d\d\s?[AP]M", page)


def test_an_english_press_release_pdf_has_english_quotes_and_24_hour_times(client, db) -> None:
    event = make_event(db, kind="forum", title="Форум аймаков", start_at=AFTERNOON, end_at=AFTERNOON + timedelta(hours=3),
                       translations={"en": {"title": "Forum of Aimaks"}})  # fmt: skip
    release = make_release(db, title="Пресс-релиз форума", event_id=event.id,
                           translations={"en": {"title": "Forum press release"}})  # fmt: skip
    db.commit()
    response = client.get(f"/press/{release.slug}/release.pdf", params={"lang": "en"})
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages))
    assert "Forum “Forum of Aimaks”" in text and "«" not in text
    assert "14:30–17:30" in text
    assert not re.search(r"\d:\d\d\s?[AP]M", text)
    russian = client.get(f"/press/{release.slug}/release.pdf", params={"lang": "ru"}).content
    ru_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(russian)).pages)
    assert "Форум «Форум аймаков»" in re.sub(r"\s+", " ", ru_text)


def test_an_english_calendar_description_uses_the_24_hour_clock(client, db) -> None:
    from tests.factories import make_session

    event = make_event(db, start_at=AFTERNOON, end_at=AFTERNOON + timedelta(hours=3))
    make_session(db, event, title="Открытие", start_at=AFTERNOON, end_at=AFTERNOON + timedelta(minutes=30))
    db.commit()
    (vevent,) = icalendar.Calendar.from_ical(client.get(f"/events/{event.slug}.ics?lang=en").content).walk("VEVENT")
    description = str(vevent["DESCRIPTION"])
    assert "14:30–15:00" in description
    assert not re.search(r"\d:\d\d\s?[AP]M", description)


@pytest.mark.parametrize(("lang", "foreign"), [("en", "«»"), ("ru", "“”"), ("ky", "“”")])
def test_catalogues_quote_as_their_language_does(lang: str, foreign: str) -> None:
    from tools import messages

    wrong = [
        m.id
        for m in messages.load(lang)
        if m.id and any(ch in form for form in messages._forms(m) if form for ch in foreign)
    ]
    assert wrong == [], f"{lang} quotes with {foreign}: {wrong}"
