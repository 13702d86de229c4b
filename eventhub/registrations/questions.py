"""An event's own form: its questions (with ru/ky/en versions), the optional standard fields it
switches on, and the answers a registration gives — checked the same way from the form, the
API, an import row and the private page.

Answers are stored on the registration keyed by the question's id, and a choice's answer is
its key, so renaming a question, re-wording or re-ordering its choices keeps every answer; a
question that has answers is archived rather than deleted, and a removed choice is kept
(hidden) so old answers still read."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import Field
from sqlmodel import Session, col, select

from eventhub.core import i18n
from eventhub.core.errors import Invalid, NotFound
from eventhub.core.i18n import N_, _
from eventhub.core.models import (
    CHOICE_KINDS,
    AgeGroup,
    Disability,
    Event,
    EventFormSettings,
    FormQuestion,
    Language,
    OptionalField,
    QuestionKind,
    Registration,
    id_of,
)
from eventhub.core.validation import Choice, Line, Maybe, Multiline, WriteModel, validate
from eventhub.labels import _Labels

QK = QuestionKind
KIND = _Labels(
    {
        QK.short_text: N_("Короткий текст"),
        QK.long_text: N_("Длинный текст"),
        QK.single_choice: N_("Один вариант из списка"),
        QK.multiple_choice: N_("Несколько вариантов"),
        QK.yes_no: N_("Да / нет"),
        QK.number: N_("Число"),
        QK.date: N_("Дата"),
    }
)
OPTIONAL_FIELD = _Labels(
    {
        OptionalField.age_group: N_("Возрастная группа"),
        OptionalField.disability: N_("Инвалидность"),
        OptionalField.travel_from: N_("Откуда едет (область и район)"),
        OptionalField.travel_dates: N_("Даты приезда и отъезда"),
        OptionalField.accommodation: N_("Нужно ли проживание"),
    }
)
AGE_GROUP = _Labels(
    {
        AgeGroup.under_18: N_("до 18 лет"),
        AgeGroup.age_18_29: N_("18–29 лет"),
        AgeGroup.age_30_44: N_("30–44 года"),
        AgeGroup.age_45_59: N_("45–59 лет"),
        AgeGroup.age_60_plus: N_("60 лет и старше"),
    }
)
DISABILITY = _Labels(
    {
        Disability.yes: N_("Да"),
        Disability.no: N_("Нет"),
        Disability.prefer_not_to_say: N_("Предпочитаю не отвечать"),
    }
)
YES = N_("Да")
NO = N_("Нет")
# What people type for yes and no, in the three languages (forms send "yes"/"no").
_YES = {"yes", "y", "true", "1", "on", "да", "д", "ооба", "ия"}  # i18n: ignore (values matched)
_NO = {"no", "n", "false", "0", "off", "нет", "н", "жок"}  # i18n: ignore (values matched)
MAX_QUESTIONS = 50
MAX_CHOICES = 50
FORM_PREFIX = "q_"  # a question's form field: q_<id>; a multiple choice's boxes: q_<id>_<key>


# --- the event's settings ---


def form_settings(db: Session, event: Event) -> EventFormSettings:
    """The event's form settings (defaults when none were saved; not added to the session)."""
    return db.get(EventFormSettings, id_of(event)) or EventFormSettings(event_id=id_of(event))


def asks(settings: EventFormSettings, name: str) -> bool:
    return name in settings.fields


class FormSettingsIn(WriteModel):
    """The form-settings page: which optional fields are asked, the phone instead of e-mail,
    attendance per day, the per-diem rate."""

    fields: list[Annotated[OptionalField, Choice(OptionalField, N_("выберите значение из списка"))]] = []
    phone_only: bool = False
    attendance_per_day: bool = False
    press_outside_capacity: bool = False
    per_diem_rate: Maybe[str] = None
    per_diem_currency: Maybe[Annotated[str, Line(3)]] = None


