"""Ingest throughput and memory on a generated corpus (a benchmark, not a test).

Builds N documents by recombining the sample corpus's paragraphs, then times,
in separate processes so their memory is measured alone:

* reference: reading and hashing every file (the floor any ingest pays);
* ingest: ``historiograph ingest --no-nlp`` into a fresh SQLite file.

Prints documents/s, MB/s, peak RSS, database size, and the ratio of ingest
time to the reference time measured in the same run (this machine is shared
and noisy, so the ratio is what compares across runs).

    python bench/ingest_bench.py                 # N = 1,000
    python bench/ingest_bench.py --docs 1000 --docs 10000
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "balkans-1939-1948"

_REFERENCE = """
import hashlib, json, resource, sys, time
from pathlib import Path
start = time.perf_counter()
total = 0
for path in sorted(Path(sys.argv[1]).rglob("*.txt")):
    data = path.read_bytes()
    hashlib.sha256(data).hexdigest()
    data.decode("utf-8")
    total += len(data)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "bytes": total,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_INGEST = """
import ctypes, json, resource, sys, time
sys.path.insert(0, sys.argv[4])
from process_tree import TreeWatcher
from historiograph.build import ingest_paths
from historiograph.ingest.pipeline import parse_text
from historiograph.settings import Settings
from historiograph.store.database import Store
parse_text("Warm up: load the language model and the OCR vocabulary once.")
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
start = time.perf_counter()
cpu_self = cpu()
with TreeWatcher() as workers, Store(sys.argv[2]) as store:
    jobs = int(sys.argv[3]) if sys.argv[3] else None
    report = ingest_paths([sys.argv[1]], store, jobs=jobs, settings=Settings(nlp=False),
                          keep_paths=False)  # as the CLI runs it
    elapsed = time.perf_counter() - start
writer_cpu = cpu() - cpu_self
try:  # SQLite's own peak allocation (its page cache, capped during a bulk load)
    libsqlite = ctypes.CDLL("libsqlite3.so.0")
    libsqlite.sqlite3_memory_highwater.restype = ctypes.c_int64
    sqlite_mb = libsqlite.sqlite3_memory_highwater(0) / 1e6
except (OSError, AttributeError):
    sqlite_mb = float("nan")
assert report.ok, report.failed[:3]
print(json.dumps({"seconds": elapsed, "added": report.counts["added"],
                  "writer_cpu_s": writer_cpu, "cpu_s": writer_cpu + workers.cpu_s,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_rss_mb": workers.peak_rss_mb, "sqlite_mb": sqlite_mb}))
"""


def generate_corpus(folder: Path, count: int, *, seed: int = 1939) -> int:
    """Write ``count`` documents of recombined sample paragraphs; return total bytes."""
    rng = random.Random(seed)
    paragraphs = [
        block.strip()
        for path in sorted(SAMPLE.glob("*.txt"))
        for block in path.read_text(encoding="utf-8").split("\n")
        if len(block.strip()) > 40
    ]
    chrome = ["Contact details", "Translate »", "This website stores cookies on your computer."]
    total = 0
    for number in range(count):
        # 10-60 paragraphs: documents about the size of the sample's (2-55 kB).
        picked = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(10, 60)))
        head = f"Generated document {number}\n{rng.choice(chrome)}\n\n"
        text = head + "\n\n".join(picked) + "\n"
        data = text.encode("utf-8")
        (folder / f"doc{number:06d}.txt").write_bytes(data)
        total += len(data)
    return total


def _run(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def bench(count: int, jobs: int | None) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="hg-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        total = generate_corpus(corpus, count)
        reference = _run(_REFERENCE, str(corpus))
        db = Path(tmp) / "bench.db"
        jobs_arg = "" if jobs is None else str(jobs)
        ingest = _run(_INGEST, str(corpus), str(db), jobs_arg, str(Path(__file__).parent))
        db_bytes = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*"))
    mb = total / 1e6
    return {
        "docs": count,
        "corpus_mb": mb,
        "ref_mb_s": mb / reference["seconds"],
        "ingest_s": ingest["seconds"],
        "docs_s": count / ingest["seconds"],
        "mb_s": mb / ingest["seconds"],
        "slowdown": ingest["seconds"] / reference["seconds"],
        "cpu_s": ingest["cpu_s"],
        "writer_cpu_s": ingest["writer_cpu_s"],
        "peak_rss_mb": ingest["rss_mb"],
        "worker_rss_mb": ingest["worker_rss_mb"],
        "sqlite_mb": ingest["sqlite_mb"],
        "rest_mb": ingest["rss_mb"] - ingest["sqlite_mb"],
        "db_mb": db_bytes / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, action="append", help="corpus size (repeatable)")
    parser.add_argument("--jobs", type=int, default=None, help="parsing processes (default: auto)")
    args = parser.parse_args()
    sizes = args.docs or [1000]
    columns = [
        "docs",
        "corpus_mb",
        "ingest_s",
        "docs_s",
        "mb_s",
        "ref_mb_s",
        "slowdown",
        "cpu_s",
        "writer_cpu_s",
        "peak_rss_mb",
        "worker_rss_mb",
        "sqlite_mb",
        "rest_mb",
        "db_mb",
    ]
    print("  ".join(f"{c:>11}" for c in columns))
    for size in sizes:
        row = bench(size, args.jobs)
        print(
            "  ".join(
                f"{row[c]:>11.2f}" if isinstance(row[c], float) else f"{row[c]:>11}"
                for c in columns
            ),
            flush=True,
        )
    print("slowdown = ingest time / reference time (read + sha256 + decode of the same files,")
    print("  measured in the same run). peak_rss_mb: the writing process; worker_rss_mb: the")
    print("  largest parsing process. cpu_s: CPU time of the writer and its workers together;")
    print("  writer_cpu_s: the writer's alone (on a shared machine these say more than ingest_s).")
    print("  sqlite_mb: SQLite's peak allocation in the writer, most of it the page cache, which")
    print("  a bulk load caps at 16 MiB; rest_mb = peak_rss_mb - sqlite_mb, the writer's own.")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"bench took {time.perf_counter() - start:.1f} s")
