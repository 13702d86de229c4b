"""Press releases: what the public sees (published, or scheduled with the embargo passed),
and writing them (checked whole before anything is stored)."""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.base import ExecutableOption
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from eventhub.accounts import scopes
from eventhub.core import audit, search
from eventhub.core.errors import Invalid, NotFound
from eventhub.core.i18n import _
from eventhub.core.models import (
    PUBLIC_EVENT_STATUSES,
    Event,
    EventOrganisation,
    Language,
    Organisation,
    PressContact,
    PressRelease,
    PressReleaseContact,
    PressReleaseStatus,
    PressReleaseType,
    Registration,
    RegistrationCategory,
    StaffUser,
    id_of,
    rel,
)
from eventhub.core.text import search_key, unique_slug
from eventhub.core.versions import check_versions
from eventhub.events.service import event_not_found, known_slugs
from eventhub.events.translations import RELEASE_FIELDS
from eventhub.press.schemas import PressReleaseWrite

# --- what is public ---


def visible_clause(now: datetime) -> sa.ColumnElement[bool]:
    """The one definition of 'public' for releases, used by pages, feeds and the API."""
    return sa.or_(
        sa.and_(col(PressRelease.status) == PressReleaseStatus.published, col(PressRelease.published_at) <= now),
        sa.and_(col(PressRelease.status) == PressReleaseStatus.scheduled, col(PressRelease.embargo_until) <= now),
    )


def is_visible(release: PressRelease, now: datetime) -> bool:
    """visible_clause for a loaded release (the admin pages say whether it is public yet)."""
    if release.status == PressReleaseStatus.published:
        return release.published_at is not None and release.published_at <= now
    if release.status == PressReleaseStatus.scheduled:
        return release.embargo_until is not None and release.embargo_until <= now
    return False


def public_date(release: PressRelease) -> datetime | None:
    """When the release became public: its publication time, or the end of its embargo."""
    return release.published_at or release.embargo_until


def entry_updated(release: PressRelease) -> datetime:
    """The last change a reader can see: never before the release became public."""
    published = public_date(release)
    return max(release.updated_at, published) if published else release.updated_at


@dataclass(frozen=True)
class ReleaseFilters:
    event: str | None = None  # slug
    organisation: str | None = None  # slug
    language: str | None = None
    type: str | None = None
    q: str | None = None  # words found by the search index (title, lead, body, event)

    def validate(self) -> "ReleaseFilters":
        """Unknown values are a 422 with the field named, not an empty list."""
        fields = {}
        if self.language and self.language not in Language.__members__.values():
            fields["language"] = _("неизвестный язык: %(language)s; допустимые: ru, ky, en") % {
                "language": self.language
            }
        if self.type and self.type not in PressReleaseType.__members__.values():
            fields["type"] = _("неизвестный вид публикации: %(type)s") % {"type": self.type}
        for name in ("event", "organisation"):
            value = getattr(self, name)
            if value is not None and len(value) > 160:
                fields[name] = _("слишком длинное значение")
        if self.q is not None and len(self.q) > 200:
            fields["q"] = _("запрос длиннее %(max)d символов") % {"max": 200}
        if fields:
            raise Invalid(_("Неверные параметры фильтра"), fields=fields)
        return self


def check_filter_slugs(db: Session, filters: ReleaseFilters) -> dict[str, Any]:
    """The public event and the organisation that `filters` name (an unknown one is a 4xx),
    checked as the event filters are (``events.service.known_slugs``)."""
    return known_slugs(
        db,
        filters,
        (
            (
                "event",
                Event,
                lambda slug: _("Мероприятие «%(slug)s» не найдено") % {"slug": slug},
                (col(Event.status).in_(PUBLIC_EVENT_STATUSES),),
            ),
            ("organisation", Organisation, lambda slug: _("неизвестная организация") + f": {slug}", ()),
        ),
    )


def _options() -> tuple[ExecutableOption, ...]:
    return (
        selectinload(rel(PressRelease.contacts))
        .selectinload(rel(PressReleaseContact.contact))
        .selectinload(rel(PressContact.organisation)),
        selectinload(rel(PressRelease.event)),
    )


