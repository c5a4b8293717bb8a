"""Throughput and peak memory of neardup, datasketch and rensa on the same documents, one run.

    python benchmarks/peers.py                         # the ~40,850 real articles of ../shared/corpora
    python benchmarks/peers.py -n 20000                # a scale.py corpus, made in a temp dir
    python benchmarks/peers.py --input /tmp/corpus-100k.jsonl --tools neardup,rensa --json
    python benchmarks/peers.py --neardup-args "--no-verify"    # extra `neardup dedup` options
    python benchmarks/peers.py --tools neardup,rensa --rounds 5   # alternated; median ratio

Every tool runs in its own child process on the same JSONL file, with the word n-gram size,
permutations and LSH bands x rows that neardup's ``summary.json`` reports in force: neardup's
defaults unless ``--ngram``, ``--num-perm``, ``--bands``/``--rows`` or ``--neardup-args`` change
them (without neardup in ``--tools``, a run on two tiny records tells them).

* **neardup** runs its real CLI, ``neardup dedup INPUT -o OUT -q [options]``, and is timed
  whole: interpreter start, reading, every stage, writing. ``summary.json`` gives its seconds
  per stage. An untimed run on the same input goes first, so the timed one loads numba's
  cached kernels as every later run does: the first run after installing compiles them
  (~10 s, printed as the warm-up's time). Its modules are byte-compiled first, as an
  installed wheel's are.
* **datasketch** and **rensa** run in this script's ``--worker`` mode: the JSONL is read into
  a list of texts first (not timed); then the timer covers tokenising (lower case, split on
  whitespace), the word n-gram shingles, MinHash (datasketch ``MinHash.bulk`` with its default
  SHA-1 hashing; rensa ``RMinHash.from_token_sets``), inserting every document into the LSH
  index (datasketch ``MinHashLSH(params=(bands, rows))``; rensa ``RMinHashLSH`` over bands x
  rows permutations, since its rows are ``num_perm / num_bands``) and querying every document.
  Neither verifies candidates, clusters or writes anything; neardup does all three, so the
  ratios lean in the peers' favour.

On a busy host one run says little: ``--rounds N`` runs every tool N times, the tools in
turn within each round, and gives neardup's speed ratio to each peer per round (the two runs
of a round are minutes apart, not hours) and their median; the table shows each tool's run
of median time.

Peak memory ("peak MB") covers the tool's whole process tree. One process: its peak RSS, exact,
from ``os.wait4`` on that child (``RUSAGE_CHILDREN`` deltas cannot isolate a child, as
``ru_maxrss`` is the largest of all children so far). Several (neardup's forked workers): also
the peak of the tree's summed PSS, sampled every 250 ms from ``/proc``, pages shared with forked
workers counted once; the larger figure is shown. This script stays small (numpy-free; scale.py
runs as a child) because a child's ``ru_maxrss`` starts from its parent's size at fork. "CPU s"
is user + system time of the tree over its whole run (for a peer, reading the file too): above
"seconds" when a tool keeps several cores busy. Other load on the machine shows up in "seconds".
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import importlib.util
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCALE = Path(__file__).resolve().with_name("scale.py")  # makes the input, in its own process
TOOLS = ("neardup", "datasketch", "rensa")
# Memory sampling period. Sampling is not free and only a tool of several processes pays for
# it (reading smaps_rollup takes a process's memory-map lock): every 50 ms cost neardup 0.1 s
# of a 2.8 s run, every 250 ms about 0.03 s. Workers live only while features are computed,
# and the peak (matching) is in the one main process, which wait4 measures exactly.
SAMPLE_SECONDS = 0.25
MB = 2**20


@dataclass(frozen=True)
class Shape:
    """What every tool shares: word n-gram size, permutations and LSH bands x rows."""

    ngram: int
    num_perm: int
    bands: int
    rows: int

    @property
    def threshold(self) -> float:
        """Jaccard at the S-curve's steepest point, ``(1 / bands) ** (1 / rows)``."""
        return float((1.0 / self.bands) ** (1.0 / self.rows))

    @classmethod
    def of(cls, parameters: dict[str, Any]) -> Shape:
        """The shape neardup reports in ``summary.json`` ``parameters``."""
        if parameters["shingle"]["kind"] != "word":
            sys.exit("the peers are run on word n-grams: drop --shingle-kind char")
        return cls(
            parameters["shingle"]["size"],
            parameters["minhash"]["num_perm"],
            parameters["bands_in_force"],
            parameters["rows_in_force"],
        )