def parse_rate(text: str | None) -> Decimal | None:
    """A rate per day as typed ("1500", "1 500,50"): a number ≥ 0 with at most two decimals."""
    if text is None or not text.strip():
        return None
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise Invalid(
            _("Проверьте настройки формы"),
            fields={"per_diem_rate": _("суточные — это число, например 1500 или 1500,50")},
        ) from None
    if not value.is_finite() or value < 0:
        raise Invalid(
            _("Проверьте настройки формы"), fields={"per_diem_rate": _("суточные не могут быть отрицательными")}
        )
    if value != value.quantize(Decimal("0.01")) or value >= Decimal("1e10"):
        raise Invalid(
            _("Проверьте настройки формы"),
            fields={"per_diem_rate": _("не больше двух знаков после запятой и не больше 9 999 999 999")},
        )
    return value.quantize(Decimal("0.01"))


def save_settings(db: Session, *, event: Event, data: dict[str, Any]) -> EventFormSettings:
    valid = validate(FormSettingsIn, data)
    rate = parse_rate(valid.per_diem_rate)
    row = db.get(EventFormSettings, id_of(event)) or EventFormSettings(event_id=id_of(event))
    row.fields = [f.value for f in OptionalField if f in valid.fields]
    row.phone_only = valid.phone_only
    row.attendance_per_day = valid.attendance_per_day
    row.press_outside_capacity = valid.press_outside_capacity
    row.per_diem_rate = rate
    row.per_diem_currency = (valid.per_diem_currency or "KGS").upper()
    db.add(row)
    db.flush()
    return row


# --- questions ---


def questions(db: Session, event: Event, *, archived: bool = False) -> list[FormQuestion]:
    query = select(FormQuestion).where(FormQuestion.event_id == event.id)
    if not archived:
        query = query.where(col(FormQuestion.archived).is_(False))
    return list(db.exec(query.order_by(col(FormQuestion.position), col(FormQuestion.id))))


def question_of(db: Session, event: Event, question_id: int) -> FormQuestion:
    q = db.get(FormQuestion, question_id)
    if q is None or q.event_id != event.id:
        raise NotFound(_("Вопрос не найден"))
    return q


class QuestionIn(WriteModel):
    """A question as the editor posts it: choices one per line, in each language."""

    kind: Annotated[QuestionKind, Choice(QuestionKind, N_("выберите тип вопроса"))]
    label: Annotated[str, Line(300)] = Field(title=N_("Вопрос"))
    help_text: Maybe[Annotated[str, Multiline(1000)]] = None
    required: bool = False
    choices: Maybe[Annotated[str, Multiline(5000)]] = None
    original_language: Annotated[Language, Choice(Language, N_("выберите язык"))] = Language.ru
    label_ky: Maybe[Annotated[str, Line(300)]] = None
    label_en: Maybe[Annotated[str, Line(300)]] = None
    label_ru: Maybe[Annotated[str, Line(300)]] = None
    help_text_ky: Maybe[Annotated[str, Multiline(1000)]] = None
    help_text_en: Maybe[Annotated[str, Multiline(1000)]] = None
    help_text_ru: Maybe[Annotated[str, Multiline(1000)]] = None
    choices_ky: Maybe[Annotated[str, Multiline(5000)]] = None
    choices_en: Maybe[Annotated[str, Multiline(5000)]] = None
    choices_ru: Maybe[Annotated[str, Multiline(5000)]] = None


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _keyed_choices(old: list[dict[str, str]], labels: list[str]) -> list[dict[str, str]]:
    """New choice labels with keys: a label seen before keeps its key (wherever it moved); a new
    label in the place of an old choice no longer listed takes that key (a choice re-worded in
    place keeps its answers); any other label gets a new key. Old choices left over stay, marked
    removed, so their answers still read."""
    live = [c for c in old if not c.get("removed")]
    by_label = {c["label"].casefold(): c["key"] for c in live}
    used = {by_label[label.casefold()] for label in labels if label.casefold() in by_label}
    numbers = [int(c["key"][1:]) for c in old if re.fullmatch(r"c\d+", c["key"])]
    next_number = max(numbers, default=0) + 1
    out: list[dict[str, str]] = []
    for i, label in enumerate(labels):
        key = by_label.get(label.casefold())
        if key is None:
            in_place = live[i]["key"] if i < len(live) else None
            if in_place is not None and in_place not in used:
                key = in_place
                used.add(key)
            else:
                key, next_number = f"c{next_number}", next_number + 1
        out.append({"key": key, "label": label})
    kept = {c["key"] for c in out}
    out += [{**c, "removed": "1"} for c in old if c["key"] not in kept]
    return out


