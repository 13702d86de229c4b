"""create_app(settings): the API at /api/v1, the pages at /, errors mapped once."""

import logging

import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from eventhub import ROOT, __version__
from eventhub.config import Settings, get_settings
from eventhub.db import make_engine
from eventhub.errors import DomainError
from eventhub.events import api as events_api
from eventhub.events import pages as events_pages
from eventhub.organisations import api as organisations_api
from eventhub.organisations import pages as organisations_pages
from eventhub.press import pages as press_pages
from eventhub.projects import api as projects_api
from eventhub.projects import pages as projects_pages
from eventhub.registrations import admin as registrations_admin
from eventhub.registrations import api as registrations_api
from eventhub.registrations import pages as registrations_pages
from eventhub.templating import templates

log = logging.getLogger("eventhub")

HTTP_MESSAGES = {
    400: "Неверный запрос",
    404: "Страница не найдена",
    405: "Метод не поддерживается",
    422: "Неверные данные",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="eventhub",
        version=__version__,
        summary="Civic and policy events in Kyrgyzstan: events, agendas, organisations, projects.",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings)

    api = APIRouter(prefix="/api/v1")
    api.include_router(events_api.router)
    api.include_router(organisations_api.router)
    api.include_router(projects_api.router)
    api.include_router(registrations_api.router)
    app.include_router(api)

    app.include_router(events_pages.router)
    app.include_router(organisations_pages.router)
    app.include_router(projects_pages.router)
    app.include_router(press_pages.router)
    app.include_router(registrations_pages.router)
    app.include_router(registrations_admin.router)
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")

    @app.get("/healthz", tags=["health"])
    def healthz() -> JSONResponse:
        """Liveness and a round trip to the database."""
        try:
            with app.state.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            log.exception("health check: database unreachable")
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    _install_error_handlers(app)
    # Signed cookie sessions for /admin: stateless, so correct across worker processes.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.get_secret_key(),
        session_cookie="eventhub_session",
        max_age=12 * 3600,
        same_site="lax",
        https_only=settings.base_url.startswith("https://"),
    )
    app.add_middleware(RejectNulBytes)
    return app


class RejectNulBytes:
    """A NUL byte in the address is never meaningful, and PostgreSQL text cannot hold one."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] == "http" and (
            "\x00" in scope["path"] or b"%00" in scope.get("query_string", b"") or b"\x00" in scope.get("query_string", b"")
        ):
            response = JSONResponse(
                {"error": {"code": "bad_request", "message": "NUL byte in the request address", "fields": {}}},
                status_code=400,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/openapi.json", "/healthz")


def _error_response(request: Request, status: int, code: str, message: str, fields: dict | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": {"code": code, "message": message, "fields": fields or {}}}, status_code=status)
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message, "fields": fields or {}}, status_code=status
    )


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        return _error_response(request, exc.status_code, exc.code, exc.message, exc.fields)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        fields = {}
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body")]
            fields[".".join(loc) or "request"] = err.get("msg", "invalid")
        return _error_response(request, 422, "invalid", "Неверные параметры запроса", fields)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code not in HTTP_MESSAGES else None
        message = message or HTTP_MESSAGES.get(exc.status_code, "Ошибка")
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        response = _error_response(request, exc.status_code, code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error_response(request, 500, "internal_error", "Внутренняя ошибка сервера")


def app_factory() -> FastAPI:
    """Entry point for uvicorn --factory."""
    return create_app()

