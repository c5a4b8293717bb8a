"""Directories a run writes to: the output directory, and the scratch directory in ``workdir``."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from neardup.errors import OutputError


def prepared_directory(path: Path, role: str) -> Path:
    """``path`` made if missing (with its parents); an error naming it and its ``role``
    ("output directory") when it is a file or cannot be made."""
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path} exists and is not a directory; choose another {role}")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {role} {path}: {exc.strerror}") from exc
    return path


@contextmanager
def scratch_directory(prefix: str, workdir: str | Path | None) -> Iterator[Path]:
    """A new directory for a run's spill files inside ``workdir`` (made if missing; the
    system's temporary directory when None), removed with its files afterwards."""
    if workdir is not None:
        prepared_directory(Path(workdir), "work directory (--workdir)")
    with tempfile.TemporaryDirectory(prefix=prefix, dir=workdir) as scratch:
        yield Path(scratch)
