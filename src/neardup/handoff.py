"""A worker's result handed back through a file of shared memory instead of the pipe.

A batch's features are a few megabytes of arrays. Sent through a process pool's
pipe they are pickled in the worker, copied through the kernel in 64 KiB steps,
read by a thread of this process and unpickled into new arrays: at 100,000
documents 0.6 s of the workers' CPU and 0.45 s of this process's, on the
two cores the workers need. Here the worker pickles its result with
out-of-band buffers (protocol 5) and writes the buffers to one file in a
directory on a memory file system; this process maps the file and unpickles
the result over it, its arrays views of the mapping: one copy in all. The
file is unlinked at once, so its memory goes with the last array using it.

Where no such directory exists (not Linux), or it is full, results go through the
pipe. A pool's directory is removed when the pool ends, however it ends, and a
later pool removes those of processes killed outright.
"""

from __future__ import annotations

import mmap
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")

MEMORY_DIRECTORY = Path("/dev/shm")  # a private directory is made inside
_MIN_SHARED = 1 << 16  # buffers smaller than this in all travel inside the message
_OWN_COPY_BELOW = 1 << 16  # smaller buffers are copied out: kept past the batch (a batch's
# text keys), a view would pin the whole mapping
_PREFIX = "neardup-"  # a pool's directory: neardup-<pid>-<random letters>
_ALIGN = 64  # each buffer starts at a multiple of this in the file: arrays stay aligned


@dataclass(frozen=True)
class Parcel:
    """A pickled result: its buffers in ``path`` at ``offsets`` with ``sizes``, or (small
    ones) in ``inline``."""

    head: bytes
    path: str | None
    offsets: tuple[int, ...] = ()
    sizes: tuple[int, ...] = ()
    inline: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class ViaSharedMemory(Generic[In, Out]):
    """``func`` in a worker, its result made a :class:`Parcel` in ``directory``."""

    func: Callable[[In], Out]
    directory: str

    def __call__(self, item: In) -> Parcel:
        return packed(self.func(item), self.directory)


def packed(value: object, directory: str) -> Parcel:
    """``value`` pickled, its buffers written to a new file in ``directory``; inside the
    parcel when they are small, or when the directory is full (a container's /dev/shm is
    64 MB by default): the pipe is slower, never wrong."""
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    views = [buffer.raw() for buffer in buffers]
    if sum(view.nbytes for view in views) >= _MIN_SHARED:
        written = _written(views, directory)
        if written is not None:
            path, offsets = written
            return Parcel(head, path, offsets, tuple(view.nbytes for view in views))
    return Parcel(head, None, inline=tuple(view.tobytes() for view in views))


def _written(views: list[memoryview], directory: str) -> tuple[str, tuple[int, ...]] | None:
    """A new file in ``directory`` holding ``views`` at aligned offsets (its path and the
    offsets), or None if it could not be written (nothing is left behind)."""
    offsets, at = [], 0
    for view in views:
        offsets.append(at)
        at += -(-view.nbytes // _ALIGN) * _ALIGN
    try:
        handle, path = tempfile.mkstemp(dir=directory)
    except OSError:
        return None
    try:
        with open(handle, "wb") as file:
            for offset, view in zip(offsets, views, strict=True):
                file.seek(offset)
                file.write(view)
    except OSError:
        os.unlink(path)
        return None
    return path, tuple(offsets)


def unpacked(parcel: Parcel) -> object:
    """The worker's result; its large arrays are (copy-on-write) views of the parcel's
    mapping, which lives as long as any of them."""
    if parcel.path is None:
        return pickle.loads(parcel.head, buffers=parcel.inline)
    try:
        with open(parcel.path, "rb") as file:
            mapping = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_COPY)
    finally:
        os.unlink(parcel.path)
    whole = memoryview(mapping)
    parts = [
        whole[at : at + size] if size >= _OWN_COPY_BELOW else bytearray(whole[at : at + size])
        for at, size in zip(parcel.offsets, parcel.sizes, strict=True)
    ]
    return pickle.loads(parcel.head, buffers=parts)


@contextmanager
def memory_directory() -> Iterator[str | None]:
    """A private directory for this pool's parcels, removed with whatever was never read
    (a run stopped early); None where there is no memory file system.

    A process killed outright (SIGKILL, the OOM killer) cannot remove its own: the
    directories of processes that no longer exist are removed here first.
    """
    if not (MEMORY_DIRECTORY.is_dir() and os.access(MEMORY_DIRECTORY, os.W_OK | os.X_OK)):
        yield None
        return
    _remove_orphans()
    try:
        directory = tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=MEMORY_DIRECTORY)
    except OSError:
        yield None
        return
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _remove_orphans() -> None:
    """Remove this user's parcel directories whose process has ended."""
    try:
        entries = list(os.scandir(MEMORY_DIRECTORY))
    except OSError:
        return
    for entry in entries:
        owner = _owner_pid(entry.name)
        if owner is None or _alive(owner):
            continue
        try:
            if entry.is_dir(follow_symlinks=False) and entry.stat().st_uid == os.getuid():
                shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:
            continue


def _owner_pid(name: str) -> int | None:
    """The process that made a pool's directory, from its name; None for other names."""
    pid, dash, _ = name.removeprefix(_PREFIX).partition("-")
    if name.startswith(_PREFIX) and dash and pid.isdigit():
        return int(pid)
    return None


def _alive(pid: int) -> bool:
    """Whether process ``pid`` may exist: not when no such process is found (another
    user's is refused the signal; a number no pid can be is left alone too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        pass
    return True
