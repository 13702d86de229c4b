"""The project report: unique persons, the confirm/split flow and every cross-tab cell
against the hand count of tests/reports/conftest.py."""

from collections import Counter
from itertools import combinations

import pytest
from sqlmodel import select

from eventhub.core.errors import Invalid
from eventhub.core.models import MatchDecision
from eventhub.reports import service
from eventhub.reports.matching import Record, loose_key, match, name_key
from eventhub.reports.service import DIMENSIONS, DIMS, ReportFilters
from tests.reports.conftest import NOW, PERSONS, REGISTRATIONS


def _report(db, user, **filters):
    return service.build(db, user, ReportFilters(**({"project": "gesi-project"} | filters)), now=NOW)


def _ids(data, *keys):
    return tuple(sorted(data["regs"][k].id for k in keys))


def test_names_are_normalised_across_scripts_and_spellings():
    assert name_key("Асанова  Айгуль") == name_key("Aigul Asanova") == name_key("айгуль асанова")
    assert name_key("Гулнара Осмонова") == name_key("Гульнара Осмонова")
    assert name_key("Айжан Токтогулова") == name_key("Aijan Toktogulova")
    assert name_key("Азамат Беков") != name_key("Азамат Бекову")
    assert loose_key("Азамат Беков") == loose_key("Азамат Бекову")


def test_matching_by_email_phone_and_name_with_organisation():
    records = [
        Record(1, "Айгуль Асанова", "a@x.kg", "+996555123456", "#1"),
        Record(2, "Aigul Asanova", "a@x.kg", "", ""),  # e-mail
        Record(3, "Асанова Айгуль", "other@x.kg", "+996555123456", "#1"),  # phone
        Record(4, "Бакыт Токтогулов", "b@x.kg", "", "#1"),
        Record(5, "Бакыт Токтогулов", "b2@x.kg", "", "#1"),  # name + organisation: joined, uncertain
        Record(6, "Бакыт Токтогулов", "b3@x.kg", "", "#2"),  # another organisation: apart, uncertain
    ]
    m = match(records)
    assert m.person_of == {1: 1, 2: 1, 3: 1, 4: 4, 5: 4, 6: 6}
    assert m.joined_uncertain == [(4, 5)]
    assert m.apart_uncertain == [(4, 6)]
    # "different" splits even a name-and-organisation match; "same" joins
    m = match(records, {(4, 5): False, (4, 6): True})
    assert m.person_of[5] == 5 and m.person_of[6] == 4
    assert m.joined_uncertain == m.apart_uncertain == []  # both pairs decided


def test_unique_persons_before_any_decision(db, project_data, make_staff):
    admin = make_staff("admin")
    report = _report(db, admin)
    t = report.totals
    assert (t["events"], t["held"], t["registrations"], t["attended"]) == (3, 3, 12, 10)
    # r1=r6=r10, r2=r7 (name and organisation), r5=r12; r3/r11 and r4/r8 apart
    assert t["persons"] == 8
    assert report.matching.joined_uncertain == [_ids(project_data, "r2", "r7")]
    assert sorted(report.matching.apart_uncertain) == sorted(
        [_ids(project_data, "r3", "r11"), _ids(project_data, "r4", "r8")]
    )


def test_confirm_and_split_are_kept_and_every_cell_matches_the_hand_count(db, project_data, make_staff):
    admin = make_staff("admin")
    regs = project_data["regs"]
    for a, b, same in (("r2", "r7", True), ("r3", "r11", True), ("r4", "r8", False)):
        service.decide(db, admin, registration_a=regs[a].id, registration_b=regs[b].id, same=same, now=NOW)
    assert len(db.exec(select(MatchDecision)).all()) == 3
    report = _report(db, admin)
    t = report.totals
    assert t["persons"] == len(PERSONS) == 7
    assert (t["attended_persons"], t["repeat_persons"], t["uncertain"]) == (6, 4, 0)
    # each person is the hand count's group of registrations
    groups = Counter(report.matching.person_of[regs[k].id] for k in regs if k not in ("r13", "r14"))
    assert sorted(groups.values()) == sorted(len(p[0]) for p in PERSONS.values())
    for keys, *_values in PERSONS.values():
        assert len({report.matching.person_of[regs[k].id] for k in keys}) == 1
    # every cell of every cross-tab of persons
    hand = [dict(zip(DIMS, p[1:], strict=True)) for p in PERSONS.values()]
    for a, b in combinations(DIMS, 2):
        tab = report.crosstab(a, b, "persons")
        for i, va in enumerate(DIMENSIONS[a].values):
            for j, vb in enumerate(DIMENSIONS[b].values):
                expected = sum(1 for p in hand if p[a] == va and p[b] == vb)
                assert tab.cells[i][j] == expected, (a, va, b, vb)
        assert tab.total == 7
    # two written out in full: sex × region, age group × disability (rows: values, then "not stated")
    tab = report.crosstab("gender", "region", "persons")
    regions = [r for r in DIMENSIONS["region"].values]
    assert tab.cells[0] == [int(r in ("osh_city", "issyk_kul", "jalal_abad")) for r in regions]  # female
    assert tab.cells[1] == [int(r in ("chuy", "osh", "naryn", "talas")) for r in regions]  # male
    assert tab.cells[2] == [0] * len(regions)  # not stated: shown, empty
    assert tab.row_labels[-1] == tab.col_labels[-1] == "Не указано"
    tab = report.crosstab("age_group", "disability", "persons")
    #        yes no prefer-not not-stated
    assert tab.cells == [
        [0, 0, 0, 0],  # under 18
        [0, 2, 0, 0],  # 18–29: Нурлан, Азамат Бекову
        [0, 1, 1, 0],  # 30–44: Айгуль; Эльмира
        [0, 1, 0, 0],  # 45–59: Бакыт
        [1, 0, 0, 0],  # 60+: Гульнара
        [0, 0, 0, 1],  # not stated: Азамат Беков
    ]
    # registrations are counted as registered, one each, with their own values
    tab = report.crosstab("gender", "organisation_kind", "registrations")
    kinds = DIMENSIONS["organisation_kind"].values
    assert dict(zip(kinds, tab.cells[0], strict=True)) == {
        k: {"ministry": 2, "media": 2, None: 1}.get(k, 0) for k in kinds
    }
    assert dict(zip(kinds, tab.cells[1], strict=True)) == {
        k: {"ministry": 2, "cso": 3, "media": 1}.get(k, 0) for k in kinds
    }
    assert dict(zip(kinds, tab.cells[2], strict=True)) == {k: {"ministry": 1}.get(k, 0) for k in kinds}  # r6
    assert report.crosstab("gender", "region", "attended").total == 10
    # per event: registrations, attended, persons new to the project
    assert [(e.registrations, e.attended, e.new_persons) for e in report.events] == [(5, 4, 5), (4, 3, 2), (3, 3, 0)]
    # deciding again changes the answer, not the number of decisions
    service.decide(db, admin, registration_a=regs["r8"].id, registration_b=regs["r4"].id, same=True, now=NOW)
    assert len(db.exec(select(MatchDecision)).all()) == 3
    assert _report(db, admin).totals["persons"] == 6


