"""Two guards in front of every route, as plain ASGI middleware (so they cover the docs, the
OpenAPI document and unknown paths too, and answer in the one error shape):

- the optional bearer token: when ``PSIM_API_TOKEN`` is set, every request but ``GET /health``
  needs ``Authorization: Bearer <token>`` (401 otherwise);
- the body size limit: a body over ``max_body_bytes`` is refused with 413, by its
  ``Content-Length`` before it is read, or while it is read when it comes chunked.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_body
from .settings import Settings

PUBLIC_PATHS = frozenset({"/health"})


async def _send_error(send: Send, status: int, code: str, message: str, headers: list | None = None) -> None:
    body = json.dumps(error_body(status, code, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class GuardMiddleware:
    """Bearer-token check, then the body size limit. ``settings`` is called per request (the
    app resolves its settings lazily)."""

    def __init__(self, app: ASGIApp, settings: Callable[[], Settings]):
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = self.settings()
        headers = dict(scope["headers"])
        if settings.api_token is not None and scope["path"] not in PUBLIC_PATHS:
            # Compare raw bytes: HTTP headers are bytes, and the token may be non-ASCII UTF-8.
            scheme, _, token = headers.get(b"authorization", b"").partition(b" ")
            if scheme.lower() != b"bearer" or not hmac.compare_digest(
                token.strip(), settings.api_token.encode("utf-8")
            ):
                await _send_error(
                    send,
                    401,
                    "unauthorized",
                    "a bearer token is required: send 'Authorization: Bearer <token>'",
                    [(b"www-authenticate", b'Bearer realm="payment-sim"')],
                )
                return
        limit = settings.max_body_bytes
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                await _send_error(send, 400, "bad_request", "Content-Length is not a number")
                return
            if too_large:
                await _send_error(send, 413, "body_too_large", f"the request body exceeds {limit} bytes")
                return
            await self.app(scope, receive, send)
            return
        # No Content-Length (chunked): read the body here, refusing it once past the limit,
        # then hand it on whole.
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                await _send_error(send, 413, "body_too_large", f"the request body exceeds {limit} bytes")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        pending: list[Message] = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replay() -> Message:
            return pending.pop() if pending else await receive()

        await self.app(scope, replay, send)


__all__ = ["GuardMiddleware", "PUBLIC_PATHS"]
