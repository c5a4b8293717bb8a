"""The Ray engine against the local engine on this machine, with 1 and 2 workers, same run.

    python benchmarks/ray_scale.py /tmp/c100k.jsonl                 # a corpus you have
    python benchmarks/ray_scale.py -n 100000                        # made by benchmarks/scale.py
    python benchmarks/ray_scale.py /tmp/c1m.jsonl --workers 2 --partition-mb 64

Each run is the real CLI in its own process (``neardup dedup ... --engine local|ray
--workers W``; the Ray runs start a local Ray instance with W CPUs and stop it), so the
seconds include reading, writing and, for Ray, starting the instance. Printed per run:
wall seconds, documents per second, the ratio to the local engine with as many workers,
and peak memory: for the local engine the largest process's peak RSS, for Ray the largest
peak RSS of any Ray worker (from summary.json) and the driver's. Every Ray run's
clusters are checked to be byte-identical to the local engine's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _neardup() -> str:
    return str(Path(sys.executable).with_name("neardup"))


def _run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of the largest process the command ran and waited for."""
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    if status != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()[-3000:]}")
    return seconds, usage.ru_maxrss / 1024


def _clusters(out: Path) -> bytes:
    if (out / "clusters.jsonl").exists():
        return (out / "clusters.jsonl").read_bytes()
    return b"".join(part.read_bytes() for part in sorted((out / "clusters").glob("part-*")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", help="JSONL corpus (else one is made with -n)")
    parser.add_argument("-n", type=int, default=100_000, help="documents to make without CORPUS")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--partition-mb", type=float, default=64)
    parser.add_argument("--scratch", default=None, help="where outputs go (default: temp dir)")
    args = parser.parse_args()
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="neardup-ray-scale-"))
    scratch.mkdir(parents=True, exist_ok=True)
    corpus = args.corpus
    if corpus is None:
        corpus = str(scratch / f"corpus-{args.n}.jsonl")
        subprocess.run(
            [sys.executable, str(HERE / "scale.py"), "-n", str(args.n), "-o", corpus], check=True
        )
    rows = []
    local_seconds: dict[int, float] = {}
    reference: bytes | None = None
    for workers in args.workers:
        for engine in ("local", "ray"):
            out = scratch / f"{engine}-{workers}"
            shutil.rmtree(out, ignore_errors=True)
            command = [_neardup(), "dedup", corpus, "-o", str(out), "-q", "--workers", str(workers)]
            if engine == "ray":
                command += ["--engine", "ray", "--partition-mb", str(args.partition_mb)]
            seconds, peak = _run(command)
            summary = json.loads((out / "summary.json").read_text())
            records = summary["counts"]["records"]
            clusters = _clusters(out)
            reference = reference or clusters
            same = "yes" if clusters == reference else "NO"
            if engine == "local":
                local_seconds[workers] = seconds
                memory = f"{peak:,.0f} (process)"
            else:
                worker_peak = summary["ray"]["peak_rss_mb_per_worker"]
                memory = f"{worker_peak:,.0f} per worker, driver {peak:,.0f}"
            ratio = seconds / local_seconds[workers]
            rows.append((engine, workers, seconds, records / seconds, ratio, memory, same))
            shutil.rmtree(out, ignore_errors=True)
            print(f"done: {engine} with {workers} worker(s) in {seconds:.1f} s", file=sys.stderr)
    print(f"\ncorpus: {corpus} ({records:,} records); partitions of {args.partition_mb} MB")
    print("| engine | workers | seconds | docs/s | time vs local | peak RSS MB | same clusters |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for engine, workers, seconds, rate, ratio, memory, same in rows:
        print(
            f"| {engine} | {workers} | {seconds:.1f} | {rate:,.0f} | {ratio:.2f} | {memory} | {same} |"
        )
    print(f"\n(machine: {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
