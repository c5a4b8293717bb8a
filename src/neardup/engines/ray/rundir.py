"""The run directory's life: its manifest checked at the start, its results published at the end.

``manifest.json`` (see :mod:`neardup.engines.ray.storage`) pins a directory
to one run's settings; when the run finishes, ``errors.jsonl`` and then
``summary.json`` are written, the run is marked done, and the bulky
intermediate files go (their markers stay, so running again does nothing).
"""

from __future__ import annotations

import json
import time
from typing import Any

from neardup.engines.ray.storage import FORMAT_VERSION, WorkDir
from neardup.errors import ConfigError

_BULKY = (
    "features", "idkeys", "textkeys", "exact", "adjacency", "bands", "pairs",
    "edges", "cc", "route", "assign", "errors",
)  # fmt: skip


def check_manifest(work: WorkDir, settings: dict[str, Any]) -> dict[str, Any] | None:
    """Refuse another run's directory; the summary when this very run already finished."""
    manifest = work.read_json("manifest.json")
    where = work.path("")
    if manifest is None:
        work.write_json("manifest.json", {"format": FORMAT_VERSION, "settings": settings})
        return None
    if manifest.get("format") != FORMAT_VERSION:
        raise ConfigError(
            f"{where} was written by another version of neardup's Ray engine "
            f"(format {manifest.get('format')}, this one reads {FORMAT_VERSION}); "
            "delete it or choose another output directory"
        )
    if manifest["settings"] != settings:
        changed = _differences(manifest["settings"], settings)
        raise ConfigError(
            f"{where} holds a run with other settings ({'; '.join(changed)}): run with the same "
            "settings to resume it, or delete it or choose another output directory"
        )
    if work.done("run") is not None:
        with work.fs.open(work.output_path("summary.json"), "rb") as file:
            summary: dict[str, Any] = json.loads(file.read())
        return summary
    return None


def _differences(old: Any, new: Any, prefix: str = "") -> list[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        keys = list(dict.fromkeys([*old, *new]))
        return [d for k in keys for d in _differences(old.get(k), new.get(k), f"{prefix}{k}.")]
    if old != new:
        return [f"{prefix.rstrip('.')}: {json.dumps(old)} then, {json.dumps(new)} now"]
    return []


def feature_errors(work: WorkDir, featured: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for partition, stats in enumerate(featured):
        if stats["errors"]:
            with work.fs.open(work.path(f"errors/part-{partition:05d}.jsonl"), "rb") as file:
                rows += [json.loads(line) for line in file.read().splitlines() if line.strip()]
    return rows


def finish(work: WorkDir, summary: dict[str, Any]) -> None:
    """errors.jsonl and summary.json (last), the run's marker, then the bulky files go."""
    errors = summary.pop("errors")
    errors_path = work.output_path("errors.jsonl")
    if errors:
        lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in errors)
        work.write_bytes(errors_path, lines.encode("utf-8", "backslashreplace"))
    elif work.fs.exists(errors_path):
        work.fs.rm(errors_path)
    text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    work.write_bytes(work.output_path("summary.json"), text.encode("utf-8"))
    work.mark_done("run", {"finished": time.time()})
    for name in _BULKY:
        work.remove(name)
