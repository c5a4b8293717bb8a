import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from neardup.evaluate import recall_by_group, score, wrongly_joined


def test_perfect_and_split() -> None:
    truth = ["a", "a", "b", "c"]
    assert score(truth, [1, 1, 2, 3]).ari == 1.0
    split = score(truth, [1, 2, 3, 4])
    assert split.precision == 1.0 and split.recall == 0.0


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=2, max_size=60))
def test_ari_agrees_with_scikit_learn(pairs: list[tuple[int, int]]) -> None:
    truth, predicted = zip(*pairs, strict=True)
    assert score(truth, predicted).ari == pytest.approx(
        adjusted_rand_score(truth, predicted), abs=1e-9
    )


def test_recall_by_group_and_wrongly_joined() -> None:
    truth = ["s1", "s1", "s1", "q"]
    predicted = [1, 1, 2, 1]
    levels = ["original", "easy", "hard", "quote"]
    recall = recall_by_group(truth, predicted, levels)
    assert recall == {"easy": 0.5, "hard": 0.0, "original": 0.5}
    assert wrongly_joined(truth, predicted, levels)["quote"] == 1
