"""What the service checks before a request reaches a route: its API key and body size."""

from __future__ import annotations

import hmac
import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY = 16 * 1024 * 1024  # a full batch of long articles fits; a runaway upload does not


class BodyTooLarge(HTTPException):
    """Raised from inside the body stream; FastAPI re-raises HTTP errors as they are."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body exceeds the limit of {limit} bytes")


class KeyGuard:
    """ASGI middleware: every path but ``open_paths`` needs the API key (OpenAPI and docs
    too), checked before a byte of the body is read."""

    def __init__(self, app: ASGIApp, key: str, header: str, open_paths: tuple[str, ...]) -> None:
        self.app = app
        self.key = key.encode()
        self.name = header
        self.header = header.lower().encode()
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.open_paths:
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(self.header, b"")
        if hmac.compare_digest(given, self.key):
            await self.app(scope, receive, send)
            return
        message = f"missing or wrong API key: send it in the {self.name} header"
        await _respond(send, 401, message, self.name)


class BodyLimit:
    """ASGI middleware: 413 for a body larger than ``max_body`` bytes."""

    def __init__(self, app: ASGIApp, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await _respond(send, 413, f"request body exceeds the limit of {self.max_body} bytes")
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        await self.app(scope, limited, send)


async def _respond(send: Send, status: int, message: str, field: str | None = None) -> None:
    problem = {"field": field, "message": message}
    body = json.dumps({"error": message, "field": field, "errors": [problem]}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 413:
        headers.append((b"connection", b"close"))  # the unread body cannot be skipped
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
