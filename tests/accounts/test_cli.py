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
