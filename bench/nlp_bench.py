"""NLP throughput: the full extraction pipeline against the plain English model.

Both read the same text in the same run (this machine is shared and noisy, so
the ratio is what compares across runs). The plain model is
``en_core_web_sm`` as shipped, through ``nlp.pipe``; ours is
``historiograph.nlp.extract`` (our components, dates, events, offset mapping).

    python bench/nlp_bench.py [--copies 20]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import spacy

from historiograph.ingest.pipeline import parse_text
from historiograph.nlp.extract import extract
from historiograph.nlp.pipeline import MODEL, default_pipeline

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "balkans-1939-1948"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10, help="times each sample text is used")
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLE.glob("*.txt"))] * args.copies
    words = sum(len(re.findall(r"\w+", text)) for text in texts)
    parsed = [parse_text(text) for text in texts]

    plain = spacy.load(MODEL)
    ours = default_pipeline(dates=False)
    plain("warm up")
    extract(parse_text("Warm up: Tito met Stalin in Moscow in September 1944."), ours)

    start = time.perf_counter()
    for _ in plain.pipe(texts, batch_size=8):
        pass
    plain_seconds = time.perf_counter() - start

    start = time.perf_counter()
    for source in parsed:
        extract(source, ours)
    our_seconds = time.perf_counter() - start

    print(f"{words:,} words, {len(texts)} documents, one process")
    print(f"plain {MODEL}: {words / plain_seconds:10,.0f} words/s")
    print(f"historiograph extract : {words / our_seconds:10,.0f} words/s")
    print(f"cost ratio (ours / plain time): {our_seconds / plain_seconds:.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
