"""Inputs read by the workers: the records, errors, order and features of a read here."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from neardup.config import DedupConfig, ReadConfig
from neardup.errors import InputError
from neardup.features import Features, Featurizer
from neardup.featurize_inputs import Inputs, featurized_inputs
from neardup.io import open_inputs, ranges, read_records
from neardup.pipeline import choose_banding

CONFIG = DedupConfig.from_options(keep="field", keep_field="rank")
FEATURIZE = Featurizer.for_run(CONFIG, choose_banding(CONFIG))
SKIP = ReadConfig(on_error="skip")
TEXTS = [f"story {i} about the harbour and the {i % 4} ships that came in late" for i in range(9)]


@pytest.fixture(autouse=True)
def _split_small_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests' files are small: split them anyway, so the workers read ranges."""
    monkeypatch.setattr(ranges, "SPLIT_MIN_BYTES", 0)


def _row(name: str, text: str, rank: int | None = None) -> str:
    row: dict[str, object] = {"id": name, "text": text}
    if rank is not None:
        row["rank"] = rank
    return json.dumps(row)


def _inputs(tmp_path: Path) -> list[str]:
    """A plain JSONL file with bad lines and repeated ids (within it and with the files after
    it), a gzipped JSONL file and a CSV file: read here, their ids checked against it."""
    texts = TEXTS
    plain = [
        _row("a", texts[0], 3),
        "not json",
        _row("b", texts[1]),
        "",
        _row("a", texts[2], 1),  # repeats a line 1
        _row("c", texts[3], 2),
        _row("e", texts[4]),
        '{"id": "d"}',  # no text, just before a rejected record: their errors keep their order
        _row("c", texts[5]),  # repeats c, in another range for small batches
        _row("f", texts[6], 7),
        "trailing",  # two errors after the file's last record
        '{"id": "q"}',
    ]
    (tmp_path / "plain.jsonl").write_text("\n".join(plain) + "\n", encoding="utf-8")
    packed = "\n".join([_row("g", texts[7]), _row("b", texts[8])]) + "\n"
    (tmp_path / "packed.jsonl.gz").write_bytes(gzip.compress(packed.encode()))
    (tmp_path / "table.csv").write_text("id,text\nh,one more story\nf,a repeat\n")
    return [str(tmp_path / name) for name in ("plain.jsonl", "packed.jsonl.gz", "table.csv")]


def _concatenated(batches: list[Features]) -> dict[str, np.ndarray]:
    return {
        "keys": np.concatenate([b.text_keys for b in batches]),
        "sets": np.concatenate([b.sets for b in batches]),
        "sizes": np.concatenate([np.diff(b.set_offsets) for b in batches]),
        "sequences": np.concatenate([b.sequences for b in batches]),
        "numbers": np.concatenate([b.numbers for b in batches]),
        "bands": np.concatenate([b.band_keys for b in batches], axis=1),
        "sketches": np.concatenate([b.sketches for b in batches if b.sketches is not None]),
    }


@pytest.mark.parametrize("workers, batch_size", [(1, 1), (2, 1), (2, 2), (1, 3), (2, 50)])
def test_records_errors_and_features_are_those_of_reading_here(
    tmp_path: Path, workers: int, batch_size: int
) -> None:
    sources = open_inputs(_inputs(tmp_path))
    expected_errors: list[InputError] = []
    records = list(read_records(sources, SKIP, on_skip=expected_errors.append))
    errors: list[InputError] = []
    batches = list(
        featurized_inputs(Inputs(sources, SKIP, errors.append), FEATURIZE, workers, batch_size)
    )
    assert [i for b in batches for i in b.ids] == [r.id for r in records] == list("abcefgh")
    assert [v for b in batches for v in b.keep_values] == [r.fields.get("rank") for r in records]
    assert [n for b in batches for n in b.lengths] == [len(r.text) for r in records]
    assert [e.to_json() for e in errors] == [e.to_json() for e in expected_errors]
    assert len(errors) == 8  # two bad JSON, two without text; a, c, b (gz), f (csv) repeated
    got = _concatenated([b.features for b in batches])
    want = _concatenated([FEATURIZE([r.text for r in records])])
    for name, array in want.items():
        np.testing.assert_array_equal(got[name], array, err_msg=name)


