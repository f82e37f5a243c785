"""Workbench latency: p50/p99 of the main pages and API endpoints on a large generated base.

Serves a generated knowledge base of N sources (see generated_kb.py; built once and
kept in the temporary folder) with ``historiograph serve`` on 127.0.0.1, requests each
endpoint with varied parameters drawn from the base (popular and rare entities, common
and rare words, phrases, year windows), and times the raw SQLite query each endpoint
wraps, with the same parameters, in the same run. The ratio is endpoint p50 over raw p50
(this machine is shared and noisy; the ratio is what compares across runs).

    python bench/web_bench.py                      # N = 10,000
    python bench/web_bench.py --docs 1000 --requests 100
    python bench/web_bench.py --only search        # the endpoints whose name says search
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generated_kb import build

TARGET_P99_MS = 100.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def _parameters(db: Path, count: int, rng: random.Random) -> dict[str, list[str]]:
    """Entity ids, search queries and year windows to request, drawn from the base."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    by_mentions = [
        row[0]
        for row in conn.execute(
            "SELECT entity_id FROM mentions GROUP BY entity_id ORDER BY count(*) DESC"
        )
    ]
    # Half the requests go to the most-mentioned tenth: the pages people open most.
    popular = by_mentions[: max(1, len(by_mentions) // 10)]
    entities = [str(rng.choice(popular if i % 2 else by_mentions)) for i in range(count)]
    # Passages drawn by the seeded generator, not SQLite's random(): the same words, hence the
    # same queries, in every run on the same base, so runs compare.
    (last,) = conn.execute("SELECT max(id) FROM passages").fetchone()
    drawn = rng.sample(range(1, last + 1), min(200, last))
    marks = ", ".join("?" for _ in drawn)
    words: list[str] = []
    for (text,) in conn.execute(
        f"SELECT text FROM passages WHERE id IN ({marks}) ORDER BY id", drawn
    ):
        words.extend(w for w in text.split() if w.isalpha() and len(w) > 3)
    queries = []
    for i in range(count):
        first, second = rng.choice(words), rng.choice(words)
        queries.append(
            [first, f'"{first} {second}"', f"{first} OR {second}", f"{first[:4]}*"][i % 4]
        )
    years = [str(rng.randint(1939, 1947)) for _ in range(count)]
    conn.close()
    return {"entity": entities, "query": queries, "year": years}


def _raw_queries(db: Path) -> dict[str, Callable[[str], object]]:
    """The query at the heart of each endpoint, run directly on SQLite."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)

    def entity(entity_id: str) -> object:
        conn.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchall()
        return conn.execute(
            'SELECT id, source_id, start, "end", text FROM mentions WHERE entity_id = ?'
            " ORDER BY source_id, start LIMIT 50",
            (entity_id,),
        ).fetchall()

    def search(query: str) -> object:
        try:
            return conn.execute(
                "SELECT rowid, snippet(passages_fts, 0, '[', ']', '…', 12) FROM passages_fts"
                " WHERE passages_fts MATCH ? ORDER BY rank LIMIT 20",
                (query,),
            ).fetchall()
        except sqlite3.OperationalError:
            return []

    def timeline(year: str) -> object:
        return conn.execute(
            "SELECT * FROM events WHERE latest >= ? AND earliest <= ?"
            " ORDER BY earliest, id LIMIT 50",
            (f"{year}-01-01", f"{year}-12-31"),
        ).fetchall()

    return {"entity": entity, "search": search, "timeline": timeline}


ENDPOINTS: list[tuple[str, str, str]] = [
    # (name, raw query it wraps, URL template)
    ("page /entities/{id}", "entity", "/entities/{entity}"),
    ("api /api/entities/{id}", "entity", "/api/entities/{entity}"),
    ("page /search", "search", "/search?q={query}"),
    ("api /api/search", "search", "/api/search?q={query}"),
    ("page /timeline", "timeline", "/timeline?from={year}&to={year}"),
    ("api /api/events", "timeline", "/api/events?from={year}&to={year}"),
]
_PARAM = {"entity": "entity", "search": "query", "timeline": "year"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="per endpoint")
    parser.add_argument("--kb", type=Path, help="an existing base to serve instead")
    parser.add_argument(
        "--only", metavar="TEXT", help="time only the endpoints whose name contains TEXT"
    )
    args = parser.parse_args()
    db = args.kb or Path(tempfile.gettempdir()) / f"historiograph-bench-kb-{args.docs}.db"
    if not db.exists():
        print(f"building {db} ({args.docs} sources; minutes, once)...", flush=True)
        print(build(db, args.docs), flush=True)
    rng = random.Random(1944)
    params = _parameters(db, args.requests, rng)
    raw = _raw_queries(db)
    port = _free_port()
    env = {**os.environ, "HISTORIOGRAPH_TOKEN": ""}
    command = [sys.executable, "-m", "historiograph.cli.main", "serve", "--db", str(db)]
    server = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.get("/api/sources?limit=1")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.2)
            print(f"{'endpoint':26} {'p50 ms':>8} {'p99 ms':>8} {'raw p50':>8} {'ratio':>7}  5xx")
            for name, kind, template in ENDPOINTS:
                if args.only and args.only not in name:
                    continue
                values = params[_PARAM[kind]]
                timings, raw_timings, errors = [], [], 0
                for value in values[:3]:  # warm the caches of both paths alike
                    client.get(template.format(**{_PARAM[kind]: value}))
                    raw[kind](value)
                for value in values:
                    url = template.format(**{_PARAM[kind]: value})
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                    errors += response.status_code >= 500
                    started = time.perf_counter()
                    raw[kind](value)
                    raw_timings.append((time.perf_counter() - started) * 1000)
                p50, p99 = _percentiles(timings)
                raw_p50, _ = _percentiles(raw_timings)
                print(
                    f"{name:26} {p50:8.1f} {p99:8.1f} {raw_p50:8.2f} {p50 / raw_p50:7.1f}  "
                    f"{errors}{'' if p99 < TARGET_P99_MS else '  (p99 over target)'}",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"target: p99 < {TARGET_P99_MS:.0f} ms for the entity, search and timeline pages")
    print("ratio = endpoint p50 / p50 of the raw SQLite query it wraps (same parameters, same run)")


if __name__ == "__main__":
    main()
