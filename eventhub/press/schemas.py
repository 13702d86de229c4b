"""API shapes of press releases and press contacts.

The write shapes are made of the shared constrained types (eventhub/core/validation.py): the
API and the admin editor check a field with the same limits and messages, and the texts of a
release use the one definition of RELEASE_FIELDS that its translations use too."""

from datetime import datetime
from typing import Annotated, Any

from annotated_types import Len
from pydantic import BaseModel, Field, create_model

from eventhub.core.contacts import LinkedContact, linked_contacts
from eventhub.core.i18n import N_, content, current_language, translation_state
from eventhub.core.models import (
    PUBLIC_EVENT_STATUSES,
    Language,
    PressContact,
    PressRelease,
    PressReleaseStatus,
    PressReleaseType,
)
from eventhub.core.text import format_phone, markdown_to_html
from eventhub.core.validation import Choice, Line, Maybe, Slug, SlugOf, WriteModel
from eventhub.core.versions import text_type, version_model
from eventhub.directory.schemas import PressContactCreate
from eventhub.events.translations import RELEASE_FIELDS

# A contact written with a release is a directory press contact without its own slug and versions.
_contact_fields: dict[str, Any] = {
    name: (Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation, info)
    for name, info in PressContactCreate.model_fields.items()
    if name not in ("slug", "translations")
}
PressContactInput: Any = create_model(
    "PressContactInput",
    __base__=WriteModel,
    __doc__="A new press contact written together with a release.",
    **_contact_fields,
)
PressReleaseTranslation: Any = version_model("PressReleaseTranslation", RELEASE_FIELDS)
ReleaseType = Annotated[
    PressReleaseType, Choice(PressReleaseType, N_("выберите вид: анонс, пресс-релиз или новость / отчёт"))
]
ReleaseLanguage = Annotated[Language, Choice(Language, N_("выберите язык: ru, ky или en"))]
ReleaseStatus = Annotated[
    PressReleaseStatus, Choice(PressReleaseStatus, N_("допустимые значения: draft, scheduled, published"))
]
# The texts of a release: the one definition its translations use too (built at run time).
ReleaseTitle: Any = text_type(RELEASE_FIELDS["title"])
ReleaseLead: Any = text_type(RELEASE_FIELDS["lead"])
ReleaseBody: Any = text_type(RELEASE_FIELDS["body"])


class PressReleaseWrite(WriteModel):
    """Fields of a release; on PATCH only the fields sent are changed."""

    type: Maybe[ReleaseType] = Field(
        default=None, examples=["press_release"], description="announcement | press_release | report"
    )
    title: Maybe[ReleaseTitle] = None
    lead: Maybe[ReleaseLead] = None
    body: Maybe[ReleaseBody] = Field(default=None, description="Markdown; raw HTML is refused")
    language: Maybe[ReleaseLanguage] = Field(
        default=None, examples=["ru"], description="ru | ky | en: the original language"
    )
    event: Maybe[Slug] = Field(default=None, description="slug of the event the release is about, or null")
    contacts: Annotated[list[Slug], Len(0, 50)] | None = Field(
        default=None, description="slugs of existing press contacts, in order"
    )
    new_contacts: Annotated[list[PressContactInput], Len(0, 20)] | None = Field(
        default=None, description="press contacts to create and attach after `contacts`"
    )
    contact_roles: Annotated[dict[Slug, Maybe[Annotated[str, Line(300)]]], Len(0, 50)] | None = Field(
        default=None,
        description="each contact's role for this release, by contact slug ('' for none); omitted: the roles stay",
    )
    source_note: Maybe[Annotated[str, Line(1000)]] = None
    translations: dict[str, PressReleaseTranslation] | None = Field(
        default=None, description='other language versions: {"ky": {"title": ..., "lead": ..., "body": ...}, "en": ...}'
    )
    slug: Maybe[Annotated[str, SlugOf(160)]] = Field(default=None, description="made from the title when not given")
    status: Maybe[ReleaseStatus] = Field(
        default=None,
        description="draft | scheduled (public at `embargo_until`, not a second earlier) | published (now)",
    )
    embargo_until: datetime | None = Field(default=None, description="with a UTC offset, in the future")


class EventBrief(BaseModel):
    slug: str
    title: str
    url: str
    start_at: datetime
    end_at: datetime
    timezone: str
    all_day: bool
    city: str | None
    venue_name: str | None
    calendar_url: str


