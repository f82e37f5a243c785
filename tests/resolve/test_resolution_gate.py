"""Quality gate for resolution: pairwise merge precision and recall.

Scored against tests/gold/resolution.json. Only mentions the system found
(same offsets as the gold) are scored, so this measures resolution, not
extraction. Floors only go up.
"""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

from historiograph.build import ingest_paths
from historiograph.store.database import Store, source_id_for
from support import SAMPLE_FILES

GOLD = json.loads((Path(__file__).parents[1] / "gold" / "resolution.json").read_text("utf-8"))
FLOORS = {"precision": 0.99, "recall": 0.95, "violations": 3}


def _locate(text: str, needle: str, occurrence: int) -> tuple[int, int]:
    position = -1
    for _ in range(occurrence):
        position = text.find(needle, position + 1)
        assert position >= 0, needle
    return position, position + len(needle)


def test_resolution_gate(store: Store) -> None:
    ingest_paths([str(p) for p in SAMPLE_FILES], store)
    ids = {
        p.name: source_id_for(__import__("hashlib").sha256(p.read_bytes()).hexdigest())
        for p in SAMPLE_FILES
    }
    texts = {p.name: p.read_text(encoding="utf-8") for p in SAMPLE_FILES}
    ours = {
        (row[0], row[1], row[2]): row[3]
        for row in store.conn.execute('SELECT source_id, start, "end", entity_id FROM mentions')
    }
    gold_cluster: dict[tuple[str, int, int], str] = {}
    for cluster in GOLD["clusters"]:
        for m in cluster["mentions"]:
            start, end = _locate(texts[m["file"]], m["text"], m["occurrence"])
            gold_cluster[(ids[m["file"]], start, end)] = cluster["id"]
    shared = sorted(set(gold_cluster) & set(ours))
    true_pos = false_pos = false_neg = 0
    for a, b in combinations(shared, 2):
        same_gold = gold_cluster[a] == gold_cluster[b]
        same_ours = ours[a] == ours[b]
        true_pos += same_gold and same_ours
        false_pos += same_ours and not same_gold
        false_neg += same_gold and not same_ours
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 1.0
    violations = []
    for pair in GOLD["must_not_merge"]:
        a = (
            ids[pair["a"]["file"]],
            *_locate(texts[pair["a"]["file"]], pair["a"]["text"], pair["a"]["occurrence"]),
        )
        b = (
            ids[pair["b"]["file"]],
            *_locate(texts[pair["b"]["file"]], pair["b"]["text"], pair["b"]["occurrence"]),
        )
        if a in ours and b in ours and ours[a] == ours[b]:
            violations.append((pair["a"]["text"], pair["b"]["text"]))
    print(
        f"\nresolution: {len(shared)} of {len(gold_cluster)} gold mentions found; "
        f"pairwise precision {precision:.3f} recall {recall:.3f}; "
        f"must-not-merge violated: {len(violations)} of {len(GOLD['must_not_merge'])} {violations}"
    )
    assert precision >= FLOORS["precision"]
    assert recall >= FLOORS["recall"]
    assert len(violations) <= FLOORS["violations"]  # a ceiling: it only goes down
