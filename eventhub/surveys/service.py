"""Feedback questionnaires of an event: writing one (questions in ru/ky/en), answering it from
the participant's private link (once), the results (counts, means, texts) and the change
between a pre and a post questionnaire of the same questions, paired per participant.

Anonymous questionnaires store no registration with the answers, only a hash of the
participant's link and the questionnaire: one answer per link, the answer not linked to a
name in the database."""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from eventhub.core.errors import Conflict, Invalid, NotFound
from eventhub.core.i18n import _, current_language
from eventhub.core.models import (
    Event,
    Language,
    Registration,
    RegistrationStatus,
    Survey,
    SurveyAnswer,
    SurveyPhase,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyResponse,
    id_of,
)
from eventhub.core.text import bad_char
from eventhub.core.tokens import hash_token

K = SurveyQuestionKind
LANGUAGES = tuple(lang.value for lang in Language)
MAX_QUESTIONS = 40
MAX_TEXT = 2000
MAY_ANSWER = (RegistrationStatus.confirmed, RegistrationStatus.attended, RegistrationStatus.pending)


# --- writing a questionnaire: one question a line, "kind: text | option | option" ---


@dataclass
class QuestionDraft:
    kind: str
    text: dict[str, str]  # language -> text
    options: dict[str, list[str]] = field(default_factory=dict)
    required: bool = False


def parse_questions(sources: dict[str, str]) -> list[QuestionDraft]:
    """The questions as staff type them, one a line in each language (ru first; ky and en may
    be empty or have the same lines): `rating: How useful was it?`, `single: Where did you hear
    of it? | Facebook | Colleagues`, `multiple: ...`, `text: What should change?`, a `*` after
    the kind for a required answer (`rating*: ...`)."""
    errors: dict[str, str] = {}
    lines = {lang: [ln.strip() for ln in (sources.get(lang) or "").splitlines() if ln.strip()] for lang in LANGUAGES}
    ru = lines["ru"]
    if not ru:
        raise Invalid(_("Проверьте вопросы"), fields={"questions_ru": _("напишите хотя бы один вопрос")})
    if len(ru) > MAX_QUESTIONS:
        errors["questions_ru"] = _("не больше %(n)s вопросов") % {"n": MAX_QUESTIONS}
    drafts = []
    for n, line in enumerate(ru, 1):
        kind, sep, rest = line.partition(":")
        kind = kind.strip().lower()
        required = kind.endswith("*")
        kind = kind.rstrip("*").strip()
        parts = [p.strip() for p in rest.split("|")]
        if not sep or kind not in K.__members__ or not parts[0]:
            errors["questions_ru"] = _(
                "строка %(n)s: начните с вида вопроса (rating, single, multiple, text), двоеточия и текста"
            ) % {"n": n}
            break
        options = [p for p in parts[1:] if p]
        if kind in (K.single, K.multiple) and len(options) < 2:
            errors["questions_ru"] = _("строка %(n)s: нужно не меньше двух вариантов через «|»") % {"n": n}
            break
        if kind in (K.rating, K.text) and options:
            errors["questions_ru"] = _("строка %(n)s: у этого вида вопроса нет вариантов") % {"n": n}
            break
        if any(len(p) > 500 or bad_char(p) for p in parts):
            errors["questions_ru"] = _("строка %(n)s: текст длиннее 500 символов или с управляющими символами") % {
                "n": n
            }
            break
        drafts.append(QuestionDraft(kind, {"ru": parts[0]}, {"ru": options} if options else {}, required))
    for lang in ("ky", "en"):
        other = lines[lang]
        if not other or errors:
            continue
        if len(other) != len(ru):
            errors[f"questions_{lang}"] = _("столько же строк, сколько вопросов на русском (%(n)s)") % {"n": len(ru)}
            continue
        for n, (draft, line) in enumerate(zip(drafts, other, strict=True), 1):
            head, sep, rest = line.partition(":")
            if sep and head.strip().lower().rstrip("*").strip() in K.__members__:
                line = rest  # the kind may be repeated; it is the Russian line's
            parts = [p.strip() for p in line.split("|")]
            if not parts[0] or len(parts) - 1 != len(draft.options.get("ru", [])):
                errors[f"questions_{lang}"] = _(
                    "строка %(n)s: тот же вопрос и столько же вариантов, что на русском"
                ) % {"n": n}
                break
            draft.text[lang] = parts[0][:500]
            if parts[1:]:
                draft.options[lang] = [p[:500] for p in parts[1:]]
    if errors:
        raise Invalid(_("Проверьте вопросы"), fields=errors)
    return drafts


