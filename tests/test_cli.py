"""The CLI through its real entry point, as a user runs it."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import EXAMPLES, shared_path


def neardup(
    *args: str,
    stdin: bytes | None = None,
    check: bool = True,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("neardup")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "neardup"]
    done = subprocess.run(
        [*command, *args],
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        env=env,
    )
    if check and done.returncode != 0:
        raise AssertionError(
            f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
        )
    return done


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def membership(out: Path) -> dict[object, tuple[object, object]]:
    return {r["id"]: (r["cluster"], r["kept"]) for r in read_jsonl(out / "clusters.jsonl")}


CORPUS = EXAMPLES / "corpus" / "news.jsonl"

# The console script's ``main`` run in a fresh interpreter on its arguments, for probes of
# what it leaves in that process (``python -c RUN_MAIN + probe *args``); it must succeed.
RUN_MAIN = (
    "import sys\n"
    "from neardup.cli import main\n"
    "sys.argv = ['neardup', *sys.argv[1:]]\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as done:\n"
    "    assert not done.code, done.code\n"
)


def test_dedup_writes_every_table(tmp_path: Path) -> None:
    neardup("dedup", str(CORPUS), "-o", str(tmp_path / "out"), "--quiet")
    out = tmp_path / "out"
    rows = read_jsonl(out / "clusters.jsonl")
    inputs = read_jsonl(CORPUS)
    assert [r["id"] for r in rows] == [r["id"] for r in inputs]
    kept, removed = read_jsonl(out / "kept.jsonl"), read_jsonl(out / "removed.jsonl")
    assert len(kept) + len(removed) == len(inputs)
    assert removed, "the example corpus has copies"
    by_id = {r["id"]: r for r in inputs}
    for record in kept:
        assert record == by_id[record["id"]]  # exactly as read
    for record in removed:
        assert record["duplicate_of"] in {k["id"] for k in kept}
        assert 0.0 < record["similarity"] <= 1.0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["counts"]["records"] == len(inputs)
    assert summary["parameters"]["threshold"] > 0
    assert set(summary["seconds"]) >= {"normalize", "shingle", "sketch", "verify", "write", "total"}
    assert summary["neardup_version"]
    assert not (out / "errors.jsonl").exists()


def test_same_input_gives_byte_identical_clusters(tmp_path: Path) -> None:
    for name in ("one", "two"):
        neardup("dedup", str(CORPUS), "-o", str(tmp_path / name), "-q")
    first = (tmp_path / "one" / "clusters.jsonl").read_bytes()
    assert first == (tmp_path / "two" / "clusters.jsonl").read_bytes()


def test_one_permutation_sketch_is_recorded_and_finds_the_example_copies(tmp_path: Path) -> None:
    neardup("dedup", str(CORPUS), "-o", str(tmp_path / "classic"), "-q")
    neardup("dedup", str(CORPUS), "-o", str(tmp_path / "oph"), "-q", "--sketch", "oph")
    summary = json.loads((tmp_path / "oph" / "summary.json").read_text())
    assert summary["parameters"]["minhash"]["sketch"] == "oph"
    assert membership(tmp_path / "oph") == membership(tmp_path / "classic")
    wrong = neardup(
        "dedup", str(CORPUS), "-o", str(tmp_path / "x"), "--sketch", "bottomk", check=False
    )
    assert wrong.returncode == 2 and "bottomk" in wrong.stderr


def test_shuffled_input_gives_same_clusters(tmp_path: Path) -> None:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    random.Random(3).shuffle(lines)
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("\n".join(lines) + "\n", encoding="utf-8")
    neardup("dedup", str(CORPUS), "-o", str(tmp_path / "a"), "-q")
    neardup("dedup", str(shuffled), "-o", str(tmp_path / "b"), "-q")
    assert membership(tmp_path / "a") == membership(tmp_path / "b")


def test_stdin(tmp_path: Path) -> None:
    neardup("dedup", "-", "-o", str(tmp_path), "-q", stdin=CORPUS.read_bytes())
    assert len(read_jsonl(tmp_path / "clusters.jsonl")) == len(CORPUS.read_text().splitlines())


def test_repo_scrape_pair_is_one_cluster(tmp_path: Path) -> None:
    neardup("dedup", str(EXAMPLES / "scrapes"), "-o", str(tmp_path), "-q")
    rows = read_jsonl(tmp_path / "clusters.jsonl")
    assert len(rows) == 2 and len({r["cluster"] for r in rows}) == 1


def test_copies_in_scripts_without_spaces_are_found(tmp_path: Path) -> None:
    """examples/unspaced (see its TRUTH.md): a Chinese, a Japanese and a Thai story each
    with a copy; read a clause at a time (--no-split-unspaced) none is found."""
    news = EXAMPLES / "unspaced" / "news.jsonl"
    neardup("dedup", str(news), "-o", str(tmp_path / "split"), "-q")
    neardup("dedup", str(news), "-o", str(tmp_path / "clauses"), "-q", "--no-split-unspaced")
    groups: dict[object, set[object]] = {}
    for record_id, (cluster, _) in membership(tmp_path / "split").items():
        groups.setdefault(cluster, set()).add(record_id)
    stories = ("zh-harvest", "ja-lunch", "th-rain")
    copies = [{s, f"{s}-scan" if s.startswith("zh") else f"{s}-flash"} for s in stories]
    assert sorted(map(sorted, groups.values())) == sorted([*map(sorted, copies), ["zh-weather"]])
    assert {cluster for cluster, _ in membership(tmp_path / "clauses").values()} == set(
        membership(tmp_path / "clauses")
    )
    summary = json.loads((tmp_path / "clauses" / "summary.json").read_text())
    assert summary["parameters"]["shingle"]["split_unspaced"] is False


def test_shared_scrape_pair_is_one_cluster(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("article-scrape-a.txt", "article-scrape-b.txt"):
        shutil.copy(shared_path(f"examples/{name}"), folder / name)
    neardup("dedup", str(folder), "-o", str(tmp_path / "out"), "-q")
    rows = read_jsonl(tmp_path / "out" / "clusters.jsonl")
    assert len({r["cluster"] for r in rows}) == 1


def test_a_text_folder_does_not_read_the_output_directory_inside_it(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for row in read_jsonl(CORPUS)[:12]:
        (folder / f"{row['id']}.txt").write_text(str(row["text"]), encoding="utf-8")
    neardup("dedup", str(folder), "-o", str(tmp_path / "apart"), "-q")
    for _ in range(2):  # the second run finds the first one's tables there
        neardup("dedup", str(folder), "-o", str(folder / "out"), "-q")
        inside = (folder / "out" / "clusters.jsonl").read_bytes()
        assert inside == (tmp_path / "apart" / "clusters.jsonl").read_bytes()


def test_parquet_output_and_input(tmp_path: Path) -> None:
    neardup("dedup", str(CORPUS), "-o", str(tmp_path / "pq"), "--format", "parquet", "-q")
    kept = pq.read_table(tmp_path / "pq" / "kept.parquet").to_pylist()
    clusters = pq.read_table(tmp_path / "pq" / "clusters.parquet").to_pylist()
    assert len(clusters) == len(CORPUS.read_text().splitlines())
    neardup("dedup", str(tmp_path / "pq" / "kept.parquet"), "-o", str(tmp_path / "again"), "-q")
    assert len(read_jsonl(tmp_path / "again" / "kept.jsonl")) == len(kept)


def test_bad_line_fails_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "a", "text": "fine text here"}\n{"id": "b", "text": \n', encoding="utf-8"
    )
    done = neardup("dedup", str(bad), "-o", str(tmp_path / "out"), check=False)
    assert done.returncode == 1
    assert f"{bad}:2" in done.stderr
    assert "--on-error skip" in done.stderr


def test_skip_writes_errors_and_counts_them(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "a", "text": "fine text here"}\n{"id": "b", "text": ""}\n{"id": "a", "text": "again"}\n',
        encoding="utf-8",
    )
    neardup("dedup", str(bad), "-o", str(tmp_path / "out"), "--on-error", "skip", "-q")
    errors = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert [e["line"] for e in errors] == [2, 3]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["counts"]["skipped_errors"] == 2
    assert [r["id"] for r in read_jsonl(tmp_path / "out" / "clusters.jsonl")] == ["a"]


def test_keep_field_and_options_reach_the_summary(tmp_path: Path) -> None:
    neardup(
        "dedup",
        str(CORPUS),
        "-o",
        str(tmp_path),
        "-q",
        "--keep",
        "field",
        "--keep-field",
        "date",
        "--keep-order",
        "asc",
        "--similarity",
        "jaccard",
        "--threshold",
        "0.6",
        "--num-perm",
        "64",
        "--ngram",
        "4",
    )
    params = json.loads((tmp_path / "summary.json").read_text())["parameters"]
    assert params["keep"] == "field" and params["keep_field"] == "date"
    assert params["similarity"] == "jaccard" and params["minhash"]["num_perm"] == 64
    assert params["shingle"]["size"] == 4
    dates = {r["id"]: r["date"] for r in read_jsonl(CORPUS)}
    for row in read_jsonl(tmp_path / "removed.jsonl"):
        assert dates[row["duplicate_of"]] <= row["date"]


def test_bad_option_value_is_a_clear_error(tmp_path: Path) -> None:
    done = neardup("dedup", str(CORPUS), "-o", str(tmp_path), "--threshold", "2", check=False)
    assert done.returncode == 1 and "threshold must be in (0, 1]" in done.stderr


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (
            ["dedup", str(CORPUS), "-o", "{tmp}/o", "--workers", "0"],
            "'--workers': 0 is not in the range",
        ),
        (["index", "add", str(CORPUS), "--db", "{tmp}/x", "--batch-size", "0"], "'--batch-size'"),
        (["serve", "--db", "{tmp}/x", "--port", "99999"], "'--port': 99999 is not in the range"),
        (["serve", "--db", "{tmp}/x", "--max-body", "-5"], "'--max-body': -5 is not in the range"),
    ],
)
def test_counts_out_of_range_are_refused(tmp_path: Path, args: list[str], complaint: str) -> None:
    done = neardup(*(arg.format(tmp=tmp_path) for arg in args), check=False)
    assert done.returncode == 2 and complaint in done.stderr and "Traceback" not in done.stderr


def test_missing_input_file(tmp_path: Path) -> None:
    done = neardup("dedup", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o"), check=False)
    assert done.returncode == 1 and "nope.jsonl" in done.stderr


@pytest.mark.parametrize("command", [["dedup"], ["index", "add"]])
def test_a_missing_workdir_is_made_and_a_file_is_refused(
    tmp_path: Path, command: list[str]
) -> None:
    def where(name: str) -> list[str]:
        return ["-o" if command == ["dedup"] else "--db", str(tmp_path / name)]

    made = tmp_path / "new" / "scratch"
    neardup(*command, str(CORPUS), *where("a"), "-q", "--workdir", str(made))
    assert made.is_dir() and list(made.iterdir()) == []  # the run's scratch files are gone
    done = neardup(*command, str(CORPUS), *where("b"), "-q", "--workdir", str(CORPUS), check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{CORPUS} exists and is not a directory; choose another work directory" in done.stderr


def test_empty_input_is_a_warning_even_when_quiet(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    done = neardup("dedup", str(empty), "-o", str(tmp_path / "o"), "-q")
    assert done.stderr == f"warning: no records in {empty}\n"
    assert (tmp_path / "o" / "clusters.jsonl").read_text() == ""


def test_a_keep_field_no_record_has_is_a_warning(tmp_path: Path) -> None:
    args = ("dedup", str(CORPUS), "--keep", "field", "-q")
    done = neardup(*args, "-o", str(tmp_path / "a"), "--keep-field", "dat")
    assert done.stderr == (
        "warning: no record has the keep field 'dat': each cluster kept its longest copy\n"
    )
    assert neardup(*args, "-o", str(tmp_path / "b"), "--keep-field", "date").stderr == ""


def test_a_keep_field_without_keep_field_is_an_error(tmp_path: Path) -> None:
    done = neardup(
        "dedup", str(CORPUS), "-o", str(tmp_path / "o"), "--keep-field", "date", check=False
    )
    assert done.returncode != 0 and "--keep field" in done.stderr
    assert not (tmp_path / "o").exists()


def test_quiet_and_piped_stderr_have_no_progress_codes(tmp_path: Path) -> None:
    quiet = neardup("dedup", str(CORPUS), "-o", str(tmp_path / "q"), "-q")
    assert quiet.stderr == ""
    loud = neardup("dedup", str(CORPUS), "-o", str(tmp_path / "l"))
    assert "\x1b[" not in loud.stderr and "records" in loud.stderr


@pytest.mark.parametrize("command", [["--help"], ["dedup", "--help"], ["--version"]])
def test_help_and_version(command: list[str]) -> None:
    assert neardup(*command).stdout


FULL_APP = "import sys\nfrom neardup.cli import app\nsys.argv = ['neardup', *sys.argv[1:]]\napp()\n"


@pytest.mark.parametrize(
    "command",
    [
        ["dedup", "--help"],
        ["index", "--help"],
        ["index", "add", "--help"],
        ["eval", "--help"],
        ["dedup", "--no-such-option"],
        ["dedup"],
        ["dedupe"],
    ],
)
def test_the_console_script_answers_as_the_whole_app(command: list[str]) -> None:
    """``main`` builds only the command it runs; what a user reads must not show it."""
    env = {**os.environ, "COLUMNS": "100"}
    lean = neardup(*command, check=False, env=env)
    whole = subprocess.run(
        [sys.executable, "-c", FULL_APP, *command], capture_output=True, text=True, env=env
    )
    assert (lean.returncode, lean.stdout, lean.stderr) == (
        whole.returncode,
        whole.stdout,
        whole.stderr,
    )
    assert lean.stdout or lean.stderr


def test_help_shows_bracketed_extras_whole() -> None:
    """Rich reads "[ray]" as markup unless escaped; the install hint must survive it."""
    wide = {**os.environ, "COLUMNS": "240"}  # 80 columns cut a long word short with "…"
    for command, extras in (("dedup", ["ray", "semantic"]), ("explain", ["semantic"])):
        flat = " ".join(neardup(command, "--help", env=wide).stdout.replace("│", " ").split())
        for extra in extras:
            assert f"neardup[{extra}]" in flat.replace(" ", ""), (command, extra)


def test_entry_point_leaves_the_exit_collections_nothing_to_walk(tmp_path: Path) -> None:
    """The console script freezes what survives a command, sparing shutdown its full
    collections; it does so on success and on error alike."""
    probe = (
        "import atexit, gc, sys\n"
        "from neardup.cli import main\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
        "sys.argv = ['neardup', *sys.argv[1:]]\n"
        "main()\n"
    )
    for args, code in ((["--version"], 0), (["dedup", str(tmp_path / "absent.jsonl")], 2)):
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=False
        )
        assert done.returncode == code, done.stderr
        assert done.stdout.splitlines()[-1] == "frozen True"


def test_entry_point_spares_numba_the_scipy_blas_probe(tmp_path: Path) -> None:
    """With SciPy installed, the first kernel numba loads would import ``scipy.linalg``
    (0.15 s) to look for BLAS; the console script tells numba there is none, and SciPy
    still imports whole afterwards."""
    pytest.importorskip("scipy.linalg", reason="the probe costs nothing without SciPy")
    probe = (
        RUN_MAIN + "print('probed', 'scipy.linalg' in sys.modules)\n"
        "import scipy.linalg.cython_blas\n"
        "print('importable', scipy.linalg.cython_blas is not None)\n"
    )
    args = ["dedup", str(CORPUS), "-o", str(tmp_path / "out"), "-q", "--workers", "1"]
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == ["probed False", "importable True"]
    assert (tmp_path / "out" / "clusters.jsonl").exists()


def test_enough_records_are_written_by_every_worker_alike(tmp_path: Path) -> None:
    """Past ``files._PART_MIN_RECORDS`` the tables are copied in parts, one per worker."""
    from neardup.files import _PART_MIN_RECORDS
    from tests.generated import news_like

    corpus = tmp_path / "corpus.jsonl"
    rows = news_like(_PART_MIN_RECORDS + 500, seed=3)
    corpus.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    for workers in ("1", "2"):
        neardup("dedup", str(corpus), "-o", str(tmp_path / workers), "--workers", workers, "-q")
    for name in ("clusters.jsonl", "kept.jsonl", "removed.jsonl"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()
    assert len(read_jsonl(tmp_path / "2" / "removed.jsonl")) > 500
    assert sorted(p.name for p in (tmp_path / "2").iterdir()) == [
        "clusters.jsonl",
        "kept.jsonl",
        "removed.jsonl",
        "summary.json",
    ]
