"""The HTTP service (``neardup serve``; extra ``neardup[server]``).

FastAPI and uvicorn are imported only here and in ``neardup.cli.serve``,
never by ``import neardup``; without them :func:`create_app` raises
:class:`~neardup.errors.MissingDependencyError` with the pip command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from neardup.errors import MissingDependencyError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from neardup.index import Index

INSTALL_HINT = "the HTTP service needs FastAPI and uvicorn: pip install 'neardup[server]'"
DEFAULT_MAX_BODY = 16 * 1024 * 1024  # as neardup.server.limits, without importing starlette


def create_app(
    index: Index, api_key: str | None = None, max_body: int = DEFAULT_MAX_BODY
) -> FastAPI:
    """The service's ASGI app over ``index``; ``api_key`` (if any) guards every route but /healthz."""
    try:
        from neardup.server.app import build_app
    except ImportError as error:
        raise MissingDependencyError(INSTALL_HINT) from error
    return build_app(index, api_key=api_key, max_body=max_body)


__all__ = ["INSTALL_HINT", "create_app"]
