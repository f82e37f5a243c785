"""A generated knowledge base of N sources with entities, events and relations (for benches).

Running the NLP pipeline over thousands of documents would take the bench
longer than what it measures, so the extraction is computed once per distinct
sample paragraph and shifted to wherever that paragraph lands in a generated
document (documents are recombined sample paragraphs; see ingest_bench.py).
Everything after that is the real thing: the store, resolution, relations and
geocoding run as in ``historiograph ingest``.

    python bench/generated_kb.py --docs 10000 -o /tmp/kb-10000.db
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import replace
from pathlib import Path

from historiograph.ingest.pipeline import parse_bytes, parse_text
from historiograph.model import DateMention, Event, Extraction, Mention
from historiograph.nlp.extract import extract
from historiograph.nlp.pipeline import default_pipeline
from historiograph.settings import Settings
from historiograph.store.database import Store
from historiograph.store.resolution import compute_relations, geocode_places, resolve_entities

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "balkans-1939-1948"
_BATCH = 64


def sample_paragraphs() -> list[str]:
    """The sample's paragraphs that generated documents are made of."""
    return [
        block.strip()
        for path in sorted(SAMPLE.glob("*.txt"))
        for block in path.read_text(encoding="utf-8").split("\n")
        if len(block.strip()) > 40
    ]


def _shifted(extraction: Extraction, by: int, first_mention: int) -> Extraction:
    mentions = [replace(m, start=m.start + by, end=m.end + by) for m in extraction.mentions]
    dates = [replace(d, start=d.start + by, end=d.end + by) for d in extraction.dates]
    events = [
        Event(
            e.edtf,
            e.earliest,
            e.latest,
            e.label,
            e.start + by,
            e.end + by,
            e.date,
            [first_mention + i for i in e.participants],
            [first_mention + i for i in e.places],
        )
        for e in extraction.events
    ]
    return Extraction(mentions, dates, events)


def _combine(original: str, parts: dict[str, Extraction]) -> Extraction:
    """The extraction of a document made of known paragraphs, in its own offsets."""
    result = Extraction()
    mentions: list[Mention] = result.mentions
    dates: list[DateMention] = result.dates
    cursor = 0
    for paragraph, extraction in parts.items():
        at = original.find(paragraph, cursor)
        if at < 0:
            continue
        cursor = at + len(paragraph)
        shifted = _shifted(extraction, at, len(mentions))
        for event in shifted.events:
            event.date += len(dates)
        mentions.extend(shifted.mentions)
        dates.extend(shifted.dates)
        result.events.extend(shifted.events)
    return result


def build(path: Path, count: int, *, seed: int = 1939) -> dict[str, float]:
    """Write a knowledge base of ``count`` generated sources to ``path``."""
    started = time.perf_counter()
    paragraphs = sample_paragraphs()
    nlp = default_pipeline(dates=False)
    known = {p: extract(parse_text(p), nlp) for p in dict.fromkeys(paragraphs)}
    rng = random.Random(seed)
    chrome = ["Contact details", "Translate »", "This website stores cookies on your computer."]
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    settings = Settings(nlp=False)
    with Store(path) as store, store.bulk_load():
        batch = []
        for number in range(count):
            picked = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(10, 60)))
            text = f"Generated document {number}\n{rng.choice(chrome)}\n\n" + "\n\n".join(picked)
            parsed = parse_bytes(f"generated/doc{number:06d}.txt", text.encode(), settings=settings)
            parsed.extraction = _combine(parsed.original, {p: known[p] for p in picked})
            batch.append(parsed)
            if len(batch) == _BATCH:
                store.save_sources(batch)
                batch = []
        store.save_sources(batch)
    with Store(path) as store:
        resolve_entities(store)
        compute_relations(store)
        geocode_places(store)
        counts = store.counts()
    return {"seconds": time.perf_counter() - started, **counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    print(build(args.output, args.docs))


if __name__ == "__main__":
    main()