def save_question(
    db: Session, *, event: Event, data: Mapping[str, Any], question_id: int | None = None
) -> FormQuestion:
    """Add a question, or change one (its answers stay: they are keyed by id and choice key)."""
    values = {k: v for k, v in data.items() if k in QuestionIn.model_fields}
    values["required"] = str(data.get("required", "")).lower() in ("on", "true", "1", "yes")
    valid = validate(QuestionIn, values)
    labels = _lines(valid.choices)
    errors: dict[str, str] = {}
    if valid.kind in CHOICE_KINDS:
        if not labels:
            errors["choices"] = _("у вопроса с выбором должен быть хотя бы один вариант (по одному в строке)")
        elif len(labels) > MAX_CHOICES:
            errors["choices"] = _("не больше %(n)s вариантов") % {"n": MAX_CHOICES}
        elif len({label.casefold() for label in labels}) != len(labels):
            errors["choices"] = _("варианты повторяются")
    for lang in i18n.LANGUAGES:
        other = _lines(getattr(valid, f"choices_{lang}"))
        if valid.kind in CHOICE_KINDS and other and len(other) != len(labels):
            errors[f"choices_{lang}"] = _("вариантов должно быть столько же, сколько в оригинале (%(n)s)") % {
                "n": len(labels)
            }
    if errors:
        raise Invalid(_("Проверьте вопрос"), fields=errors)
    if question_id is None:
        if len(questions(db, event)) >= MAX_QUESTIONS:
            raise Invalid(_("Слишком много вопросов"), fields={"label": _("не больше 50 вопросов в форме")})
        last = max((q.position for q in questions(db, event, archived=True)), default=0)
        q = FormQuestion(event_id=id_of(event), kind=valid.kind.value, label=valid.label, position=last + 1)
    else:
        q = question_of(db, event, question_id)
    q.kind = valid.kind.value
    q.label = valid.label
    q.help_text = valid.help_text
    q.required = valid.required
    q.original_language = valid.original_language.value
    q.choices = _keyed_choices(list(q.choices), labels) if valid.kind in CHOICE_KINDS else list(q.choices)
    live = [c for c in q.choices if not c.get("removed")]
    translations: dict[str, dict[str, Any]] = {}
    for lang in i18n.LANGUAGES:
        if lang == q.original_language:
            continue
        version: dict[str, Any] = {}
        if label := getattr(valid, f"label_{lang}"):
            version["label"] = label
        if help_text := getattr(valid, f"help_text_{lang}"):
            version["help_text"] = help_text
        if other := _lines(getattr(valid, f"choices_{lang}")):
            version["choices"] = {c["key"]: text for c, text in zip(live, other, strict=True)}
        if version:
            translations[lang] = version
    q.translations = translations
    db.add(q)
    db.flush()
    return q


def remove_question(db: Session, *, event: Event, question_id: int) -> bool:
    """Delete a question nobody answered; archive one with answers (they stay in exports).
    True when it was deleted."""
    q = question_of(db, event, question_id)
    key = str(id_of(q))
    answered = any(
        key in (a or {}) for a in db.exec(select(Registration.answers).where(Registration.event_id == event.id))
    )
    if answered:
        q.archived = True
        db.add(q)
    else:
        db.delete(q)
    db.flush()
    return not answered


