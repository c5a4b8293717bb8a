"""The Ray engine on a local Ray instance: the local engine's results, resumable, clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from neardup.config import DedupConfig, RayConfig, ReadConfig
from neardup.errors import ConfigError, InputError
from neardup.files import dedup_files
from tests.conftest import EXAMPLES
from tests.generated import news_like, reports_like

ray = pytest.importorskip(
    "ray", reason="Ray is not installed: pip install 'neardup[ray]' to test the Ray engine"
)

from neardup.engines.ray import dedup_files_ray  # noqa: E402

NEWS = EXAMPLES / "corpus" / "news.jsonl"
TABLES = ("clusters", "kept", "removed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """One local Ray instance for the module (2 CPUs), shut down after; its address."""
    ray.init(
        num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=100 << 20
    )
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 news-like records with copies, repeats, chains and quotes."""
    path = tmp_path_factory.mktemp("corpus") / "generated.jsonl"
    with path.open("w", encoding="utf-8") as file:
        for row in news_like(3000, seed=3):
            file.write(json.dumps(row) + "\n")
    return path


def _local(inputs: list[Path], out: Path, config: DedupConfig, read: ReadConfig) -> dict[str, Any]:
    result = dedup_files([str(p) for p in inputs], out, config, read, workers=1)
    return {**_tables(out, ".jsonl"), "warnings": result.warnings}


def _ray(
    inputs: list[Path],
    out: Path,
    config: DedupConfig,
    read: ReadConfig,
    partition_bytes: int,
    **options: Any,
) -> dict[str, Any]:
    run = dedup_files_ray(
        [str(p) for p in inputs],
        str(out),
        config,
        read,
        ray_config=RayConfig(partition_bytes=partition_bytes),
        **options,
    )
    tables = _tables(out, "/")
    tables["resumed"] = run.resumed
    tables["warnings"] = run.warnings
    return tables


def _tables(out: Path, layout: str) -> dict[str, Any]:
    """Each table's bytes (partitions concatenated in order), and the summary's counts."""
    found: dict[str, Any] = {}
    for table in TABLES:
        if layout == "/":
            parts = sorted((out / table).glob("part-*.jsonl"))
            found[table] = b"".join(part.read_bytes() for part in parts)
            found[f"{table}_parts"] = len(parts)
        else:
            found[table] = (out / f"{table}.jsonl").read_bytes()
    summary = json.loads((out / "summary.json").read_text())
    found["counts"] = summary["counts"]
    errors = out / "errors.jsonl"
    found["errors"] = (
        [json.loads(line) for line in errors.read_text().splitlines()] if errors.exists() else []
    )
    return found


def _printed(out: Path, stderr: str) -> dict[str, Any]:
    """The tables of a CLI run, and the warnings it printed."""
    warnings = [
        line[len("warning: ") :] for line in stderr.splitlines() if line.startswith("warning: ")
    ]
    return {**_tables(out, "/"), "warnings": warnings}


def _assert_same(ray_tables: dict[str, Any], local_tables: dict[str, Any]) -> None:
    clusters = [json.loads(line) for line in ray_tables["clusters"].splitlines()]
    assert clusters == [json.loads(line) for line in local_tables["clusters"].splitlines()]
    for table in TABLES:
        assert ray_tables[table] == local_tables[table], table
    assert ray_tables["counts"] == local_tables["counts"]
    assert ray_tables["errors"] == local_tables["errors"]  # rows, raw texts and order
    assert ray_tables["warnings"] == local_tables["warnings"]


def test_example_corpus_gives_the_local_engines_clusters(cluster: str, tmp_path: Path) -> None:
    config, read = DedupConfig(), ReadConfig()
    local = _local([NEWS], tmp_path / "local", config, read)
    on_ray = _ray([NEWS], tmp_path / "ray", config, read, partition_bytes=4096)
    assert on_ray["clusters_parts"] > 3  # several partitions, so pairs and clusters cross them
    assert local["counts"]["removed"] == 15
    _assert_same(on_ray, local)


def test_a_keep_field_no_record_has_is_warned_of_as_locally(cluster: str, tmp_path: Path) -> None:
    config, read = DedupConfig(keep="field", keep_field="dat"), ReadConfig()
    local = _local([NEWS], tmp_path / "local", config, read)
    on_ray = _ray([NEWS], tmp_path / "ray", config, read, partition_bytes=4096)
    assert on_ray["warnings"] == [
        "no record has the keep field 'dat': each cluster kept its longest copy"
    ]
    _assert_same(on_ray, local)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"keep": "field", "keep_field": "date", "keep_order": "desc", "kept_ratio": 0.0},
        {"similarity": "jaccard", "threshold": 0.5, "verify": False, "keep": "first"},
        {"min_tail_word_cosine": 0.035},
    ],
    ids=["defaults", "keep-date-components", "jaccard-estimated-first", "tail-check"],
)
def test_generated_corpus_gives_the_local_engines_clusters(
    cluster: str, generated: Path, tmp_path: Path, options: dict[str, Any]
) -> None:
    config, read = DedupConfig.from_options(**options), ReadConfig()
    local = _local([generated], tmp_path / "local", config, read)
    on_ray = _ray([generated], tmp_path / "ray", config, read, partition_bytes=300_000)
    assert on_ray["clusters_parts"] >= 8
    assert local["counts"]["removed"] > 1000 and local["counts"]["exact_duplicates"] > 100
    _assert_same(on_ray, local)


