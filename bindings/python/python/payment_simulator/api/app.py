"""The FastAPI application: routes, error handlers, guards, lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .. import __version__
from .auth import PUBLIC_PATHS, GuardMiddleware
from .deps import init_state, reset_service, service_of, settings_of
from .docs import install_offline_docs
from .errors import install_error_handlers
from .openapi import add_config_schema, add_links
from .feed_routes import router as feed_router
from .reports import router as report_router
from .routes import router
from .scenarios import router as scenario_router
from .settings import Settings
from .ui import install_ui

DESCRIPTION = """\
Create, advance, inspect and feed deterministic RTGS payment simulations over HTTP.

Every change (create, tick, run, submit, delete) is stored in SQLite before it is acknowledged,
so a simulation survives a crash or restart of the server and continues identically.
Every error has the body `{"error": {"status", "code", "message", "fields": [{"field", "message"}]}}`;
an invalid configuration adds the core's `problems`, each `{"path", "message", "value"}`.
When `PSIM_API_TOKEN` is set, every endpoint but `/health` needs `Authorization: Bearer <token>`.
"""


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    service_of(app)  # open the data directory now: a locked or unreadable one stops the start
    try:
        yield
    finally:
        reset_service(app)


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        add_config_schema(schema)  # the body of POST /simulations: the core's own schema
        add_links(schema)  # how the simulation id flows between operations
        schema.setdefault("components", {})["securitySchemes"] = {
            "bearerAuth": {"type": "http", "scheme": "bearer", "description": "Only when PSIM_API_TOKEN is set"}
        }
        settings = settings_of(app)
        limits = {"n": settings.max_ticks_per_request, "ticks": settings.max_run_ticks}
        for path, operations in schema.get("paths", {}).items():
            for operation in operations.values():
                if path not in PUBLIC_PATHS:
                    operation["security"] = [{}, {"bearerAuth": []}]
                for parameter in operation.get("parameters", []):  # this server's limits
                    if parameter["in"] == "query" and parameter["name"] in limits:
                        parameter["schema"]["maximum"] = limits[parameter["name"]]
        app.openapi_schema = schema
    return app.openapi_schema


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app. Without ``settings`` it reads them (``PSIM_*``) from the environment when it
    first needs them, at start-up or on its first request."""
    app = FastAPI(
        title="payment-sim",
        version=__version__,
        description=DESCRIPTION,
        lifespan=_lifespan,
        docs_url=None,  # served from packaged assets instead of a CDN: see .docs
        redoc_url=None,
    )
    init_state(app, settings)
    install_error_handlers(app)
    app.add_middleware(GuardMiddleware, settings=lambda: settings_of(app))
    app.include_router(router)
    app.include_router(report_router)
    app.include_router(feed_router)
    app.include_router(scenario_router)
    install_offline_docs(app)
    install_ui(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


__all__ = ["create_app", "reset_service", "service_of", "settings_of"]
