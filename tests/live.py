"""A real server for tests that need one: uvicorn on 127.0.0.1 in a thread, over a fresh
migrated SQLite file (or a given Settings)."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from sqlmodel import Session

from eventhub.core.config import Settings
from eventhub.core.db import make_engine, upgrade
from eventhub.main import create_app


def sqlite_settings(data_dir: Path, **overrides: object) -> Settings:
    return Settings(
        data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'live.sqlite3'}", secret_key="live-test", **overrides
    )


@contextmanager
def serve(settings: Settings, prepare: Callable[[Session], None] | None = None) -> Iterator[str]:
    """Migrate, let `prepare(db)` fill the database (committed), serve; yields the base URL."""
    upgrade(settings)
    if prepare is not None:
        engine = make_engine(settings)
        with Session(engine) as db:
            prepare(db)
            db.commit()
        engine.dispose()
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start within 15 s")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    settings.base_url = base  # absolute links (canonical, sitemap, API urls) point at this server
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()
