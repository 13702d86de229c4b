"""A project of three events where people come back under slightly different spellings,
e-mails and phones, and the hand count of who is who (see `PERSONS`)."""

import itertools
from datetime import UTC, datetime

import pytest

from eventhub.core.models import Registration
from tests.factories import add_organisation_role, make_event, make_organisation, make_project

_tokens = itertools.count(1)
NOW = datetime(2026, 6, 1, tzinfo=UTC)

# (key, event, name, e-mail, phone, organisation, gender, region, age group, disability, category, status)
REGISTRATIONS = [
    ("r1", 1, "Айгуль Асанова", "aigul@mail.kg", "+996555123456", "ministry", "female", "bishkek", "30_44", "no", "participant", "attended"),
    ("r2", 1, "Бакыт Токтогулов", "bakyt@gov.kg", None, "ministry", "male", "chuy", "45_59", None, "participant", "confirmed"),
    ("r3", 1, "Нурлан Исаев", "nurlan@cso.kg", None, "cso", "male", "osh", "18_29", "no", "speaker", "attended"),
    ("r4", 1, "Азамат Беков", "azamat@x.kg", None, "cso", "male", "naryn", None, None, "participant", "attended"),
    ("r5", 1, "Гульнара Осмонова", "g.osmonova@media.kg", None, "media", "female", None, "60_plus", "yes", "press", "attended"),
    # the same e-mail, typed in capitals and with Latin letters for the name
    ("r6", 2, "Aigul Asanova", "AIGUL@mail.kg", None, "ministry", None, "bishkek", None, None, "participant", "attended"),
    # another e-mail, the same name (two spaces) and organisation: joined, but uncertain
    ("r7", 2, "Бакыт  Токтогулов", "b.toktogulov@gmail.com", None, "ministry", "male", "chuy", "45_59", "no", "participant", "attended"),
    # a name that differs in its ending: not joined, uncertain (staff: two people)
    ("r8", 2, "Азамат Бекову", "azamat.bekovu@x.kg", None, "cso", "male", "talas", "18_29", "no", "participant", "attended"),
    ("r9", 2, "Эльмира Садыкова", "elmira@x.kg", None, "farm", "female", "jalal_abad", "30_44", "prefer_not_to_say", "participant", "confirmed"),
    # words swapped, another e-mail, the same phone typed nationally (stored E.164): joined
    ("r10", 3, "Асанова Айгуль", "aigul.a@gmail.com", "+996555123456", "ministry", "female", "osh_city", "30_44", "no", "participant", "attended"),
    # the same name at another organisation: not joined, uncertain (staff: one person)
    ("r11", 3, "Нурлан Исаев", "n.isaev@gmail.com", None, "media", "male", "osh", "18_29", "no", "participant", "attended"),
    # "Гулнара" without the soft sign, the same e-mail: joined
    ("r12", 3, "Гулнара Осмонова", "g.osmonova@media.kg", None, "media", "female", "issyk_kul", None, None, "press", "attended"),
    # not counted: they hold no place
    ("r13", 3, "Иван Петров", "ivan@x.kg", None, "cso", "male", "chuy", None, None, "participant", "cancelled"),
    ("r14", 3, "Эльмира Садыкова", "elmira@x.kg", None, "farm", "female", "jalal_abad", None, None, "participant", "waitlisted"),
]  # fmt: skip

# The hand count, once staff confirmed r2=r7 and r3=r11 and split r4/r8: seven people, their
# values those of their latest registration that states them.
# (registrations, gender, organisation kind, region, age group, disability, category)
PERSONS = {
    "Айгуль": (("r1", "r6", "r10"), "female", "ministry", "osh_city", "30_44", "no", "participant"),
    "Бакыт": (("r2", "r7"), "male", "ministry", "chuy", "45_59", "no", "participant"),
    "Нурлан": (("r3", "r11"), "male", "media", "osh", "18_29", "no", "participant"),
    "Азамат Беков": (("r4",), "male", "cso", "naryn", None, None, "participant"),
    "Гульнара": (("r5", "r12"), "female", "media", "issyk_kul", "60_plus", "yes", "press"),
    "Азамат Бекову": (("r8",), "male", "cso", "talas", "18_29", "no", "participant"),
    "Эльмира": (("r9",), "female", None, "jalal_abad", "30_44", "prefer_not_to_say", "participant"),
}


@pytest.fixture()
def project_data(db):
    """The project, its three events (2026), the other project's event, and registrations by key."""
    project = make_project(db, slug="gesi-project", name="Проект GESI")
    organiser = make_organisation(db, slug="organiser-org", kind="cso")
    orgs = {
        "ministry": make_organisation(db, name="Министерство труда", kind="ministry"),
        "cso": make_organisation(db, name="ОО Развитие", kind="cso"),
        "media": make_organisation(db, name="Новости КG", kind="media"),
    }
    events = {}
    for n, day in ((1, 10), (2, 12), (3, 20)):
        events[n] = make_event(
            db, slug=f"gesi-{n}", title=f"Тренинг {n}", project_id=project.id,
            start_at=datetime(2026, n + 1, day, 4, tzinfo=UTC),
        )  # fmt: skip
        add_organisation_role(db, events[n], organiser)
    other = make_event(db, slug="other-project-event", start_at=datetime(2026, 3, 1, 4, tzinfo=UTC))
    add_organisation_role(db, other, organiser)
    regs = {}
    for key, ev, name, email, phone, org, gender, region, age, disability, category, status in REGISTRATIONS:
        organisation = orgs.get(org)
        reg = Registration(
            event_id=events[ev].id, token_hash=f"report-test-{next(_tokens):04d}", full_name=name, email=email,
            email_normalised=email.strip().lower(), phone=phone, organisation_id=organisation.id if organisation else None,
            organisation_name=None if organisation else "Фермерское хозяйство «Ак-Жол»", gender=gender, region=region,
            age_group=age, disability=disability, category=category, status=status, consent_at=NOW, consent_text="да",
            checked_in_at=NOW if status == "attended" else None,
        )  # fmt: skip
        db.add(reg)
        db.flush()
        regs[key] = reg
    # a registration of another project: never in this project's report
    db.add(
        Registration(
            event_id=other.id, token_hash="report-test-other", full_name="Айгуль Асанова", email="aigul@mail.kg",
            email_normalised="aigul@mail.kg", category="participant", status="attended", consent_at=NOW, consent_text="да",
        )
    )  # fmt: skip
    db.flush()
    return {"project": project, "events": events, "regs": regs, "orgs": orgs, "organiser": organiser}