def test_one_way_tables_show_not_stated(db, project_data, make_staff):
    report = _report(db, make_staff("admin"))
    age = report.one_way("age_group")
    assert age.rows[-1][0] == "Не указано"
    # registrations with their own values: no age group on r4, r6, r12
    assert [r[2] for r in age.rows] == [0, 3, 3, 2, 1, 3]
    # persons (8 before decisions): r6's person gave one at r1, r12's at r5
    assert [r[1] for r in age.rows] == [0, 3, 2, 1, 1, 1]
    assert sum(r[1] for r in age.rows) == 8


def test_date_range_and_scope(db, project_data, make_staff):
    admin = make_staff("admin")
    assert _report(db, admin, date_from="2026-03-01", date_to="2026-03-31").totals["events"] == 1  # 12 March
    assert _report(db, admin, date_from="2026-03-12", date_to="2026-03-12").totals["registrations"] == 4
    assert _report(db, admin, date_from="2026-03-13").totals["events"] == 1
    # an organiser of another organisation sees none of these people
    from tests.factories import make_organisation

    make_organisation(db, slug="stranger-org")
    stranger = make_staff("organiser", ("stranger-org",))
    assert _report(db, stranger).totals["persons"] == 0
    # the organiser of these events sees them
    organiser = make_staff("organiser", ("organiser-org",))
    assert _report(db, organiser).totals["persons"] == 8
    # all their events: the other project's event brings no new person (the same e-mail)
    assert _report(db, organiser, project=None).totals["events"] == 4
    assert _report(db, organiser, project=None).totals["persons"] == 8


@pytest.mark.parametrize(
    ("filters", "field", "message"),
    [
        (
            {"date_from": "2026-05-01", "date_to": "2026-04-01"},
            "date_to",
            "период заканчивается раньше, чем начинается",
        ),
        ({"date_from": "01.05.2026"}, "date_from", "неверная дата: нужен формат ГГГГ-ММ-ДД"),
        ({"rows": "religion"}, "rows", "неизвестный разрез: religion"),
        ({"rows": "gender", "cols": "gender"}, "cols", "выберите два разных разреза"),
        ({"measure": "money"}, "measure", "неизвестный показатель: money"),
        ({"project": "no-such-project"}, "project", "такого проекта нет"),
    ],
)
def test_bad_filters_are_refused_with_the_field(db, project_data, make_staff, filters, field, message):
    with pytest.raises(Invalid) as exc:
        _report(db, make_staff("admin"), **filters)
    assert exc.value.fields == {field: message}


def test_a_decision_needs_two_visible_registrations(db, project_data, make_staff):
    from tests.factories import make_organisation

    make_organisation(db, slug="stranger-org-2")
    stranger = make_staff("organiser", ("stranger-org-2",))
    regs = project_data["regs"]
    with pytest.raises(Invalid):
        service.decide(db, stranger, registration_a=regs["r4"].id, registration_b=regs["r8"].id, same=True, now=NOW)
    with pytest.raises(Invalid):
        service.decide(
            db, make_staff("admin"), registration_a=regs["r4"].id, registration_b=regs["r4"].id, same=True, now=NOW
        )
    assert db.exec(select(MatchDecision)).all() == []


def test_registrations_listed(project_data):
    assert len(REGISTRATIONS) == 14


def test_a_change_is_counted_at_once(db, project_data, make_staff):
    """The last builds are kept per process; anything the report counts changing is seen."""
    admin = make_staff("admin")
    assert _report(db, admin).totals["registrations"] == 12
    assert _report(db, admin, rows="age_group", cols="category").filters.rows == "age_group"  # the same build
    reg = project_data["regs"]["r9"]
    reg.status = "cancelled"
    db.add(reg)
    db.flush()
    assert _report(db, admin).totals["registrations"] == 11
    org = project_data["orgs"]["cso"]
    org.kind = "academia"
    db.add(org)
    db.flush()
    assert (
        _report(db, admin)
        .one_way("organisation_kind")
        .rows[list(DIMENSIONS["organisation_kind"].order).index("academia")][2]
        == 3
    )
