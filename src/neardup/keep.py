"""Which copy of a cluster stays.

Every policy breaks ties by record id, so the kept copy does not depend on
the order records arrive in (except ``first``, whose whole point is order);
a document an index is only queried with loses ties first, so that a query
for a copy of an indexed story never claims to be kept over it on its id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from neardup.config import DedupConfig


@dataclass(frozen=True)
class Candidate:
    """What a keep policy may look at for one cluster member."""

    id: str
    position: int  # order of arrival, 0-based
    length: int  # characters of the text as read
    field_value: Any = None  # value of keep_field, None when absent
    queried: bool = False  # a query's document, not added: loses ties (see the module docs)


def _field_rank(value: Any, descending: bool) -> tuple[Any, ...]:
    """Missing values rank last in either order; numbers before other values.

    Non-numbers compare as strings (ISO dates sort correctly); for descending
    order a string becomes its negated code points plus a sentinel, so that a
    longer string still ranks before its own prefix.
    """
    if value is None:
        return (1, 0, ())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, 0, -value if descending else value)
    text = str(value)
    if descending:
        return (0, 1, (*(-ord(ch) for ch in text), 1))
    return (0, 1, tuple(ord(ch) for ch in text))


def choose_kept(members: Sequence[Candidate], config: DedupConfig) -> Candidate:
    """The member of a cluster to keep under ``config.keep``."""
    if config.keep == "first":
        return min(members, key=lambda m: (m.position, m.id))
    if config.keep == "field":
        descending = config.keep_order == "desc"
        return min(
            members,
            key=lambda m: (_field_rank(m.field_value, descending), -m.length, m.queried, m.id),
        )
    return min(members, key=lambda m: (-m.length, m.queried, m.id))
