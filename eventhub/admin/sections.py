"""The event as one workspace: the sections every staff page about an event shows, in one list.

A domain that adds pages about an event adds one `Section` to `SECTIONS` (or calls `add`); its
templates extend "admin/_layout.html" and call `{{ event_workspace(event) }}` from
"admin/_workspace.html" (the heading, the sections the reader may open, the current
section's sub-pages). Paths are templates with `{slug}`; who sees a section is a question to
accounts.permissions, so a link is shown exactly when its page would open.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlmodel import Session

from eventhub.accounts.permissions import GRANTS, Action, can, can_check_in, can_edit_event
from eventhub.accounts.scopes import release_event_allowed
from eventhub.core.i18n import N_, _
from eventhub.core.models import Event, StaffUser

Check = Callable[[Session, StaffUser, Event], bool]


def editor(db: Session, user: StaffUser, event: Event) -> bool:
    return can_edit_event(db, user, event)


def door(db: Session, user: StaffUser, event: Event) -> bool:
    return can_check_in(db, user, event)


def press(db: Session, user: StaffUser, event: Event) -> bool:
    return can(user, Action.write_releases) and release_event_allowed(db, user, event.id)


def auditor(db: Session, user: StaffUser, event: Event) -> bool:
    return can(user, Action.read_audit) and can_edit_event(db, user, event)


@dataclass(frozen=True)
class Section:
    key: str
    label: str  # an N_() msgid, translated when shown
    path: str  # "/admin/events/{slug}/…"; a query string is allowed
    allowed: Check
    # Sub-pages shown under the section when it is current: (label msgid, path, who).
    pages: tuple[tuple[str, str, Check], ...] = ()
    # Further path prefixes that belong to this section (the longest match wins).
    also: tuple[str, ...] = field(default=())


REG = "/admin/events/{slug}/registrations"
SECTIONS: list[Section] = [
    Section("details", N_("Описание"), "/admin/events/{slug}", editor,
            also=("/admin/events/{slug}/publish", "/admin/events/{slug}/postpone", "/admin/events/{slug}/cancel")),
    Section("programme", N_("Программа"), "/admin/events/{slug}/agenda", editor, also=("/admin/events/{slug}/sessions",)),
    Section("organisations", N_("Организации"), "/admin/events/{slug}/organisations", editor),
    Section("translations", N_("Переводы"), "/admin/events/{slug}/translations", editor),
    Section("registrations", N_("Регистрации"), REG, editor, pages=(
        (N_("Список"), REG, editor),
        (N_("Статистика"), REG + "/stats", editor),
        (N_("Импорт"), REG + "/import", editor),
        (N_("Форма и вопросы"), REG + "/form", editor),
        (N_("Документы"), REG + "/papers", editor),
        (N_("Сотрудники на входе"), REG + "/checkin-staff", editor),
        (N_("Таблица CSV"), REG + "/export.csv", editor),
        (N_("Таблица XLSX"), REG + "/export.xlsx", editor),
    )),
    Section("checkin", N_("Отметка на входе"), REG + "/checkin", door, pages=(
        (N_("Отметка на входе"), REG + "/checkin", door),
        (N_("Лист регистрации"), REG + "/sign-in", door),
    ), also=(REG + "/sign-in",)),
    Section("invitations", N_("Приглашения"), REG + "/invitations", editor),
    Section("messages", N_("Сообщения"), REG + "/messages", editor, pages=(
        (N_("Сообщения"), REG + "/messages", editor),
        (N_("Напоминания"), REG + "/reminders", editor),
        ("WhatsApp", REG + "/phones", editor),
        (N_("Очередь писем"), REG + "/outbox", editor),
    ), also=(REG + "/reminders", REG + "/phones", REG + "/outbox")),
    Section("press", N_("Пресса"), "/admin/press?event={slug}", press, pages=(
        (N_("Публикации"), "/admin/press?event={slug}", press),
        (N_("Аккредитация"), "/admin/press/accreditation?event={slug}", press),
    ), also=("/admin/press/accreditation?event={slug}",)),
    Section("results", N_("Итоги"), "/admin/events/{slug}/report", editor, pages=(
        (N_("Итоги"), "/admin/events/{slug}/report", editor),
        (N_("Рекомендации"), "/admin/events/{slug}/recommendations", editor),
        (N_("Материалы"), "/admin/events/{slug}/materials", editor),
        (N_("Опросы"), "/admin/events/{slug}/surveys", editor),
    ), also=("/admin/events/{slug}/recommendations", "/admin/events/{slug}/materials", "/admin/events/{slug}/surveys")),
    Section("history", N_("История"), "/admin/events/{slug}/history", auditor),
]  # fmt: skip


def add(section: Section, *, before: str | None = None) -> None:
    """Join the workspace (another domain's pages); `before` is the key of a section to precede."""
    keys = [s.key for s in SECTIONS]
    if section.key in keys:
        SECTIONS[keys.index(section.key)] = section
        return
    SECTIONS.insert(keys.index(before) if before in keys else len(SECTIONS), section)


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    current: bool


@dataclass(frozen=True)
class Workspace:
    sections: list[Link]
    pages: list[Link]  # the current section's sub-pages (empty when it has none)
    current: str | None  # the current section's key


def _matches(target: str, path: str, query: str) -> int:
    """How well the page at path?query is `target`: the target's length if it is that page or
    one below it, else 0 (a target with a query string must match it too)."""
    base, _sep, want = target.partition("?")
    if path != base and not path.startswith(base.rstrip("/") + "/"):
        return 0
    if want and want not in query.split("&"):
        return 0
    return len(target)


def workspace(db: Session, user: StaffUser, event: Event, path: str, query: str = "") -> Workspace:
    """The sections of `event` that `user` may open, and which one the page at `path` is in."""
    answers: dict[Check, bool] = {}

    def allowed(check: Check) -> bool:
        if check not in answers:
            answers[check] = check(db, user, event)
        return answers[check]

    def fill(template: str) -> str:
        return template.format(slug=event.slug)

    shown = [s for s in SECTIONS if allowed(s.allowed)]
    scores = {s.key: max(_matches(fill(t), path, query) for t in (s.path, *s.also)) for s in shown}
    best = max(scores.values(), default=0)
    current = next((s for s in shown if best and scores[s.key] == best), None)
    pages: list[Link] = []
    if current is not None and len(current.pages) > 1:
        page_scores = [(_matches(fill(p), path, query), fill(p)) for _l, p, _c in current.pages]
        top = max(score for score, _href in page_scores)
        pages = [
            Link(_(label), fill(p), bool(top) and _matches(fill(p), path, query) == top)
            for label, p, check in current.pages
            if allowed(check)
        ]
    links = [Link(_(s.label), fill(s.path), s is current) for s in shown]
    return Workspace(links, pages, current.key if current else None)


def workspace_for(request: Request, event: Event) -> Workspace | None:
    """The template's way in: the request's session and signed-in staff user (admin.deps)."""
    db: Session | None = getattr(request.state, "unit_of_work", None)
    user: StaffUser | None = getattr(request.state, "admin_user", None)
    if db is None or user is None or event is None:
        return None
    return workspace(db, user, event, request.url.path, request.url.query)


def perms_of(user: Any) -> set[str]:
    """What the user may do, as the names templates test (`'edit_events' in perms`)."""
    return {str(a) for a in GRANTS.get(user.role, ())} if user is not None else set()