def move_question(db: Session, *, event: Event, question_id: int, step: int) -> None:
    """Move a question one place up (-1) or down (+1)."""
    rows = questions(db, event)
    ids = [id_of(q) for q in rows]
    if question_id not in ids:
        raise NotFound(_("Вопрос не найден"))
    i = ids.index(question_id)
    j = i + step
    if 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
    for n, q in enumerate(rows, 1):
        q.position = n
        db.add(q)
    db.flush()


# --- a question in the reader's language ---


def label(q: FormQuestion, lang: str | None = None) -> str:
    return str(i18n.content(q, "label", lang) or q.label)


def help_text(q: FormQuestion, lang: str | None = None) -> str | None:
    return i18n.content(q, "help_text", lang) or None


def choice_labels(q: FormQuestion, lang: str | None = None, *, removed: bool = False) -> list[tuple[str, str]]:
    """(key, label) of the question's choices in the reader's language."""
    lang = lang or i18n.current_language()
    version = (q.translations or {}).get(lang, {}).get("choices", {}) if lang != q.original_language else {}
    return [(c["key"], version.get(c["key"]) or c["label"]) for c in q.choices if removed or not c.get("removed")]


def answer_text(q: FormQuestion, value: Any, lang: str | None = None) -> str:
    """An answer as a person reads it (lists, exports, the private page)."""
    if value is None or value == "" or value == []:
        return ""
    if q.kind in CHOICE_KINDS:
        names = dict(choice_labels(q, lang, removed=True))
        keys = value if isinstance(value, list) else [value]
        return "; ".join(names.get(str(k), str(k)) for k in keys)
    if q.kind == QK.yes_no:
        return _(YES) if value is True else _(NO) if value is False else str(value)
    if q.kind == QK.date:
        try:
            return date.fromisoformat(str(value)).strftime("%d.%m.%Y")
        except ValueError:
            return str(value)
    if q.kind == QK.number and isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def form_value(q: FormQuestion, value: Any) -> dict[str, str]:
    """A stored answer as the form's fields, to show it again."""
    name = f"{FORM_PREFIX}{q.id}"
    if value is None:
        return {}
    if q.kind == QK.multiple_choice:
        return {f"{name}_{k}": "on" for k in (value if isinstance(value, list) else [value])}
    if q.kind == QK.yes_no:
        return {name: "yes" if value is True else "no" if value is False else ""}
    if q.kind == QK.number:
        return {name: answer_text(q, value)}
    return {name: str(value)}


