import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from neardup.config import ReadConfig
from neardup.errors import InputError
from neardup.evaluate import (
    evaluate_output,
    read_clusters,
    recall_by_group,
    score,
    wrongly_joined,
)


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


# --------------------------------------------------------------------------- evaluate_output


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> str:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return str(path)


def _labelled(tmp_path: Path) -> str:
    rows = [
        {"id": "a1", "text": "story a", "cluster": "A", "level": "original"},
        {"id": "a2", "text": "story a copy", "cluster": "A", "level": "hard"},
        {"id": "b1", "text": "story b", "cluster": "B", "level": "original"},
        {"id": "q", "text": "quotes a", "cluster": "Q", "level": "quote"},
    ]
    return _write_jsonl(tmp_path / "corpus.jsonl", rows)


def _clusters(out: Path, assignment: dict[str, str]) -> Path:
    out.mkdir(exist_ok=True)
    _write_jsonl(out / "clusters.jsonl", [{"id": i, "cluster": c} for i, c in assignment.items()])
    return out


def test_evaluate_output_scores_the_clusters_table(tmp_path: Path) -> None:
    out = _clusters(tmp_path / "out", {"a1": "a1", "a2": "b1", "b1": "b1", "q": "a1"})
    report = evaluate_output([_labelled(tmp_path)], out, "cluster", "level", ReadConfig())
    assert report.scores == score(["A", "A", "B", "Q"], ["a1", "b1", "b1", "a1"])
    assert report.recall_by_level == {"hard": 0.0, "original": 0.0}
    assert report.wrongly_joined_by_level == {"hard": 1, "original": 2, "quote": 1}
    assert set(report.to_json()) >= {"ari", "precision", "recall", "f1", "recall_by_level"}


def test_evaluate_output_without_levels_and_with_extra_output_rows(tmp_path: Path) -> None:
    out = _clusters(tmp_path / "out", {"a1": "x", "a2": "x", "b1": "b1", "q": "q", "other": "x"})
    report = evaluate_output([_labelled(tmp_path)], out)
    assert report.scores.ari == 1.0 and report.scores.documents == 4
    assert "recall_by_level" not in report.to_json() and report.recall_by_level is None


def test_evaluate_output_reads_parquet_and_prefers_the_current_format(tmp_path: Path) -> None:
    out = _clusters(tmp_path / "out", {"a1": "a1", "a2": "a2", "b1": "b1", "q": "q"})  # stale
    table = {"id": ["a1", "a2", "b1", "q"], "cluster": ["a1", "a1", "b1", "q"]}
    pq.write_table(pa.table(table), out / "clusters.parquet")
    corpus = [_labelled(tmp_path)]
    with pytest.raises(InputError, match=r"both clusters\.jsonl and clusters\.parquet"):
        evaluate_output(corpus, out)
    (out / "summary.json").write_text(json.dumps({"run": {"output_format": "parquet"}}))
    assert evaluate_output(corpus, out).scores.ari == 1.0


def test_missing_truth_field_names_the_file_and_line(tmp_path: Path) -> None:
    corpus = _write_jsonl(
        tmp_path / "c.jsonl",
        [{"id": "a", "text": "x", "cluster": "A"}, {"id": "b", "text": "y", "group": "B"}],
    )
    out = _clusters(tmp_path / "out", {"a": "a", "b": "b"})
    with pytest.raises(InputError, match="no truth field 'cluster'") as caught:
        evaluate_output([corpus], out)
    assert caught.value.location == f"{corpus}:2"
    assert "--truth-field" in str(caught.value) and "'group'" in str(caught.value)


def test_corpus_id_missing_from_the_output_is_an_error(tmp_path: Path) -> None:
    out = _clusters(tmp_path / "out", {"a1": "a1", "b1": "b1"})
    corpus = _labelled(tmp_path)
    with pytest.raises(InputError, match=r"'a2' is not in .*clusters.jsonl \(2 of 4") as caught:
        evaluate_output([corpus], out)
    assert caught.value.location == f"{corpus}:2" and "--id-field" in str(caught.value)


def test_output_dir_without_a_clusters_table(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no clusters\.jsonl or clusters\.parquet"):
        evaluate_output([_labelled(tmp_path)], tmp_path / "nothing")


def test_damaged_clusters_row_names_its_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "clusters.jsonl").write_text('{"id": "a1", "cluster": "a1"}\n{"id": "a2"}\n')
    with pytest.raises(InputError, match="not a clusters row") as caught:
        read_clusters(out)
    assert caught.value.location == f"{out / 'clusters.jsonl'}:2"
