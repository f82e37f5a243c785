"""The reader's markup: a source's original text, escaped piece by piece, with its annotations.

The text is walked once with its annotations (site chrome, footnotes and their markers,
entity mentions, dates, repairs) sorted by start; annotations nest when one lies inside
another, and one that crosses an open annotation's end is left out rather than breaking the
nesting. Every run of text is escaped with markupsafe and wrapped in a ``<span data-o>`` that
carries its offset in the original, which is how ``reader.js`` finds ``#c=START-END``.
Nothing from the text or the database reaches the page unescaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from historiograph.web import queries

if TYPE_CHECKING:
    from historiograph.store.dialect import AnyConnection

# Characters per reader page: large sources are read in parts, never sent whole.
WINDOW = 100_000

# Outer annotations open first when two start at the same character.
_RANK = {"chrome": 0, "note": 1, "marker": 2, "mention": 3, "date": 3, "repair": 4}


@dataclass(frozen=True, slots=True)
class Annotation:
    start: int
    end: int
    kind: str  # one of _RANK
    tag: str  # a | span | details
    attrs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ReaderPart:
    html: Markup
    start: int  # window in the original text
    end: int
    part: int
    parts: int


def _open(annotation: Annotation, inside_link: bool) -> tuple[str, str]:
    """Opening and closing tags; a link inside a link becomes a span (HTML forbids nesting)."""
    tag = "span" if annotation.tag == "a" and inside_link else annotation.tag
    attrs = "".join(
        f' {name}="{escape(value)}"'
        for name, value in annotation.attrs
        if not (tag == "span" and name == "href")
    )
    opening = f"<{tag}{attrs}>"
    if tag == "details":
        opening += '<summary class="chrome-label">site chrome</summary>'
    return opening, f"</{tag}>"


def render(text: str, offset: int, annotations: list[Annotation]) -> Markup:
    """``text`` (the original from ``offset`` on) as HTML with ``annotations`` nested in it."""
    end_of_text = offset + len(text)
    pieces: list[str] = []
    position = offset
    # Open annotations: (end, closing tag, is a link).
    stack: list[tuple[int, str, bool]] = []

    def run_to(upto: int) -> None:
        nonlocal position
        if upto > position:
            piece = text[position - offset : upto - offset]
            pieces.append(f'<span data-o="{position}">{escape(piece)}</span>')
            position = upto

    def close_until(limit: int) -> None:
        while stack and stack[-1][0] <= limit:
            end, closing, _ = stack.pop()
            run_to(end)
            pieces.append(closing)

    ordered = sorted(annotations, key=lambda a: (a.start, -a.end, _RANK[a.kind]))
    for annotation in ordered:
        start = max(annotation.start, offset)
        end = min(annotation.end, end_of_text)
        if end <= start or start < position:
            continue
        close_until(start)
        if stack and end > stack[-1][0]:
            continue  # crosses the end of an open annotation: keep the nesting sound
        run_to(start)
        inside_link = any(link for _, _, link in stack)
        opening, closing = _open(annotation, inside_link)
        pieces.append(opening)
        stack.append((end, closing, annotation.tag == "a" or inside_link))
    close_until(end_of_text)
    run_to(end_of_text)
    return Markup("".join(pieces))


def _chrome(
    spans: list[tuple[str, int, int, dict[str, Any]]], text: str, offset: int
) -> list[Annotation]:
    """Boilerplate spans, neighbours separated only by white space folded into one block."""
    blocks: list[list[int]] = []
    for kind, start, end, _ in spans:
        if kind != "boilerplate":
            continue
        if blocks:
            gap = text[max(blocks[-1][1], offset) - offset : max(start, offset) - offset]
            if start >= blocks[-1][1] and not gap.strip():
                blocks[-1][1] = max(blocks[-1][1], end)
                continue
        blocks.append([start, end])
    return [Annotation(s, e, "chrome", "details", (("class", "chrome"),)) for s, e in blocks]


def annotations_for(
    conn: AnyConnection,
    source_id: str,
    text: str,
    start: int,
    end: int,
    event_ids: set[int],
) -> list[Annotation]:
    """Everything the reader highlights between ``start`` and ``end``."""
    spans = queries.window_spans(conn, source_id, start, end)
    found = _chrome(spans, text, start)
    for kind, s, e, attrs in spans:
        if kind == "footnote":
            found.append(Annotation(s, e, "note", "span", (("class", "note"), ("id", f"note-{s}"))))
        elif kind == "footnote_marker":
            target = attrs.get("note_start")
            link = (("href", f"#note-{int(target)}"),) if isinstance(target, int) else ()
            found.append(
                Annotation(
                    s,
                    e,
                    "marker",
                    "a",
                    (
                        ("class", "fn-marker"),
                        ("id", f"ref-{s}"),
                        *link,
                        ("title", f"footnote {attrs.get('marker', '')}".strip()),
                    ),
                )
            )
    for m in queries.window_mentions(conn, source_id, start, end):
        found.append(
            Annotation(
                m["start"],
                m["end"],
                "mention",
                "a",
                (
                    ("class", f"mention t-{m['type']}"),
                    ("data-type", m["type"]),
                    ("href", f"/entities/{m['entity_id']}"),
                    ("title", f"{m['type']}: {m['entity_name']}"),
                ),
            )
        )
    for d in queries.window_dates(conn, source_id, start, end):
        event = d["event_id"]
        # A date links to its event in this page's event list, or to the source's timeline.
        href = f"#ev-{event}" if event in event_ids else f"/timeline?source={source_id}"
        found.append(
            Annotation(
                d["start"],
                d["end"],
                "date",
                "a",
                (
                    ("class", "date t-date"),
                    ("data-type", "date"),
                    ("href", href),
                    ("title", f"date: {d['edtf']}"),
                ),
            )
        )
    for edit in queries.window_edits(conn, source_id, start, end):
        verb = "repaired" if edit["kind"] == "ocr" else f"repaired ({edit['kind']})"
        found.append(
            Annotation(
                edit["start"],
                edit["end"],
                "repair",
                "span",
                (
                    ("class", f"ocr repair-{edit['kind']}"),
                    ("title", f"{verb}: {edit['original']} → {edit['replacement']}"),
                ),
            )
        )
    return found


def reader_part(
    conn: AnyConnection, source_id: str, char_count: int, part: int, event_ids: set[int]
) -> ReaderPart:
    parts = max(1, -(-char_count // WINDOW))
    part = min(max(part, 0), parts - 1)
    start = part * WINDOW
    text = queries.text_window(conn, source_id, start, WINDOW)
    end = start + len(text)
    html = render(text, start, annotations_for(conn, source_id, text, start, end, event_ids))
    return ReaderPart(html=html, start=start, end=end, part=part, parts=parts)


def part_of(offset: int) -> int:
    """Which reader part shows the character at ``offset``."""
    return max(offset, 0) // WINDOW
