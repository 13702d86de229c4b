"""Importing an invitee or participant list (XLSX or CSV, as lists arrive from ministries).

`read_table` turns a file into rows of text keyed by our field names (Russian or English
headers); `check_rows` says row by row what would be created and what is wrong; the
import itself (`import_rows`) checks again under the event's lock and stores all rows or
none."""

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, delete, select

from eventhub import labels as event_labels
from eventhub.core.errors import Invalid
from eventhub.core.i18n import _
from eventhub.core.models import (
    Event,
    Gender,
    ImportPreview,
    Organisation,
    Region,
    Registration,
    RegistrationCategory,
    StaffUser,
    id_of,
)
from eventhub.core.tokens import hash_token
from eventhub.registrations import labels, mail, questions
from eventhub.registrations.mail import Site
from eventhub.registrations.schemas import ImportRow, PhoneImportRow, RegistrationData, parse_registration, phone_key
from eventhub.registrations.service import (
    S,
    audit_status,
    calendar_url,
    find_organisation,
    lock_event,
    personal_calendar,
    placement,
    set_status,
)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
# What a spreadsheet may hold once unpacked (issue 21, item 6), checked in the zip's
# directory before openpyxl reads a byte of it: a few KiB of zip can unpack to gigabytes.
MAX_COLUMNS = 40
MAX_CELL = 2000  # characters in one cell or CSV field
MAX_MEMBER = 24 * 1024 * 1024  # one part unpacked (the sheet, the shared strings)
MAX_UNPACKED = 40 * 1024 * 1024  # all parts
PREVIEW_VALID_MINUTES = 60

HEADER_ALIASES = {
    "full_name": (
        "фио",
        "ф.и.о.",
        "ф. и. о.",
        "фамилия и имя",
        "фамилия, имя",
        "фамилия имя отчество",
        "имя",
        "участник",
        "full_name",
        "name",
        "full name",
    ),  # i18n: ignore (aliases matched against the uploaded file)
    "email": (
        "email",
        "e-mail",
        "e mail",
        "эл. почта",
        "электронная почта",
        "почта",
        "адрес электронной почты",
    ),  # i18n: ignore (aliases matched against the uploaded file)
    "phone": (
        "телефон",
        "тел.",
        "тел",
        "мобильный",
        "phone",
        "mobile",
    ),  # i18n: ignore (aliases matched against the uploaded file)
    "organisation": (
        "организация",
        "орган",
        "ведомство",
        "organisation",
        "organization",
    ),  # i18n: ignore (aliases matched against the uploaded file)
    "position": ("должность", "position", "title"),  # i18n: ignore (aliases matched against the uploaded file)
    "category": ("категория", "category"),  # i18n: ignore (aliases matched against the uploaded file)
    "region": ("регион", "область", "region", "oblast"),  # i18n: ignore (aliases matched against the uploaded file)
    "gender": ("пол", "gender", "sex"),  # i18n: ignore (aliases matched against the uploaded file)
    "accessibility_needs": (
        "особые потребности",
        "потребности",
        "accessibility",
        "accessibility_needs",
    ),  # i18n: ignore (aliases matched against the uploaded file)
    # The optional standard fields (kept where the event asks them).
    "age_group": ("возрастная группа", "возраст", "age group", "age_group"),  # i18n: ignore (aliases)
    "disability": ("инвалидность", "ову", "disability"),  # i18n: ignore (aliases)
    "travel_region": ("откуда: область", "откуда область", "travel_region", "from oblast"),  # i18n: ignore (aliases)
    "travel_district": ("откуда: район", "откуда район", "район", "travel_district", "district"),  # i18n: ignore
    "arrival_date": ("дата приезда", "приезд", "arrival", "arrival_date"),  # i18n: ignore (aliases)
    "departure_date": ("дата отъезда", "отъезд", "departure", "departure_date"),  # i18n: ignore (aliases)
    "accommodation": ("проживание", "accommodation"),  # i18n: ignore (aliases)
}
QUESTION_COLUMN = "col:"  # a column no field matches: perhaps one of the event's questions, by its wording
# Values people type in lists, mapped to ours.
VALUE_ALIASES = {
    "gender": {
        **{v.casefold(): k.value for k, v in labels.GENDER.items()},
        "ж": "female",
        "жен": "female",
        "женщина": "female",  # i18n: ignore (aliases matched against the uploaded file)
        "м": "male",
        "муж": "male",
        "мужчина": "male",
        "f": "female",
        "m": "male",
    },  # i18n: ignore (aliases matched against the uploaded file)
    "category": {v.casefold(): k.value for k, v in labels.CATEGORY.items()}
    | {
        "спикер": "speaker",
        "сми": "press",
        "журналист": "press",
    },  # i18n: ignore (aliases matched against the uploaded file)
    "region": {v.casefold(): k.value for k, v in event_labels.REGION.items()}
    | {
        "бишкек": "bishkek",
        "ош": "osh_city",
        "чуй": "chuy",
        "талас": "talas",
        "иссык-куль": "issyk_kul",  # i18n: ignore (aliases matched against the uploaded file)
        "нарын": "naryn",
        "джалал-абад": "jalal_abad",
        "жалал-абад": "jalal_abad",
        "баткен": "batken",  # i18n: ignore (aliases matched against the uploaded file)
        "чуйская": "chuy",
        "таласская": "talas",
        "иссык-кульская": "issyk_kul",
        "нарынская": "naryn",  # i18n: ignore (aliases matched against the uploaded file)
        "джалал-абадская": "jalal_abad",
        "ошская": "osh",
        "баткенская": "batken",
    },  # i18n: ignore (aliases matched against the uploaded file)
}
VALUE_ALIASES["travel_region"] = VALUE_ALIASES["region"]
VALUE_ALIASES["age_group"] = {
    "до 18": "under_18",
    "<18": "under_18",
    "18-29": "18_29",
    "18–29": "18_29",
    "30-44": "30_44",
    "30–44": "30_44",
    "45-59": "45_59",
    "45–59": "45_59",
    "60+": "60_plus",
    "60 и старше": "60_plus",
}  # i18n: ignore (aliases matched against the uploaded file)
VALUE_ALIASES["disability"] = {
    "да": "yes",
    "нет": "no",
    "ооба": "yes",
    "жок": "no",
    "не указано": "prefer_not_to_say",
    "предпочитаю не отвечать": "prefer_not_to_say",
}  # i18n: ignore (aliases matched against the uploaded file)