def _filtered(query: SelectOfScalar[PressRelease], filters: ReleaseFilters) -> SelectOfScalar[PressRelease]:
    if filters.event:
        query = query.where(col(PressRelease.event_id).in_(select(Event.id).where(Event.slug == filters.event)))
    if filters.organisation:
        org_ids = select(Organisation.id).where(Organisation.slug == filters.organisation)
        query = query.where(
            sa.or_(
                col(PressRelease.event_id).in_(
                    select(EventOrganisation.event_id).where(col(EventOrganisation.organisation_id).in_(org_ids))
                ),
                col(PressRelease.id).in_(
                    select(PressReleaseContact.release_id)
                    .join(PressContact, col(PressContact.id) == col(PressReleaseContact.contact_id))
                    .where(col(PressContact.organisation_id).in_(org_ids))
                ),
            )
        )
    if filters.language:
        # The original language, or a translation of the title in that language.
        query = query.where(
            sa.or_(
                col(PressRelease.original_language) == filters.language,
                col(PressRelease.translations)[filters.language]["title"].as_string().is_not(None),
            )
        )
    if filters.type:
        query = query.where(PressRelease.type == filters.type)
    if filters.q is not None and filters.q.strip():
        query = query.where(col(PressRelease.id).in_(search.matching_ids("press", filters.q)))
    return query


def _newest_first() -> tuple[sa.UnaryExpression[Any], ...]:
    newest = sa.func.coalesce(PressRelease.published_at, PressRelease.embargo_until)
    return newest.desc(), col(PressRelease.id).desc()


def list_public_releases(
    db: Session,
    *,
    now: datetime,
    filters: ReleaseFilters | None = None,
    event_id: int | None = None,
    offset: int = 0,
    limit: int = 20,
) -> tuple[list[PressRelease], int]:
    """Public releases, newest first."""
    query = _filtered(select(PressRelease).where(visible_clause(now)), (filters or ReleaseFilters()).validate())
    if event_id is not None:
        query = query.where(PressRelease.event_id == event_id)
    total = db.exec(select(sa.func.count()).select_from(query.subquery())).one()
    rows = db.exec(query.options(*_options()).order_by(*_newest_first()).offset(offset).limit(limit))
    return list(rows.all()), total


def get_public_release(db: Session, slug: str, *, now: datetime) -> PressRelease:
    release = db.exec(
        select(PressRelease).where(PressRelease.slug == slug, visible_clause(now)).options(*_options())
    ).first()
    if release is None:
        raise NotFound(_("Публикация «%(slug)s» не найдена") % {"slug": slug})
    return release


def get_public_event_brief(db: Session, slug: str) -> Event:
    """A public event without its agenda (what a per-event feed needs)."""
    event = db.exec(select(Event).where(Event.slug == slug, col(Event.status).in_(PUBLIC_EVENT_STATUSES))).first()
    if event is None:
        raise event_not_found(db, slug)
    return event


def filter_choices(db: Session, *, now: datetime) -> dict[str, list[Event] | list[Organisation]]:
    """Events and organisations that have public releases: the options of the press room filters."""
    visible = select(PressRelease.event_id).where(visible_clause(now), col(PressRelease.event_id).is_not(None))
    events = db.exec(
        select(Event)
        .where(col(Event.id).in_(visible), col(Event.status).in_(PUBLIC_EVENT_STATUSES))
        .order_by(col(Event.start_at).desc())
    ).all()
    orgs = db.exec(
        select(Organisation)
        .where(
            col(Organisation.id).in_(
                select(EventOrganisation.organisation_id).where(col(EventOrganisation.event_id).in_(visible))
            )
        )
        .order_by(Organisation.name)
    ).all()
    return {"events": list(events), "organisations": list(orgs)}


# --- staff: reading everything ---


