import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from neardup.cluster import components


def test_components_labelled_by_smallest_member() -> None:
    edges = np.array([[3, 4], [1, 3], [0, 2]])
    assert components(6, edges).tolist() == [0, 1, 0, 1, 1, 5]


@given(
    st.lists(st.tuples(st.integers(0, 19), st.integers(0, 19)), max_size=40),
    st.randoms(use_true_random=False),
)
def test_edge_order_does_not_matter(edges: list[tuple[int, int]], rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = [(b, a) if rnd.random() < 0.5 else (a, b) for a, b in edges]
    rnd.shuffle(shuffled)
    as_array = lambda e: np.array(e, dtype=np.int64).reshape(-1, 2)  # noqa: E731
    assert components(20, as_array(edges)).tolist() == components(20, as_array(shuffled)).tolist()
