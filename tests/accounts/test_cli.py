"""`eventhub user add`, `eventhub token create|list|revoke` against a SQLite file."""

import pytest
from typer.testing import CliRunner

from eventhub.cli import app
from eventhub.core.config import get_settings

runner = CliRunner()


@pytest.fixture()
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("EVENTHUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EVENTHUB_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_tokens_are_created_listed_and_revoked(cli_env) -> None:
    added = runner.invoke(app, ["user", "add", "Org@Example.org", "--role", "admin"], input="long enough password\n")
    assert added.exit_code == 0, added.output
    created = runner.invoke(app, ["token", "create", "org@example.org", "--name", "сайт"])
    plain = created.output.strip()
    assert plain.startswith("eh_")
    listed = runner.invoke(app, ["token", "list", "org@example.org"]).output
    assert listed.startswith(f"1\t{plain[:10]}…\tсайт\tcreated ") and "active" in listed and plain not in listed
    assert runner.invoke(app, ["token", "revoke", "1"]).output.strip() == f"token 1 ({plain[:10]}…) revoked"
    assert "revoked" in runner.invoke(app, ["token", "list", "org@example.org"]).output
    missing = runner.invoke(app, ["token", "revoke", "99"])
    assert missing.exit_code == 1 and "Токен не найден" in missing.output
    assert runner.invoke(app, ["token", "list", "nobody@example.org"]).exit_code == 1


def test_check_in_staff_are_given_events_from_the_command_line(cli_env) -> None:
    from sqlmodel import Session, select

    from eventhub.core.db import make_engine
    from eventhub.core.models import Event, EventCheckinStaff, StaffUser
    from tests.factories import make_event

    runner.invoke(app, ["user", "add", "seed@example.org", "--role", "admin"], input="long enough password\n")
    engine = make_engine(get_settings())
    with Session(engine) as db:
        for slug in ("forum", "other"):
            make_event(db, slug=slug)
        db.commit()

    added = runner.invoke(
        app,
        ["user", "add", "door@example.org", "--role", "checkin", "--event", "forum"],
        input="long enough password\n",
    )
    given = runner.invoke(app, ["user", "checkin", "door@example.org", "other"])
    taken = runner.invoke(app, ["user", "checkin", "door@example.org", "forum", "--remove"])
    unknown = runner.invoke(app, ["user", "checkin", "door@example.org", "nowhere"])
    not_door = runner.invoke(app, ["user", "checkin", "seed@example.org", "forum"])

    assert added.exit_code == 0, added.output
    assert given.output.strip() == "door@example.org checks in at other"
    assert taken.output.strip() == "door@example.org no longer checks in at forum"
    assert unknown.exit_code == 1 and "no event nowhere" in unknown.output
    assert not_door.exit_code == 1 and "нет активного сотрудника" in not_door.output
    with Session(engine) as db:
        door = db.exec(select(StaffUser).where(StaffUser.email == "door@example.org")).one()
        given_slugs = db.exec(
            select(Event.slug)
            .join(EventCheckinStaff, EventCheckinStaff.event_id == Event.id)
            .where(EventCheckinStaff.user_id == door.id)
        ).all()
        assert given_slugs == ["other"]
    engine.dispose()