def _header_key(text: object) -> str | None:  # a cell of any type
    folded = " ".join(str(text or "").casefold().replace("ё", "е").split()).strip(
        " :*"
    )  # i18n: ignore (aliases matched against the uploaded file)
    for key, aliases in HEADER_ALIASES.items():
        if folded in aliases:
            return key
    return None


def read_table(filename: str, content: bytes) -> list[dict[str, str]]:
    """Rows of an .xlsx or .csv file as {field: text}; the first row holds the headers."""
    if len(content) > MAX_BYTES:
        raise Invalid(_("Файл слишком большой"), fields={"file": _("не больше 2 МБ")})
    if not content:
        raise Invalid(_("Файл пуст"), fields={"file": _("выберите файл .xlsx или .csv")})
    name = (filename or "").lower()
    table: Sequence[Sequence[object]]
    if name.endswith(".xlsx") or content[:2] == b"PK":
        table = _read_xlsx(content)
    elif name.endswith(".csv") or name.endswith(".txt"):
        table = _read_csv(content)
    else:
        raise Invalid(_("Неизвестный формат файла"), fields={"file": _("нужен файл .xlsx или .csv")})
    table = [row for row in table if any(str(c or "").strip() for c in row)]
    if not table:
        raise Invalid(_("В файле нет строк"), fields={"file": _("первая строка — заголовки, дальше — участники")})
    keys = [_header_key(h) or (QUESTION_COLUMN + str(h or "").strip()) for h in table[0]]
    if "full_name" not in keys or ("email" not in keys and "phone" not in keys):
        raise Invalid(
            _("Не найдены нужные столбцы"),
            fields={"file": _("в первой строке должны быть заголовки; обязательны «ФИО» и «E-mail»")},
        )
    if len(table) - 1 > MAX_ROWS:
        raise Invalid(
            _("Слишком много строк"),
            fields={"file": _("не больше %(MAX_ROWS)s участников в одном файле") % {"MAX_ROWS": MAX_ROWS}},
        )
    rows = []
    for raw in table[1:]:
        row = {}
        for key, value in zip(keys, raw, strict=False):
            if key and key not in row:
                row[key] = "" if value is None else str(value).strip()
        rows.append(row)
    return rows


def _too_big() -> Invalid:
    return Invalid(
        _("Файл слишком большой после распаковки"),
        fields={"file": _("в таблице больше данных, чем бывает в списке участников; сохраните только нужный лист")},
    )