def test_templated_reports_give_the_local_engines_clusters(cluster: str, tmp_path: Path) -> None:
    """Reports of one template with other figures, their copies and restatements: the
    figure check and the rules for weak members and twins run in Ray tasks alike."""
    path = tmp_path / "reports.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in reports_like(600, seed=8)))
    config, read = DedupConfig(), ReadConfig()
    local = _local([path], tmp_path / "local", config, read)
    on_ray = _ray([path], tmp_path / "ray", config, read, partition_bytes=40_000)
    assert on_ray["clusters_parts"] >= 4 and local["counts"]["removed"] > 150
    _assert_same(on_ray, local)


class _Interrupted(Exception):
    pass


def test_an_interrupted_run_resumes_where_it_stopped(
    cluster: str, generated: Path, tmp_path: Path
) -> None:
    config, read = DedupConfig(), ReadConfig()
    out = tmp_path / "ray"

    def stop_after_verify(stage: str) -> None:
        if stage == "verify":
            raise _Interrupted

    with pytest.raises(_Interrupted):
        _ray([generated], out, config, read, 300_000, after_stage=stop_after_verify)
    assert not (out / "summary.json").exists()
    done = out / "_neardup" / "done"
    partitions = len(list((done / "features").glob("*.json")))
    assert partitions >= 8 and (done / "verify.json").exists()
    # as if the run had died while verifying: one partition's verification unfinished
    (done / "verify.json").unlink()
    (done / "verify" / "00001.json").unlink()
    seen: list[str] = []
    resumed = _ray([generated], out, config, read, 300_000, after_stage=seen.append)
    assert resumed["resumed"]["features"] == partitions
    assert resumed["resumed"]["pairs"] == partitions
    assert resumed["resumed"]["verify"] == partitions - 1
    assert "features" not in seen and "verify" in seen and "write" in seen
    _assert_same(resumed, _local([generated], tmp_path / "local", config, read))
    # finished: the bulky work files are gone, and running again does nothing
    assert not (out / "_neardup" / "features").exists()
    again = _ray([generated], out, config, read, 300_000)
    assert again["resumed"] == {"run": 1}


def test_other_settings_on_a_run_directory_are_refused(cluster: str, tmp_path: Path) -> None:
    read = ReadConfig()
    _ray([NEWS], tmp_path, DedupConfig(), read, 4096)
    with pytest.raises(ConfigError, match=r"other settings \(config\.threshold: 0\.45 then, 0\.6"):
        _ray([NEWS], tmp_path, DedupConfig(threshold=0.6), read, 4096)


def _with_problems(tmp_path: Path) -> Path:
    """The example corpus with a malformed line (34) and a repeated id (line 38)."""
    lines = NEWS.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[2])
    lines = [
        *lines,
        '{"id": "broken", "text": "no closing brace"',
        *lines[:3],
        json.dumps({**first, "text": first["text"] + " Updated."}),
    ]
    path = tmp_path / "problems.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bad_input_is_named_by_file_and_line(cluster: str, tmp_path: Path) -> None:
    """The first bad line and then the first repeated id, each in a later partition."""
    path = _with_problems(tmp_path)
    with pytest.raises(InputError, match=r"problems\.jsonl:31: malformed JSON"):
        _ray([path], tmp_path / "out", DedupConfig(), ReadConfig(), 2048)
    assert not (tmp_path / "out" / "_neardup").exists()  # nothing stands in the rerun's way
    path.write_text(path.read_text().replace('"no closing brace"\n', '"no closing brace"}\n'))
    with pytest.raises(InputError) as local:
        dedup_files([str(path)], tmp_path / "local", DedupConfig(), ReadConfig(), workers=1)
    expected = r"problems\.jsonl:32: duplicate id 'star-2417' \(first seen at .*problems\.jsonl:1\)"
    with pytest.raises(InputError, match=expected) as on_ray:
        _ray([path], tmp_path / "out", DedupConfig(), ReadConfig(), 2048)
    assert str(on_ray.value) == str(local.value)


def test_skipped_records_are_those_the_local_engine_skips(cluster: str, tmp_path: Path) -> None:
    path = _with_problems(tmp_path)
    config, read = DedupConfig(), ReadConfig(on_error="skip")
    local = _local([path], tmp_path / "local", config, read)
    assert len(local["errors"]) == 5  # the malformed line and four repeated ids
    _assert_same(_ray([path], tmp_path / "ray", config, read, 2048), local)