def list_all_releases(
    db: Session,
    *,
    user: StaffUser,
    status: str | None = None,
    event_slug: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[PressRelease], int]:
    """The releases `user` may change, drafts too, newest change first (the admin list);
    with `event_slug`, those about that event (its workspace's press section)."""
    if status and status not in PressReleaseStatus.__members__.values():
        raise Invalid(
            _("Неверные параметры фильтра"), fields={"status": _("неизвестный статус: %(status)s") % {"status": status}}
        )
    query = select(PressRelease).where(scopes.releases_clause(db, user))
    if status:
        query = query.where(PressRelease.status == status)
    if event_slug:
        query = query.where(col(PressRelease.event_id).in_(select(Event.id).where(Event.slug == event_slug)))
    total = db.exec(select(sa.func.count()).select_from(query.subquery())).one()
    rows = db.exec(
        query.options(selectinload(rel(PressRelease.event)))
        .order_by(col(PressRelease.updated_at).desc(), col(PressRelease.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows.all()), total


def get_release(
    db: Session, *, user: StaffUser, release_id: int | None = None, slug: str | None = None
) -> PressRelease:
    """A release `user` may change, whatever its status; another organisation's is not found."""
    return scopes.release_or_404(db, user, release_id=release_id, slug=slug, options=_options())


def list_contacts(db: Session) -> list[PressContact]:
    """Every press contact, for the release form."""
    return list(
        db.exec(
            select(PressContact).options(selectinload(rel(PressContact.organisation))).order_by(PressContact.name)
        ).all()
    )


def list_events_for_form(db: Session, user: StaffUser) -> list[Event]:
    """The events a release of `user` may be about (no other organisation's drafts)."""
    return list(
        db.exec(select(Event).where(scopes.press_events_clause(db, user)).order_by(col(Event.start_at).desc())).all()
    )


def press_accreditations(
    db: Session, *, user: StaffUser, event_slug: str | None = None
) -> list[tuple[Event, list[Registration]]]:
    """Journalists registered with the category press, grouped by event (newest event first),
    at the events whose accreditations `user` sees."""
    query = (
        select(Registration, Event)
        .join(Event, col(Event.id) == col(Registration.event_id))
        .where(Registration.category == RegistrationCategory.press, scopes.press_events_clause(db, user))
        .order_by(col(Event.start_at).desc(), col(Event.id), col(Registration.created_at), col(Registration.id))
    )
    if event_slug:
        query = query.where(Event.slug == event_slug)
    grouped: dict[int, tuple[Event, list[Registration]]] = {}
    for registration, event in db.exec(query).all():
        grouped.setdefault(id_of(event), (event, []))[1].append(registration)
    return list(grouped.values())


# --- writing ---


@dataclass
class _Checked:
    values: dict[str, Any]
    contact_ids: list[int] | None
    new_contacts: list[dict[str, Any]]
    roles: dict[int, str | None] | None = None  # by contact id; None keeps the stored roles


def _check_contact(db: Session, c: Any, prefix: str, fields: dict[str, str]) -> dict[str, Any]:
    """A new contact's references (its texts were checked by PressContactInput)."""
    out: dict[str, Any] = {
        "name": c.name,
        "role": c.role,
        "organisation_name": c.organisation_name,
        "organisation_id": None,
        "phones": list(dict.fromkeys(c.phones)),
        "email": c.email,
    }
    if c.organisation:
        org = db.exec(select(Organisation).where(Organisation.slug == c.organisation)).first()
        if org is None:
            fields[f"{prefix}.organisation"] = _("нет организации «%(value)s» в справочнике") % {
                "value": c.organisation[:60]
            }
        else:
            out["organisation_id"] = org.id
    if not out["phones"] and not out["email"]:
        fields[f"{prefix}.phones"] = _("укажите хотя бы один телефон или адрес электронной почты")
    return out


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def check_release(
    db: Session, data: PressReleaseWrite, *, now: datetime, release: PressRelease | None = None
) -> _Checked:
    """Every rule of `data` beyond its fields' own (checked by PressReleaseWrite): what it refers
    to, what the status allows; raises Invalid with a message per field.

    Nothing is added to the session here, so a refused write leaves nothing behind."""
    sent = data.model_fields_set if release is not None else set(PressReleaseWrite.model_fields)
    fields: dict[str, str] = {}
    values: dict[str, Any] = {}

    for name in ("type", "title"):
        if name in sent:
            if getattr(data, name) is None:
                fields[name] = _("обязательное поле")
            values[name] = _plain(getattr(data, name))
    for name in ("lead", "source_note"):
        if name in sent:
            values[name] = getattr(data, name)
    if "body" in sent:
        values["body"] = data.body or ""
    if "language" in sent:
        values["original_language"] = _plain(data.language) or Language.ru.value
    if "translations" in sent and data.translations is not None:
        original = values.get("original_language") or (release.original_language if release else Language.ru.value)
        try:
            values["translations"] = check_versions(original, RELEASE_FIELDS, data.translations)
        except Invalid as exc:
            fields |= exc.fields
    if "event" in sent:
        values["event_id"] = None
        if data.event:
            event = db.exec(select(Event).where(Event.slug == data.event)).first()
            if event is None:
                fields["event"] = _("мероприятие «%(value)s» не найдено") % {"value": data.event}
            else:
                values["event_id"] = event.id
    if "slug" in sent and data.slug:
        if release is not None and data.slug != release.slug and release.status != PressReleaseStatus.draft:
            fields["slug"] = _("адрес опубликованной публикации не меняется: на него уже могут ссылаться")
        else:
            values["slug"] = data.slug

    contact_ids: list[int] | None = None
    if "contacts" in sent and data.contacts is not None:
        slugs = list(data.contacts)
        found = (
            {c.slug: id_of(c) for c in db.exec(select(PressContact).where(col(PressContact.slug).in_(slugs))).all()}
            if slugs
            else {}
        )
        missing = [s for s in slugs if s not in found]
        if missing:
            fields["contacts"] = _("нет таких контактов: ") + ", ".join(m[:60] for m in missing[:5])
        contact_ids = list(dict.fromkeys(found[s] for s in slugs if s in found))
    roles: dict[int, str | None] | None = None
    if "contact_roles" in sent and data.contact_roles is not None:
        wanted = data.contact_roles
        ids = (
            {
                c.slug: id_of(c)
                for c in db.exec(select(PressContact).where(col(PressContact.slug).in_(list(wanted)))).all()
            }
            if wanted
            else {}
        )
        if unknown := [s for s in wanted if s not in ids]:
            fields["contact_roles"] = _("нет таких контактов: ") + ", ".join(m[:60] for m in unknown[:5])
        roles = {ids[s]: (r or None) for s, r in wanted.items() if s in ids}
    new_contacts = []
    for i, c in enumerate(data.new_contacts or []):
        new_contacts.append(_check_contact(db, c, f"new_contacts.{i}", fields))

    # Status and embargo: scheduled needs an embargo in the future; published is now.
    status = _plain(data.status) if "status" in sent and data.status else None
    embargo = data.embargo_until if "embargo_until" in sent else None
    if embargo is not None:
        if embargo.tzinfo is None:
            fields["embargo_until"] = _("укажите время со смещением от UTC, например 2030-03-01T10:00:00+06:00")
        elif embargo <= now:
            fields["embargo_until"] = _("время эмбарго уже прошло — укажите будущее время или опубликуйте сейчас")
        elif embargo.year >= 2100:
            fields["embargo_until"] = _("слишком далёкое время: укажите дату до 2100 года")
    target = status or (release.status if release is not None else PressReleaseStatus.draft)
    if target == PressReleaseStatus.scheduled and "embargo_until" not in fields:
        kept = release.embargo_until if release is not None and "embargo_until" not in data.model_fields_set else None
        if embargo is None and kept is None:
            fields["embargo_until"] = _("для отложенной публикации укажите время окончания эмбарго (в будущем)")
        elif (
            # kept is set only with a stored release; both named so the type checker narrows them
            embargo is None
            and kept is not None
            and release is not None
            and status is not None
            and kept <= now
            and not is_visible(release, now)
        ):
            fields["embargo_until"] = _("время эмбарго уже прошло — укажите будущее время или опубликуйте сейчас")
    if status == PressReleaseStatus.published:
        public_since = public_date(release) if release is not None and is_visible(release, now) else None
        values.update(status=status, published_at=public_since or now, embargo_until=None)
    elif status == PressReleaseStatus.scheduled:
        values.update(status=status, published_at=None)
    elif status == PressReleaseStatus.draft:
        values.update(status=status, embargo_until=None)
    if embargo is not None and "embargo_until" not in fields and status != PressReleaseStatus.published:
        values["embargo_until"] = embargo

    if fields:
        raise Invalid(_("Публикация не сохранена: исправьте отмеченные поля"), fields=fields)
    return _Checked(values, contact_ids, new_contacts, roles)


def _store_contacts(db: Session, release: PressRelease, checked: _Checked) -> None:
    if checked.contact_ids is None and not checked.new_contacts and checked.roles is None:
        return
    ids = checked.contact_ids if checked.contact_ids is not None else [link.contact_id for link in release.contacts]
    kept = {link.contact_id: link.role for link in release.contacts}
    roles = kept | (checked.roles or {})  # a contact's role here: as given, else as stored
    for c in checked.new_contacts:
        contact = PressContact(slug=unique_slug(db, PressContact, c["name"]), **c)
        db.add(contact)
        db.flush()
        ids.append(id_of(contact))
    if [(link.contact_id, link.role) for link in release.contacts] == [(i, roles.get(i)) for i in ids]:
        return
    for link in list(release.contacts):
        db.delete(link)
    db.flush()
    for i, contact_id in enumerate(dict.fromkeys(ids)):
        db.add(
            PressReleaseContact(
                release_id=id_of(release), contact_id=contact_id, role=roles.get(contact_id), position=i
            )
        )
    db.flush()
    db.refresh(release, ["contacts"])


# Long texts are recorded as changed, not copied into the log.
_ELIDED = ("body", "translations")


def _check_event_scope(
    db: Session, user: StaffUser | None, data: PressReleaseWrite, values: dict[str, Any], release: PressRelease | None
) -> None:
    """A release is about an event its writer may see: another organisation's draft is "not found"."""
    event_id = values.get("event_id")
    if release is not None and event_id == release.event_id:
        return
    if not scopes.release_event_allowed(db, user, event_id):
        slug = (data.event or "").strip()[:160]
        raise Invalid(
            _("Публикация не сохранена: исправьте отмеченные поля"),
            fields={"event": _("мероприятие «%(value)s» не найдено") % {"value": slug}},
        )


def create_release(db: Session, *, data: PressReleaseWrite, user: StaffUser | None, now: datetime) -> PressRelease:
    """A new release (a draft unless `status` says otherwise), its contacts, an audit entry."""
    checked = check_release(db, data, now=now)
    values = checked.values
    _check_event_scope(db, user, data, values, None)
    values["slug"] = unique_slug(db, PressRelease, values["title"], wanted=values.get("slug"))
    release = PressRelease(created_by_id=user.id if user else None, created_at=now, updated_at=now, **values)
    release.search_text = search_key(release.title, release.lead)
    db.add(release)
    db.flush()
    _store_contacts(db, release, checked)
    audit.record(
        db,
        user=user,
        action="create",
        entity=release,
        event_id=release.event_id,
        changes=audit.diff({}, values),
        elide=_ELIDED,
    )
    db.flush()
    return release


def update_release(
    db: Session, release: PressRelease, *, data: PressReleaseWrite, user: StaffUser | None, now: datetime
) -> PressRelease:
    """Change the fields sent; status changes publish, schedule or withdraw the release."""
    checked = check_release(db, data, now=now, release=release)
    values = checked.values
    _check_event_scope(db, user, data, values, release)
    if "slug" in values:
        values["slug"] = unique_slug(db, PressRelease, release.title, wanted=values["slug"], own_id=release.id)
    changes = audit.apply_changes(release, values)
    release.search_text = search_key(release.title, release.lead)
    before = [[link.contact_id, link.role] for link in release.contacts]
    _store_contacts(db, release, checked)
    after = [[link.contact_id, link.role] for link in release.contacts]
    if before != after:
        changes["contacts"] = [before, after]
    if changes:
        release.updated_at = now
        action = {"published": "publish", "scheduled": "schedule", "draft": "unpublish"}.get(
            changes["status"][1] if "status" in changes else "", "update"
        )
        audit.record(
            db, user=user, action=action, entity=release, event_id=release.event_id, changes=changes, elide=_ELIDED
        )
    db.flush()
    return release


def delete_release(db: Session, release: PressRelease, *, user: StaffUser | None) -> None:
    """Delete a release and its contact links (the contacts stay in the directory)."""
    changes = audit.diff({"slug": release.slug, "title": release.title}, {})
    audit.record(db, user=user, action="delete", entity=release, event_id=release.event_id, changes=changes)
    db.delete(release)
    db.flush()