def _check_zip(content: bytes) -> None:
    """Refuse a spreadsheet whose parts unpack to more than a participant list ever needs,
    from the sizes in the zip's directory (zipfile never unpacks past them: a part that
    lies about its size fails its check instead)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Invalid(
            _("Не удалось прочитать файл Excel"), fields={"file": _("файл повреждён или это не .xlsx")}
        ) from exc
    if (
        len(infos) > 200
        or any(i.file_size > MAX_MEMBER for i in infos)
        or sum(i.file_size for i in infos) > MAX_UNPACKED
    ):
        raise _too_big()


def _cell(value: object, row: int) -> object:
    if isinstance(value, str) and len(value) > MAX_CELL:
        raise Invalid(
            _("Слишком длинное значение в ячейке"),
            fields={"file": _("строка %(row)s: ячейка длиннее %(max)s символов") % {"row": row, "max": MAX_CELL}},
        )
    return value


def _read_xlsx(content: bytes) -> list[list[object]]:
    from openpyxl import load_workbook  # imported here: 11 MB that only an import of a file needs

    _check_zip(content)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as exc:
        raise Invalid(
            _("Не удалось прочитать файл Excel"), fields={"file": _("файл повреждён или это не .xlsx")}
        ) from exc
    rows = []
    try:
        ws = wb.worksheets[0]
        # Streaming (read-only) and at most MAX_COLUMNS columns: a cell far to the right does
        # not make every row that wide.
        for i, row in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)):
            if i > MAX_ROWS + 1:
                raise Invalid(
                    _("Слишком много строк"),
                    fields={"file": _("не больше %(MAX_ROWS)s участников в одном файле") % {"MAX_ROWS": MAX_ROWS}},
                )
            rows.append([_cell(v, i + 1) for v in row])
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError, EOFError) as exc:
        if isinstance(exc, Invalid):
            raise
        raise Invalid(_("Не удалось прочитать файл Excel"), fields={"file": _("файл повреждён или обрезан")}) from exc
    finally:
        wb.close()
    return rows


def _read_csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Invalid(_("Не удалось прочитать CSV"), fields={"file": _("сохраните файл в кодировке UTF-8")})
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    rows = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for n, row in zip(range(MAX_ROWS + 2), reader, strict=False):
            rows.append([str(_cell(v, n + 1)) for v in row[:MAX_COLUMNS]])
    except csv.Error as exc:  # a field over the csv module's own limit, a NUL byte...
        raise Invalid(
            _("Не удалось прочитать CSV"),
            fields={"file": _("строка %(row)s: %(problem)s") % {"row": reader.line_num, "problem": str(exc)[:200]}},
        ) from exc
    return rows


def store_preview(
    db: Session, *, event: Event, user: StaffUser, filename: str, rows: list[dict[str, str]], now: datetime
) -> int:
    """Keep a checked list on the server for its confirmation (which then carries only the id)."""
    from datetime import timedelta

    db.exec(delete(ImportPreview).where(col(ImportPreview.expires_at) < now))  # the expired ones of anyone
    row = ImportPreview(
        event_id=id_of(event), user_id=id_of(user), filename=filename[:200], rows=rows, created_at=now,
        expires_at=now + timedelta(minutes=PREVIEW_VALID_MINUTES),
    )  # fmt: skip
    db.add(row)
    db.flush()
    return id_of(row)


def stored_preview(db: Session, *, event: Event, user: StaffUser, preview_id: str, now: datetime) -> ImportPreview:
    """The list this user checked for this event, if it has not expired; Invalid otherwise."""
    row = db.get(ImportPreview, int(preview_id)) if preview_id.isdigit() and len(preview_id) < 10 else None
    if row is None or row.event_id != event.id or row.user_id != user.id or now >= row.expires_at:
        raise Invalid(
            _("Предпросмотр устарел"), fields={"file": _("предпросмотр не найден или устарел; загрузите файл ещё раз")}
        )
    return row


@dataclass
class RowCheck:
    number: int  # the row's number in the file (headers are row 1)
    values: dict[str, str]
    data: RegistrationData | None = None
    organisation: Organisation | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Preview:
    rows: list[RowCheck]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(r.ok for r in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if not r.ok)


def _mapped(row: dict[str, str]) -> dict[str, str]:
    out = dict(row)
    for key, aliases in VALUE_ALIASES.items():
        value = out.get(key, "")
        if value:
            folded = (
                value.casefold().replace("ё", "е").strip()
            )  # i18n: ignore (aliases matched against the uploaded file)
            folded = (
                folded.replace(" область", "").replace(" обл.", "")
                if key == "region" and folded not in aliases
                else folded
            )  # i18n: ignore (matching)
            out[key] = aliases.get(folded, value)
    return out


def check_rows(db: Session, event: Event, rows: list[dict[str, str]]) -> Preview:
    """Row by row: the validated data, or what is wrong (bad e-mail, unknown organisation,
    a duplicate in the file or of someone already registered)."""
    existing = set(db.exec(select(Registration.email_normalised).where(Registration.event_id == event.id)))
    phones = set(
        db.exec(
            select(Registration.phone).where(
                Registration.event_id == event.id,
                col(Registration.phone).is_not(None),
                Registration.status != S.cancelled,
            )
        )
    )
    seen: dict[str, int] = {}
    checks = []
    qs = questions.questions(db, event)
    by_phone = questions.form_settings(db, event).phone_only
    by_wording = {questions.label(q, lang).casefold(): q for q in qs for lang in ("ru", "ky", "en")}
    for i, raw in enumerate(rows, start=2):
        check = RowCheck(number=i, values=raw)
        raw_answers = {
            str(by_wording[k[len(QUESTION_COLUMN) :].casefold()].id): v
            for k, v in raw.items()
            if k.startswith(QUESTION_COLUMN) and k[len(QUESTION_COLUMN) :].casefold() in by_wording
        }
        values = {k: v for k, v in _mapped(raw).items() if not k.startswith(QUESTION_COLUMN)}
        for name, enum in (
            ("gender", Gender),
            ("category", RegistrationCategory),
            ("region", Region),
            ("travel_region", Region),
        ):
            if values.get(name) and values[name] not in enum.__members__.values():
                check.errors[name] = _("неизвестное значение «%(value)s»") % {"value": values[name][:40]}
                values[name] = ""
        try:
            check.data = parse_registration(values, PhoneImportRow if by_phone else ImportRow)
        except Invalid as exc:
            check.errors.update(exc.fields)
        if check.data is not None and not check.data.email:
            if check.data.phone:  # the phone is this row's identity
                check.data.email_normalised = phone_key(check.data.phone)
            else:
                check.errors["email"] = _("нет ни адреса электронной почты, ни телефона")
                check.data = None
        try:
            extra = questions.check_extra(
                db,
                event,
                standard=check.data.standard() if check.data else {},
                answers=raw_answers,
                field_of=lambda q: questions.label(q)[:60],
            )
            if check.data:
                check.data.extra = extra
        except Invalid as exc:
            check.errors.update(exc.fields)
        if values.get("organisation") and "organisation" not in check.errors:
            check.organisation = find_organisation(db, values["organisation"])
            if check.organisation is None:
                check.errors["organisation"] = _("организации «%(value)s» нет в справочнике") % {
                    "value": values["organisation"][:60]
                }
        if check.data:
            key = check.data.email_normalised
            where = "email" if check.data.email else "phone"
            if key in existing or (not check.data.email and check.data.phone in phones):
                check.errors[where] = _("уже зарегистрирован(а) на это мероприятие")
            elif key in seen:
                check.errors[where] = _("повтор: этот адрес уже в строке %(seen)s") % {"seen": seen[key]}
            else:
                seen[key] = i
        checks.append(check)
    return Preview(checks)


def import_rows(
    db: Session,
    *,
    event_id: int,
    rows: list[dict[str, str]],
    user: StaffUser,
    now: datetime,
    site: Site,
    consent_note: str,
    send_mail: bool = True,
) -> tuple[list[Registration], list[int]]:
    """Create every row or none: checks again under the event's lock, places each row like
    a registration through the form (confirmed while places last, then the waiting list)."""
    event = lock_event(db, event_id)
    preview = check_rows(db, event, rows)
    if not preview.ok:
        raise Invalid(
            _("В файле есть ошибки (%(error_count)s строк); ничего не импортировано")
            % {"error_count": preview.error_count},
            fields={
                _("строка %(number)s") % {"number": r.number}: "; ".join(r.errors.values())
                for r in preview.rows
                if not r.ok
            },
        )
    created, mails = [], []
    for check in preview.rows:
        data = check.data
        assert data is not None  # every row passed check_rows
        reg = Registration(
            event_id=id_of(event),
            email=data.email,
            email_normalised=data.email_normalised,
            token_hash=hash_token(site.private_token(id_of(event), data.email_normalised)),
            full_name=data.full_name,
            phone=data.phone,
            organisation_id=check.organisation.id if check.organisation else None,
            position=data.position,
            category=data.category,
            region=data.region,
            gender=data.gender,
            accessibility_needs=data.accessibility_needs,
            language=data.language,
            consent_at=now,
            consent_text=consent_note,
            created_at=now,
        )
        if data.extra is not None:
            questions.apply_extra(reg, data.extra)
        status, position = placement(db, event, None, pre_approved=True, category=data.category)
        set_status(reg, status, now)
        reg.waitlist_position = position
        db.add(reg)
        db.flush()
        audit_status(db, user, "import", reg, None)
        personal_calendar(db, site, reg.email_normalised)
        created.append(reg)
        if send_mail and reg.email:  # a row by phone has nowhere to be sent
            kind = "confirmed" if status == S.confirmed else "waitlisted"
            message = mail.enqueue(
                db, kind=kind, event=event, reg=reg, site=site, now=now, calendar_url=calendar_url(db, site, reg)
            )
            mails.append(id_of(message))
    return created, mails
