"""Real servers on 127.0.0.1 for tests and benchmarks: the one place that starts and stops them.

* `server_process(command, env, base_url)`: any server command (uvicorn, `eventhub serve`) in its
  own process group, waited for until /healthz answers, stopped with SIGTERM then SIGKILL.
* `live_server(data_dir, ...)`: eventhub in such a process over a migrated database: a temporary
  SQLite file, or a fresh schema of a PostgreSQL database (search_path set through the
  connection URL), dropped afterwards. Requests then commit for real, which the test suite's
  rolled-back transaction cannot show.
* `serve_app(app)`: an ASGI app object (e.g. the test app bound to the test's transaction) under
  uvicorn in a thread of this process; `serve(settings, prepare)` builds eventhub for it."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlmodel import Session

from eventhub.core.config import Settings
from eventhub.core.db import make_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent
LIVE_SECRET = "live-server-secret"  # the secret key of live_server (tests sign session cookies with it)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.HTTPError):
        return False


def stop_process(proc: subprocess.Popen) -> None:
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


@contextmanager
def server_process(
    command: list[str],
    env: dict[str, str],
    base_url: str,
    *,
    startup_timeout: float = 60.0,
    output: IO[Any] | int | None = None,
) -> Iterator[subprocess.Popen]:
    """Run `command` (a server listening at `base_url`) until the block ends; yields the process."""
    proc = subprocess.Popen(
        command, env=env, cwd=ROOT, start_new_session=True, stdout=output, stderr=subprocess.STDOUT if output else None
    )  # its own process group: workers stop with it
    try:
        deadline = time.monotonic() + startup_timeout
        while not _answers(f"{base_url}/healthz"):
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with {proc.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start within {startup_timeout:.0f} s")
            time.sleep(0.1)
        yield proc
    finally:
        stop_process(proc)


def uvicorn_command(app: str, port: int, *, workers: int = 1, extra: tuple[str, ...] = ()) -> list[str]:
    """`python -m uvicorn <app> --factory` on 127.0.0.1:`port`."""
    return [
        sys.executable, "-m", "uvicorn", app, "--factory", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--log-level", "warning", "--no-access-log", *extra,
    ]  # fmt: skip


def server_env(database_url: str, data_dir: Path, base_url: str, **settings: str) -> dict[str, str]:
    """The environment of an eventhub server process (EVENTHUB_* settings)."""
    env = {
        **os.environ,
        "EVENTHUB_DATABASE_URL": database_url,
        "EVENTHUB_DATA_DIR": str(data_dir),
        "EVENTHUB_SECRET_KEY": LIVE_SECRET,
        "EVENTHUB_BASE_URL": base_url,
        # Bursts come from one address here: the per-address registration limit is off
        # unless the caller's environment sets it.
        "EVENTHUB_RATE_LIMIT_REGISTRATIONS": os.environ.get("EVENTHUB_RATE_LIMIT_REGISTRATIONS", "0"),
    }
    env.update({f"EVENTHUB_{k.upper()}": v for k, v in settings.items()})
    return env


@contextmanager
def fresh_database(data_dir: Path, pg_url: str | None = None) -> Iterator[str]:
    """The URL of an empty database: a SQLite file in `data_dir`, or a new PostgreSQL schema."""
    if not pg_url:
        yield f"sqlite:///{data_dir / 'live.sqlite3'}"
        return
    schema = f"live_{uuid.uuid4().hex[:12]}"
    admin = make_engine(Settings(database_url=pg_url, data_dir=data_dir, secret_key="x"))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_url else "?"
    try:
        yield f"{pg_url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def live_server(
    data_dir: Path,
    *,
    pg_url: str | None = None,
    smtp_port: int | None = None,
    workers: int = 1,
    startup_timeout: float = 60.0,
) -> Iterator[tuple[str, Settings, sa.Engine]]:
    """Yield (base_url, settings, engine) of a migrated database and a running server."""
    with fresh_database(data_dir, pg_url) as url:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        smtp_port = smtp_port or free_port()
        env = server_env(url, data_dir, base_url, smtp_host="127.0.0.1", smtp_port=str(smtp_port))
        settings = Settings(
            database_url=url, data_dir=data_dir, secret_key=LIVE_SECRET, base_url=base_url, smtp_port=smtp_port
        )
        upgrade(settings)
        engine = make_engine(settings)
        try:
            command = uvicorn_command("eventhub.main:app_factory", port, workers=workers)
            with server_process(command, env, base_url, startup_timeout=startup_timeout):
                yield base_url, settings, engine
        finally:
            engine.dispose()


@contextmanager
def serve_app(app: Any, *, startup_timeout: float = 15.0) -> Iterator[str]:
    """Serve an ASGI app under uvicorn in a thread of this process; yields the base URL."""
    import uvicorn  # imported here: only live servers need it

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="live-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError(f"the live server did not start within {startup_timeout:.0f} s")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def sqlite_settings(data_dir: Path, **overrides: Any) -> Settings:
    return Settings(
        data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'live.sqlite3'}", secret_key="live-test", **overrides
    )


@contextmanager
def serve(settings: Settings, prepare: Callable[[Session], None] | None = None) -> Iterator[str]:
    """eventhub in this process: migrate, let `prepare(db)` fill the database (one unit of
    work), serve; yields the base URL."""
    from eventhub.core.uow import Units  # imported here: tools import the app only when serving it
    from eventhub.main import create_app

    upgrade(settings)
    if prepare is not None:
        engine = make_engine(settings)
        with Units(engine).write() as db:
            prepare(db)
        engine.dispose()
    app = create_app(settings)
    try:
        with serve_app(app) as base:
            settings.base_url = base  # absolute links (canonical, sitemap, API urls) point at this server
            yield base
    finally:
        app.state.engine.dispose()
