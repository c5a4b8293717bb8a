"""How glibc's malloc hands memory back, set for the batch command's process and its workers.

Every batch allocates and frees arrays of a few hundred KB to tens of MB. glibc serves
those past its mmap threshold (128 KB, rising with use to 32 MB) by fresh ``mmap`` and
gives them back at ``free``, and trims the heap's free top above twice that threshold:
so the same pages are zeroed, faulted in and released again batch after batch. At a
million documents 16 to 25 s of the run's 119 to 125 s of CPU went to the kernel.
Serving allocations under 256 MiB from the heap, and keeping up to 256 MiB of its free
top for reuse, took that run from 70.1 to 61.2 s back to back (system time 16.2 -> 8.7 s)
for ~10 % more peak memory (1.04 -> 1.13 GB). Forked workers inherit the setting.

Only ``neardup dedup`` run by the console script sets it (:func:`allow`, called by
``cli.main``): that process is ours alone. A long-lived server, a library caller's process,
or one that runs the Typer app itself keeps the allocator's own policy, as does a user
who tuned malloc through the environment (any ``MALLOC_*`` variable, or ``glibc.malloc``
tunables): theirs is left whole, not half overridden.
"""

from __future__ import annotations

import ctypes
import os

HEAP_REUSE_BYTES = 256 << 20
_OLD_GLIBC_MAX = 32 << 20  # the highest mmap threshold glibc took before it lifted the cap
_M_TRIM_THRESHOLD = -1  # mallopt parameters, from glibc's <malloc.h>
_M_MMAP_THRESHOLD = -3

_allowed = False


def allow() -> None:
    """Let :func:`keep_freed_memory_for_reuse` act: this process is the console script's."""
    global _allowed
    _allowed = True


def keep_freed_memory_for_reuse() -> int:
    """The mmap threshold set (the trim threshold is set alike), in bytes; 0 if nothing was:
    not the console script, not glibc, or malloc tuned through the environment already."""
    if not _allowed or not runs_on_glibc() or _tuned_by_user():
        return 0
    mallopt = ctypes.CDLL(None).mallopt  # the C library this process runs on
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    for threshold in (HEAP_REUSE_BYTES, _OLD_GLIBC_MAX):
        if mallopt(_M_MMAP_THRESHOLD, threshold) == 1:
            mallopt(_M_TRIM_THRESHOLD, threshold)
            return threshold
    return 0


def _tuned_by_user() -> bool:
    return any(name.startswith("MALLOC_") for name in os.environ) or "glibc.malloc." in (
        os.environ.get("GLIBC_TUNABLES", "")
    )


def runs_on_glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") is not None
    except (AttributeError, ValueError, OSError):  # no confstr (Windows), no name (musl, macOS)
        return False
