"""Uploads with hostile files: each refused with a message or cleaned, nothing half-stored;
downloads with their type, Cyrillic name, ETag; staff-only files never reach anonymous readers."""

import io
import zipfile
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from PIL import Image
from sqlmodel import func, select

from eventhub.core.models import Material
from eventhub.core.storage import file_storage
from tests.factories import add_organisation_role, make_event, make_organisation

PAST = datetime(2025, 3, 12, 4, 0, tzinfo=UTC)
GPS_IFD = 0x8825


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (1600, 1200), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[GPS_IFD] = {1: "N", 2: (42.0, 52.0, 0.0), 3: "E", 4: (74.0, 35.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture()
def event(db):
    org = make_organisation(db, slug="cso-forum")
    event = make_event(db, slug="cso-dialogue", start_at=PAST, end_at=PAST + timedelta(hours=8))
    add_organisation_role(db, event, org, "organiser")
    db.commit()
    return event


def _upload(client, csrf, event, name, data, content_type="application/octet-stream", **fields):
    form = {"csrf_token": csrf, "title": "Презентация", "language": "ru", "is_public": "on"} | fields
    return client.post(
        f"/admin/events/{event.slug}/materials", data=form, files={"file": (name, data, content_type)},
        follow_redirects=False,
    )  # fmt: skip


def _stored(settings) -> set[str]:
    return set(file_storage(settings.data_dir).keys())


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # 400 megapixels, a few dozen KB compressed
    return out.getvalue()


def _polyglot() -> bytes:
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("payload.html", "<script>alert(1)</script>")
    return _pdf() + zipped.getvalue()


HOSTILE = [
    ("polyglot.pdf", _polyglot(), "полиглот"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "HTML и SVG"),
    ("report.pdf", b"<!doctype html><html><body><script>alert(1)</script></body></html>", "HTML и SVG"),
    ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 200, "Программы"),
    ("bomb.png", _bomb(), "Слишком большое изображение"),
    ("archive.docx", b"PK\x03\x04" + b"garbage" * 10, "Архив повреждён"),
]


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_is_refused_with_a_message_and_nothing_is_stored(
    client, db, settings, login_as, event, name, data, message
) -> None:
    _, csrf = login_as("organiser", ("cso-forum",))
    before = _stored(settings)
    response = _upload(client, csrf, event, name, data, "application/pdf")
    assert response.status_code == 422
    assert message in response.text
    assert 'value="Презентация"' in response.text  # what was typed stays
    assert db.exec(select(func.count()).select_from(Material)).one() == 0
    assert _stored(settings) == before


def test_a_file_over_the_limit_is_refused(client, db, settings, login_as, event) -> None:
    _, csrf = login_as("organiser", ("cso-forum",))
    big = _pdf() + b"0" * (settings.max_material_bytes + 10)
    response = _upload(client, csrf, event, "big.pdf", big)
    assert response.status_code in (413, 422)
    assert db.exec(select(func.count()).select_from(Material)).one() == 0


def test_an_interrupted_write_leaves_no_partial_file(client, db, settings, login_as, event) -> None:
    _, csrf = login_as("organiser", ("cso-forum",))
    before = _stored(settings)
    with mock.patch("os.replace", side_effect=OSError("disk full")), pytest.raises(OSError):
        _upload(client, csrf, event, "Итоги.pdf", _pdf() + b"%unique-interrupted\n%%EOF\n")
    store = file_storage(settings.data_dir)
    assert _stored(settings) == before and store.temporary_files() == []
    db.rollback()
    assert db.exec(select(func.count()).select_from(Material)).one() == 0


def test_a_photo_loses_its_gps_gets_a_thumbnail_and_shows_in_the_gallery(
    client, db, settings, login_as, bearer_as, event
) -> None:
    original = _jpeg_with_gps()
    assert GPS_IFD in Image.open(io.BytesIO(original)).getexif()
    _, csrf = login_as("organiser", ("cso-forum",))
    assert _upload(client, csrf, event, "Панель 1.jpg", original, "image/jpeg", title="Панель 1").status_code == 303
    material = db.exec(select(Material)).one()
    assert material.kind == "photo" and (material.width, material.height) == (1600, 1200)
    client.cookies.clear()
    headers = bearer_as("organiser", ("cso-forum",))
    client.put(f"/api/v1/events/{event.slug}/report", json={"published": True}, headers=headers)
    page = client.get(f"/events/{event.slug}?gallery=1").text
    assert f"/materials/{material.id}/thumb.jpg" in page
    photo = client.get(f"/materials/{material.id}/photo.jpg")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    exif = Image.open(io.BytesIO(photo.content)).getexif()
    assert GPS_IFD not in exif and 0x010F not in exif
    thumb = Image.open(io.BytesIO(client.get(f"/materials/{material.id}/thumb.jpg").content))
    assert max(thumb.size) == 480
    disposition = photo.headers["content-disposition"]
    assert disposition.startswith("inline;") and "filename*=UTF-8''%D0%9F%D0%B0%D0%BD" in disposition
    assert (
        client.get(f"/materials/{material.id}/photo.jpg", headers={"If-None-Match": photo.headers["etag"]}).status_code
        == 304
    )


def test_a_staff_only_file_reaches_only_the_organisers(client, db, login_as, bearer_as, event) -> None:
    _, csrf = login_as("organiser", ("cso-forum",))
    response = _upload(client, csrf, event, "Смета.pdf", _pdf(), is_public="", title="Смета")
    assert response.status_code == 303
    material = db.exec(select(Material)).one()
    assert material.filename == "Смета.pdf" and material.content_type == "application/pdf"
    staff = client.get(f"/materials/{material.id}/x")
    assert staff.status_code == 200 and staff.headers["cache-control"] == "private, no-store"
    client.cookies.clear()
    client.put(f"/api/v1/events/{event.slug}/report", json={"published": True},
               headers=bearer_as("organiser", ("cso-forum",)))  # fmt: skip
    assert client.get(f"/materials/{material.id}/x").status_code == 404
    assert "Смета" not in client.get(f"/events/{event.slug}?staff-only=1").text
    assert f"/materials/{material.id}" not in client.get("/sitemap.xml").text


def test_office_documents_are_told_apart_from_archives(client, db, login_as, event) -> None:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    _, csrf = login_as("organiser", ("cso-forum",))
    assert _upload(client, csrf, event, "Резолюция.bin", buffer.getvalue()).status_code == 303
    material = db.exec(select(Material)).one()
    assert material.filename == "Резолюция.docx" and material.content_type.endswith("wordprocessingml.document")
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("a.txt", "x")
    response = _upload(client, csrf, event, "a.docx", plain.getvalue())
    assert response.status_code == 422 and "Архивы не принимаются" in response.text


def test_the_storage_keeps_one_copy_and_sweeps_what_nothing_references(tmp_path) -> None:
    from eventhub.core.storage import FileStorage, key_of, sweep

    store = FileStorage(tmp_path / "files")
    kept, dropped = store.put(b"kept"), store.put(b"dropped")
    assert store.put(b"kept") == kept == key_of(b"kept")
    assert store.read(kept) == b"kept" and store.path(kept).parent.parent.name == kept[:2]
    assert sweep(store, {kept}) == 1
    assert store.exists(kept) and not store.exists(dropped)
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")


def test_a_document_attached_to_a_recommendation_shows_on_its_page(client, db, login_as, bearer_as, event) -> None:
    headers = bearer_as("organiser", ("cso-forum",))
    rec = client.post(f"/api/v1/events/{event.slug}/recommendations", json={"text": "Рекомендация с письмом"},
                      headers=headers).json()  # fmt: skip
    client.put(f"/api/v1/events/{event.slug}/report", json={"published": True}, headers=headers)
    _, csrf = login_as("organiser", ("cso-forum",))
    response = _upload(client, csrf, event, "Ответ министерства.pdf", _pdf(), title="Ответ министерства",
                       recommendation=str(rec["id"]))  # fmt: skip
    assert response.status_code == 303
    wrong = _upload(client, csrf, event, "x.pdf", _pdf(), recommendation="999999")
    assert wrong.status_code == 422 and "Рекомендация не найдена" in wrong.text
    client.cookies.clear()
    assert "Ответ министерства" in client.get(f"/recommendations/{rec['id']}").text
