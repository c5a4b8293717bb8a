"""The in-memory band index answers as a plain dict of lists would."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from neardup.store._bandindex import BandIndex
from neardup.store.base import band_codes

BANDS = 3
keys = st.lists(st.integers(0, 5), min_size=BANDS, max_size=BANDS)  # few values: many collisions
batches = st.lists(st.lists(keys, min_size=1, max_size=80), min_size=1, max_size=6)


@given(batches, st.sets(st.integers(0, 200), max_size=30), st.lists(keys, min_size=1, max_size=20))
def test_lookup_matches_a_dict(
    added: list[list[list[int]]], removed: set[int], probes: list[list[int]]
) -> None:
    index, reference, gid = BandIndex(), {}, 0
    for batch in added:
        block = np.array(batch, dtype=np.uint32).T  # (bands, groups)
        gids = np.arange(gid, gid + len(batch), dtype=np.int64)
        index.add(block, gids)
        for code, owner in zip(
            band_codes(block).T.reshape(-1).tolist(), np.repeat(gids, BANDS).tolist(), strict=True
        ):
            reference.setdefault(code, []).append(owner)
        gid += len(batch)
    index.remove(np.array(sorted(removed), dtype=np.int64))
    codes = band_codes(np.array(probes, dtype=np.uint32).T).T.reshape(-1)
    where, gids = index.lookup(codes)
    expected = [
        (position, owner)
        for position, code in enumerate(codes.tolist())
        for owner in sorted(reference.get(code, []))
        if owner not in removed
    ]
    assert list(zip(where.tolist(), gids.tolist(), strict=True)) == expected


def test_many_entries_merge_into_one_run() -> None:
    index = BandIndex()
    rng = np.random.default_rng(1)
    for start in range(0, 300_000, 20_000):
        block = rng.integers(0, 2**32, size=(4, 20_000), dtype=np.uint64).astype(np.uint32)
        index.add(block, np.arange(start, start + 20_000))
    assert index.entries == 1_200_000
    _where, gids = index.lookup(band_codes(block[:, :5]).T.reshape(-1))
    assert sorted(set(gids.tolist())) == list(range(280_000, 280_005))
