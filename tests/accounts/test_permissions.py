"""The permission module's answers that other domains use (press releases, check-in)."""

import pytest

from eventhub.accounts.permissions import Action, can, can_check_in, can_edit_event
from tests.factories import add_organisation_role, make_event, make_organisation


@pytest.mark.parametrize(
    ("role", "press", "check_in_own", "check_in_other", "edit_own"),
    [
        ("admin", True, True, True, True),
        ("organiser", False, True, False, True),
        ("press_officer", True, False, False, False),
        ("checkin", False, True, False, False),  # at their organisation's published events only
    ],
)
def test_what_each_role_may_do(db, make_staff, role, press, check_in_own, check_in_other, edit_own) -> None:
    own, other = make_organisation(db, slug="own"), make_organisation(db)
    mine, theirs = make_event(db), make_event(db)
    add_organisation_role(db, mine, own, "co_organiser")
    add_organisation_role(db, theirs, other)
    add_organisation_role(db, theirs, own, "funder")  # funding is not running it
    user = make_staff(role, ("own",) if role in ("organiser", "checkin") else ())
    assert can(user, Action.edit_press) is press
    assert (can_check_in(db, user, mine), can_check_in(db, user, theirs)) == (check_in_own, check_in_other)
    assert (can_edit_event(db, user, mine), can_edit_event(db, user, theirs)) == (edit_own, role == "admin")


def test_nobody_and_inactive_users_may_do_nothing(db, make_staff) -> None:
    user = make_staff("admin")
    user.is_active = False
    event = make_event(db)
    assert not can(None, Action.edit_press) and not can(user, Action.edit_press)
    assert not can_edit_event(db, user, event) and not can_check_in(db, None, event)
