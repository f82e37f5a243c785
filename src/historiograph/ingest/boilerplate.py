"""Find site chrome and boilerplate in plain text, as spans kept out of search.

Scraped pages arrive as plain text with their navigation, sign-in widgets and
cookie notices still in them. We keep those lines in the original (it is
what was captured) and mark them as ``boilerplate`` spans, found by:

1. a shipped lexicon of chrome patterns (``data/boilerplate.txt``), matched
   against whole lines; phrase patterns only count on short lines, so prose
   that happens to say "click here" is left alone;
2. the head menu: a block of short lines at the very top of a page that
   contains a chrome line is a navigation menu as a whole;
3. the footer: after the first chrome line in the last part of a page, the
   remaining short lines are chrome too, as long as no prose follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from historiograph.model import Span

_SHORT_WORDS = 25  # phrase patterns only apply to lines at most this long
_MENU_WORDS = 10
_FOOTER_WORDS = 14
_PROSE_WORDS = 20
_HEAD_LINES = 12


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank line of a text: its stripped content and where it lies."""

    start: int
    end: int
    text: str
    words: int


def load_patterns(extra: Iterable[str] = ()) -> tuple[re.Pattern[str], ...]:
    """Compile the shipped lexicon plus ``extra`` pattern lines."""
    return _compile((*_shipped_lines(), *extra))


@lru_cache(maxsize=1)
def _shipped_lines() -> tuple[str, ...]:
    text = resources.files("historiograph").joinpath("data/boilerplate.txt").read_text("utf-8")
    return tuple(text.splitlines())


@lru_cache(maxsize=8)
def _compile(lines: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    patterns = []
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            patterns.append(re.compile(line, re.IGNORECASE))
    return tuple(patterns)


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """The patterns as two alternations: those anchored at the line's start are
    tried only there (``match``), which is several times faster than letting
    one big alternation try every pattern at every position."""

    anchored: re.Pattern[str] | None
    floating: re.Pattern[str] | None

    def finds(self, text: str) -> bool:
        return bool(
            (self.anchored and self.anchored.match(text))
            or (self.floating and self.floating.search(text))
        )


@lru_cache(maxsize=8)
def _lexicon(lines: tuple[str, ...]) -> _Lexicon:
    groups: tuple[list[str], list[str]] = ([], [])
    for pattern in _compile(lines):
        groups[0 if _anchored(pattern.pattern) else 1].append(f"(?:{pattern.pattern})")
    anchored, floating = (
        re.compile("|".join(group), re.IGNORECASE) if group else None for group in groups
    )
    return _Lexicon(anchored, floating)


def _anchored(pattern: str) -> bool:
    """Whether every match of ``pattern`` must start at the start of the text:
    it begins with ``^`` and has no ``|`` outside brackets or parentheses."""
    if not pattern.startswith("^"):
        return False
    depth, in_class, escaped = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return False
    return True


# A line's stripped content: from its first to its last non-space character.
# Lines end where str.splitlines ends them (LF, CR, CRLF, form feed, U+2028 ...),
# as the structure detector reads them; a lone CR (old Mac files) ends one too.
# Unanchored: a match runs to its line's last non-space, so the next one can
# only start on a later line.
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE = re.compile(rf"\S(?:[^{_BREAKS}]*\S)?")


@lru_cache(maxsize=2)
def split_lines(text: str) -> tuple[Line, ...]:
    """Non-blank lines with their offsets, stripped of surrounding whitespace.

    Cached: boilerplate, metadata and passages all split the same text, and a
    str caches its own hash, so a repeated call costs one comparison.
    """
    return tuple(
        Line(m.start(), m.end(), content, content.count(" ") + 1)
        for m in _LINE.finditer(text)
        for content in (m.group(),)
    )


def detect_boilerplate(text: str, *, extra_patterns: Sequence[str] = ()) -> list[Span]:
    """Boilerplate spans of ``text``, one per chrome line, sorted by offset."""
    lexicon = _lexicon((*_shipped_lines(), *extra_patterns))
    lines = split_lines(text)
    reasons: dict[int, str] = {}
    for i, line in enumerate(lines):
        if _is_chrome(line, lexicon):
            reasons[i] = "lexicon"
    _mark_head_menu(text, lines, reasons)
    _mark_footer(lines, reasons)
    return [
        Span("boilerplate", lines[i].start, lines[i].end, {"reason": reasons[i]})
        for i in sorted(reasons)
    ]


def _is_chrome(line: Line, lexicon: _Lexicon) -> bool:
    if line.words > _SHORT_WORDS:
        return False
    return lexicon.finds(line.text)


def _mark_head_menu(text: str, lines: Sequence[Line], reasons: dict[int, str]) -> None:
    # The first block of consecutive non-blank lines at the top of the page.
    block: list[int] = []
    for i, line in enumerate(lines[:_HEAD_LINES]):
        if block and "\n\n" in text[lines[block[-1]].end : line.start].replace(" ", ""):
            break
        block.append(i)
    if len(block) < 2 or not any(i in reasons for i in block):
        return
    if all(lines[i].words <= _MENU_WORDS and not _ends_sentence(lines[i].text) for i in block):
        for i in block:
            reasons.setdefault(i, "menu")


def _mark_footer(lines: Sequence[Line], reasons: dict[int, str]) -> None:
    tail_from = int(len(lines) * 0.6)
    first = next((i for i in sorted(reasons) if i >= tail_from), None)
    if first is None:
        return
    rest = range(first + 1, len(lines))
    if any(lines[i].words >= _PROSE_WORDS for i in rest):
        return
    for i in rest:
        if lines[i].words <= _FOOTER_WORDS:
            reasons.setdefault(i, "footer")


def _ends_sentence(text: str) -> bool:
    return text.endswith((".", "!", ":", ";")) and not text.endswith("..")
