"""The honest baseline: a bare Starlette app in its own process, answering the same bytes.

``bench.feeds.bench_app`` adds "bare" endpoints to eventhub's own app: they sit behind the
same middleware stack, so a ratio against them measures the app against itself. This app has
no middleware at all: one route that answers a body eventhub gave (read once from
``BENCH_BODIES_DIR``) with its media type, and a bare 304. ``bench.report`` serves it with the
same uvicorn command, worker count and flags as eventhub (``uvicorn --factory bench.bare:app``),
at the same time, and alternates the two under wrk: eventhub ÷ this is the share of the limit
that eventhub reaches on this machine.
"""

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

MEDIA_TYPES = {
    "ics": "text/calendar; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "xml": "application/xml",
}


def app() -> Starlette:
    bodies_dir = Path(os.environ["BENCH_BODIES_DIR"])
    bodies = {p.name: p.read_bytes() for p in bodies_dir.iterdir() if p.is_file()}
    etag = bodies.get("etag", b'"x"').decode()

    async def body(request: Request) -> Response:
        name = request.path_params["name"]
        return Response(bodies[name], media_type=MEDIA_TYPES[name.rsplit(".", 1)[-1]])

    async def not_modified(request: Request) -> Response:
        return Response(status_code=304, headers={"ETag": etag})

    async def healthz(request: Request) -> Response:  # what tools.live_server waits for
        return Response(b"ok")

    return Starlette(
        routes=[Route("/bare/{name}", body), Route("/not-modified", not_modified), Route("/healthz", healthz)]
    )
