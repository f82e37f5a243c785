"""Scale: ingest on one process against 2 Dask workers, store size and search p99 (a benchmark).

On a generated corpus of N documents (bench/ingest_bench.py's recombined sample
paragraphs; N = 100,000 by default, about 1.3 GB), measured in one run:

* reference: reading and hashing every file (the floor any ingest pays);
* ingest without NLP in one process (``jobs=0``: it parses and writes alone);
* the same ingest with ``--executor dask`` on a LocalCluster of 2 single-threaded
  workers, into a fresh base; scaling efficiency = one-process time / (2 x Dask time);
* peak RSS of the writer and of the largest worker (read from /proc: Dask's workers
  are its nannies' children, which RUSAGE_CHILDREN never sees);
* SQLite file size per document, and search latency p50/p99 over a mixed set of
  queries (common and rare words, prefixes, phrases, AND/OR/NOT) drawn from the corpus;
* with ``--postgres URL``: the base copied there by ``historiograph migrate``, its size
  per document (pg_database_size) and the same queries' p50/p99 through the
  PostgreSQL store.

NLP is off: at about 2,000 words/s per core it would take days at this size; the
ratios of the NLP-on path are in bench/nlp_bench.py. Ratios are what compares
across runs on this shared machine.

    python bench/scale_bench.py                           # N = 100,000
    python bench/scale_bench.py --docs 5000 --postgres postgresql://user@127.0.0.1:5432/db
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from ingest_bench import _REFERENCE, generate_corpus  # noqa: E402  (the bench folder is on the path now)

_INGEST = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[5])
from process_tree import TreeWatcher
from historiograph.build import ingest_paths
from historiograph.ingest.pipeline import parse_text
from historiograph.settings import Settings
from historiograph.store.database import Store
parse_text("Warm up: load the language model and the OCR vocabulary once.")
corpus, db, executor, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
start = time.perf_counter()
with TreeWatcher() as workers, Store(db) as store:
    report = ingest_paths([corpus], store, jobs=jobs, executor=executor,
                          settings=Settings(nlp=False), keep_paths=False)
    elapsed = time.perf_counter() - start
assert report.ok and report.stopped is None, (report.failed[:3], report.stopped)
print(json.dumps({"seconds": elapsed, "added": report.counts["added"],
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_rss_mb": workers.peak_rss_mb, "worker_cpu_s": workers.cpu_s}))
"""


def _run(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def _queries(corpus: Path, count: int, rng: random.Random) -> list[str]:
    """Common and rare words, prefixes, phrases and operators, from the corpus's own words."""
    from collections import Counter

    words: Counter[str] = Counter()
    for path in sorted(corpus.glob("*.txt"))[:200]:
        words.update(
            w.strip(".,;:()\"'").lower() for w in path.read_text("utf-8").split() if w.isalpha()
        )
    ranked = [w for w, _ in words.most_common() if len(w) > 3]
    common, rare = ranked[:50], ranked[-300:]
    shapes = [
        lambda: rng.choice(common),
        lambda: rng.choice(rare),
        lambda: rng.choice(common)[:4] + "*",
        lambda: f'"{rng.choice(common)} {rng.choice(common)}"',
        lambda: f"{rng.choice(common)} AND {rng.choice(rare)}",
        lambda: f"{rng.choice(rare)} OR {rng.choice(rare)}",
        lambda: f"{rng.choice(common)} NOT {rng.choice(common)}",
    ]
    return [rng.choice(shapes)() for _ in range(count)]


def _latency(search: object, queries: list[str]) -> tuple[float, float]:
    samples = []
    for query in queries:
        started = time.perf_counter()
        search(query)  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.99 * len(ordered)))]


def _sqlite_search(db: Path, queries: list[str]) -> tuple[float, float]:
    from historiograph.store.database import Store
    from historiograph.store.search import search

    with Store(db, create=False) as store:
        for query in queries[:20]:  # warm the page cache, as a running server has it
            search(store, query, limit=20)
        return _latency(lambda q: search(store, q, limit=20), queries)