def create_survey(
    db: Session, *, event: Event, title: str, phase: str, anonymous: bool, intro: str | None, sources: dict[str, str]
) -> Survey:
    errors = {}
    title = (title or "").strip()
    if not title or len(title) > 300 or bad_char(title):
        errors["title"] = _("напишите название (до 300 символов)")
    if phase not in SurveyPhase.__members__:
        errors["phase"] = _("неизвестное значение")
    if intro and (len(intro) > MAX_TEXT or bad_char(intro, multiline=True)):
        errors["intro"] = _("не длиннее %(n)s символов, без управляющих символов") % {"n": MAX_TEXT}
    try:
        drafts = parse_questions(sources)
    except Invalid as exc:
        errors |= exc.fields
    if errors:
        raise Invalid(_("Проверьте поля опроса"), fields=errors)
    survey = Survey(event_id=id_of(event), title=title, phase=phase, anonymous=anonymous, intro=intro or None)
    db.add(survey)
    db.flush()
    for n, d in enumerate(drafts):
        translations: dict[str, dict[str, Any]] = {
            lang: {"text": d.text[lang], **({"options": d.options[lang]} if lang in d.options else {})}
            for lang in ("ky", "en")
            if lang in d.text
        }
        db.add(
            SurveyQuestion(
                survey_id=id_of(survey), position=n, kind=d.kind, text=d.text["ru"], options=d.options.get("ru", []),
                required=d.required, translations=translations,
            )
        )  # fmt: skip
    db.flush()
    return survey


def questions(db: Session, survey: Survey) -> list[SurveyQuestion]:
    return list(
        db.exec(
            select(SurveyQuestion).where(SurveyQuestion.survey_id == survey.id).order_by(col(SurveyQuestion.position))
        )
    )


def text_of(question: SurveyQuestion, lang: str | None = None) -> tuple[str, list[str]]:
    """The question and its options in `lang` (the reader's), falling back to Russian."""
    version = question.translations.get(lang or current_language()) or {}
    options = version.get("options") or question.options
    return version.get("text") or question.text, list(options) if len(options) == len(
        question.options
    ) else question.options


def surveys_of(db: Session, event_id: int) -> list[Survey]:
    return list(db.exec(select(Survey).where(Survey.event_id == event_id).order_by(col(Survey.id))))


def survey_of(db: Session, event: Event, survey_id: int) -> Survey:
    survey = db.get(Survey, survey_id) if 0 < survey_id < 2**31 else None
    if survey is None or survey.event_id != event.id:
        raise NotFound(_("Опрос не найден"))
    return survey


# --- answering ---


def link_hash(survey: Survey, reg: Registration) -> str:
    """One per participant and questionnaire; from the registration's stored token hash, so an
    anonymous answer keeps no registration id."""
    return hashlib.sha256(f"survey:{survey.id}:{reg.token_hash}".encode()).hexdigest()


def registration_by_token(db: Session, token: str) -> Registration:
    reg = None
    if token and len(token) <= 100:
        reg = db.exec(select(Registration).where(Registration.token_hash == hash_token(token))).first()
    if reg is None:
        raise NotFound(_("Ссылка недействительна или устарела"))
    return reg


def open_surveys(db: Session, reg: Registration) -> list[tuple[Survey, bool]]:
    """The questionnaires a participant may answer, and whether they have."""
    if reg.status not in MAY_ANSWER:
        return []
    found = [s for s in surveys_of(db, reg.event_id) if s.is_open]
    hashes = {link_hash(s, reg) for s in found}
    answered = set(
        db.exec(
            select(SurveyResponse.survey_id).where(col(SurveyResponse.link_hash).in_(hashes))
        )
    ) if hashes else set()  # fmt: skip
    return [(s, s.id in answered) for s in found]


def answered(db: Session, survey: Survey, reg: Registration) -> bool:
    return (
        db.exec(
            select(SurveyResponse.id).where(
                SurveyResponse.survey_id == survey.id, SurveyResponse.link_hash == link_hash(survey, reg)
            )
        ).first()
        is not None
    )


def parse_answers(qs: list[SurveyQuestion], form: dict[str, list[str]]) -> tuple[dict[int, Any], dict[str, str]]:
    """The answers of a form (`q<id>` fields), and what is wrong, per field."""
    values: dict[int, Any] = {}
    errors: dict[str, str] = {}
    for q in qs:
        name = f"q{q.id}"
        raw = [v.strip() for v in form.get(name, []) if v.strip()]
        if not raw:
            if q.required:
                errors[name] = _("ответьте на этот вопрос")
            continue
        if q.kind == K.rating:
            if len(raw) != 1 or raw[0] not in ("1", "2", "3", "4", "5"):
                errors[name] = _("оценка — число от 1 до 5")
            else:
                values[id_of(q)] = int(raw[0])
        elif q.kind in (K.single, K.multiple):
            try:
                picked = sorted({int(v) for v in raw})
            except ValueError:
                picked = [-1]
            if any(not 0 <= i < len(q.options) for i in picked) or (q.kind == K.single and len(picked) != 1):
                errors[name] = (
                    _("выберите из предложенных вариантов") if q.kind == K.multiple else _("выберите один вариант")
                )
            else:
                values[id_of(q)] = picked
        else:
            text = "\n".join(raw)
            if len(text) > MAX_TEXT or bad_char(text, multiline=True):
                errors[name] = _("не длиннее %(n)s символов, без управляющих символов") % {"n": MAX_TEXT}
            else:
                values[id_of(q)] = text
    return values, errors