def test_a_file_skipped_whole_keeps_its_place_among_the_errors(
    cluster: str, tmp_path: Path
) -> None:
    path = _with_problems(tmp_path)
    broken = tmp_path / "broken.jsonl"  # binary: the plan skips it whole, before any partition
    broken.write_bytes(b'{"id": "x"}\n\x00\x01\x02\n')
    after = tmp_path / "after.jsonl"
    after.write_text('{"id": "late", "text": "one more story"}\n{oops\n', encoding="utf-8")
    config, read = DedupConfig(), ReadConfig(on_error="skip")
    local = _local([path, broken, after], tmp_path / "local", config, read)
    assert [row["source"] for row in local["errors"]].index(str(broken)) == 5
    _assert_same(_ray([path, broken, after], tmp_path / "ray", config, read, 2048), local)


def test_cli_runs_the_ray_engine(cluster: str, tmp_path: Path) -> None:
    """The real entry point, connected to the module's Ray instance."""
    neardup = Path(sys.executable).with_name("neardup")
    command = [str(neardup), "dedup", str(NEWS), "-o", str(tmp_path / "ray"), "--engine", "ray"]
    command += ["--ray-address", cluster, "--partition-mb", "0.004"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=os.environ)
    assert done.returncode == 0, done.stderr
    assert "30 records: kept 15, removed 15 in 4 cluster(s)" in done.stderr
    local = _local([NEWS], tmp_path / "local", DedupConfig(), ReadConfig())
    _assert_same(_printed(tmp_path / "ray", done.stderr), local)
    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert "already finished" in again.stderr


def test_a_killed_run_resumes(cluster: str, generated: Path, tmp_path: Path) -> None:
    """kill -9 of a real `neardup dedup --engine ray` once its features are done, then again."""
    out = tmp_path / "ray"
    neardup = Path(sys.executable).with_name("neardup")
    command = [str(neardup), "dedup", str(generated), "-o", str(out), "--engine", "ray"]
    command += ["--ray-address", cluster, "--partition-mb", "0.3"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marker = out / "_neardup" / "done" / "features.json"
    deadline = time.monotonic() + 120
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.kill()
    process.wait()
    assert marker.exists() and not (out / "summary.json").exists()
    again = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert again.returncode == 0, again.stderr
    assert "Resumed an earlier run" in again.stderr
    local = _local([generated], tmp_path / "local", DedupConfig(), ReadConfig())
    _assert_same(_printed(out, again.stderr), local)


def test_folders_compressed_jsonl_and_parquet_in_parquet_out(cluster: str, tmp_path: Path) -> None:
    """Inputs read whole (one partition each) beside a split JSONL file; Parquet tables."""
    import gzip

    import pyarrow as pa
    import pyarrow.parquet as pq

    packed = tmp_path / "news.jsonl.gz"
    packed.write_bytes(gzip.compress(NEWS.read_bytes()))
    rows = [{**row, "id": f"g{row['id']}"} for row in news_like(300, seed=5)]
    table = tmp_path / "generated.parquet"
    pq.write_table(pa.Table.from_pylist(rows), table)
    plain = tmp_path / "more.jsonl"
    plain.write_text("".join(json.dumps({**r, "id": f"m{r['id']}"}) + "\n" for r in rows[:150]))
    inputs = [EXAMPLES / "scrapes", packed, table, plain]
    config, read = DedupConfig(), ReadConfig()
    dedup_files([str(p) for p in inputs], tmp_path / "local", config, read, output_format="parquet")
    dedup_files_ray(
        [str(p) for p in inputs],
        str(tmp_path / "ray"),
        config,
        read,
        output_format="parquet",
        ray_config=RayConfig(partition_bytes=20_000),
    )
    assert len(list((tmp_path / "ray" / "clusters").glob("part-*.parquet"))) > 5

    def present(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rows without their null fields: a partition's table has its own records' columns."""
        return [{key: value for key, value in row.items() if value is not None} for row in rows]

    for name in TABLES:
        local = pq.read_table(tmp_path / "local" / f"{name}.parquet").to_pylist()
        parts = sorted((tmp_path / "ray" / name).glob("part-*.parquet"))
        on_ray = [row for part in parts for row in pq.read_table(part).to_pylist()]
        assert present(on_ray) == present(local), name
    clusters = pq.read_table(tmp_path / "local" / "clusters.parquet").to_pylist()
    assert sum(not row["kept"] for row in clusters) > 100


def test_ids_with_lone_surrogates_survive(cluster: str, tmp_path: Path) -> None:
    """JSON may escape half a surrogate pair ("\\ud800"); such an id is still an id."""
    rows = [json.loads(line) for line in NEWS.read_text().splitlines()]
    path = tmp_path / "odd.jsonl"
    path.write_text("".join(json.dumps({**r, "id": r["id"] + "\ud800"}) + "\n" for r in rows))
    config, read = DedupConfig(), ReadConfig()
    local = _local([path], tmp_path / "local", config, read)
    assert b"\\ud800" in local["clusters"]
    _assert_same(_ray([path], tmp_path / "ray", config, read, 4096), local)