@dataclass
class Result:
    """One tool's run on the input."""

    tool: str
    docs: int
    seconds: float
    cpu_seconds: float
    peak_mb: float
    candidate_pairs: int | None
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def docs_per_second(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0


# --------------------------------------------------------------------------- measuring a child


@dataclass(frozen=True)
class Usage:
    seconds: float
    cpu_seconds: float
    peak_bytes: int


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, from ``/proc/*/stat``."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _resident_bytes(pid: int) -> int:
    """PSS when the kernel reports it (shared pages split between sharers), else RSS."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _tree(root: int) -> list[int]:
    """``root`` and its descendants."""
    children = _children()
    pids, stack = [], [root]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(children.get(pid, []))
    return pids


class TreeSampler(threading.Thread):
    """Polls the summed memory of a process tree while it has several processes.

    One process alone is left unread: ``wait4`` gives its exact peak, and reading
    ``smaps_rollup`` takes the process's memory-map lock, which would slow it down.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        if not Path("/proc").is_dir():
            return
        while not self._stop_event.wait(SAMPLE_SECONDS):
            pids = _tree(self.pid)
            if len(pids) > 1:
                self.peak = max(self.peak, sum(_resident_bytes(pid) for pid in pids))

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def run_measured(command: Sequence[str]) -> Usage:
    """Run ``command``; wall seconds, CPU seconds of its tree and its peak memory."""
    began = time.perf_counter()
    process = subprocess.Popen(command)
    sampler = TreeSampler(process.pid)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    sampled = sampler.stop()
    if process.returncode:
        sys.exit(f"{shlex.join(command)} failed with exit code {process.returncode}")
    largest = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # bytes on macOS
    return Usage(seconds, usage.ru_utime + usage.ru_stime, max(largest, sampled))


# --------------------------------------------------------------------------- neardup


def compile_neardup() -> None:
    """Byte-compile neardup's modules, as pip does when it installs a wheel: an editable
    install run under ``PYTHONDONTWRITEBYTECODE`` would compile them from source in every
    timed run (about 50 ms), a cost no installed copy pays."""
    spec = importlib.util.find_spec("neardup")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            compileall.compile_dir(location, quiet=1)


def neardup_command() -> list[str]:
    """The ``neardup`` script installed beside this Python, else ``python -m neardup``."""
    script = Path(sys.executable).with_name("neardup")
    return [str(script)] if script.exists() else [sys.executable, "-m", "neardup"]


def run_neardup(
    corpus: Path, options: Sequence[str], workdir: Path
) -> tuple[Result, dict[str, Any]]:
    """Time the CLI on ``corpus``; its result and the ``parameters`` it ran with."""
    out = workdir / "neardup-out"
    usage = run_measured([*neardup_command(), "dedup", str(corpus), "-o", str(out), "-q", *options])
    summary = json.loads((out / "summary.json").read_text())
    counts = summary["counts"]
    result = Result(
        "neardup",
        counts["records"],
        usage.seconds,
        usage.cpu_seconds,
        usage.peak_bytes / MB,
        counts.get("candidate_pairs"),
        {stage: float(s) for stage, s in summary.get("seconds", {}).items()},
    )
    return result, summary["parameters"]


def neardup_parameters(options: Sequence[str], workdir: Path) -> dict[str, Any]:
    """The ``parameters`` neardup runs with for ``options``, from a run on two tiny records."""
    probe = workdir / "probe.jsonl"
    probe.write_text('{"id": "a", "text": "one two three four"}\n{"id": "b", "text": "five six"}\n')
    out = workdir / "probe-out"
    command = [*neardup_command(), "dedup", str(probe), "-o", str(out), "-q", *options]
    subprocess.run(command, check=True)
    parameters: dict[str, Any] = json.loads((out / "summary.json").read_text())["parameters"]
    return parameters


# --------------------------------------------------------------------------- peers (worker side)


def shingles(text: str, n: int) -> list[str]:
    """Word n-grams of the lower-cased, whitespace-split text; a shorter text is one shingle."""
    words = text.lower().split()
    if len(words) <= n:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]


def candidate_pairs(results: Iterable[Sequence[object]], docs: int) -> int:
    """Unordered pairs from per-document query results, each of which holds the document itself."""
    return (sum(len(keys) for keys in results) - docs) // 2


def datasketch_run(texts: Sequence[str], shape: Shape) -> int:
    from datasketch import MinHash, MinHashLSH

    token_sets = ([s.encode() for s in shingles(t, shape.ngram)] for t in texts)
    minhashes = MinHash.bulk(token_sets, num_perm=shape.num_perm)
    lsh = MinHashLSH(shape.threshold, shape.num_perm, params=(shape.bands, shape.rows))
    for key, minhash in enumerate(minhashes):
        lsh.insert(key, minhash, check_duplication=False)  # keys are unique by construction
    return candidate_pairs((lsh.query(m) for m in minhashes), len(texts))


def rensa_permutations(shape: Shape) -> int:
    """bands x rows: ``RMinHashLSH`` takes its rows as ``num_perm / num_bands``."""
    return shape.bands * shape.rows


def rensa_run(texts: Sequence[str], shape: Shape) -> int:
    from rensa import RMinHash, RMinHashLSH

    perms = rensa_permutations(shape)
    token_sets = (shingles(t, shape.ngram) for t in texts)
    minhashes = RMinHash.from_token_sets(token_sets, num_perm=perms, seed=1)
    lsh = RMinHashLSH(threshold=shape.threshold, num_perm=perms, num_bands=shape.bands)
    lsh.insert_many(minhashes)
    return candidate_pairs(lsh.query_all(minhashes), len(texts))


PEERS: dict[str, Callable[[Sequence[str], Shape], int]] = {
    "datasketch": datasketch_run,
    "rensa": rensa_run,
}


def read_texts(path: Path) -> list[str]:
    opener: Callable[..., Any] = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def worker(tool: str, corpus: Path, shape: Shape) -> dict[str, Any]:
    """Read (untimed), then time one peer's shingling, hashing, indexing and querying."""
    try:
        __import__(tool)  # import time is not the peer's throughput
    except ImportError:
        sys.exit(f"{tool} is not installed: pip install -e '.[bench]'")
    texts = read_texts(corpus)
    began = time.perf_counter()
    pairs = PEERS[tool](texts, shape)
    return {"docs": len(texts), "seconds": time.perf_counter() - began, "candidate_pairs": pairs}


def run_peer(tool: str, corpus: Path, shape: Shape, workdir: Path) -> Result:
    report = workdir / f"{tool}.json"
    command = [sys.executable, __file__, "--worker", tool, "--input", str(corpus)]
    command += ["--ngram", str(shape.ngram), "--num-perm", str(shape.num_perm)]
    command += ["--bands", str(shape.bands), "--rows", str(shape.rows), "--report", str(report)]
    usage = run_measured(command)
    done = json.loads(report.read_text())
    peak = usage.peak_bytes / MB
    return Result(
        tool, done["docs"], done["seconds"], usage.cpu_seconds, peak, done["candidate_pairs"]
    )


# --------------------------------------------------------------------------- inputs


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """``--input``, or ``-n`` and ``--seed``: what :func:`prepare_input` reads."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--input", type=Path, help="a JSONL corpus with a 'text' field")
    source.add_argument("-n", type=int, help="make an N-document corpus with scale.py first")
    parser.add_argument("--seed", type=int, default=1, help="scale.py seed for -n (default 1)")


def prepare_input(args: argparse.Namespace, workdir: Path) -> Path:
    """``--input``, else a corpus from scale.py: ``-n`` documents, or the real articles alone.

    scale.py runs as a child so that this process stays small: a child's ``ru_maxrss`` starts
    from its parent's size at fork, so a parent holding the corpora would inflate every peak.
    """
    if args.input:
        if not args.input.exists():
            sys.exit(f"{args.input} not found: pass a JSONL corpus (e.g. from scale.py)")
        return Path(args.input)
    path = workdir / (f"corpus-{args.n}.jsonl" if args.n else "shared-corpora.jsonl")
    what = ["-n", str(args.n), "--seed", str(args.seed)] if args.n else ["--real"]
    made = subprocess.run([sys.executable, str(SCALE), *what, "-o", str(path)], check=False)
    if made.returncode:
        sys.exit("could not make the input corpus (see scale.py's message above)")
    return path


# --------------------------------------------------------------------------- report


def ratios(results: Sequence[Result]) -> dict[str, dict[str, float]]:
    """neardup's throughput and peak memory over each peer's (speed > 1: neardup faster)."""
    mine = next((r for r in results if r.tool == "neardup"), None)
    if mine is None:
        return {}
    return {
        r.tool: {
            "throughput": round(mine.docs_per_second / r.docs_per_second, 3),
            "memory": round(mine.peak_mb / r.peak_mb, 3),
        }
        for r in results
        if r.tool != "neardup" and r.docs_per_second and r.peak_mb
    }


def round_ratios(rounds: Sequence[Sequence[Result]]) -> dict[str, list[float]]:
    """Per peer, neardup's speed ratio to it in each round."""
    per_peer: dict[str, list[float]] = {}
    for results in rounds:
        for peer, ratio in ratios(results).items():
            per_peer.setdefault(peer, []).append(ratio["throughput"])
    return per_peer


def median_runs(rounds: Sequence[Sequence[Result]]) -> list[Result]:
    """Each tool's run of median time (the lower middle one of an even count)."""
    tools = [r.tool for r in rounds[0]]
    runs = {
        tool: sorted((r for results in rounds for r in results if r.tool == tool), key=_seconds)
        for tool in tools
    }
    return [runs[tool][(len(runs[tool]) - 1) // 2] for tool in tools]


def _seconds(result: Result) -> float:
    return result.seconds


def report_json(
    corpus: Path,
    results: Sequence[Result],
    parameters: dict[str, Any],
    rounds: Sequence[Sequence[Result]] = (),
) -> dict[str, Any]:
    shape = Shape.of(parameters)
    per_round = round_ratios(rounds) if len(rounds) > 1 else {}
    return {
        "input": str(corpus),
        "input_bytes": corpus.stat().st_size,
        "cpus": os.cpu_count(),
        "shape": {**asdict(shape), "s_curve_midpoint": round(shape.threshold, 4)},
        "rensa_permutations": rensa_permutations(shape),
        "neardup_parameters": parameters,
        "results": [{**asdict(r), "docs_per_second": round(r.docs_per_second, 1)} for r in results],
        "neardup_over_peer": ratios(results),
        "rounds": len(rounds) or 1,
        "speed_ratio_per_round": per_round,
        "median_speed_ratio": {peer: statistics.median(v) for peer, v in per_round.items()},
    }


def _table(results: Sequence[Result]) -> Iterator[str]:
    per_peer = ratios(results)
    yield (
        f"{'tool':<11}{'docs':>9}{'seconds':>10}{'docs/s':>9}{'CPU s':>9}{'peak MB':>10}"
        f"{'candidates':>13}{'neardup speed x':>17}{'neardup memory x':>18}"
    )
    for r in results:
        ratio = per_peer.get(r.tool)
        speed, memory = (
            (f"{ratio['throughput']:.2f}", f"{ratio['memory']:.2f}") if ratio else ("-", "-")
        )
        pairs = f"{r.candidate_pairs:,}" if r.candidate_pairs is not None else "-"
        yield (
            f"{r.tool:<11}{r.docs:>9,}{r.seconds:>10.2f}{r.docs_per_second:>9,.0f}"
            f"{r.cpu_seconds:>9.1f}{r.peak_mb:>10.0f}{pairs:>13}{speed:>17}{memory:>18}"
        )


def print_report(report: dict[str, Any], results: Sequence[Result]) -> None:
    shape, parameters = report["shape"], report["neardup_parameters"]
    size = report["input_bytes"] / MB
    print(f"input    {report['input']} ({results[0].docs:,} documents, {size:,.1f} MB)")
    print(
        f"neardup  {parameters['similarity']} >= {parameters['threshold']}, LSH threshold "
        f"{parameters.get('lsh_threshold') or 'derived'}; {report['cpus']} CPUs"
    )
    print(
        f"shared   word {shape['ngram']}-grams (peers: lower case, split on whitespace), "
        f"{shape['num_perm']} permutations, LSH {shape['bands']} bands x {shape['rows']} rows "
        f"(Jaccard S-curve midpoint {shape['s_curve_midpoint']:.3f})"
    )
    if report["rensa_permutations"] != shape["num_perm"]:
        print(
            f"         rensa sketches {report['rensa_permutations']} (= bands x rows) permutations"
        )
    print()
    for line in _table(results):
        print(line)
    if report["speed_ratio_per_round"]:
        print()
        print(f"neardup speed x, per round ({report['rounds']} rounds, tools in turn):")
        for peer, values in report["speed_ratio_per_round"].items():
            each = ", ".join(f"{v:.2f}" for v in values)
            print(f"  {peer:<11} {each}  (median {report['median_speed_ratio'][peer]:.2f})")
    stages = next((r.stages for r in results if r.tool == "neardup"), {})
    if stages:
        print()
        print("neardup seconds by stage: " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))


# --------------------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_input_options(parser)
    parser.add_argument(
        "--tools", default=",".join(TOOLS), help="comma-separated; neardup runs first if listed"
    )
    parser.add_argument("--neardup-args", default="", help="extra options for neardup dedup")
    parser.add_argument("--num-perm", type=int, help="for every tool (default: neardup's)")
    parser.add_argument("--ngram", type=int, help="word n-gram size, every tool (neardup's)")
    parser.add_argument("--bands", type=int, help="LSH bands, with --rows (default: neardup's)")
    parser.add_argument("--rows", type=int, help="LSH rows per band, with --bands")
    parser.add_argument(
        "--rounds", type=int, default=1, help="runs of every tool, in turn (default 1)"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--worker", choices=sorted(PEERS), help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = sorted(set(args.tools) - set(TOOLS))
    if unknown or not args.tools:
        parser.error(f"--tools takes some of {', '.join(TOOLS)}; got {args.tools}")
    if (args.bands is None) != (args.rows is None):
        parser.error("give both --bands and --rows, or neither")
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, got {args.rounds}")
    return args


def neardup_options(args: argparse.Namespace) -> list[str]:
    """``--num-perm``, ``--ngram``, ``--bands``/``--rows`` when given, then ``--neardup-args``."""
    given = {"--num-perm": args.num_perm, "--ngram": args.ngram}
    given.update({"--bands": args.bands, "--rows": args.rows})
    options = [part for k, v in given.items() if v is not None for part in (k, str(v))]
    return options + shlex.split(args.neardup_args)


def benchmark(args: argparse.Namespace, workdir: Path) -> tuple[dict[str, Any], list[Result]]:
    """Run the tools ``args.rounds`` times, in turn; the report (see ``report_json``) and the
    results shown (each tool's run of median time)."""
    corpus = prepare_input(args, workdir)
    options = neardup_options(args)
    if "neardup" in args.tools:
        compile_neardup()
        warm = time.perf_counter()
        _, parameters = run_neardup(corpus, options, workdir)
        warm = time.perf_counter() - warm
        print(
            f"neardup warm-up run, not timed: {warm:.2f} s (numba's kernel cache)", file=sys.stderr
        )
    else:
        parameters = neardup_parameters(options, workdir)
    shape = Shape.of(parameters)
    rounds = [run_round(args, corpus, options, shape, workdir, n) for n in range(args.rounds)]
    results = median_runs(rounds)
    return report_json(corpus, results, parameters, rounds), results


def run_round(
    args: argparse.Namespace,
    corpus: Path,
    options: list[str],
    shape: Shape,
    workdir: Path,
    number: int,
) -> list[Result]:
    """One run of every tool, neardup first."""
    results: list[Result] = []
    which = f" (round {number + 1} of {args.rounds})" if args.rounds > 1 else ""
    for tool in sorted(args.tools, key=lambda tool: tool != "neardup"):
        print(f"running {tool}{which}", file=sys.stderr)
        if tool == "neardup":
            results.append(run_neardup(corpus, options, workdir)[0])
        else:
            results.append(run_peer(tool, corpus, shape, workdir))
    return results


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.worker:
        shape = Shape(args.ngram, args.num_perm, args.bands, args.rows)
        args.report.write_text(json.dumps(worker(args.worker, args.input, shape)))
        return
    with tempfile.TemporaryDirectory(prefix="neardup-peers-") as tmp:
        report, results = benchmark(args, Path(tmp))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report, results)


if __name__ == "__main__":
    main()
