"""A real server for the browser tests: uvicorn on 127.0.0.1 over a temporary SQLite file,
migrated and loaded with the demo data; and headless Chromium driven by playwright."""

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen
from xml.etree import ElementTree

import pytest
from sqlmodel import Session

from eventhub.config import Settings
from eventhub.db import make_engine, upgrade
from eventhub.main import create_app

CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None)
AXE = Path(__file__).resolve().parent.parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base address of uvicorn serving the demo data from a fresh, migrated SQLite file."""
    import uvicorn  # imported here: only the browser tests start a server

    from eventhub.demo.loader import load_demo, read_seed

    data_dir = tmp_path_factory.mktemp("live")
    settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'live.sqlite3'}", secret_key="live-test")
    upgrade(settings)
    engine = make_engine(settings)
    with Session(engine) as db:
        load_demo(db, read_seed())
        db.commit()
    engine.dispose()

    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the live server did not start within 15 s")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    settings.base_url = base  # absolute links (canonical, sitemap) point at this server
    yield base
    server.should_exit = True
    thread.join(timeout=10)
    app.state.engine.dispose()


@pytest.fixture(scope="session")
def public_paths(live_server: str) -> list[str]:
    """Every public page of the demo data, as the sitemap lists them."""
    with urlopen(live_server + "/sitemap.xml", timeout=10) as response:
        tree = ElementTree.fromstring(response.read())
    return [loc.text.removeprefix(live_server) for loc in tree.findall("sm:url/sm:loc", SITEMAP_NS)]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium, or `make test` does it)")
    try:
        from playwright.sync_api import sync_playwright  # imported here: only browser tests need it
    except ImportError:
        pytest.skip("the playwright package is missing: pip install -e '.[test]'")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        if not shutil.which("npm"):
            pytest.skip("node/npm are missing, so axe-core cannot be installed: apt-get install nodejs npm, then `python -m tools.install_test_deps`")
        pytest.skip("axe-core is not installed: run `python -m tools.install_test_deps` (`make test` does it)")
    return AXE.read_text()
