"""Helpers the fault tests share: bounded Hypothesis settings, a hang watchdog, offset checks.

Imported as ``from fault_tools import …``: pytest puts this folder on the path, as it puts
``tests/`` there for ``support``.
"""

from __future__ import annotations

import itertools
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from types import FrameType

from hypothesis import HealthCheck, settings

from historiograph.ingest.offsets import CleanView
from historiograph.model import ParsedSource


def bounded(max_examples: int, deadline_ms: int) -> settings:
    """Reproducible, size-bounded fuzzing.

    ``derandomize`` and no example database: CI draws the same cases on every run, so a
    failure there is a failure here. ``deadline`` fails an example that takes too long
    (a super-linear blow-up); the watchdog below catches one that would never end.
    ``too_slow`` is suppressed because a shared 2-core machine makes generation itself slow,
    which is no fault of the code under test.
    """
    return settings(
        max_examples=max_examples,
        deadline=timedelta(milliseconds=deadline_ms),
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


class Hang(AssertionError):
    """The code under test ran past the watchdog's limit."""


@contextmanager
def watchdog(seconds: float) -> Iterator[None]:
    """Fail (rather than hang the suite) when the block runs longer than ``seconds``.

    Hypothesis' deadline only judges an example after it returns; an endless loop never
    returns, so a timer signal interrupts it. POSIX only, main thread only: where there is
    no SIGALRM the block simply runs unguarded.
    """
    if not hasattr(signal, "setitimer"):  # pragma: no cover - Windows
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"still running after {seconds} s: a hang or a super-linear blow-up")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_range(start: int, end: int, length: int, what: object) -> None:
    assert isinstance(start, int) and isinstance(end, int), what
    assert 0 <= start <= end <= length, (what, start, end, length)


def check_sorted_disjoint(ranges: Sequence[tuple[int, int]], what: str) -> None:
    for (_, end), (start, _) in itertools.pairwise(ranges):
        assert end <= start, (what, ranges)


def check_parsed(parsed: ParsedSource, data: bytes | None = None) -> None:
    """Every promise a ParsedSource makes about offsets, whatever its input was."""
    original = parsed.original
    length = len(original)
    if data is not None:
        assert parsed.size_bytes == len(data)
    for span in parsed.spans:
        check_range(span.start, span.end, length, span)
    assert parsed.spans == sorted(parsed.spans, key=lambda s: (s.start, -s.end, s.kind))
    chrome = [s for s in parsed.spans if s.kind == "boilerplate"]
    for span in chrome:
        # A boilerplate span is one whole, stripped, non-blank line.
        text = original[span.start : span.end]
        assert text and text == text.strip() and "\n" not in text, span
        assert span.attrs.get("reason") in {"lexicon", "menu", "footer"}, span
    check_sorted_disjoint([(s.start, s.end) for s in chrome], "boilerplate")
    note_starts = {s.start for s in parsed.spans if s.kind == "footnote"}
    for span in parsed.spans:
        if span.kind == "footnote_marker":
            target = span.attrs.get("note_start")
            assert target is None or target in note_starts, span
    for edit in parsed.edits:
        check_range(edit.start, edit.end, length, edit)
    check_sorted_disjoint([(e.start, e.end) for e in parsed.edits], "edits")
    view = CleanView(original, parsed.edits)
    for passage in parsed.passages:
        check_range(passage.start, passage.end, length, passage)
        assert passage.text.strip(), passage
        # Search marks its matches with STX/ETX: an indexed passage must never carry them.
        assert "\x02" not in passage.text and "\x03" not in passage.text, passage
        # Same length as the cleaned view of its range (control characters become spaces,
        # one for one), so a match's offset inside it maps back to the original.
        clean = view.text[view.to_clean(passage.start) : view.to_clean(passage.end, end=True)]
        assert len(passage.text) == len(clean), passage
        # A passage whose range no edit touches is its original, character for character
        # (an edit that only meets a passage's end is taken into it: CleanView.to_clean).
        if not any(e.start <= passage.end and passage.start <= e.end for e in parsed.edits):
            assert len(passage.text) == passage.end - passage.start, (
                passage,
                parsed.edits,
                original,
            )
    check_sorted_disjoint([(p.start, p.end) for p in parsed.passages], "passages")


def one_line_naming(message: str, name: str) -> None:
    """A user-facing error: one line, that names what failed."""
    assert "\n" not in message and "\r" not in message, message
    assert name in message, (name, message)
    assert "Traceback" not in message, message
