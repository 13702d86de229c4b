"""create_app(settings): the API at /api/v1, the pages at /, errors mapped once."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from eventhub import ROOT, __version__
from eventhub.accounts.guessing import GuessLimit
from eventhub.admin import pages as admin_pages
from eventhub.agenda import api as agenda_api
from eventhub.core.config import Settings, get_settings
from eventhub.core.db import make_engine
from eventhub.core.deps import language_query
from eventhub.core.errors import DomainError
from eventhub.core.i18n import N_, _, reset_language, set_language
from eventhub.core.middleware import (
    HeadAsGet,
    KeyRingSessions,
    LanguageMiddleware,
    LimitBodySize,
    RejectNulBytes,
    SecurityHeaders,
    redact,
    redact_access_log,
)
from eventhub.core.schemas import COMMON_RESPONSES
from eventhub.core.surface_cache import SurfaceCacheMiddleware
from eventhub.core.uow import UnitOfWorkRoute, Units
from eventhub.core.validation import field_errors
from eventhub.directory import api as directory_api
from eventhub.events import api as events_api
from eventhub.events.page_cache import EventPageCacheMiddleware
from eventhub.events.service import renamed_location
from eventhub.feeds import api as feeds_api
from eventhub.organisations import api as organisations_api
from eventhub.outcomes import admin as outcomes_admin
from eventhub.outcomes import api as outcomes_api
from eventhub.outcomes import pages as outcomes_pages
from eventhub.press import admin as press_admin
from eventhub.press import api as press_api
from eventhub.press import pages as press_pages
from eventhub.projects import api as projects_api
from eventhub.public import event_pages, organisation_pages, project_pages
from eventhub.public import jinja as public_jinja
from eventhub.public import pages as public_pages
from eventhub.public import search as public_search
from eventhub.public.assets import HashedStaticFiles
from eventhub.public.compression import CompressionMiddleware
from eventhub.registrations import admin as registrations_admin
from eventhub.registrations import api as registrations_api
from eventhub.registrations import forms_admin as registrations_forms
from eventhub.registrations import messages_admin as registrations_messages
from eventhub.registrations import pages as registrations_pages
from eventhub.registrations import papers_admin as registrations_papers
from eventhub.reports import admin as reports_admin
from eventhub.reports import api as reports_api
from eventhub.reports import surveys_admin
from eventhub.surveys import pages as survey_pages
from eventhub.templating import templates

log = logging.getLogger("eventhub")

HTTP_MESSAGES = {  # translated where shown, in the language of the request
    400: N_("Неверный запрос"),
    404: N_("Страница не найдена"),
    405: N_("Метод не поддерживается"),
    422: N_("Неверные данные"),
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    redact_access_log()  # no private link, feed or code in uvicorn's access log

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The thread pool of sync routes, dependencies and background tasks (see Settings.threads).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="eventhub",
        version=__version__,
        summary="Civic and policy events in Kyrgyzstan: events, agendas, organisations, projects.",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings)
    app.state.units = Units(app.state.engine)
    templates.env.globals.update(public_jinja.GLOBALS)  # the public site's helpers (templating is below it)
    app.router.route_class = UnitOfWorkRoute  # routes declared on the app itself (healthz)

    api = APIRouter(
        route_class=UnitOfWorkRoute,
        prefix="/api/v1",
        responses=COMMON_RESPONSES,
        dependencies=[Depends(language_query)],
    )
    api.include_router(events_api.router)
    api.include_router(organisations_api.router)
    api.include_router(projects_api.router)
    api.include_router(press_api.router)
    api.include_router(agenda_api.router)
    api.include_router(directory_api.router)
    api.include_router(registrations_api.router)
    api.include_router(public_search.api_router)
    api.include_router(outcomes_api.router)
    api.include_router(reports_api.router)
    app.include_router(api)

    app.include_router(
        feeds_api.router, responses=COMMON_RESPONSES
    )  # before the event pages: /events/{slug}.ics is not a slug
    app.include_router(event_pages.router)
    app.include_router(organisation_pages.router)
    app.include_router(project_pages.router)
    app.include_router(press_pages.router)
    app.include_router(public_pages.router)
    app.include_router(public_search.router)
    app.include_router(registrations_pages.router)
    app.include_router(outcomes_pages.router)
    app.include_router(press_admin.router)  # before the general admin pages
    app.include_router(registrations_forms.router)
    app.include_router(registrations_papers.router)
    app.include_router(registrations_admin.router)
    app.include_router(registrations_messages.router)
    app.include_router(outcomes_admin.router)
    app.include_router(survey_pages.router)
    app.include_router(surveys_admin.router)
    app.include_router(reports_admin.router)  # before the directory's /admin/projects/{slug}
    app.include_router(admin_pages.router)
    app.mount("/static", HashedStaticFiles(directory=ROOT / "static"), name="static")

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
    # Cached event pages for anonymous readers, answered before routing.
    app.add_middleware(EventPageCacheMiddleware)
    # The signed cookie holds a server-side session's id (accounts/sessions.py decides who is
    # signed in and for how long); signed with the key ring so a rotation signs nobody out.
    app.add_middleware(
        KeyRingSessions,
        secret_keys=settings.get_secret_keys(),
        session_cookie="eventhub_session",
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=settings.base_url.startswith("https://"),
    )
    app.add_middleware(feeds_api.FeedCacheMiddleware)  # cached feeds answered before routing
    app.add_middleware(GuessLimit)  # wrong private links, feeds, invitations, check-in codes: 429 after a few
    app.add_middleware(SecurityHeaders, hsts=settings.base_url.startswith("https://"))
    app.add_middleware(
        LimitBodySize,
        max_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.max_upload_bytes,
        upload_paths=("/import", "/materials"),
    )
    app.add_middleware(
        LanguageMiddleware, default=settings.default_language
    )  # outside LimitBodySize: its 413 is translated
    app.add_middleware(RejectNulBytes)
    app.add_middleware(CompressionMiddleware)  # compresses every answer, errors too
    # A public answer a route marked is replayed as it left the stack (compressed, every
    # header), before any other layer but HEAD's runs (core.surface_cache).
    app.add_middleware(SurfaceCacheMiddleware)
    app.add_middleware(HeadAsGet)  # outermost: HEAD is the GET without its body, headers as sent
    return app


MACHINE_SUFFIXES = (".ics", ".json", ".xml", ".atom", ".vcf", ".pdf")


def _wants_json(request: Request) -> bool:
    """Errors are JSON for the API and for files read by programs (feeds, vCards, schedules)."""
    path = request.url.path
    return path.startswith("/api/") or path == "/healthz" or path.endswith(MACHINE_SUFFIXES)


def _error_response(
    request: Request, status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": {"code": code, "message": message, "fields": fields or {}}}, status_code=status)
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message, "fields": fields or {}}, status_code=status
    )


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if "renamed" in exc.extra:  # a former slug of an event: its addresses moved for good
            location = renamed_location(request.url.path, request.url.query, *exc.extra["renamed"])
            if location is not None:
                return RedirectResponse(location, status_code=301, headers={"Access-Control-Allow-Origin": "*"})
        response = _error_response(request, exc.status_code, exc.code, exc.message, exc.fields)
        if "retry_after" in exc.extra:
            response.headers["Retry-After"] = str(exc.extra["retry_after"])
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return _error_response(request, 422, "invalid", _("Неверные параметры запроса"), field_errors(exc.errors()))

    @app.exception_handler(sa.exc.IntegrityError)
    async def integrity_error(request: Request, exc: sa.exc.IntegrityError) -> Response:
        # Two requests raced for the same slug or row; the loser is told to retry, not a 500.
        log.warning("integrity error on %s %s: %s", request.method, redact(request.url.path), exc.orig)
        return _error_response(
            request, 409, "conflict", _("Данные изменились одновременно с вашим запросом; повторите")
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code not in HTTP_MESSAGES else None
        message = message or _(HTTP_MESSAGES.get(exc.status_code, N_("Ошибка")))
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        response = _error_response(request, exc.status_code, code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, redact(request.url.path))
        # This handler runs outside LanguageMiddleware: answer in the language it chose.
        token = set_language(getattr(request.state, "lang", request.app.state.settings.default_language))
        try:
            return _error_response(request, 500, "internal_error", _("Внутренняя ошибка сервера"))
        finally:
            reset_language(token)


def app_factory() -> FastAPI:
    """Entry point for uvicorn --factory."""
    return create_app()