def _postgres_part(db: Path, url: str, queries: list[str], docs: int) -> dict[str, float]:
    """Copy the base to PostgreSQL with the CLI, then size it and time the same queries."""
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).with_name("historiograph")),
            "migrate",
            "--from",
            str(db),
            "--to",
            url,
        ],
        check=True,
        capture_output=True,
    )
    migrate_s = time.perf_counter() - started
    from historiograph.store.opening import open_store, search_store

    store = open_store(url, create=False)
    try:
        size = store.database_bytes()  # type: ignore[union-attr]  (PostgreSQL's own)
        for query in queries[:20]:
            search_store(store, query, limit=20)
        p50, p99 = _latency(lambda q: search_store(store, q, limit=20), queries)
    finally:
        store.close()
    return {"pg_migrate_s": migrate_s, "pg_kb_per_doc": size / 1e3 / docs, "pg_p50": p50,
            "pg_p99": p99}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--postgres", metavar="URL", help="also copy to and search this database")
    parser.add_argument("--tmp", type=Path, default=None, help="folder for corpus and bases")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it afterwards")
    parser.add_argument(
        "--postgres-only", type=Path, metavar="DIR", help="only the PostgreSQL part, on a kept DIR"
    )
    args = parser.parse_args()
    rng = random.Random(1943)
    if args.postgres_only:
        if not args.postgres:
            parser.error("--postgres-only needs --postgres URL")
        docs = len(list((args.postgres_only / "corpus").glob("*.txt")))
        queries = _queries(args.postgres_only / "corpus", args.queries, rng)
        p50, p99 = _sqlite_search(args.postgres_only / "local.db", queries)
        print(f"search on SQLite ({len(queries)} queries): p50 {p50:.1f} ms  p99 {p99:.1f} ms")
        _report_postgres(_postgres_part(args.postgres_only / "local.db", args.postgres, queries,
                                        docs))  # fmt: skip
        return
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.nullcontext(str(args.keep))
        if args.keep
        else tempfile.TemporaryDirectory(prefix="hg-scale-", dir=args.tmp)
    ) as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        corpus.mkdir()
        started = time.perf_counter()
        total = generate_corpus(corpus, args.docs)
        mb = total / 1e6
        print(f"corpus: {args.docs} documents, {mb:.1f} MB, generated in "
              f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
        reference = _run(_REFERENCE, str(corpus))
        print(f"reference (read + sha256 + decode): {mb / reference['seconds']:.1f} MB/s",
              flush=True)  # fmt: skip
        runs = {}
        for name, executor, jobs in (("one process", "local", 0), ("2 Dask workers", "dask", 2)):
            db = root / f"{executor}.db"
            runs[name] = row = _run(_INGEST, str(corpus), str(db), executor, str(jobs), str(BENCH))
            row["db_bytes"] = sum(p.stat().st_size for p in root.glob(f"{executor}.db*"))
            print(
                f"{name:>15}: {row['seconds']:8.1f} s  {mb / row['seconds']:5.2f} MB/s  "
                f"{args.docs / row['seconds']:6.0f} docs/s  writer RSS {row['rss_mb']:.0f} MB  "
                f"largest worker RSS {row['worker_rss_mb']:.0f} MB  "
                f"SQLite {row['db_bytes'] / 1e3 / args.docs:.1f} kB/doc",
                flush=True,
            )
        one, dask = runs["one process"]["seconds"], runs["2 Dask workers"]["seconds"]
        print(f"speed-up with 2 Dask workers: {one / dask:.2f}x; scaling efficiency "
              f"{one / (2 * dask):.2f} (1.00 = perfect)")  # fmt: skip
        queries = _queries(corpus, args.queries, rng)
        p50, p99 = _sqlite_search(root / "local.db", queries)
        print(f"search on SQLite ({len(queries)} queries): p50 {p50:.1f} ms  p99 {p99:.1f} ms")
        if args.postgres:
            _report_postgres(_postgres_part(root / "local.db", args.postgres, queries, args.docs))


def _report_postgres(pg: dict[str, float]) -> None:
    print(f"PostgreSQL: migrate {pg['pg_migrate_s']:.0f} s, {pg['pg_kb_per_doc']:.1f} "
          f"kB/doc; search p50 {pg['pg_p50']:.1f} ms  p99 {pg['pg_p99']:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"bench took {time.perf_counter() - started:.0f} s")
