"""Run eventhub in a real server process on 127.0.0.1 (for concurrency tests and benchmarks).

Requests then commit for real, which the test suite's rolled-back transaction cannot show.
The database is a temporary SQLite file, or a fresh schema of a PostgreSQL database (its
search_path set through the connection URL), dropped afterwards."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
import sqlalchemy as sa

from eventhub.core.config import Settings
from eventhub.core.db import make_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (master and workers), SIGKILL if it lingers."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(
    data_dir: Path,
    *,
    pg_url: str | None = None,
    smtp_port: int | None = None,
    workers: int = 1,
    startup_timeout: float = 60.0,
):
    """Yield (base_url, settings, engine) of a migrated database and a running server."""
    schema = None
    if pg_url:
        schema = f"live_{uuid.uuid4().hex[:12]}"
        admin = make_engine(Settings(database_url=pg_url, data_dir=data_dir, secret_key="x"))
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in pg_url else "?"
        url = f"{pg_url}{sep}options={quote(f'-csearch_path={schema}')}"
    else:
        url = f"sqlite:///{data_dir / 'live.sqlite3'}"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "EVENTHUB_DATABASE_URL": url,
        "EVENTHUB_DATA_DIR": str(data_dir),
        "EVENTHUB_SECRET_KEY": "live-server-secret",
        "EVENTHUB_BASE_URL": base_url,
        "EVENTHUB_SMTP_HOST": "127.0.0.1",
        "EVENTHUB_SMTP_PORT": str(smtp_port or free_port()),
        # Bursts of registrations come from one address here: the per-address limit is off
        # unless the caller's environment sets it.
        "EVENTHUB_RATE_LIMIT_REGISTRATIONS": os.environ.get("EVENTHUB_RATE_LIMIT_REGISTRATIONS", "0"),
    }
    settings = Settings(
        database_url=url,
        data_dir=data_dir,
        secret_key=env["EVENTHUB_SECRET_KEY"],
        base_url=base_url,
        smtp_port=int(env["EVENTHUB_SMTP_PORT"]),
    )
    upgrade(settings)
    engine = make_engine(settings)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "eventhub.main:app_factory",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,  # its own process group: workers stop with it
    )
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}")
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start in time")
            time.sleep(0.2)
        yield base_url, settings, engine
    finally:
        _stop(proc)
        engine.dispose()
        if schema:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
