"""dedup_files end to end: determinism across workers and batch sizes, scratch files."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from neardup.config import DedupConfig, ReadConfig
from neardup.files import dedup_files
from tests.conftest import EXAMPLES

CORPUS = EXAMPLES / "corpus" / "news.jsonl"


def _bigger_corpus(path: Path) -> Path:
    """The example corpus repeated with small edits: enough records for several batches."""
    rng = random.Random(5)
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as out:
        for copy in range(6):
            for record in records:
                words = record["text"].split()
                if copy:
                    del words[rng.randrange(len(words))]
                row = {**record, "id": f"{record['id']}~{copy}", "text": " ".join(words)}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


@pytest.mark.parametrize("workers, batch_size", [(2, 7), (2, 50), (1, 13)])
def test_output_is_identical_for_any_workers_and_batch_size(
    tmp_path: Path, workers: int, batch_size: int
) -> None:
    corpus = _bigger_corpus(tmp_path / "corpus.jsonl")
    config, read_config = DedupConfig(), ReadConfig()
    reference = dedup_files([str(corpus)], tmp_path / "ref", config, read_config, workers=1)
    other = dedup_files(
        [str(corpus)],
        tmp_path / "other",
        config,
        read_config,
        workers=workers,
        batch_size=batch_size,
    )
    assert reference.counts["removed"] > 100
    for name in ("clusters.jsonl", "kept.jsonl", "removed.jsonl"):
        assert (tmp_path / "ref" / name).read_bytes() == (tmp_path / "other" / name).read_bytes()
    assert other.summary()["counts"] == reference.summary()["counts"]


def test_scratch_files_are_removed(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    dedup_files([str(CORPUS)], tmp_path / "out", DedupConfig(), ReadConfig(), workdir=scratch)
    assert list(scratch.iterdir()) == []


def test_no_verify_runs_on_spilled_signatures(tmp_path: Path) -> None:
    result = dedup_files([str(CORPUS)], tmp_path / "out", DedupConfig(verify=False), ReadConfig())
    assert result.counts["removed"] >= 10