def form_values(qs: list[FormQuestion], answers: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for q in qs:
        out |= form_value(q, answers.get(str(q.id)))
    return out


# --- checking answers ---


def _check(q: FormQuestion, raw: Any) -> Any:
    """One answer, normalised; ValueError with the message the person reads."""
    blank = raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []
    if blank:
        if q.required:
            raise ValueError(_("обязательный вопрос"))
        return None
    if q.kind in (QK.short_text, QK.long_text):
        if not isinstance(raw, str):
            raise ValueError(_("нужен текст"))
        text = raw.strip()
        limit = 300 if q.kind == QK.short_text else 2000
        if len(text) > limit:
            raise ValueError(_("не длиннее %(n)s символов") % {"n": limit})
        if q.kind == QK.short_text and ("\n" in text or "\r" in text):
            raise ValueError(_("ответ должен быть одной строкой"))
        if re.search(r"<\s*[/!?]?\s*[a-zA-Z!?/]", text):
            raise ValueError(_("HTML-теги и скрипты не допускаются"))
        return text
    if q.kind in CHOICE_KINDS:
        keys = {k for k, _label in choice_labels(q)}
        names = {name.casefold(): k for lang in i18n.LANGUAGES for k, name in choice_labels(q, lang)}
        items = (
            raw
            if isinstance(raw, list)
            else ([raw] if q.kind == QK.single_choice or not isinstance(raw, str) else re.split(r"[;\n]", raw))
        )
        picked: list[str] = []
        for item in items:
            text = str(item).strip()
            if not text:
                continue
            key = text if text in keys else names.get(text.casefold())
            if key is None:
                raise ValueError(_("такого варианта нет: «%(value)s»; выберите из списка") % {"value": text[:60]})
            if key not in picked:
                picked.append(key)
        if not picked:
            if q.required:
                raise ValueError(_("обязательный вопрос"))
            return None
        if q.kind == QK.single_choice:
            if len(picked) > 1:
                raise ValueError(_("выберите один вариант"))
            return picked[0]
        return [k for k, _label in choice_labels(q) if k in picked]  # in the question's order
    if q.kind == QK.yes_no:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().casefold()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise ValueError(_("ответьте «да» или «нет»"))
    if q.kind == QK.number:
        if isinstance(raw, bool):
            raise ValueError(_("нужно число, например 12 или 2,5"))
        if isinstance(raw, int | float):
            number = Decimal(str(raw))
        else:
            try:
                number = Decimal(str(raw).strip().replace("\u00a0", "").replace(" ", "").replace(",", "."))
            except InvalidOperation:
                raise ValueError(_("нужно число, например 12 или 2,5")) from None
        if not number.is_finite() or abs(number) >= Decimal("1e12"):
            raise ValueError(_("нужно число, например 12 или 2,5"))
        return int(number) if number == number.to_integral_value() else float(number)
    if q.kind == QK.date:
        return parse_date(raw).isoformat()
    raise ValueError(_("неверное значение"))  # pragma: no cover - every kind is handled above


def parse_date(raw: Any) -> date:
    """A date as forms send it (2030-03-01), as lists hold it (01.03.2030), or a date cell."""
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    text = text[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T]00:00(:00)?)?", text) else text
    for pattern, order in ((r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"), (r"(\d{1,2})[./](\d{1,2})[./](\d{4})", "dmy")):
        m = re.fullmatch(pattern, text)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                break
    raise ValueError(_("нужна дата, например 01.03.2030"))


def raw_answers_from_form(qs: list[FormQuestion], form: Mapping[str, str]) -> dict[str, Any]:
    """The answers a posted form holds, keyed by question id (a multiple choice as a list)."""
    out: dict[str, Any] = {}
    for q in qs:
        name = f"{FORM_PREFIX}{q.id}"
        if q.kind == QK.multiple_choice:
            out[str(q.id)] = [k for k, _label in choice_labels(q) if form.get(f"{name}_{k}")]
        else:
            out[str(q.id)] = form.get(name)
    return out


def check_answers(
    qs: list[FormQuestion], raw: Mapping[str, Any], *, field_of: Any = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """(answers to store, {field: message}); `raw` keyed by question id. Answers to questions the
    form does not ask are an error (an API client's typo must not vanish silently)."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    known = {str(q.id): q for q in qs}
    for key in raw:
        if key not in known:
            errors[f"answers.{key}"[:200]] = _("в форме нет такого вопроса")
    for key, q in known.items():
        try:
            value = _check(q, raw.get(key))
        except ValueError as exc:
            errors[field_of(q) if field_of else f"{FORM_PREFIX}{key}"] = str(exc)
            continue
        if value is not None:
            answers[key] = value
    return answers, errors


# --- the optional standard fields ---

STANDARD_FIELDS = {
    OptionalField.age_group: ("age_group",),
    OptionalField.disability: ("disability",),
    OptionalField.travel_from: ("travel_region", "travel_district"),
    OptionalField.travel_dates: ("arrival_date", "departure_date"),
    OptionalField.accommodation: ("accommodation",),
}


def event_days(event: Event) -> list[date]:
    """The local dates the event runs on."""
    zone = ZoneInfo(event.timezone)
    first = event.start_at.astimezone(zone).date()
    end = event.end_at.astimezone(zone)
    last = (end - timedelta(microseconds=1)).date() if event.all_day or end.time() == end.time().min else end.date()
    last = max(first, last)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass
class Extra:
    """What an event's own form adds to a registration, checked."""

    answers: dict[str, Any] = field(default_factory=dict)
    standard: dict[str, Any] = field(default_factory=dict)
    asked: set[str] = field(default_factory=set)  # ids of the live questions (their answers are replaced)


def check_standard(
    settings: EventFormSettings, event: Event, values: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The switched-on optional fields from `values` (already of the right types by the schema);
    the arrival and departure must fall around the event's dates. Fields not switched on are left
    out (so an old client's value does not land where the organiser asked nothing)."""
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, columns in STANDARD_FIELDS.items():
        if asks(settings, name):
            for column in columns:
                out[column] = values.get(column)
    if asks(settings, OptionalField.travel_dates):
        days = event_days(event)
        # Travellers come the evening before and leave the morning after: a day either side.
        first, last = days[0] - timedelta(days=1), days[-1] + timedelta(days=1)
        for column in ("arrival_date", "departure_date"):
            value = out.get(column)
            if value is not None and not (first <= value <= last):
                errors[column] = _("дата вне мероприятия: выберите между %(first)s и %(last)s") % {
                    "first": first.strftime("%d.%m.%Y"),
                    "last": last.strftime("%d.%m.%Y"),
                }
        a, d = out.get("arrival_date"), out.get("departure_date")
        if a and d and d < a and "departure_date" not in errors:
            errors["departure_date"] = _("дата отъезда раньше даты приезда")
    return out, errors


def check_extra(
    db: Session, event: Event, *, standard: Mapping[str, Any], answers: Mapping[str, Any], field_of: Any = None
) -> Extra:
    """The event's optional fields and questions of one registration; Invalid lists every problem."""
    settings = form_settings(db, event)
    std, errors = check_standard(settings, event, standard)
    qs = questions(db, event)
    got, answer_errors = check_answers(qs, answers, field_of=field_of)
    errors |= answer_errors
    if errors:
        raise Invalid(_("Проверьте поля формы"), fields=errors)
    return Extra(answers=got, standard=std, asked={str(q.id) for q in qs})


def apply_extra(reg: Registration, extra: Extra) -> None:
    for column, value in extra.standard.items():
        setattr(reg, column, value)
    # Answers to archived questions stay; the live questions' answers are replaced.
    reg.answers = {k: v for k, v in (reg.answers or {}).items() if k not in extra.asked} | extra.answers


# --- figures ---


def choice_statistics(
    db: Session, event: Event, rows: list[tuple[dict[str, Any], bool]]
) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """Per choice question: (title, [(choice, registered, attended)]) from (answers, attended) rows."""
    out = []
    for q in questions(db, event):
        if q.kind not in CHOICE_KINDS and q.kind != QK.yes_no:
            continue
        options = choice_labels(q) if q.kind in CHOICE_KINDS else [("true", _(YES)), ("false", _(NO))]
        counts = {k: [0, 0] for k, _label in options}
        none = [0, 0]
        for answers, attended in rows:
            value = answers.get(str(q.id))
            keys = value if isinstance(value, list) else [] if value is None else [value]
            keys = [str(k).lower() if isinstance(k, bool) else str(k) for k in keys]
            hit = [k for k in keys if k in counts]
            for k in hit:
                counts[k][0] += 1
                counts[k][1] += attended
            if not hit:
                none[0] += 1
                none[1] += attended
        table = [(text, counts[k][0], counts[k][1]) for k, text in options]
        if none[0]:
            table.append((_("Не указано"), none[0], none[1]))
        out.append((label(q), table))
    return out
