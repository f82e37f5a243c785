"""Bytes to text, and encoding repair as edits (the original is kept as decoded)."""

from __future__ import annotations

import difflib
import re

import ftfy

from historiograph.errors import SourceError
from historiograph.model import Edit

# Control characters other than tab, newline, carriage return and form feed
# rarely occur in real text; a handful of them means the file is binary.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BINARY_SAMPLE = 8192

# UTF-8 read as cp1252/latin-1 turns each multi-byte character into a lead
# character (U+00C2..U+00F4) followed by one from the continuation range or
# cp1252's specials. Scanning for that pair is far cheaper than ftfy's own
# badness check, so ftfy only runs on lines where it can find something.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]"
)

_FTFY_CONFIG = ftfy.TextFixerConfig(
    # Curly quotes, ligatures and full-width forms are the source's own
    # typography, not damage: keep them so the cleaned view stays close.
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    fix_line_breaks=False,
    normalization=None,
    explain=False,
)


def decode_text(data: bytes, path: str, *, encoding: str | None = None) -> str:
    """Decode a text file's bytes; raise SourceError for binary or undecodable data.

    UTF-8 (with or without BOM) is assumed unless a sidecar names another
    ``encoding``. We refuse rather than guess: a wrong guess would silently
    change what the source says.
    """
    if not data.strip():
        raise SourceError(path, "file is empty")
    head = data[:_BINARY_SAMPLE]
    if b"\x00" in head:
        raise SourceError(path, "looks like a binary file (contains NUL bytes), not text")
    try:
        text = data.decode(encoding) if encoding else data.decode("utf-8-sig")
    except LookupError as e:
        raise SourceError(path, f"unknown encoding {encoding!r} in its sidecar") from e
    except UnicodeDecodeError as e:
        raise SourceError(
            path,
            f"not valid {e.encoding} at byte {e.start}; "
            'set "encoding" in a NAME.meta.json sidecar if the file uses another encoding',
        ) from e
    sample = text[:_BINARY_SAMPLE]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise SourceError(path, "looks like a binary file (many control characters), not text")
    return text


def find_encoding_repairs(text: str) -> list[Edit]:
    """Edits (kind ``encoding``) that undo mojibake, found line by line with ftfy.

    ftfy rewrites whole strings; diffing each changed line against its fix
    turns that into small edits whose offsets we can keep.
    """
    edits: list[Edit] = []
    done_until = 0
    for hint in _MOJIBAKE_HINT.finditer(text):
        if hint.start() < done_until:
            continue
        line_start = text.rfind("\n", 0, hint.start()) + 1
        line_end = text.find("\n", hint.end())
        line_end = len(text) if line_end < 0 else line_end
        line = text[line_start:line_end]
        fixed = ftfy.fix_text(line, config=_FTFY_CONFIG)
        if fixed != line:
            edits.extend(_diff_edits(line, fixed, line_start))
        done_until = line_end
    return edits


# SequenceMatcher costs about the cube of its input's length: a 5,000-character line of
# mojibake took a minute. Lines are diffed word by word instead (mojibake never holds
# an ASCII space: no UTF-8 byte of a multi-byte character is 0x20), and a changed
# stretch longer than this becomes one edit rather than a fine-grained diff.
_DIFF_LIMIT = 400


def _diff_edits(before: str, after: str, offset: int) -> list[Edit]:
    old_words, new_words = before.split(" "), after.split(" ")
    if len(old_words) != len(new_words):
        return _diff_stretch(before, after, offset)
    edits: list[Edit] = []
    for old, new in zip(old_words, new_words, strict=True):
        if old != new:
            edits.extend(_diff_stretch(old, new, offset))
        offset += len(old) + 1
    return edits


def _diff_stretch(before: str, after: str, offset: int) -> list[Edit]:
    """Edits turning ``before`` into ``after``: fine-grained unless the change is long."""
    head = 0
    while head < min(len(before), len(after)) and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < min(len(before), len(after)) - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    old, new = before[head : len(before) - tail], after[head : len(after) - tail]
    offset += head
    if max(len(old), len(new)) > _DIFF_LIMIT:
        return [Edit(offset, offset + len(old), new, "encoding")]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [
        Edit(offset + i1, offset + i2, new[j1:j2], "encoding")
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]
