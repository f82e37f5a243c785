"""Quality gate for extraction (the trafilatura eval-gate idea).

Scores our pipeline against the hand-annotated gold in tests/gold/ and, in
the same run, the plain English model (entities) and dateparser (dates), and
prints both side by side. Floors only go up: raise them when the pipeline
improves; a drop fails CI.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from historiograph.ingest.pipeline import parse_file
from historiograph.model import Extraction
from historiograph.nlp.entity_labels import MODEL_LABELS
from historiograph.nlp.extract import extract
from historiograph.nlp.pipeline import MODEL, default_pipeline
from support import SAMPLE_DIR

GOLD = Path(__file__).parents[1] / "gold"
FLOORS = {
    "entity_f1": 0.94,
    "date_value_accuracy": 0.98,
    "date_f1": 0.95,
    "event_recall": 0.96,
}


def _gold(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLD / name).read_text(encoding="utf-8"))
    return data


def locate(text: str, needle: str, occurrence: int) -> tuple[int, int]:
    """Offsets of the ``occurrence``-th (1-based) ``needle`` in ``text``."""
    position = -1
    for _ in range(occurrence):
        position = text.find(needle, position + 1)
        if position < 0:
            raise AssertionError(f"gold text {needle!r} #{occurrence} not in file")
    return position, position + len(needle)


def regions(text: str, spec: Any) -> list[tuple[int, int]]:
    """Character ranges of the annotated lines ("all" means the whole file)."""
    if spec == ["all"] or spec == "all":
        return [(0, len(text))]
    ranges = []
    for region in spec:
        start = text.index(region["line_prefix"])
        end = text.find("\n", start)
        ranges.append((start, len(text) if end < 0 else end))
    return ranges


def inside(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in ranges)


def prf(found: set[Any], gold: set[Any]) -> tuple[float, float, float]:
    correct = len(found & gold)
    precision = correct / len(found) if found else 1.0
    recall = correct / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@cache
def ours() -> dict[str, tuple[str, Extraction]]:
    nlp = default_pipeline(dates=False)
    result = {}
    for name in _gold("entities.json")["files"]:
        parsed = parse_file(SAMPLE_DIR / name)
        result[name] = (parsed.original, extract(parsed, nlp))
    return result


def _entity_sets() -> tuple[set[Any], set[Any], set[Any]]:
    import spacy

    plain = spacy.load(MODEL)
    gold: set[Any] = set()
    found: set[Any] = set()
    baseline: set[Any] = set()
    for name, entry in _gold("entities.json")["files"].items():
        text, extraction = ours()[name]
        ranges = regions(text, entry["regions"])
        for mention in entry["mentions"]:
            start, end = locate(text, mention["text"], mention["occurrence"])
            gold.add((name, start, end, mention["type"]))
        for mention in extraction.mentions:
            if inside(ranges, mention.start, mention.end):
                found.add((name, mention.start, mention.end, mention.type))
        for ent in plain(text).ents:
            label = MODEL_LABELS.get(ent.label_)
            if label and inside(ranges, ent.start_char, ent.end_char):
                baseline.add((name, ent.start_char, ent.end_char, label))
    return gold, found, baseline


def test_entity_gate() -> None:
    gold, found, baseline = _entity_sets()
    p, r, f = prf(found, gold)
    bp, br, bf = prf(baseline, gold)
    print(f"\nentities (typed, exact span; {len(gold)} gold mentions)")
    print(f"  historiograph : P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    print(f"  plain model   : P {bp:.3f}  R {br:.3f}  F1 {bf:.3f}")
    assert f >= FLOORS["entity_f1"]


def _dateparser_dates(text: str) -> list[tuple[int, int, str]]:
    from dateparser.search import search_dates

    results = search_dates(text, languages=["en"]) or []
    located = []
    position = 0
    for substring, moment in results:
        start = text.find(substring, position)
        if start < 0:
            continue
        position = start + len(substring)
        located.append((start, position, moment.strftime("%Y-%m-%d")))
    return located


def test_date_gate() -> None:
    data = _gold("dates.json")
    gold: dict[tuple[str, int, int], str] = {}
    found: dict[tuple[str, int, int], str] = {}
    baseline: dict[tuple[str, int, int], str] = {}
    negatives_hit = []
    for name, dates in data["files"].items():
        text, extraction = ours()[name]
        ranges = regions(text, data["regions"][name])
        for date in dates:
            gold[(name, *locate(text, date["text"], date["occurrence"]))] = date["edtf"]
        for date in extraction.dates:
            if inside(ranges, date.start, date.end):
                found[(name, date.start, date.end)] = date.edtf
        for start, end, value in _dateparser_dates(text):
            if inside(ranges, start, end):
                baseline[(name, start, end)] = value
        for negative in data["negatives"].get(name, []):
            start = text.find(negative)
            if start >= 0 and any(
                d.start < start + len(negative) and start < d.end for d in extraction.dates
            ):
                negatives_hit.append(negative)

    def score(system: dict[tuple[str, int, int], str]) -> tuple[float, float, float, float]:
        p, r, f = prf(set(system), set(gold))
        # Value accuracy over the gold dates the system found (overlapping spans).
        judged = correct = 0
        for (name, start, end), value in gold.items():
            hits = [v for (n, s, e), v in system.items() if n == name and s < end and start < e]
            if hits:
                judged += 1
                correct += value in hits
        return p, r, f, (correct / judged if judged else 0.0)

    p, r, f, accuracy = score(found)
    bp, br, bf, baccuracy = score(baseline)
    print(f"\ndates ({len(gold)} gold expressions)")
    print(f"  historiograph : span P {p:.3f} R {r:.3f} F1 {f:.3f}  value accuracy {accuracy:.3f}")
    print(
        f"  dateparser    : span P {bp:.3f} R {br:.3f} F1 {bf:.3f}  value accuracy {baccuracy:.3f}"
    )
    print(f"  non-dates taken as dates: {negatives_hit}")
    assert accuracy >= FLOORS["date_value_accuracy"]
    assert f >= FLOORS["date_f1"]


def test_event_gate() -> None:
    data = _gold("events.json")
    total = hit = 0
    for name, events in data["files"].items():
        text, extraction = ours()[name]
        for event in events:
            total += 1
            start, end = locate(text, event["date_text"], event["occurrence"])
            if any(
                e.edtf == event["edtf"]
                and extraction.dates[e.date].start < end
                and start < extraction.dates[e.date].end
                for e in extraction.events
            ):
                hit += 1
    recall = hit / total
    print(f"\nevents: recall {recall:.3f} ({hit}/{total})")
    assert recall >= FLOORS["event_recall"]


@pytest.mark.parametrize("name", sorted(_gold("entities.json")["files"]))
def test_every_span_points_into_the_original(name: str) -> None:
    text, extraction = ours()[name]
    for item in [*extraction.mentions, *extraction.dates]:
        assert text[item.start : item.end] == item.text
    for event in extraction.events:
        assert 0 <= event.start < event.end <= len(text)
