"""neardup: find every copy of a document, group the copies, keep the best one.

The public API is what this module exports (checked by ``tests/test_public_api.py``);
everything else is private and may change. :class:`Index` is imported on first use, so
that a batch run (and every CLI command but ``index`` and ``serve``) starts without it.
"""

from typing import TYPE_CHECKING, Any

from neardup._version import __version__
from neardup.api import dedup
from neardup.config import (
    DedupConfig,
    MinHashConfig,
    NormalizeConfig,
    ReadConfig,
    ShingleConfig,
)
from neardup.errors import (
    ConfigError,
    InputError,
    MissingDependencyError,
    NeardupError,
    OutputError,
)
from neardup.files import dedup_files
from neardup.result import DedupResult
from neardup.text.normalize import normalize
from neardup.types import Assignment, Record

if TYPE_CHECKING:
    from neardup.index import Index

__all__ = [
    "Assignment",
    "ConfigError",
    "DedupConfig",
    "DedupResult",
    "Index",
    "InputError",
    "MinHashConfig",
    "MissingDependencyError",
    "NeardupError",
    "NormalizeConfig",
    "OutputError",
    "ReadConfig",
    "Record",
    "ShingleConfig",
    "__version__",
    "dedup",
    "dedup_files",
    "normalize",
]


def __getattr__(name: str) -> Any:
    if name == "Index":
        from neardup.index import Index

        return Index
    raise AttributeError(f"module 'neardup' has no attribute {name!r}")
