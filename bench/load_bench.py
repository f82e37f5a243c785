"""The workbench under load while an ingest writes to the same base (a benchmark, not a test).

Serves a knowledge base with ``historiograph serve`` on 127.0.0.1, starts
``historiograph ingest`` of a generated corpus into the same file, and sends
N requests over mixed pages and API endpoints from C concurrent connections.
Prints requests/s, p50/p99 per endpoint and overall, and the number of 5xx
answers (the target is none), with the p50 of the same requests on the idle
server measured first in the same run as the reference.

    python bench/load_bench.py                       # 20,000 requests, 32 at a time
    python bench/load_bench.py --requests 2000 --concurrency 8
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "balkans-1939-1948"
CLI = [sys.executable, "-m", "historiograph.cli.main"]


@dataclass
class LoadResult:
    requests: int = 0
    seconds: float = 0.0
    server_errors: int = 0
    transport_errors: int = 0
    timings: dict[str, list[float]] = field(default_factory=dict)

    def percentiles(self, name: str | None = None) -> tuple[float, float]:
        samples = sorted(
            self.timings[name] if name else [t for ts in self.timings.values() for t in ts]
        )
        return statistics.median(samples), samples[min(len(samples) - 1, int(0.99 * len(samples)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def urls(db: Path, count: int, seed: int = 1945) -> list[tuple[str, str]]:
    """``count`` (endpoint name, URL) pairs over the pages and API, drawn from the base."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    sources = [r[0] for r in conn.execute("SELECT id FROM sources")]
    entities = [r[0] for r in conn.execute("SELECT id FROM entities")] or [1]
    conn.close()
    rng = random.Random(seed)
    words = ["Tito", "Partisans", "Red Army", "Albania", "communist", "Belgrade", "parti*"]
    makers = [
        ("library", lambda: "/"),
        ("reader", lambda: f"/sources/{rng.choice(sources)}"),
        ("entity", lambda: f"/entities/{rng.choice(entities)}"),
        ("search", lambda: f"/search?q={rng.choice(words)}"),
        ("timeline", lambda: f"/timeline?from={rng.randint(1939, 1947)}"),
        ("api sources", lambda: "/api/sources?limit=20"),
        ("api entity", lambda: f"/api/entities/{rng.choice(entities)}"),
        ("api search", lambda: f"/api/search?q={rng.choice(words)}"),
        ("api events", lambda: f"/api/events?from={rng.randint(1939, 1947)}"),
        ("contention", lambda: "/contention"),
    ]
    picks = [makers[i % len(makers)] for i in range(count)]
    rng.shuffle(picks)
    return [(name, make()) for name, make in picks]


async def _load(base: str, plan: list[tuple[str, str]], concurrency: int) -> LoadResult:
    result = LoadResult(timings={name: [] for name, _ in plan})
    queue = iter(plan)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def worker() -> None:
            for name, url in queue:
                started = time.perf_counter()
                try:
                    response = await client.get(url)
                except httpx.TransportError:
                    result.transport_errors += 1
                    continue
                result.timings[name].append((time.perf_counter() - started) * 1000)
                result.requests += 1
                result.server_errors += response.status_code >= 500

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        result.seconds = time.perf_counter() - started
    return result


def run_load(base: str, plan: list[tuple[str, str]], concurrency: int) -> LoadResult:
    return asyncio.run(_load(base, plan, concurrency))


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HISTORIOGRAPH_TOKEN": ""}
    server = subprocess.Popen(
        [*CLI, "serve", "--db", str(db), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/sources?limit=1", timeout=5)
            return server
        except httpx.TransportError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)


def write_corpus(folder: Path, count: int, seed: int = 1946) -> None:
    rng = random.Random(seed)
    paragraphs = [
        block.strip()
        for path in sorted(SAMPLE.glob("*.txt"))
        for block in path.read_text(encoding="utf-8").split("\n")
        if len(block.strip()) > 40
    ]
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        picked = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(5, 30)))
        text = f"Generated document {number}\n\n" + "\n\n".join(picked) + "\n"
        (folder / f"load{number:05d}.txt").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--docs", type=int, default=3_000, help="generated sources ingested")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "kb.db"
        print("building the sample base (NLP on)...", flush=True)
        subprocess.run([*CLI, "ingest", str(SAMPLE), "--db", str(db), "-q"], check=True)
        write_corpus(folder / "corpus", args.docs)
        port = free_port()
        server = start_server(db, port)
        base = f"http://127.0.0.1:{port}"
        try:
            idle = run_load(base, urls(db, 500, seed=1), args.concurrency)
            ingest = subprocess.Popen(
                [*CLI, "ingest", str(folder / "corpus"), "--db", str(db), "--no-nlp", "-q"]
            )
            loaded = run_load(base, urls(db, args.requests), args.concurrency)
            ingest_running = ingest.poll() is None
            ingest.wait()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(
        f"{loaded.requests} requests, {args.concurrency} at a time, in {loaded.seconds:.1f} s "
        f"({loaded.requests / loaded.seconds:.0f}/s), ingest of {args.docs} sources "
        f"{'still running at the end' if ingest_running else 'finished during the run'}"
    )
    print(f"{'endpoint':14} {'p50 ms':>8} {'p99 ms':>8}")
    for name in sorted(loaded.timings):
        p50, p99 = loaded.percentiles(name)
        print(f"{name:14} {p50:8.1f} {p99:8.1f}")
    p50, p99 = loaded.percentiles()
    idle_p50, _ = idle.percentiles()
    print(
        f"{'all':14} {p50:8.1f} {p99:8.1f}   idle p50 {idle_p50:.1f} ms, ratio {p50 / idle_p50:.1f}"
    )
    print(
        f"5xx: {loaded.server_errors}   transport errors: {loaded.transport_errors} "
        "(target: none of either)"
    )


if __name__ == "__main__":
    main()
