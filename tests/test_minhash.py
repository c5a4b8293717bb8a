import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup.config import MinHashConfig, SketchKind
from neardup.errors import ConfigError
from neardup.minhash import EMPTY, Permutations, estimate_jaccard, signatures

SKETCHES: tuple[SketchKind, ...] = ("classic", "oph")


def _set(values: set[int]) -> np.ndarray:
    return np.array(sorted(values), dtype=np.uint32)


def _sigs(sets: list[np.ndarray], perms: Permutations) -> np.ndarray:
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum([s.size for s in sets], out=offsets[1:])
    values = np.concatenate(sets).astype(np.uint32) if sets else np.empty(0, np.uint32)
    return signatures(values, offsets, perms)


@pytest.mark.parametrize("sketch", SKETCHES)
def test_signatures_are_deterministic_and_batch_independent(sketch: SketchKind) -> None:
    rng = np.random.default_rng(0)
    sets = [np.unique(rng.integers(0, 2**32, size=n, dtype=np.uint32)) for n in (5, 300, 1, 40)]
    perms = Permutations.from_config(MinHashConfig(num_perm=64, seed=7, sketch=sketch))
    together = _sigs(sets, perms)
    one_by_one = np.vstack([_sigs([s], perms) for s in sets])
    assert together.shape == (4, 64)
    assert together.dtype == np.uint32
    np.testing.assert_array_equal(together, one_by_one)
    again = _sigs(sets, Permutations.from_config(MinHashConfig(num_perm=64, seed=7, sketch=sketch)))
    np.testing.assert_array_equal(together, again)


@pytest.mark.parametrize("sketch", SKETCHES)
def test_seed_changes_signature(sketch: SketchKind) -> None:
    s = [_set({1, 2, 3, 4})]
    a = _sigs(s, Permutations.from_config(MinHashConfig(num_perm=16, seed=1, sketch=sketch)))
    b = _sigs(s, Permutations.from_config(MinHashConfig(num_perm=16, seed=2, sketch=sketch)))
    assert not np.array_equal(a, b)


def test_one_permutation_fills_every_bin_from_the_set_s_own_values() -> None:
    """Densified bins copy a filled bin: a 3-shingle set has at most 3 distinct values, and
    those are the least values of the bins its shingles fell in, whatever the bin count."""
    for bins in (4, 64, 1024):
        perms = Permutations.from_config(MinHashConfig(num_perm=bins, sketch="oph"))
        sig = _sigs([_set({11, 22, 33})], perms)[0]
        assert (sig != EMPTY).all()
        singles = {int(_sigs([_set({x})], perms)[0][0]) for x in (11, 22, 33)}
        assert set(sig.tolist()) <= singles


def test_one_permutation_values_are_pinned() -> None:
    """Pinned values (three bins filled, three densified): a change here changes every
    stored oph signature and index."""
    config = MinHashConfig(num_perm=6, seed=1, sketch="oph")
    pinned = _sigs([_set({10, 20, 30})], Permutations.from_config(config))
    assert pinned[0].tolist() == [
        3010205823,
        3410390519,
        335737177,
        3410390519,
        3410390519,
        335737177,
    ]


def test_a_one_shingle_document_whose_hash_is_the_empty_value_gets_a_signature() -> None:
    """Shingle 276401456 hashes (default seed) to low bits 0xFFFFFFFF: its bin must still
    count as filled, or densification has nothing to copy and never ends. In a child
    process, so that a regression fails instead of hanging the suite."""
    code = (
        "import numpy as np\n"
        "from neardup.config import MinHashConfig\n"
        "from neardup.minhash import Permutations, signatures\n"
        "perms = Permutations.from_config(MinHashConfig(sketch='oph'))\n"
        "row = signatures(np.array([276401456], np.uint32), np.array([0, 1]), perms)[0]\n"
        "print(sorted(set(row.tolist())))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[4294967294]"


def test_unknown_sketch_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="sketch"):
        MinHashConfig(sketch="bottom-k")  # type: ignore[arg-type]


def test_known_signature_values_are_stable_across_machines() -> None:
    """Pinned values: a change here changes every stored signature and index."""
    pinned = _sigs([_set({10, 20})], Permutations.from_config(MinHashConfig(num_perm=4, seed=1)))
    assert pinned[0].tolist() == [496125570, 2001864845, 395066069, 119627130]


@settings(max_examples=80, deadline=None)
@given(
    sets=st.lists(
        st.lists(st.integers(min_value=0, max_value=2**32 - 1), max_size=11, unique=True),
        max_size=6,
    ),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_classic_signature_is_the_minimum_of_each_permutation(
    sets: list[list[int]], seed: int
) -> None:
    """The compiled loop (four shingles at a time, then the rest) against the definition,
    computed in Python integers: ``min((a * x + b) mod 2**64 >> 32)`` per permutation."""
    perms = Permutations.from_config(MinHashConfig(num_perm=9, seed=seed))
    arrays = [np.array(s, dtype=np.uint32) for s in sets]
    got = _sigs(arrays, perms)
    for row, values in zip(got.tolist(), sets, strict=True):
        expected = [
            min((((int(a) * x + int(b)) % 2**64) >> 32 for x in values), default=int(EMPTY))
            for a, b in zip(perms.a, perms.b, strict=True)
        ]
        assert row == expected


@pytest.mark.parametrize("sketch", SKETCHES)
def test_empty_set_signature_matches_nothing(sketch: SketchKind) -> None:
    perms = Permutations.from_config(MinHashConfig(num_perm=8, sketch=sketch))
    sig = _sigs([np.empty(0, dtype=np.uint32), _set({5})], perms)
    assert (sig[0] == EMPTY).all()
    assert estimate_jaccard(sig[0], sig[0]) == 0.0


@settings(max_examples=60, deadline=None)
@given(
    shared=st.integers(min_value=1, max_value=400),
    only_a=st.integers(min_value=0, max_value=400),
    only_b=st.integers(min_value=0, max_value=400),
    offset=st.integers(min_value=0, max_value=2**31),
    sketch=st.sampled_from(SKETCHES),
)
def test_estimate_within_error_bound(
    shared: int, only_a: int, only_b: int, offset: int, sketch: SketchKind
) -> None:
    """|estimate - J| stays within 5 standard errors of a binomial with num_perm trials
    (one-permutation hashing: with as many trials as the union has shingles, when fewer,
    since its densified bins repeat the filled ones)."""
    num_perm = 256
    base = np.arange(offset, offset + shared + only_a + only_b, dtype=np.uint64)
    mixed = ((base * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(32)).astype(np.uint32)
    assert np.unique(mixed).size == mixed.size
    a = np.unique(mixed[: shared + only_a])
    b = np.unique(np.concatenate((mixed[:shared], mixed[shared + only_a :])))
    true = shared / (shared + only_a + only_b)
    config = MinHashConfig(num_perm=num_perm, sketch=sketch)
    sig = _sigs([a, b], Permutations.from_config(config))
    error = abs(estimate_jaccard(sig[0], sig[1]) - true)
    trials = num_perm if sketch == "classic" else min(num_perm, shared + only_a + only_b)
    bound = 5 * np.sqrt(true * (1 - true) / trials) + 1.0 / num_perm
    assert error <= bound