def answer(db: Session, *, survey: Survey, reg: Registration, form: dict[str, list[str]]) -> SurveyResponse:
    """Store one participant's answers; a second answer is refused (409), a wrong one (422)
    stores nothing."""
    if not survey.is_open:
        raise Conflict(_("Опрос закрыт"))
    if survey.event_id != reg.event_id or reg.status not in MAY_ANSWER:
        raise NotFound(_("Опрос не найден"))
    if answered(db, survey, reg):
        raise Conflict(_("Вы уже ответили на этот опрос — спасибо!"))
    qs = questions(db, survey)
    values, errors = parse_answers(qs, form)
    if errors:
        raise Invalid(_("Проверьте ответы"), fields=errors)
    response = SurveyResponse(
        survey_id=id_of(survey),
        registration_id=None if survey.anonymous else id_of(reg),
        link_hash=link_hash(survey, reg),
    )
    db.add(response)
    db.flush()  # the unique (survey, link) stops a second answer sent at the same moment
    kinds = {id_of(q): q.kind for q in qs}
    for qid, value in values.items():
        kind = kinds[qid]
        db.add(
            SurveyAnswer(
                response_id=id_of(response), question_id=qid,
                rating=value if kind == K.rating else None,
                choices=value if kind in (K.single, K.multiple) else [],
                text=value if kind == K.text else None,
            )
        )  # fmt: skip
    db.flush()
    return response


# --- results ---


@dataclass
class QuestionResult:
    question: SurveyQuestion
    text: str
    options: list[str]
    answers: int
    counts: list[int]  # ratings 1–5, or per option
    mean: float | None = None
    texts: list[str] = field(default_factory=list)


def results(db: Session, survey: Survey) -> tuple[int, list[QuestionResult]]:
    """How many answered, and per question: counts (ratings 1–5 or options), the mean rating, the texts."""
    qs = questions(db, survey)
    responses = db.exec(select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id)).all()
    rows = db.exec(
        select(SurveyAnswer)
        .join(SurveyResponse, col(SurveyResponse.id) == col(SurveyAnswer.response_id))
        .where(SurveyResponse.survey_id == survey.id)
        .order_by(col(SurveyAnswer.id))
    ).all()
    by_question: dict[int, list[SurveyAnswer]] = {}
    for a in rows:
        by_question.setdefault(a.question_id, []).append(a)
    out = []
    for q in qs:
        text, options = text_of(q)
        got = by_question.get(id_of(q), [])
        if q.kind == K.rating:
            counter = Counter(a.rating for a in got)
            counts = [counter[i] for i in range(1, 6)]
            mean = round(sum(i * n for i, n in zip(range(1, 6), counts, strict=True)) / len(got), 2) if got else None
            out.append(QuestionResult(q, text, [str(i) for i in range(1, 6)], len(got), counts, mean))
        elif q.kind in (K.single, K.multiple):
            counter = Counter(i for a in got for i in a.choices)
            out.append(QuestionResult(q, text, options, len(got), [counter[i] for i in range(len(options))]))
        else:
            out.append(QuestionResult(q, text, [], len(got), [], texts=[a.text or "" for a in got]))
    return len(responses), out


@dataclass
class Change:
    text: str
    pairs: int
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.after is None else round(self.after - self.before, 2)


def pre_post(db: Session, event_id: int) -> list[Change] | None:
    """The mean change of each rating question from the pre to the post questionnaire, over the
    participants who answered both (not anonymous; questions paired by position and kind)."""
    found = surveys_of(db, event_id)
    pre = next((s for s in found if s.phase == SurveyPhase.pre and not s.anonymous), None)
    post = next((s for s in found if s.phase == SurveyPhase.post and not s.anonymous), None)
    if pre is None or post is None:
        return None

    def ratings(survey: Survey) -> dict[tuple[int, int], int]:  # (registration, position) -> rating
        rows = db.exec(
            select(SurveyResponse.registration_id, SurveyQuestion.position, SurveyAnswer.rating)
            .join(SurveyAnswer, col(SurveyAnswer.response_id) == col(SurveyResponse.id))
            .join(SurveyQuestion, col(SurveyQuestion.id) == col(SurveyAnswer.question_id))
            .where(SurveyResponse.survey_id == survey.id, col(SurveyAnswer.rating).is_not(None))
        ).all()
        return {(r, p): v for r, p, v in rows if r is not None and v is not None}

    before, after = ratings(pre), ratings(post)
    post_qs = {q.position: q for q in questions(db, post)}
    out = []
    for q in questions(db, pre):
        other = post_qs.get(q.position)
        if q.kind != K.rating or other is None or other.kind != K.rating:
            continue
        keys = [k for k in before if k[1] == q.position and k in after]
        out.append(Change(text_of(q)[0], len(keys), _mean(before, keys), _mean(after, keys)))
    return out


def _mean(values: dict[tuple[int, int], int], keys: list[tuple[int, int]]) -> float | None:
    return round(sum(values[k] for k in keys) / len(keys), 2) if keys else None
