"""The rules of the write path, checked on the code: one unit of work commits, every route runs in it."""

import re
from pathlib import Path

from fastapi.routing import APIRoute

from eventhub.core.uow import UnitOfWorkRoute

PACKAGE = Path(__file__).resolve().parent.parent / "eventhub"
COMMIT = re.compile(r"\.commit\(\)")


def test_commit_appears_only_in_the_unit_of_work() -> None:
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{n}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if COMMIT.search(line)
    ]
    outside_core = [f for f in found if not f.startswith("eventhub/core/")]
    assert outside_core == []  # services and routes flush; the unit of work commits
    assert {f.split(":")[0] for f in found} == {"eventhub/core/uow.py"}


def _api_routes(routes: list) -> list[APIRoute]:
    """Every APIRoute, also of included routers (FastAPI keeps those as _IncludedRouter)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _api_routes(route.original_router.routes)
    return found


def test_every_route_of_the_app_is_a_unit_of_work(app) -> None:
    routes = [r for r in _api_routes(app.routes) if r.endpoint.__module__.startswith("eventhub.")]  # not tests' own
    assert len(routes) > 50
    assert [r.path for r in routes if not isinstance(r, UnitOfWorkRoute)] == []
