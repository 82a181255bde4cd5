"""One error body for every failure, and the mapping from exceptions to status codes.

Every error response, whoever produced it (a route, request validation, the router's 404/405,
the auth and body-size middleware, an unexpected exception), has this shape::

    {"error": {"status": 422, "code": "invalid_config", "message": "…",
               "fields": [{"field": "simulation.ticks_per_day", "message": "…"}],
               "problems": [{"path": "simulation.ticks_per_day", "message": "…", "value": 0}]}}

``code`` is stable and machine-readable; ``message`` is the library's text where it has one;
``fields`` lists the offending fields (empty when none applies). ``problems`` is there when the
core reported structured problems (an invalid configuration or argument): each with the ``path`` the core
gave, its ``message`` and, where the core gives it, the offending ``value``. Field names come
from the core's paths or from FastAPI's locations, never from reading a message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ..errors import (
    InvalidArgumentError,
    InvalidConfigError,
    InvalidJsonError,
    InvalidUtf8Error,
    NativePanicError,
    PaymentSimError,
    PoisonedError,
    Problem,
    SimulationFinishedError,
    SimulationNotFoundError,
    UnknownAgentError,
)

log = logging.getLogger("payment_simulator.api")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
}


class ApiError(Exception):
    """An error the service answers with: status, code, message, offending fields and (when
    the core reported them) its structured problems."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: Iterable[tuple[str, str]] = (),
        headers: dict[str, str] | None = None,
        problems: list[Problem] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = list(fields)
        self.headers = headers
        self.problems = problems


def error_body(
    status: int,
    code: str,
    message: str,
    fields: Iterable[tuple[str, str]] = (),
    problems: list[Problem] | None = None,
) -> dict[str, Any]:
    error: dict[str, Any] = {
        "status": status,
        "code": code,
        "message": message,
        "fields": [{"field": f, "message": m} for f, m in fields],
    }
    if problems is not None:
        error["problems"] = problems
    return {"error": error}


def error_response(error: ApiError) -> JSONResponse:
    return JSONResponse(
        error_body(error.status, error.code, error.message, error.fields, error.problems),
        error.status,
        headers=error.headers,
    )


def invalid_config(error: InvalidConfigError) -> ApiError:
    """422 ``invalid_config``: one field per problem, named by the core's path."""
    return ApiError(
        422,
        "invalid_config",
        str(error),
        [(p["path"], p["message"]) for p in error.problems],
        problems=error.problems,
    )


def from_library(error: Exception, *, fields: Iterable[tuple[str, str]] = ()) -> ApiError:
    """The ApiError for an exception raised by payment_simulator (or an unexpected one)."""
    message = str(error)
    fields = list(fields)
    if isinstance(error, SimulationNotFoundError):
        return ApiError(404, "simulation_not_found", message)
    if isinstance(error, UnknownAgentError):
        return ApiError(404, "agent_not_found", message, fields)
    if isinstance(error, SimulationFinishedError):
        return ApiError(409, "simulation_finished", message)
    if isinstance(error, InvalidConfigError):
        return invalid_config(error)
    if isinstance(error, InvalidArgumentError):  # the core names the argument in each problem
        return ApiError(422, "invalid_argument", message, fields, problems=error.problems)
    if isinstance(error, (InvalidJsonError, InvalidUtf8Error)):
        return ApiError(422, "invalid_argument", message, fields)
    if isinstance(error, (NativePanicError, PoisonedError)):
        return ApiError(500, "engine_error", message)
    return ApiError(500, "internal_error", "internal server error")


def _validation_code(request: Request, loc: tuple) -> str:
    # Configuration bodies are read by the core, not by FastAPI: only transactions get here.
    if loc and loc[0] == "body" and request.url.path.rstrip("/").endswith("/transactions"):
        return "invalid_transaction"
    return "invalid_request"


def _path(loc: tuple) -> str:
    """A pydantic location as a field path: ``("body", "legs", 0, "amount")`` -> ``legs[0].amount``."""
    out = ""
    for part in loc[1:] if loc and loc[0] == "body" else loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


def _body_fields(error: dict[str, Any]) -> list[tuple[str, str]]:
    """``(field, problem)`` for one of FastAPI's body errors, in the core's words for unknown
    and missing fields (the field is the parent; the message names the key)."""
    loc = tuple(error["loc"])
    if error["type"] in ("extra_forbidden", "missing") and len(loc) > 1:
        word = "unknown" if error["type"] == "extra_forbidden" else "missing"
        return [(_path(loc[:-1]), f"{word} field `{loc[-1]}`")]
    return [(_path(loc), line) for line in error["msg"].removeprefix("Value error, ").splitlines()]


async def _on_api_error(request: Request, error: ApiError) -> JSONResponse:
    return error_response(error)


async def _on_validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    errors = list(error.errors())
    first_loc = tuple(errors[0]["loc"]) if errors else ()
    code = _validation_code(request, first_loc)
    fields: list[tuple[str, str]] = []
    for e in errors:
        loc = tuple(e["loc"])
        if loc and loc[0] in ("query", "path", "header"):  # a parameter: name it as sent
            name = ".".join(str(part) for part in loc[1:])
            message = f"missing {loc[0]} parameter `{name}`" if e["type"] == "missing" else e["msg"]
            fields.append((name, message))
        else:
            fields += _body_fields(e)
    what = "transaction" if code == "invalid_transaction" else "request"
    summary = "; ".join(f"{f}: {m}" if f else m for f, m in fields)
    return error_response(ApiError(422, code, f"invalid {what}: {summary}", fields))


def _routes(routes: Iterable[Any]) -> Iterator[Any]:
    """Every route, descending into included routers (FastAPI ≥ 0.16x keeps an included
    router as one entry of ``app.routes``, holding the original router)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes)
        else:
            yield route


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in _routes(request.app.routes):
        route_methods = getattr(route, "methods", None)
        if not route_methods:
            continue
        # Match with a method the route serves: a mismatch of method alone is a PARTIAL match.
        scope = {**request.scope, "method": next(iter(route_methods))}
        if route.matches(scope)[0] == Match.FULL:
            methods |= set(route_methods)
    return sorted(methods)


async def _on_http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    code = _HTTP_CODES.get(error.status_code, "http_error")
    message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
    headers = dict(getattr(error, "headers", None) or {})
    if error.status_code == 404 and message == "Not Found":
        message = f"no such endpoint: {request.method} {request.url.path}"
    elif error.status_code == 405:
        allowed = _allowed_methods(request)
        headers["Allow"] = ", ".join(allowed)
        message = f"{request.method} is not allowed on {request.url.path} (allowed: {', '.join(allowed)})"
    return error_response(ApiError(error.status_code, code, message, headers=headers or None))


async def _on_library_error(request: Request, error: PaymentSimError) -> JSONResponse:
    api_error = from_library(error)
    if api_error.status >= 500:
        log.error("engine error on %s %s: %s", request.method, request.url.path, error)
    return error_response(api_error)


async def _on_unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(ApiError(500, "internal_error", "internal server error"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(PaymentSimError, _on_library_error)
    app.add_exception_handler(Exception, _on_unexpected)


__all__ = ["ApiError", "error_body", "error_response", "from_library", "invalid_config", "install_error_handlers"]
