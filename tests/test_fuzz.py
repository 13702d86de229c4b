"""API fuzzing: schemathesis against /openapi.json of a real server, anonymous and with a
staff token, a bounded number of examples per operation: no 5xx, nothing that contradicts
the schema (status, content type, response body)."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session

from eventhub.accounts.service import create_token, create_user
from eventhub.demo.loader import load_demo, read_seed
from tests.conftest import PG_URL
from tools.live_server import serve, sqlite_settings

ST = Path(sys.executable).parent / "st"
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance"

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="fuzzing runs once per CI run, in the SQLite pass")


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory):
    tokens = {}

    def prepare(db: Session) -> None:
        load_demo(db, read_seed())
        admin = create_user(db, email="fuzz@example.org", password="fuzz password 123", role="admin")
        tokens["admin"] = create_token(db, admin, "fuzz")[1]

    with serve(sqlite_settings(tmp_path_factory.mktemp("fuzz")), prepare) as base:
        yield base, tokens


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_api_survives_fuzzing(fuzz_target, who) -> None:
    if not ST.exists():
        pytest.skip("schemathesis is not installed (pip install -e '.[test]')")
    base, tokens = fuzz_target
    cmd = [
        str(ST),
        "run",
        f"{base}/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        "8",
        "--seed",
        "20261122",
        "--request-timeout",
        "10",
        "--no-color",
        "--phases",
        "examples,coverage,fuzzing",
    ]
    if who != "anonymous":
        cmd += ["-H", f"Authorization: Bearer {tokens[who]}"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