class PressContactPublic(BaseModel):
    slug: str
    name: str
    organisation: str | None
    role: str | None
    phones: list[str] = Field(description="E.164")
    phones_display: list[str] = Field(
        description="as shown: 0702 174 107 (Kyrgyz numbers national, foreign ones international)"
    )
    email: str | None

    @classmethod
    def from_contact(cls, c: PressContact | LinkedContact) -> "PressContactPublic":
        org = content(c.organisation, "name") if c.organisation is not None else c.organisation_name
        return cls(
            slug=c.slug,
            name=c.name,
            organisation=org,
            role=c.role,
            phones=list(c.phones),
            phones_display=[format_phone(p) for p in c.phones],
            email=c.email,
        )


class PressReleasePublic(BaseModel):
    slug: str
    url: str
    type: str
    title: str
    lead: str | None
    language: str = Field(description="language asked for (?lang= or Accept-Language); texts fall back to the original")
    original_language: str
    translated_fields: list[str] = Field(
        description="the translatable texts of this answer that exist in `language`", examples=[["title", "summary"]]
    )
    missing_translations: list[str] = Field(
        description="texts given in `original_language` because `language` has no version of them (empty: nothing is)",
        examples=[["description"]],
    )
    published_at: datetime | None = Field(
        description="when the release became (or, scheduled, becomes) public, UTC; null for drafts"
    )
    updated_at: datetime
    event: EventBrief | None

    @classmethod
    def from_release(cls, r: PressRelease, base_url: str) -> "PressReleasePublic":
        return cls(**_common(r, base_url, localise=True))


class PressReleaseDetail(PressReleasePublic):
    body: str = Field(description="Markdown")
    body_html: str = Field(description="the body rendered and sanitised")
    source_note: str | None
    contacts: list[PressContactPublic]
    vcard_url: str
    pdf_url: str
    translations: dict[str, dict[str, Any]] | None = Field(
        default=None, description="the other language versions, with ?include=translations"
    )

    @classmethod
    def from_release(cls, r: PressRelease, base_url: str, with_translations: bool = False) -> "PressReleaseDetail":
        return cls(**_detail(r, base_url, localise=True), translations=r.translations if with_translations else None)


class PressReleaseStaff(PressReleaseDetail):
    """What staff see: the status and the embargo as well."""

    id: int
    status: str
    embargo_until: datetime | None
    created_at: datetime

    @classmethod
    def from_release(cls, r: PressRelease, base_url: str, with_translations: bool = True) -> "PressReleaseStaff":
        # Staff edit every language version, so they get the translations unless told otherwise.
        return cls(
            **_detail(r, base_url, localise=False),
            translations=r.translations if with_translations else None,
            id=r.id,
            status=r.status,
            embargo_until=r.embargo_until,
            created_at=r.created_at,
        )


def _common(r: PressRelease, base_url: str, *, localise: bool) -> dict[str, Any]:
    """Texts in the reader's language for the public; as written for staff, who edit them."""
    text = (lambda obj, field: content(obj, field)) if localise else getattr
    event = None
    if r.event is not None and r.event.status in PUBLIC_EVENT_STATUSES:
        e = r.event
        event = EventBrief(
            slug=e.slug,
            title=text(e, "title"),
            url=f"{base_url}/events/{e.slug}",
            start_at=e.start_at,
            end_at=e.end_at,
            timezone=e.timezone,
            all_day=e.all_day,
            city=e.city,
            venue_name=e.venue_name,
            calendar_url=f"{base_url}/events/{e.slug}.ics",
        )
    return dict(
        slug=r.slug,
        url=f"{base_url}/press/{r.slug}",
        type=r.type,
        title=text(r, "title"),
        lead=text(r, "lead"),
        language=current_language() if localise else r.original_language,
        original_language=r.original_language,
        **_translation_fields(r, localise),
        published_at=r.published_at or r.embargo_until if r.status != "draft" else None,
        updated_at=r.updated_at,
        event=event,
    )


def _translation_fields(r: PressRelease, localise: bool) -> dict[str, list[str]]:
    """For the public, what is in their language; staff get the texts as written (all original)."""
    state = translation_state(r, ("title", "lead", "body"), None if localise else r.original_language)
    return {"translated_fields": list(state.translated), "missing_translations": list(state.missing)}


def _detail(r: PressRelease, base_url: str, *, localise: bool) -> dict[str, Any]:
    body = content(r, "body") if localise else r.body
    return dict(
        **_common(r, base_url, localise=localise),
        body=body,
        body_html=markdown_to_html(body),
        source_note=r.source_note,
        contacts=[PressContactPublic.from_contact(c) for c in linked_contacts(r.contacts)],
        vcard_url=f"{base_url}/press/{r.slug}/contacts.vcf",
        pdf_url=f"{base_url}/press/{r.slug}/release.pdf",
    )
