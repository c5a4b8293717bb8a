"""The FastAPI application: thin routes over :class:`neardup.Index`.

Adds and queries go through one thread each, in batches (:mod:`neardup.server.writer`); reads run
in the worker threads, each on its own SQLite connection, so queries are
never blocked by the writer (WAL).
"""

from __future__ import annotations

import asyncio
import gc
import hmac
import math
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import orjson
from fastapi import Depends, FastAPI, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.security import APIKeyHeader

from neardup._version import __version__
from neardup.errors import NeardupError
from neardup.index import Index
from neardup.index_types import Outcome
from neardup.server import errors
from neardup.server.limits import DEFAULT_MAX_BODY, BodyLimit, KeyGuard
from neardup.server.models import (
    AddBody,
    DocumentBatch,
    DocumentIn,
    DocumentOut,
    ErrorOut,
    HealthOut,
    QueryBatch,
    QueryBody,
    QueryIn,
    RemovedOut,
    ResultsOut,
)
from neardup.server.writer import BatchQueue
from neardup.types import Record

API_KEY_HEADER = "X-API-Key"
CHECKPOINT_SECONDS = 1.0  # keeps the write-ahead log short, so no commit ever copies it
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 401, 404, 409, 413, 422)
}


def build_app(
    index: Index, api_key: str | None = None, max_body: int = DEFAULT_MAX_BODY
) -> FastAPI:
    queues: dict[str, BatchQueue] = {}

    def add_all(records: list[Record]) -> list[Outcome]:
        return list(index.add_records(records, batch_size=max(1, len(records))))

    def query_all(records: list[Record]) -> list[Outcome]:
        return list(index.query_records(records, batch_size=max(1, len(records))))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(index.warm)  # the first request should not pay for loading
        gc.collect()
        gc.freeze()  # what loading made lives on: full collections need not walk it again
        queues["add"] = BatchQueue(add_all, "neardup-add")
        queues["query"] = BatchQueue(query_all, "neardup-query")
        checkpoints = asyncio.create_task(_checkpoint_every(index, CHECKPOINT_SECONDS))
        try:
            yield
        finally:
            checkpoints.cancel()
            for name in ("add", "query"):
                queues.pop(name).close()

    app = FastAPI(
        title="neardup",
        version=__version__,
        description="Near-duplicate lookup for documents that arrive one by one.",
        lifespan=lifespan,
    )
    app.add_middleware(BodyLimit, max_body=max_body)
    if api_key is not None:
        app.add_middleware(KeyGuard, key=api_key, header=API_KEY_HEADER, open_paths=("/healthz",))
    errors.install(app)
    guard = [Depends(_key_check(api_key))]

    @app.get("/healthz", response_model=HealthOut, tags=["service"])
    def healthz() -> dict[str, str]:
        """Liveness: answers without an API key."""
        return {"status": "ok"}

    @app.post(
        "/documents",
        status_code=201,
        response_model=ResultsOut,
        responses=_ERRORS,
        dependencies=guard,
    )
    async def add(body: AddBody) -> Response:
        """Add one document (`{"id", "text", ...}`) or a batch (`{"documents": [...]}`).

        Each is matched against the index and the documents before it.
        """
        prefix, records = _records(body)
        try:
            outcomes = await asyncio.wrap_future(queues["add"].submit(records))
        except NeardupError as error:
            raise errors.neardup_error(error, prefix) from error
        return _results(outcomes, 201)

    @app.post("/query", response_model=ResultsOut, responses=_ERRORS, dependencies=guard)
    async def query(body: QueryBody) -> Response:
        """What adding would answer, without adding: each document against the index alone."""
        prefix, records = _records(body)
        try:
            outcomes = await asyncio.wrap_future(queues["query"].submit(records))
        except NeardupError as error:
            raise errors.neardup_error(error, prefix) from error
        return _results(outcomes, 200)

    @app.get(
        "/documents/{doc_id:path}",
        response_model=DocumentOut,
        responses=_ERRORS,
        dependencies=guard,
    )
    def get(doc_id: str) -> dict[str, Any]:
        """An indexed document: its fields (and text, if stored) and its cluster."""
        found = index.get(doc_id)
        if found is None:
            raise errors.FieldHTTPError(404, f"no document {doc_id!r} in the index", "doc_id")
        document: dict[str, Any] = _json_safe(found.to_json())
        return document

    @app.delete(
        "/documents/{doc_id:path}", response_model=RemovedOut, responses=_ERRORS, dependencies=guard
    )
    async def remove(doc_id: str) -> dict[str, str]:
        """Remove a document: it no longer matches anything."""
        removed = await run_in_threadpool(index.remove, doc_id)
        if not removed:
            raise errors.FieldHTTPError(404, f"no document {doc_id!r} in the index", "doc_id")
        return {"removed": doc_id}

    @app.get("/stats", responses=_ERRORS, dependencies=guard)
    def stats() -> dict[str, Any]:
        """Counts and the settings the index was created with."""
        figures: dict[str, Any] = _json_safe(index.stats())
        return figures

    return app


async def _checkpoint_every(index: Index, seconds: float) -> None:
    """Checkpoints off the commit path: a commit that had to copy the log would stall."""
    while True:
        await asyncio.sleep(seconds)
        await run_in_threadpool(index.checkpoint)


def _key_check(api_key: str | None) -> Callable[[str | None], None]:
    header = APIKeyHeader(name=API_KEY_HEADER, auto_error=False)

    def check(given: str | None = Security(header)) -> None:
        if api_key is None:
            return
        if given is None or not hmac.compare_digest(given.encode(), api_key.encode()):
            raise errors.FieldHTTPError(
                401,
                f"missing or wrong API key: send it in the {API_KEY_HEADER} header",
                API_KEY_HEADER,
            )

    return check


def _records(
    body: DocumentIn | DocumentBatch | QueryIn | QueryBatch,
) -> tuple[str, list[Record]]:
    """The request's documents as records; the prefix names their fields in errors."""
    if isinstance(body, (DocumentBatch, QueryBatch)):
        docs: list[DocumentIn | QueryIn] = list(body.documents)
        prefix = "documents"
    else:
        docs, prefix = [body], ""
    records = []
    for position, doc in enumerate(docs):
        doc_id = doc.id if doc.id is not None else str(position)
        fields = {**doc.extra_fields(), "id": doc_id, "text": doc.text}
        records.append(Record(doc_id, doc.text, fields, "<request>", position + 1))
    return prefix, records


def _results(outcomes: list[Outcome], status: int) -> Response:
    """The answer as JSON, made directly: outcomes are plain data, already valid."""
    body = orjson.dumps({"results": [o.to_json() for o in outcomes]})
    return Response(content=body, status_code=status, media_type="application/json")


def _json_safe(value: Any) -> Any:
    """NaN and Infinity (possible in fields added from files) become null: JSON has neither."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value
