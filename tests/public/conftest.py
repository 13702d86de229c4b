"""A real server for the browser tests: uvicorn on 127.0.0.1 over a temporary SQLite file,
migrated and loaded with the demo data; and headless Chromium driven by playwright."""

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.request import urlopen
from xml.etree import ElementTree

import pytest
from sqlmodel import Session, select

from eventhub.core.models import Organisation
from eventhub.demo.loader import load_demo, read_seed
from tests.factories import add_organisation_role, add_speaker, make_event, make_panel, make_person, make_session
from tools.live_server import serve, sqlite_settings

CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None)
AXE = Path(__file__).resolve().parent.parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base address of uvicorn serving the demo data from a fresh, migrated SQLite file."""

    def prepare(db: Session) -> None:
        load_demo(db, read_seed())
        add_states_the_demo_lacks(db)

    with serve(sqlite_settings(tmp_path_factory.mktemp("live")), prepare) as base:
        yield base


def add_states_the_demo_lacks(db: Session) -> None:
    """An upcoming, postponed, mixed online/in-person event with a timed agenda, and a
    cancelled one, so the page checks also see badges, notices, times and rooms."""
    start = datetime(2031, 4, 15, 3, tzinfo=UTC)
    postponed = make_event(
        db,
        slug="selskiy-skhod-ak-talaa-2031",
        kind="village_assembly",
        status="postponed",
        title="Сельский сход: бюджет айыл окмоту на 2032 год",
        summary="Обсуждение проекта местного бюджета с жителями.",
        status_note="Сход перенесён на неделю из-за посевной.",
        start_at=start,
        end_at=start + timedelta(hours=5),
        venue_name="Дом культуры",
        venue_address="ул. Ленина, 1",
        city="Баетов",
        venue_region="naryn",
        online_url="https://meet.example.org/ak-talaa",
        registration_mode="open",
        capacity=120,
        goals=["Представить проект бюджета", "Собрать предложения жителей"],
    )
    add_organisation_role(
        db, postponed, db.exec(select(Organisation).where(Organisation.slug == "ipr")).one(), "organiser"
    )
    add_organisation_role(
        db, postponed, db.exec(select(Organisation).where(Organisation.slug == "usaid")).one(), "funder"
    )
    opening = make_session(
        db,
        postponed,
        kind="opening",
        title="Открытие схода",
        start_at=start,
        end_at=start + timedelta(minutes=20),
        position=1,
    )
    add_speaker(db, opening, make_person(db, name="Глава айыл окмоту", position="глава"), "speaker")
    panel = make_session(
        db,
        postponed,
        kind="panel",
        title="Куда идут деньги аймака",
        start_at=start + timedelta(minutes=20),
        end_at=start + timedelta(hours=2),
        room="Большой зал",
        position=2,
    )
    add_speaker(db, panel, make_person(db, name="Модератор Схода"), "moderator")
    add_speaker(db, panel, make_person(db, name="Депутат Кенеша", position="депутат"), "panellist")
    make_panel(
        db, panel, guiding_questions=["Что важнее: вода или дороги?"], expected_result="список приоритетов жителей"
    )
    make_session(
        db,
        postponed,
        kind="break",
        title="Перерыв",
        start_at=start + timedelta(hours=2),
        end_at=start + timedelta(hours=2, minutes=30),
        position=3,
    )
    make_event(
        db,
        slug="seminar-otmenen-2031",
        kind="seminar",
        status="cancelled",
        title="Семинар для бухгалтеров аймаков",
        status_note="Семинар отменён организатором.",
        start_at=start + timedelta(days=30),
        end_at=start + timedelta(days=30, hours=3),
    )


@pytest.fixture(scope="session")
def public_paths(live_server: str) -> list[str]:
    """Every public page of the demo data, as the sitemap lists them."""
    with urlopen(live_server + "/sitemap.xml", timeout=10) as response:
        tree = ElementTree.fromstring(response.read())
    return [loc.text.removeprefix(live_server) for loc in tree.findall("sm:url/sm:loc", SITEMAP_NS)]


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        if not shutil.which("npm"):
            pytest.skip(
                "node/npm are missing, so axe-core cannot be installed: apt-get install nodejs npm, then `python -m tools.install_test_deps`"
            )
        pytest.skip("axe-core is not installed: run `python -m tools.install_test_deps` (`make test` does it)")
    return AXE.read_text()
