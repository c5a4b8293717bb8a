"""Storage behind the incremental index: a small protocol and its backends.

``base`` defines the rows and :class:`~neardup.store.base.IndexStore`;
``sqlite`` is the default, one WAL-mode file; ``memory`` keeps everything in
dicts for tests.
"""

from neardup.store.base import IndexSettings, IndexStore
from neardup.store.memory import MemoryStore
from neardup.store.sqlite import FORMAT_VERSION, SqliteStore

__all__ = ["FORMAT_VERSION", "IndexSettings", "IndexStore", "MemoryStore", "SqliteStore"]
