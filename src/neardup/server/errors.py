"""Every error the service answers is JSON naming the field at fault: never a bare 500."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from neardup.errors import ConfigError, InputError, NeardupError
from neardup.index_types import AlreadyIndexedError
from neardup.server.models import TAGS


class FieldHTTPError(HTTPException):
    """An HTTP error about one request field (the API key header, a document's id)."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(status_code=status, detail=message)
        self.field = field


def field_name(loc: Sequence[Any]) -> str | None:
    """``("body", "batch", "documents", 2, "text")`` -> ``documents[2].text``."""
    parts = list(loc)
    if parts and parts[0] in ("body", "path", "query", "header"):
        parts = parts[1:]
    name = ""
    for part in parts:
        if part in TAGS:
            continue
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or None


def error_body(
    message: str, field: str | None, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "error": message,
        "field": field,
        "errors": errors or [{"field": field, "message": message}],
    }


_OBJECT = 'a JSON object like {"id": "a1", "text": "..."}, sent as application/json'


def _described(error: Mapping[str, Any]) -> tuple[str | None, str]:
    """(field, message) of one of pydantic's errors; a body that is not a JSON object at
    all is named ``body``, with what to send instead."""
    loc = tuple(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        reason = error.get("ctx", {}).get("error", "cannot be decoded")
        return "body", f"not valid JSON ({reason}); send {_OBJECT}"
    field = field_name(loc)
    if field is None and loc[:1] == ("body",):
        return "body", f"{error.get('msg', 'invalid')}; send {_OBJECT}"
    return field, str(error.get("msg", "invalid"))


async def _validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    found = [_described(e) for e in error.errors()]
    errors: list[dict[str, Any]] = [{"field": f, "message": m} for f, m in found]
    field, reason = found[0] if found else (None, "invalid request")
    message = f"{field}: {reason}" if field else reason
    return JSONResponse(error_body(message, field, errors), status_code=422)


async def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    field = getattr(error, "field", None)
    return JSONResponse(
        error_body(str(error.detail), field), status_code=error.status_code, headers=error.headers
    )


def neardup_error(error: NeardupError, prefix: str) -> FieldHTTPError:
    """A library error about a request's documents, as an HTTP error naming the field."""
    field = None
    if isinstance(error, InputError) and error.line is not None:
        field = f"{prefix}[{error.line - 1}].id" if prefix else "id"
    if isinstance(error, AlreadyIndexedError):
        return FieldHTTPError(409, error.reason, field)
    if isinstance(error, InputError):
        return FieldHTTPError(422, error.reason, field)
    if isinstance(error, ConfigError):
        return FieldHTTPError(400, str(error))
    return FieldHTTPError(400, str(error))


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
