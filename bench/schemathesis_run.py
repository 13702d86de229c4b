"""The security review's API fuzzing, repeatable: schemathesis against a live server with the
demo data, 50 examples per operation, two workers, anonymous and as an admin (Bearer token).
Only `not_a_server_error` is checked: no input may make the service answer 5xx.

Run: .venv/bin/python -m bench.schemathesis_run [--examples 50]
(the same as `schemathesis run BASE/openapi.json -n 50 -w 2 -c not_a_server_error
[-H "Authorization: Bearer TOKEN"]` against `eventhub serve` with `eventhub demo load`)."""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlmodel import Session

from eventhub.accounts.service import create_token
from eventhub.core.models import StaffUser
from eventhub.demo.loader import load_demo
from tools.live_server import live_server


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=50)
    args = parser.parse_args()
    with live_server(Path(tempfile.mkdtemp(prefix="bench-fuzz-"))) as (base, _settings, engine):
        with Session(engine) as db:
            load_demo(db)
            admin = StaffUser(email="fuzz-admin@example.org", password_hash="-", role="admin")
            db.add(admin)
            db.flush()
            _, token = create_token(db, admin)
            db.commit()
        failed = 0
        for who, headers in (("anonymous", []), ("admin", ["-H", f"Authorization: Bearer {token}"])):
            command = [
                sys.executable, "-m", "schemathesis.cli", "run", f"{base}/openapi.json", "-n", str(args.examples),
                "-w", "2", "-c", "not_a_server_error", *headers,
            ]  # fmt: skip
            print(f"--- {who} ---", flush=True)
            result = subprocess.run(command, check=False)
            failed |= result.returncode
    return failed


if __name__ == "__main__":
    sys.exit(main())
