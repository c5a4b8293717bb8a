"""The batch command's malloc settings (``neardup.cli._heap``), seen in a process of their own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from neardup.cli._heap import runs_on_glibc
from tests.conftest import EXAMPLES
from tests.test_cli import RUN_MAIN

CORPUS = EXAMPLES / "corpus" / "news.jsonl"

# Frees a 64 MiB array and prints how much of it the process still holds: glibc serves a
# block that large by mmap and gives it back at once, unless told to keep it in the heap.
_AFTER_A_FREE = """
import os
import numpy as np
def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
block = np.ones(64 << 20, dtype=np.uint8)
held = resident()
del block
print("kept MiB", (resident() - held + (64 << 20)) >> 20)
"""


pytestmark = pytest.mark.skipif(
    not (runs_on_glibc() and Path("/proc/self/statm").exists()),
    reason="glibc's malloc on Linux only",
)


def _kept_after_free(prelude: str, *args: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", prelude + _AFTER_A_FREE, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    label, mib = done.stdout.splitlines()[-1].rsplit(" ", 1)
    assert label == "kept MiB"
    return int(mib)


def test_the_dedup_command_keeps_freed_blocks_for_reuse(tmp_path: Path) -> None:
    """After ``neardup dedup`` ran in a process, a freed 64 MiB block stays in its heap,
    where the next batch's arrays reuse it; without the command, it goes back at once."""
    args = ("dedup", str(CORPUS), "-o", str(tmp_path / "out"), "-q", "--workers", "1")
    assert _kept_after_free(RUN_MAIN, *args) >= 60
    assert _kept_after_free("") <= 4
    assert (tmp_path / "out" / "clusters.jsonl").exists()


def test_other_commands_leave_the_allocator_alone() -> None:
    """Only ``dedup`` sets it: the other commands (a long-lived server among them) keep
    glibc's own policy."""
    assert _kept_after_free(RUN_MAIN, "--version") <= 4