@pytest.mark.parametrize("workers", [1, 2])
def test_the_first_bad_record_fails_as_a_read_here_fails(tmp_path: Path, workers: int) -> None:
    sources = open_inputs(_inputs(tmp_path))
    with pytest.raises(InputError) as here:
        list(read_records(sources, ReadConfig()))
    with pytest.raises(InputError) as there:
        list(featurized_inputs(Inputs(sources, ReadConfig()), FEATURIZE, workers, 1))
    assert str(there.value) == str(here.value)
    assert "not json" in str(here.value) or "malformed" in str(here.value)


def test_a_repeated_id_read_by_a_worker_is_reported_with_its_whole_record(
    tmp_path: Path,
) -> None:
    sources = open_inputs(_inputs(tmp_path))
    errors: list[InputError] = []
    list(featurized_inputs(Inputs(sources, SKIP, errors.append), FEATURIZE, 2, 2))
    repeat = next(e for e in errors if e.record_id == "a")
    assert repeat.line == 5 and repeat.raw is not None
    assert json.loads(repeat.raw) == {"id": "a", "text": TEXTS[2], "rank": 1}


def test_a_binary_file_is_one_error_as_when_read_here(tmp_path: Path) -> None:
    path = tmp_path / "blob.jsonl"
    path.write_bytes(b"\x00\x01binary\n" * 50)
    sources = open_inputs([str(path)])
    expected: list[InputError] = []
    list(read_records(sources, SKIP, on_skip=expected.append))
    errors: list[InputError] = []
    batches = list(featurized_inputs(Inputs(sources, SKIP, errors.append), FEATURIZE, 2, 4))
    assert [e.to_json() for e in errors] == [e.to_json() for e in expected]
    assert len(errors) == 1 and not any(b.ids for b in batches)


def test_taking_rows_is_featurising_them_alone() -> None:
    texts = [f"the {i} quick brown foxes jumped over {i * 7} lazy dogs today" for i in range(6)]
    rows = [4, 0, 3]
    taken = _concatenated([FEATURIZE(texts).take(rows)])
    alone = _concatenated([FEATURIZE([texts[row] for row in rows])])
    for name, array in alone.items():
        np.testing.assert_array_equal(taken[name], array, err_msg=name)


def test_plain_jsonl_files_are_read_in_ranges_and_others_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import neardup.featurize_inputs as module

    read: list[str] = []
    by_range, whole = module.shard_items, module.read_source
    monkeypatch.setattr(
        module, "shard_items", lambda s, *a: read.append("range") or by_range(s, *a)
    )
    monkeypatch.setattr(module, "read_source", lambda s, *a: read.append(s.name) or whole(s, *a))
    paths = _inputs(tmp_path)
    list(featurized_inputs(Inputs(open_inputs(paths), SKIP), FEATURIZE, 1, 4))
    assert [name for name in read if name != "range"] == paths[1:]  # the gz and the csv
    assert read.count("range") == 3 + 2  # 12 lines in ranges of 4; two read again for errors
    read.clear()
    monkeypatch.setattr(ranges, "SPLIT_MIN_BYTES", Path(paths[0]).stat().st_size + 1)
    list(featurized_inputs(Inputs(open_inputs(paths), SKIP), FEATURIZE, 1, 4))
    assert read == paths  # too small to cut: read here


def test_a_file_given_twice_is_read_again_once_a_batch_for_its_repeated_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import neardup.featurize_inputs as module

    reads: list[int] = []
    by_range = module.shard_items
    monkeypatch.setattr(module, "shard_items", lambda *a: reads.append(1) or by_range(*a))
    path = tmp_path / "twice.jsonl"
    path.write_text("".join(_row(f"r{i}", TEXTS[i % 9]) + "\n" for i in range(12)))
    errors: list[InputError] = []
    inputs = Inputs(open_inputs([str(path), str(path)]), SKIP, errors.append)
    batches = list(featurized_inputs(inputs, FEATURIZE, 1, 5))
    assert [i for b in batches for i in b.ids] == [f"r{i}" for i in range(12)]
    assert [e.line for e in errors] == list(range(1, 13))  # every record of the second copy
    assert errors[0].raw is not None and json.loads(errors[0].raw)["id"] == "r0"
    assert len(reads) == 3 + 3 + 3  # ranges of 5, 5, 2 lines, each copy; the second's again
