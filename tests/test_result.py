"""DedupResult: the rows of clusters.jsonl, whole or a stretch at a time."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from neardup.config import DedupConfig
from neardup.lsh import Banding
from neardup.result import DedupResult


@st.composite
def results(draw: st.DrawFn) -> DedupResult:
    size = draw(st.integers(0, 30))
    kept = [draw(st.integers(0, i)) for i in range(size)]
    scores = [np.nan if k == i else draw(st.floats(0, 1)) for i, k in enumerate(kept)]
    return DedupResult(
        [f"id{i}" for i in range(size)],
        np.array(kept, dtype=np.int64),
        np.array(scores, dtype=np.float64),
        DedupConfig(),
        Banding(4, 2),
    )


@given(results(), st.integers(0, 35), st.one_of(st.none(), st.integers(0, 35)))
def test_a_stretch_of_rows_is_that_slice_of_all(
    result: DedupResult, start: int, stop: int | None
) -> None:
    every = list(result.iter_assignments())
    assert list(result.iter_assignments(start, stop)) == every[start:stop]
    assert [row.kept for row in every] == [k == i for i, k in enumerate(result.kept_index)]
