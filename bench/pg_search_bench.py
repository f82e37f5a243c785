"""Search latency on PostgreSQL against SQLite, on a base kept by scale_bench.py (a benchmark).

Reads DIR/local.db and DIR/corpus (``scale_bench.py --docs N --keep DIR``), draws the same
mixed queries as scale_bench.py (same seed: common and rare words, prefixes, phrases,
AND/OR/NOT), and times ``search`` with limit 20 on both stores in one run, interleaved
query by query so that the load of this shared machine weighs on both alike. The
PostgreSQL database is the base copied with ``historiograph migrate`` (done here first
when URL holds no knowledge base yet). Prints p50/p99 per store, their ratio, and the
slowest query shapes on PostgreSQL.

    python bench/pg_search_bench.py DIR postgresql://user@127.0.0.1:5432/kb
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from scale_bench import _queries  # noqa: E402  (the bench folder is on the path now)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.99 * len(ordered)))]


def _shape(query: str) -> str:
    """The query's shape, as scale_bench.py draws them."""
    for operator in ("AND", "OR", "NOT"):
        if f" {operator} " in query:
            return operator
    if query.startswith('"'):
        return "phrase"
    return "prefix" if query.endswith("*") else "word"


def _timed(search: Callable[[str], object], query: str) -> float:
    started = time.perf_counter()
    search(query)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="a folder kept by scale_bench.py --keep")
    parser.add_argument("url", help="a PostgreSQL database (copied into when empty)")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()

    from historiograph.store.database import Store
    from historiograph.store.postgres.store import PostgresStore
    from historiograph.store.search import search

    db = args.dir / "local.db"
    queries = _queries(args.dir / "corpus", args.queries, random.Random(1943))
    with PostgresStore(args.url) as probe:
        empty = not probe.counts()["sources"]
    if empty:
        started = time.perf_counter()
        historiograph = str(Path(sys.executable).with_name("historiograph"))
        subprocess.run(
            [historiograph, "migrate", "--from", str(db), "--to", args.url, "--replace"],
            check=True,
            capture_output=True,
        )
        print(f"copied {db} to PostgreSQL in {time.perf_counter() - started:.0f} s")

    with Store(db, create=False) as lite, PostgresStore(args.url, create=False) as pg:
        lite_search = lambda q: search(lite, q, limit=20)  # noqa: E731
        pg_search = lambda q: pg.search(q, limit=20)  # noqa: E731
        for query in queries[:20]:  # warm both caches, as a running server has them
            lite_search(query)
            pg_search(query)
        lite_ms, pg_ms = [], []
        by_shape: dict[str, list[float]] = defaultdict(list)
        for query in queries:
            lite_ms.append(_timed(lite_search, query))
            pg_ms.append(_timed(pg_search, query))
            by_shape[_shape(query)].append(pg_ms[-1])

    lite_p50, lite_p99 = _percentiles(lite_ms)
    pg_p50, pg_p99 = _percentiles(pg_ms)
    print(f"{len(queries)} queries, limit 20")
    print(f"SQLite     p50 {lite_p50:8.1f} ms  p99 {lite_p99:8.1f} ms")
    print(f"PostgreSQL p50 {pg_p50:8.1f} ms  p99 {pg_p99:8.1f} ms")
    print(f"ratio PostgreSQL / SQLite: p50 {pg_p50 / lite_p50:.2f}x  p99 {pg_p99 / lite_p99:.2f}x")
    for shape, samples in sorted(by_shape.items(), key=lambda kv: -statistics.median(kv[1])):
        p50, p99 = _percentiles(samples)
        print(
            f"  PostgreSQL {shape:>6} ({len(samples):3} queries): p50 {p50:8.1f}  p99 {p99:8.1f} ms"
        )


if __name__ == "__main__":
    main()
