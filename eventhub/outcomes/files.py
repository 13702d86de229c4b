"""What an uploaded file really is, judged from its bytes (never its name or the browser's
word), and photos made safe: decoded within a pixel budget, re-encoded (which drops any
payload glued to the image and all EXIF, the GPS position included) and given a thumbnail.

Accepted: PDF, DOCX, XLSX, PPTX (Office Open XML without macros), JPEG, PNG, WebP. Refused
with a message: SVG, HTML, executables, archives, anything else."""

import io
import re
import warnings
import zipfile
from dataclasses import dataclass

from eventhub.core.i18n import _

MAX_PIXELS = 40_000_000  # a 40-megapixel photo; a "decompression bomb" claims far more
THUMB_SIZE = (480, 480)
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_UNPACKED = 300 * 1024 * 1024
OOXML = {
    "word/document.xml": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/workbook.xml": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/presentation.xml": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
IMAGES = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
_MARKUP = re.compile(rb"<\s*(!doctype|html|script|svg|body|iframe|head)\b", re.IGNORECASE)


class Refused(Exception):
    """The file is not accepted; the message says why, in the reader's language."""


@dataclass(frozen=True)
class Checked:
    kind: str  # "document" | "photo"
    extension: str
    content_type: str
    data: bytes  # what is stored: a document as sent, a photo re-encoded
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None


def check(data: bytes) -> Checked:
    if not data:
        raise Refused(_("Файл пустой"))
    head = data[:2048]
    if head.startswith(b"%PDF-"):
        return _pdf(data)
    if head.startswith(b"PK\x03\x04"):
        return _ooxml(data)
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return _image(data)
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")):
        raise Refused(_("Программы и сценарии не принимаются"))
    if _MARKUP.search(head.lstrip()[:512]) or head.lstrip().startswith(b"<"):
        raise Refused(_("HTML и SVG не принимаются: загрузите PDF или картинку JPEG, PNG, WebP"))
    raise Refused(_("Этот вид файла не принимается: PDF, DOCX, XLSX, PPTX, JPEG, PNG или WebP"))


def _pdf(data: bytes) -> Checked:
    # A polyglot is a PDF to one program and HTML or an archive to another: markup near the
    # start (what browsers sniff) or a ZIP directory at the end is refused.
    if _MARKUP.search(data[:4096]) or b"PK\x05\x06" in data[-65_558:]:
        raise Refused(_("Файл похож сразу на PDF и на другой формат (полиглот) — такой не принимается"))
    if b"%%EOF" not in data[-2048:]:
        raise Refused(_("PDF повреждён или оборван: нет конца файла"))
    return Checked("document", "pdf", "application/pdf", data)


def _ooxml(data: bytes) -> Checked:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Refused(_("Архив повреждён: это не документ Office")) from None
    names = {i.filename for i in infos}
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_ZIP_UNPACKED:
        raise Refused(_("Документ распаковывается в слишком большой объём"))
    if "[Content_Types].xml" not in names:
        raise Refused(_("Архивы не принимаются: загрузите DOCX, XLSX или PPTX"))
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise Refused(_("Документы с макросами не принимаются"))
    for part, (ext, content_type) in OOXML.items():
        if part in names:
            return Checked("document", ext, content_type, data)
    raise Refused(_("Архивы не принимаются: загрузите DOCX, XLSX или PPTX"))


def _image(data: bytes) -> Checked:
    from PIL import Image, ImageOps  # Pillow: loaded on the first photo

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format or ""
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise Refused(
                        _("Слишком большое изображение: %(w)d × %(h)d точек (не больше 40 мегапикселей)")
                        % {"w": width, "h": height}
                    )
                if fmt not in IMAGES:
                    raise Refused(_("Этот вид файла не принимается: PDF, DOCX, XLSX, PPTX, JPEG, PNG или WebP"))
                probe.load()
                image = ImageOps.exif_transpose(probe)  # turned upright before the EXIF goes
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused(_("Слишком большое изображение (не больше 40 мегапикселей)")) from None
        except (OSError, SyntaxError, ValueError):
            raise Refused(_("Изображение повреждено и не читается")) from None
    ext, content_type = IMAGES[fmt]
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    # Saved again without `exif=`: no GPS position, camera serial or any other metadata stays.
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=90, optimize=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=90)
    thumb = image.convert("RGB") if image.mode not in ("RGB", "L") else image.copy()
    thumb.thumbnail(THUMB_SIZE)
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, "JPEG", quality=82, optimize=True)
    return Checked(
        "photo", ext, content_type, out.getvalue(), width=image.width, height=image.height,
        thumbnail=thumb_out.getvalue(),
    )  # fmt: skip


def clean_filename(name: str, extension: str) -> str:
    """The name a download carries: the uploaded name's stem (Cyrillic kept, path and control
    characters dropped) with the extension of what the file really is."""
    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '<>:"|?*').strip(" .")[:150]
    return f"{stem or 'file'}.{extension}"
