"""Post-ingest cost of adding 10 documents to a 10,000-document base: incremental vs full.

Copies the generated base (bench/generated_kb.py, cached), runs the full recompute once
(it also keeps each source's digest), adds ``--add`` generated documents through the
store's writer (their extraction made as the base's was), then times in the same run:
the incremental update (resolution, relations, geocoding), the comparison step apart
(``compute_claim_groups``, owned elsewhere), and the full recompute of the same state.
Prints seconds and the ratio full / incremental.

    python bench/incremental_bench.py [--docs 10000] [--add 10]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_kb import _combine, build, sample_paragraphs
from historiograph.ingest.pipeline import parse_bytes, parse_text
from historiograph.nlp.extract import extract
from historiograph.nlp.pipeline import default_pipeline
from historiograph.settings import Settings
from historiograph.store.comparison import compute_claim_groups
from historiograph.store.database import Store
from historiograph.store.resolution import (
    compute_relations,
    geocode_places,
    resolve_entities,
    update_resolution,
)


def _full(store: Store) -> float:
    started = time.perf_counter()
    resolve_entities(store)
    compute_relations(store)
    geocode_places(store)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--add", type=int, default=10)
    parser.add_argument("--work", type=Path, default=Path("/tmp/historiograph-incremental.db"))
    parser.add_argument(
        "--reuse", action="store_true", help="add to --work as it is (digested by a past run)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-full", action="store_true", help="time the incremental path only")
    args = parser.parse_args()
    base = Path(f"/tmp/historiograph-bench-kb-{args.docs}.db")
    if not base.exists():
        build(base, args.docs)
    if not args.reuse:
        shutil.copy(base, args.work)
    paragraphs = sample_paragraphs()
    nlp = default_pipeline(dates=False)
    rng = random.Random(args.seed)
    with Store(args.work) as store:
        if not args.reuse:
            primed = _full(store)
            print(f"full recompute of the base (keeps the digests): {primed:.1f} s", flush=True)
        new = []
        for number in range(args.add):
            picked = rng.sample(paragraphs, k=rng.randint(10, 60))
            text = f"Added document {args.seed}-{number}\n\n" + "\n\n".join(picked)
            name = f"added/{args.seed}-doc{number:03d}.txt"
            parsed = parse_bytes(name, text.encode(), settings=Settings())
            known = {p: extract(parse_text(p), nlp) for p in picked}
            parsed.extraction = _combine(parsed.original, known)
            new.append(parsed)
        store.save_sources(new)
        started = time.perf_counter()
        changes = update_resolution(store)
        resolved = time.perf_counter() - started
        compute_relations(store, changes)
        related = time.perf_counter() - started - resolved
        geocode_places(store, changes)
        incremental = time.perf_counter() - started
        started = time.perf_counter()
        compute_claim_groups(store)
        compared = time.perf_counter() - started
        print(
            f"incremental ({len(changes.added)} added, {len(changes.rewritten)} entities"
            f" rewritten): {incremental:.2f} s (resolution {resolved:.2f}, relations"
            f" {related:.2f}, geocoding {incremental - resolved - related:.2f})",
            flush=True,
        )
        print(f"comparison (compute_claim_groups, not incremental here): {compared:.2f} s")
        if args.skip_full:
            return
        full = _full(store)
        print(f"full recompute of the same state: {full:.1f} s")
        print(f"ratio full / incremental: {full / incremental:.0f}x")


if __name__ == "__main__":
    main()
