import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from neardup.verify import overlap, pair_similarities, similarity


def _arr(values: set[int]) -> np.ndarray:
    return np.array(sorted(values), dtype=np.uint64)


@given(st.sets(st.integers(0, 50)), st.sets(st.integers(0, 50)))
def test_overlap_matches_python_sets(a: set[int], b: set[int]) -> None:
    assert overlap(_arr(a), _arr(b)) == len(a & b)


def test_jaccard_and_containment() -> None:
    a, b = _arr({1, 2, 3, 4}), _arr({3, 4})
    assert similarity(a, b, "jaccard") == 0.5
    assert similarity(a, b, "containment") == 1.0
    assert similarity(a, _arr(set()), "containment") == 0.0


def test_pair_similarities() -> None:
    sets = [_arr({1, 2}), _arr({2, 3}), _arr({1, 2})]
    sims = pair_similarities(np.array([[0, 1], [0, 2]]), sets, "jaccard")
    assert sims.tolist() == [1 / 3, 1.0]
