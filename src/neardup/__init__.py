"""neardup: find every copy of a document, group the copies, keep the best one.

The public API is what this module exports (checked by ``tests/test_public_api.py``);
everything else is private and may change.
"""

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
from neardup.index import Index
from neardup.result import DedupResult
from neardup.text.normalize import normalize
from neardup.types import Assignment, Record

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
