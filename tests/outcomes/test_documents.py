"""The document ministries receive, read back: every recommendation under each addressee."""

import io
from datetime import UTC, datetime, timedelta

import docx
import pypdf

from tests.factories import add_organisation_role, make_event, make_organisation

PAST = datetime(2025, 3, 12, 4, 0, tzinfo=UTC)


def _setup(client, db, bearer_as):
    org = make_organisation(db, slug="cso-forum", name="Форум ОГО")
    make_organisation(db, slug="minjust", name="Министерство юстиции", kind="ministry")
    make_organisation(db, slug="minfin", name="Министерство финансов", kind="ministry")
    event = make_event(db, slug="cso-dialogue", title="Диалог ОГО и государства", start_at=PAST,
                       end_at=PAST + timedelta(hours=8))  # fmt: skip
    add_organisation_role(db, event, org, "organiser")
    db.commit()
    headers = bearer_as("organiser", ("cso-forum",))
    texts = {
        "Упростить регистрацию НКО": ["minjust"],
        "Открыть данные о грантах": ["minfin", "minjust"],
        "Служебная рекомендация": ["minfin"],
    }
    for text, to in texts.items():
        body = {"text": text, "addressees": to, "is_public": text != "Служебная рекомендация",
                "translations": {"ky": {"text": f"КЫ: {text}"}}}  # fmt: skip
        assert (
            client.post(f"/api/v1/events/{event.slug}/recommendations", json=body, headers=headers).status_code == 201
        )
    client.put(f"/api/v1/events/{event.slug}/report", json={"published": True, "attendance": 80}, headers=headers)
    return event, headers


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_groups_every_public_recommendation_by_addressee(client, db, bearer_as) -> None:
    event, _headers = _setup(client, db, bearer_as)
    response = client.get(f"/events/{event.slug}/recommendations.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    assert response.headers["cache-control"].startswith("public")
    text = " ".join(_pdf_text(response.content).split())
    assert "Диалог ОГО и государства" in text and "Организаторы: Форум ОГО" in text
    justice, finance = text.index("Кому: Министерство юстиции"), text.index("Кому: Министерство финансов")
    assert justice < finance
    assert text.count("Открыть данные о грантах") == 2  # under both addressees
    assert "Упростить регистрацию НКО" in text[justice:finance]
    assert "Служебная рекомендация" not in text
    etag = response.headers["etag"]
    assert client.get(f"/events/{event.slug}/recommendations.pdf", headers={"If-None-Match": etag}).status_code == 304


def test_the_docx_in_kyrgyz_and_the_organisers_version(client, db, bearer_as) -> None:
    event, headers = _setup(client, db, bearer_as)
    response = client.get(f"/events/{event.slug}/recommendations.docx?lang=ky")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    document = docx.Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 2")]
    assert len(headings) == 2 and all("Министерство" in h for h in headings)
    assert any("КЫ: Упростить регистрацию НКО" in p for p in paragraphs)
    assert not any("Служебная" in p for p in paragraphs)
    client.cookies.clear()
    staff = client.get(f"/events/{event.slug}/recommendations.docx", headers=headers)
    assert "no-store" in staff.headers["cache-control"]
    staff_text = [p.text for p in docx.Document(io.BytesIO(staff.content)).paragraphs]
    assert any("Служебная рекомендация" in p for p in staff_text)


def test_no_document_before_the_report_is_published(client, db) -> None:
    event = make_event(db, slug="quiet-event")
    db.commit()
    assert client.get(f"/events/{event.slug}/recommendations.pdf").status_code == 404
