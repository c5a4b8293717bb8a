"""Shared fixtures: where the repo's examples and the optional ../shared data live."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "examples"


def shared_path(relative: str) -> Path:
    """A file under ../shared, or skip the test saying why."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} not found: ../shared is absent on this checkout")
    return path


# Kernels compile (or load from numba's cache) on first call: no per-example deadline.
settings.register_profile("neardup", deadline=None)
settings.load_profile("neardup")
