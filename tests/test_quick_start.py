"""The quick start tells the truth: `make run` installs what the service needs (not the test
tools), and the address served is the one in links, feeds and e-mails unless
EVENTHUB_BASE_URL says otherwise."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventhub import cli
from eventhub.core.config import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_installs_the_service_without_the_test_tools(tmp_path) -> None:
    shown = subprocess.run(
        ["make", "-n", "run", f"VENV={tmp_path / 'venv'}", "HOST=0.0.0.0", "PORT=8123"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "pip install -q -e .\n" in shown
    assert "[test]" not in shown
    assert "serve --host 0.0.0.0 --port 8123" in shown
    tests = subprocess.run(["make", "-n", "test", f"VENV={tmp_path / 'venv'}"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout  # fmt: skip
    assert "pip install -q -e '.[test]'" in tests


@pytest.fixture()
def served(monkeypatch, tmp_path):
    """`eventhub serve` with uvicorn replaced: what the workers would start with."""
    calls: list[dict] = []
    monkeypatch.setattr(cli.uvicorn, "run", lambda *a, **kw: calls.append(kw))
    monkeypatch.setattr(cli, "upgrade", lambda settings: None)
    monkeypatch.setenv("EVENTHUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EVENTHUB_SECRET_KEY", "quick-start")
    monkeypatch.delenv("EVENTHUB_BASE_URL", raising=False)
    get_settings.cache_clear()
    yield calls
    get_settings.cache_clear()


def test_host_and_port_become_the_base_url(served, monkeypatch) -> None:
    result = CliRunner().invoke(cli.app, ["serve", "--host", "127.0.0.1", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert served[0]["port"] == 8123
    assert os.environ["EVENTHUB_BASE_URL"] == "http://127.0.0.1:8123"
    assert Settings().base_url == "http://127.0.0.1:8123"  # what each worker reads
    monkeypatch.delenv("EVENTHUB_BASE_URL")
    CliRunner().invoke(cli.app, ["serve", "--host", "0.0.0.0", "--port", "80"])
    assert os.environ["EVENTHUB_BASE_URL"] == "http://127.0.0.1"  # every interface: this machine's


def test_an_explicit_base_url_wins(served, monkeypatch) -> None:
    monkeypatch.setenv("EVENTHUB_BASE_URL", "https://events.example.kg")
    get_settings.cache_clear()
    assert CliRunner().invoke(cli.app, ["serve", "--port", "9000"]).exit_code == 0
    assert os.environ["EVENTHUB_BASE_URL"] == "https://events.example.kg"


def test_an_ipv6_address_is_bracketed() -> None:
    assert cli.listening_url("::1", 8000) == "http://[::1]:8000"
