"""``neardup eval`` through its real entry point, on a labelled corpus written here."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from tests.conftest import shared_path
from tests.test_cli import neardup

WORDS = [f"w{n}" for n in range(400)]


def _story(rng: random.Random) -> list[str]:
    return [" ".join(rng.choices(WORDS, k=12)) + "." for _ in range(8)]


def _corpus(path: Path) -> Path:
    """Three stories, each with an easy copy (a headline added) and a hard one (abridged),
    and one story alone: nine records in four true clusters."""
    rng = random.Random(4)
    rows: list[dict[str, Any]] = []
    for name in ("a", "b", "c"):
        story = _story(rng)
        rows += [
            {"id": f"{name}0", "text": " ".join(story), "cluster": name, "level": "original"},
            {
                "id": f"{name}1",
                "text": "HEADLINE\n" + " ".join(story),
                "cluster": name,
                "level": "easy",
            },
            {"id": f"{name}2", "text": " ".join(story[:6]), "cluster": name, "level": "hard"},
        ]
    rows.append({"id": "d0", "text": " ".join(_story(rng)), "cluster": "d", "level": "original"})
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _report(*args: str) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(neardup("eval", "--json", *args).stdout)
    return report


def test_eval_runs_dedup_and_scores_it(tmp_path: Path) -> None:
    report = _report(str(_corpus(tmp_path / "c.jsonl")), "--level-field", "level")
    assert report["documents"] == 10 and report["true_pairs"] == 9
    assert report["ari"] == 1.0 and report["precision"] == 1.0 and report["recall"] == 1.0
    assert report["recall_by_level"] == {"easy": 1.0, "hard": 1.0, "original": 1.0}
    assert report["wrongly_joined_by_level"] == {"easy": 0, "hard": 0, "original": 0}
    assert report["output_dir"] is None and report["dedup_options"] == []


def test_eval_scores_a_finished_output_dir(tmp_path: Path) -> None:
    corpus = str(_corpus(tmp_path / "c.jsonl"))
    strict = ("--similarity", "jaccard", "--threshold", "0.9")
    neardup("dedup", corpus, "-o", str(tmp_path / "out"), "-q", *strict)
    report = _report(corpus, "--output-dir", str(tmp_path / "out"))
    assert report["dedup_options"] is None and "recall_by_level" not in report
    assert report["precision"] == 1.0 and report["recall"] < 1.0  # Jaccard misses abridged copies


def test_options_after_double_dash_reach_dedup(tmp_path: Path) -> None:
    corpus = str(_corpus(tmp_path / "c.jsonl"))
    out = tmp_path / "out"
    args = ("--truth-field", "cluster", "-o", str(out), "--", "--similarity", "jaccard")
    report = _report(corpus, *args, "--threshold", "0.9")
    assert report["dedup_options"] == ["--similarity", "jaccard", "--threshold", "0.9"]
    params = json.loads((out / "summary.json").read_text())["parameters"]
    assert params["similarity"] == "jaccard" and params["threshold"] == 0.9
    assert report["recall"] < 1.0


def test_table_output(tmp_path: Path) -> None:
    done = neardup("eval", str(_corpus(tmp_path / "c.jsonl")), "--level-field", "level")
    for text in ("ARI", "precision", "recall", "F1", "1.0000", "documents in a wrong cluster"):
        assert text in done.stdout
    assert done.stderr == ""  # a run into a temporary directory is quiet


def test_other_fields_are_read_as_in_dedup(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in _corpus(tmp_path / "c.jsonl").read_text().splitlines()]
    renamed = tmp_path / "r.jsonl"
    renamed.write_text(
        "".join(
            json.dumps({"doc": r["id"], "body": r["text"], "truth": r["cluster"]}) + "\n"
            for r in rows
        )
    )
    args = ("--id-field", "doc", "--text-field", "body", "--truth-field", "truth")
    assert _report(str(renamed), *args)["ari"] == 1.0


def test_missing_truth_field_is_a_clear_error(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "c.jsonl")
    done = neardup("eval", str(corpus), "--truth-field", "label", check=False)
    assert done.returncode == 1
    assert f"{corpus}:1: record 'a0' has no truth field 'label'" in done.stderr
    assert "--truth-field" in done.stderr


def test_ids_missing_from_the_output_are_a_clear_error(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "c.jsonl")
    out = tmp_path / "out"
    out.mkdir()
    (out / "clusters.jsonl").write_text('{"id": "a0", "cluster": "a0"}\n')
    done = neardup("eval", str(corpus), "-o", str(out), check=False)
    assert done.returncode == 1
    assert f"{corpus}:2: id 'a1' is not in {out / 'clusters.jsonl'}" in done.stderr


def test_eval_own_options_after_double_dash_are_refused(tmp_path: Path) -> None:
    corpus = str(_corpus(tmp_path / "c.jsonl"))
    done = neardup("eval", corpus, "--", "--id-field", "x", check=False)
    assert done.returncode == 1 and "pass it before the --" in done.stderr
    bad = neardup("eval", corpus, "--", "--threshold", "2", check=False)
    assert bad.returncode == 1 and "threshold must be in (0, 1]" in bad.stderr


def test_help_names_the_dedup_options() -> None:
    assert "[-- DEDUP_OPTIONS]" in neardup("eval", "--help").stdout


def test_dev_bench_meets_its_quality_bar(tmp_path: Path) -> None:
    bench = shared_path("bench/syndication-dev.jsonl.gz")
    report = _report(str(bench), "--level-field", "level")
    assert report["documents"] == 6173 and report["true_pairs"] == 7541
    assert report["ari"] > 0.95 and report["precision"] > 0.98
    assert set(report["recall_by_level"]) == {"easy", "medium", "hard", "original"}


def test_a_level_field_no_record_has_is_a_clear_error(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "c.jsonl")
    done = neardup("eval", str(corpus), "--level-field", "levle", check=False)
    assert done.returncode == 1 and "no record has the level field 'levle'" in done.stderr
