"""Materials of an event (presentations, documents, photos): upload checked from the bytes,
stored content-addressed (core/storage.py), listed, downloaded. Staff-only ones reach only
the event's organisers: never anonymous readers, shared caches or the sitemap."""

from sqlmodel import Session, col, func, select

from eventhub.accounts.permissions import can_edit_event
from eventhub.core import audit
from eventhub.core.config import Settings
from eventhub.core.errors import Invalid, NotFound
from eventhub.core.i18n import _
from eventhub.core.models import PUBLIC_EVENT_STATUSES, Event, Language, Material, Recommendation, StaffUser, id_of
from eventhub.core.storage import FileStorage, file_storage
from eventhub.outcomes.files import Refused, check, clean_filename


def storage(settings: Settings) -> FileStorage:
    return file_storage(settings.data_dir)


def upload(
    db: Session, event: Event, *, settings: Settings, data: bytes, filename: str, title: str, language: str,
    is_public: bool, session_id: int | None, user: StaffUser, recommendation_id: int | None = None,
) -> Material:  # fmt: skip
    """Check, clean and store one file, then its row; a refused file stores nothing."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("обязательное поле")
    elif len(title) > 300:
        errors["title"] = _("не длиннее 300 символов")
    if language not in Language.__members__.values():
        errors["language"] = _("выберите язык: ru, ky или en")
    if session_id is not None and session_id not in {s.id for s in event.sessions}:
        errors["session"] = _("нет такой сессии в программе этого мероприятия")
    if (
        recommendation_id is not None
        and db.exec(
            select(Recommendation.id).where(Recommendation.id == recommendation_id, Recommendation.event_id == event.id)
        ).first()
        is None
    ):
        errors["recommendation"] = _("Рекомендация не найдена")
    if len(data) > settings.max_material_bytes:
        errors["file"] = _("Файл больше %(mb)d МБ") % {"mb": settings.max_material_bytes // (1024 * 1024)}
    if errors:
        raise Invalid(_("Неверные данные"), fields=errors)
    used = db.exec(select(func.coalesce(func.sum(Material.size), 0)).where(Material.event_id == id_of(event))).one()
    if used + len(data) > settings.max_event_material_bytes:
        limit = settings.max_event_material_bytes // (1024 * 1024)
        raise Invalid(
            _("Неверные данные"),
            fields={"file": _("У мероприятия уже %(mb)d МБ материалов: больше нельзя") % {"mb": limit}},
        )
    try:
        checked = check(data)
    except Refused as exc:
        raise Invalid(str(exc), fields={"file": str(exc)}) from None
    store = storage(settings)
    key = store.put(checked.data)
    thumb = store.put(checked.thumbnail) if checked.thumbnail is not None else None
    material = Material(
        event_id=id_of(event), session_id=session_id, recommendation_id=recommendation_id, kind=checked.kind, title=title.strip(), language=language,
        is_public=is_public, filename=clean_filename(filename, checked.extension), content_type=checked.content_type,
        size=len(checked.data), sha256=key, width=checked.width, height=checked.height, thumb_sha256=thumb,
        created_by_id=user.id,
    )  # fmt: skip
    db.add(material)
    db.flush()
    audit.record(
        db, user=user, action="create", entity=material, event_id=event.id,
        changes={"filename": [None, material.filename], "is_public": [None, is_public]},
    )  # fmt: skip
    return material


def event_materials(db: Session, event: Event, *, staff: bool) -> list[Material]:
    query = select(Material).where(Material.event_id == id_of(event))
    if not staff:
        query = query.where(col(Material.is_public).is_(True))
    return list(db.exec(query.order_by(col(Material.kind), col(Material.id))).all())


def recommendation_materials(db: Session, recommendation_id: int) -> list[Material]:
    """The public files attached to a (public) recommendation."""
    query = select(Material).where(Material.recommendation_id == recommendation_id, col(Material.is_public).is_(True))
    return list(db.exec(query.order_by(col(Material.id))).all())


def readable(db: Session, material_id: int, user: StaffUser | None) -> tuple[Material, bool]:
    """(the material, whether it is public); 404 for what the reader may not have."""
    material = db.get(Material, material_id)
    if material is None:
        raise NotFound(_("Файл не найден"))
    event = db.get(Event, material.event_id)
    public = material.is_public and event is not None and event.status in PUBLIC_EVENT_STATUSES
    if not public and (event is None or not can_edit_event(db, user, event)):
        raise NotFound(_("Файл не найден"))
    return material, public


def delete_material(db: Session, material: Material, *, user: StaffUser) -> None:
    """The row goes; the bytes stay until `sweep` (another row may share them)."""
    audit.record(
        db, user=user, action="delete", entity=material, event_id=material.event_id,
        changes={"filename": [material.filename, None]},
    )  # fmt: skip
    db.delete(material)
    db.flush()
