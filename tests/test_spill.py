"""Ragged rows spilled to disk and read back: texts for the semantic stage among them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neardup.spill import SpillRagged, text_reader
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


def test_a_lone_surrogate_round_trips(tmp_path: Path) -> None:
    spill = SpillRagged(tmp_path / "texts.u8", np.uint8)
    spill.append(*utf8_batch(["caf\u00e9 \ud800 end", ""]))
    text_of = text_reader(*spill.finish())
    assert (text_of(0), text_of(1)) == ("caf\u00e9 \ud800 end", "")
