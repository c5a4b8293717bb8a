"""Bounded load test of ``neardup serve`` on loopback: inserts/s, queries/s, p50/p99 latency.

    python benchmarks/service_load.py --prefill-db /tmp/serve100k.ndx --docs /tmp/new30k.jsonl
    python benchmarks/service_load.py --corpus corpus.jsonl --prefill 100000   # builds the index

The index is built first (``neardup index add`` of the first ``--prefill``
documents of ``--corpus``) or taken as given (``--prefill-db``, copied so the
run leaves it untouched). Then ``neardup serve`` starts on 127.0.0.1 on a free
port, and ``--clients`` clients, each on its own keep-alive connection, send
requests back to back for ``--duration`` seconds per phase:

1. ``insert``: each request ``POST /documents`` with one new document (from
   ``--docs``, or the corpus past the prefill);
2. ``query``: each request ``POST /query`` with one document of the corpus.

Every loop stops at the deadline or after ``--max-requests``, and the server
is stopped at the end. Clients are plain asyncio sockets, so they cost the
two cores little. Prints one table row per phase.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"  # loopback only
KEY = "load-test-key"


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def row(self) -> str:
        ordered = sorted(self.latencies)
        done = len(ordered)

        def pct(q: float) -> float:
            return ordered[min(done - 1, int(q * done))] * 1000 if done else float("nan")

        rate = done / self.seconds if self.seconds else 0.0
        return (
            f"| {self.name} | {done:,} | {self.errors} | {rate:,.0f}/s | "
            f"{pct(0.50):.1f} ms | {pct(0.99):.1f} ms |"
        )


def _neardup() -> list[str]:
    script = Path(sys.executable).with_name("neardup")
    return [str(script)] if script.exists() else [sys.executable, "-m", "neardup"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _read(path: Path, skip: int = 0, limit: int | None = None) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number < skip:
                continue
            if limit is not None and len(out) >= limit:
                break
            out.append(json.loads(line))
    return out


def _request(path: str, body: dict[str, object]) -> bytes:
    payload = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
        f"X-API-Key: {KEY}\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def _response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def _client(
    port: int, requests: Iterator[bytes], phase: Phase, deadline: float, budget: list[int]
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            try:
                message = next(requests)
            except StopIteration:
                return
            began = time.perf_counter()
            writer.write(message)
            status = await _response(reader)
            if status >= 400:
                phase.errors += 1
            else:
                phase.latencies.append(time.perf_counter() - began)
    finally:
        writer.close()


async def _run_phase(
    port: int, phase: Phase, requests: Iterator[bytes], clients: int, duration: float, cap: int
) -> None:
    began = time.perf_counter()
    budget = [cap]
    deadline = began + duration
    await asyncio.gather(
        *(_client(port, requests, phase, deadline, budget) for _ in range(clients))
    )
    phase.seconds = time.perf_counter() - began


def _wait_healthy(port: int, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("neardup serve exited")
        try:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
                if b" 200 " in sock.recv(1024):
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("neardup serve did not answer /healthz")


def _prepare(args: argparse.Namespace, work: Path) -> tuple[Path, list[dict[str, object]]]:
    db = work / "load.ndx"
    if args.prefill_db:
        shutil.copy(args.prefill_db, db)
        new = _read(args.docs) if args.docs else []
        return db, new
    prefill = work / "prefill.jsonl"
    with args.corpus.open(encoding="utf-8") as source, prefill.open("w") as target:
        for number, line in enumerate(source):
            if number >= args.prefill:
                break
            target.write(line)
    began = time.perf_counter()
    subprocess.run(
        [*_neardup(), "index", "add", str(prefill), "--db", str(db), "-q", "-o", os.devnull],
        check=True,
    )
    print(f"indexed {args.prefill:,} documents in {time.perf_counter() - began:.1f} s")
    new = _read(args.docs) if args.docs else _read(args.corpus, skip=args.prefill)
    return db, new


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, help="JSONL with id and text: prefill, then inserts")
    parser.add_argument("--prefill", type=int, default=100_000, help="documents indexed first")
    parser.add_argument("--prefill-db", type=Path, help="an index already built (copied)")
    parser.add_argument("--docs", type=Path, help="JSONL of documents to insert (new ids)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    parser.add_argument("--max-requests", type=int, default=50_000, help="per phase")
    args = parser.parse_args(argv)
    if not args.prefill_db and not args.corpus:
        parser.error("give --corpus (to build the index) or --prefill-db")
    with tempfile.TemporaryDirectory(prefix="neardup-load-") as scratch:
        db, new = _prepare(args, Path(scratch))
        queries = _read(args.docs if args.prefill_db else args.corpus, limit=20_000)
        random.Random(1).shuffle(queries)
        port = _free_port()
        server = subprocess.Popen(
            [*_neardup(), "serve", "--db", str(db), "--host", HOST, "--port", str(port)],
            env={**os.environ, "NEARDUP_API_KEY": KEY},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_healthy(port, server)
            phases = [
                Phase("insert (POST /documents, 1 document)"),
                Phase("query (POST /query, 1 document)"),
            ]
            inserts = (_request("/documents", {**d, "id": f"load-{d['id']}"}) for d in new)
            asks = (_request("/query", {"text": q["text"]}) for q in queries * 100)
            for phase, requests in zip(phases, (inserts, asks), strict=True):
                asyncio.run(
                    _run_phase(
                        port, phase, requests, args.clients, args.duration, args.max_requests
                    )
                )
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(f"\n{args.clients} clients, {args.duration:.0f} s per phase, 127.0.0.1\n")
    print("| phase | requests | errors | throughput | p50 | p99 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for phase in phases:
        print(phase.row())


if __name__ == "__main__":
    main()
