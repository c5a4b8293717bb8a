"""Ragged rows spilled to disk and read back: texts for the semantic stage among them."""

from __future__ import annotations

import mmap
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neardup.spill import SpillArray, SpillColumns, SpillRagged, release_pages, text_reader
from neardup.text.shingle import utf8_batch


@given(st.lists(st.lists(st.text(), max_size=5), max_size=4))
def test_texts_read_back_as_written_batch_by_batch(
    tmp_path_factory: pytest.TempPathFactory, batches: list[list[str]]
) -> None:
    """Any text survives, lone surrogates (JSON may carry them) and empty ones included."""
    spill = SpillRagged(Path(tmp_path_factory.mktemp("spill")) / "texts.u8", np.uint8)
    for batch in batches:
        spill.append(*utf8_batch(batch))
    text_of = text_reader(*spill.finish())
    written = [text for batch in batches for text in batch]
    assert [text_of(doc) for doc in range(len(written))] == written


@given(
    st.lists(st.sampled_from([0, 1, 7, 3000]), max_size=6),
    st.sampled_from([1, 64, 8 << 20]),
)
def test_columns_read_back_as_the_blocks_joined(
    tmp_path_factory: pytest.TempPathFactory, widths: list[int], buffer_bytes: int
) -> None:
    """Rows gathered in the buffers or, longer than a buffer (3,000 values), written
    straight through, in any mix: each column reads back as its rows of every block, in
    order; a block changed by its owner after it was appended (a batch's shared memory,
    reused) changes nothing."""
    spill = SpillColumns(Path(tmp_path_factory.mktemp("columns")), 3, np.uint32, buffer_bytes)
    blocks = []
    for number, width in enumerate(widths):
        block = np.arange(3 * width, dtype=np.uint32).reshape(3, width) + 100 * number
        spill.append(block)
        blocks.append(block.copy())
        block[:] = 0
    columns = list(spill.read())
    expected = np.concatenate(blocks, axis=1) if blocks else np.empty((3, 0), np.uint32)
    assert len(columns) == 3
    for column, rows in zip(columns, expected, strict=True):
        assert column.tolist() == rows.tolist()


def test_a_block_of_the_wrong_number_of_columns_is_refused(tmp_path: Path) -> None:
    spill = SpillColumns(tmp_path, 3, np.uint32)
    with pytest.raises(ValueError, match="2 columns for 3"):
        spill.append(np.zeros((2, 4), np.uint32))


def test_a_lone_surrogate_round_trips(tmp_path: Path) -> None:
    spill = SpillRagged(tmp_path / "texts.u8", np.uint8)
    spill.append(*utf8_batch(["caf\u00e9 \ud800 end", ""]))
    text_of = text_reader(*spill.finish())
    assert (text_of(0), text_of(1)) == ("caf\u00e9 \ud800 end", "")


def _resident_kb(array: np.ndarray) -> int:
    """Resident kilobytes of the mapping that holds ``array`` (Linux: /proc/self/smaps)."""
    address = array.ctypes.data
    found = None
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()[0]
        if "-" in head and not head.endswith(":"):
            low, high = (int(part, 16) for part in head.split("-"))
            found = low <= address < high
        elif found and line.startswith("Rss:"):
            return int(line.split()[1])
    raise AssertionError("mapping not found")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/smaps")
@pytest.mark.parametrize("shape", [(64 * mmap.PAGESIZE // 4,), (64 * mmap.PAGESIZE // 64, 16)])
def test_released_rows_leave_memory_and_keep_their_values(
    tmp_path: Path, shape: tuple[int, ...]
) -> None:
    """Only the pages the rows span (widened to whole pages at the start) are let go, of a
    1-D array or of rows; the values read back the same afterwards."""
    spill = SpillArray(tmp_path / "values.u32", np.uint32)
    spill.append(np.arange(int(np.prod(shape)), dtype=np.uint32))
    array = spill.finish().reshape(shape)
    pages_per_row = array.strides[0] / mmap.PAGESIZE
    total = int(array.sum(dtype=np.uint64))  # touches every page
    page_kb = mmap.PAGESIZE // 1024
    assert _resident_kb(array) == 64 * page_kb
    first, stop = round(8.5 / pages_per_row), round(24 / pages_per_row)  # pages 8 to 23
    release_pages(array, first, stop)
    assert _resident_kb(array) == (64 - 16) * page_kb
    release_pages(array)
    assert _resident_kb(array) == 0
    assert int(array.sum(dtype=np.uint64)) == total
