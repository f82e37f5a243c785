"""Resolution cost against the number of mentions (a benchmark, not a test).

Synthetic mentions: people, places and organisations built from a given-name
list and generated surnames, with spelling variants (diacritics, a changed
letter, a short form) and one source per 50 mentions. Prints seconds, and
microseconds per mention with its ratio to the smallest size measured in the
same run: near 1.0 means the cost grows linearly.

    python bench/resolve_bench.py [--sizes 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import random
import resource
import time

from historiograph.nlp.given_names import given_names
from historiograph.resolve.resolver import NameMention, resolve

_ACCENTS = str.maketrans("csz", "čšž")


def synthetic(count: int, *, seed: int = 1943) -> list[NameMention]:
    rng = random.Random(seed)
    firsts = sorted(given_names())[:5000]
    # Surnames as varied as real ones: random consonant-vowel syllables.
    syllables = [c + v for c in "bcdfghjklmnprstvzš" for v in "aeiou"] + ["vić", "nić", "ski"]
    people = max(100, count // 20)
    surnames = [
        "".join(rng.choices(syllables, k=rng.randint(2, 4))).capitalize() for _ in range(people)
    ]
    names = [f"{rng.choice(firsts)} {surname}" for surname in surnames]
    mentions = []
    for i in range(count):
        base = rng.choice(names)
        roll = rng.random()
        if roll < 0.2:
            text = base.split()[-1]  # short form
        elif roll < 0.3:
            text = base.translate(_ACCENTS)  # diacritics
        elif roll < 0.35:
            pos = rng.randrange(len(base))
            text = base[:pos] + rng.choice("aeiou") + base[pos + 1 :]  # OCR-ish damage
        else:
            text = base
        kind = "person" if i % 5 else rng.choice(["place", "organization"])
        mentions.append(
            NameMention(i, f"src{i // 50}", text, kind, (i % 50) * 200, (i % 50) * 200 + len(text))
        )
    return mentions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    base: float | None = None
    header = ("mentions", "seconds", "us/mention", "ratio", "entities", "rss_mb")
    print(" ".join(f"{h:>11}" for h in header))
    for size in args.sizes:
        mentions = synthetic(size)
        start = time.perf_counter()
        clusters = resolve(mentions)
        seconds = time.perf_counter() - start
        per = seconds / size * 1e6
        base = base or per
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        row = (f"{size}", f"{seconds:.2f}", f"{per:.1f}", f"{per / base:.2f}", f"{len(clusters)}")
        print(
            " ".join(f"{cell:>11}" for cell in (*row, f"{rss:.0f}")),
            flush=True,
        )


if __name__ == "__main__":
    main()
