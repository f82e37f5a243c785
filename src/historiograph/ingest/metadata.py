"""Source metadata read from the text itself, and sidecar overrides.

Plain-text captures carry their metadata as lines of text: a dateline at the
top ("19/06/2021", "April 7, 2014"), a byline ("By Carl Savich"), a closing
signature line ("Nedim Pustahija"), and a title above the first paragraph.
"""

from __future__ import annotations

import calendar
import json
import logging
import os
import re
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from historiograph.errors import SourceError
from historiograph.ingest.boilerplate import Line, split_lines
from historiograph.model import SourceMetadata, Span

_log = logging.getLogger(__name__)

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_LEAD = r"^[\s\-–—•|·]*"
_TRAIL = r"[\s.,]*$"
_DATE_FORMS = [
    re.compile(_LEAD + r"(?P<day>\d{1,2})[/.](?P<mon>\d{1,2})[/.](?P<year>\d{4})" + _TRAIL),
    re.compile(_LEAD + r"(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})" + _TRAIL),
    re.compile(
        _LEAD + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _TRAIL, re.I
    ),
    re.compile(
        _LEAD
        + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\.?\s+"
        + _MONTH
        + r",?\s+(?P<year>\d{4})"
        + _TRAIL,
        re.I,
    ),
]
_NAME_WORD = r"(?:[A-Z][\w'’\-]*\.?|[A-Z]\.)"
_PERSON = rf"{_NAME_WORD}(?:\s+(?:van|von|de|da|del|der|di|la|le|{_NAME_WORD})){{1,3}}"
_BYLINE = re.compile(rf"^(?i:by)\s+(?P<names>{_PERSON}(?:\s*(?:,|and|&)\s*{_PERSON})*)\s*$")
# Used when structure detection found no bibliography: where a reference list starts.
_BIBLIOGRAPHY_HEADING = re.compile(
    r"^(sources|bibliography|references|further reading|works cited|literature)\b", re.I
)
_SIGNATURE = re.compile(rf"^{_PERSON}$")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_SENTENCE_END = (".", "!", "?", ":", ";", "»", "”", '"')
_PROSE_WORDS = 15
_TITLE_WORDS = 20
_HEAD_LINES = 15
_SIDECAR_KEYS = {"title", "authors", "published", "language", "encoding"}


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_length(year: int, month: int) -> int:
    # calendar.monthrange goes through datetime, which has no year 0 (EDTF has).
    return _MONTH_DAYS[month - 1] + (month == 2 and calendar.isleap(year))


def parse_dateline(line: str) -> str | None:
    """The EDTF day of a date-only line such as ``19/06/2021`` or ``April 7, 2014``.

    Numeric day/month order is read day-first; when both readings are valid
    dates the result is marked uncertain (``?``).
    """
    for form in _DATE_FORMS:
        match = form.match(line)
        if not match:
            continue
        parts = match.groupdict()
        year = int(parts["year"])
        day = int(parts["day"])
        month = MONTHS[parts["month"].lower()] if parts.get("month") else int(parts["mon"])
        if not (1 <= month <= 12 and 1 <= day <= _month_length(year, month)):
            return None  # "31/02/2021" is no day, so no publication date
        ambiguous = parts.get("mon") is not None and day <= 12 and day != month and "-" not in line
        return f"{year:04d}-{month:02d}-{day:02d}" + ("?" if ambiguous else "")
    return None


def extract_metadata(
    text: str, *, boilerplate: Sequence[Span], structure: Sequence[Span]
) -> SourceMetadata:
    """Title, authors, publication date and language found in ``text``."""
    chrome = {(s.start, s.end) for s in boilerplate}
    lines = [line for line in split_lines(text) if (line.start, line.end) not in chrome]
    meta = SourceMetadata()
    head: list[int] = []  # indexes of lines before the first prose line
    for i, line in enumerate(lines[:_HEAD_LINES]):
        if _is_prose(line.text):
            break
        head.append(i)
    for i in head:
        content = lines[i].text
        if meta.published is None and (date := parse_dateline(content)):
            meta.published = date
            continue
        if not meta.authors and (byline := _BYLINE.match(content)):
            meta.authors = _split_names(byline.group("names"))
            continue
        if meta.title is None and _is_title(content):
            meta.title = _MARKDOWN_HEADING.sub("", content)
            following = lines[i + 1].text if i + 1 < len(lines) else ""
            if i + 1 in head and following[:1].islower() and _is_title(following):
                meta.title = f"{meta.title} {following}"
    if not meta.authors:
        # A byline can also sit just below the first paragraph (after a caption).
        for line in lines[len(head) : len(head) + 3]:
            if byline := _BYLINE.match(line.text):
                meta.authors = _split_names(byline.group("names"))
                break
    if not meta.authors and (signature := _trailing_signature(text, lines, structure)):
        meta.authors = [signature]
    meta.language = detect_language(_language_sample(lines))
    return meta


def _language_sample(lines: Sequence[Line], size: int = 1200) -> str:
    """A few thousand characters of prose: enough for language ID, cheap on long texts."""
    picked: list[str] = []
    total = 0
    for line in lines:
        if total >= size:
            break
        if len(line.text.split()) >= 8:
            picked.append(line.text)
            total += len(line.text)
    return " ".join(picked)[:size] or " ".join(line.text for line in lines)[:size]


def _is_prose(line: str) -> bool:
    return len(line.split()) >= _PROSE_WORDS and line.rstrip().endswith(_SENTENCE_END)


def _is_title(line: str) -> bool:
    return (
        0 < len(line.split()) <= _TITLE_WORDS
        and not line.endswith((".", ";", ","))
        and not _BYLINE.match(line)
        and any(ch.isalpha() for ch in line)
    )


def _split_names(names: str) -> list[str]:
    return [n.strip() for n in re.split(r"\s*(?:,|\band\b|&)\s*", names) if n.strip()]


def _trailing_signature(text: str, lines: Sequence[Line], structure: Sequence[Span]) -> str | None:
    """A lone personal-name line closing the body (before any bibliography)."""
    body_end = min(
        (s.start for s in structure if s.kind == "bibliography"),
        default=next(
            (line.start for line in lines if _BIBLIOGRAPHY_HEADING.match(line.text)), len(text)
        ),
    )
    inside_letter = [(s.start, s.end) for s in structure if s.kind in {"letter", "signature"}]
    body = [line for line in lines if line.end <= body_end]
    for line in reversed(body[-3:]):
        if any(a <= line.start < b for a, b in inside_letter):
            continue
        if _SIGNATURE.match(line.text) and len(line.text.split()) <= 4:
            before = text[: line.start].rstrip(" \t")
            if before.endswith("\n\n") or before.endswith("\n\n\n"):
                return str(line.text)
    return None


@lru_cache(maxsize=1)
def _language_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


# The commonest English function words: when they make up a large share of
# the words, the text is English and the statistical identifier (the costliest
# step of ingest on short pages) need not run.
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in a is was that for on with as by it he his at from which this were be "
    "had are not but or have an they their its been has who all would into when them there "
    "after also only than other more".split()
)
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str, *, min_confidence: float = 0.8) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None if unsure or too short."""
    words = _WORD.findall(text)
    if sum(map(len, words)) < 40:
        return None
    common = sum(1 for word in words if word.lower() in _ENGLISH_FUNCTION_WORDS)
    if len(words) >= 20 and common / len(words) >= 0.3:
        return "en"
    try:
        identifier = _language_identifier()
    except OSError as e:
        # py3langid unpacks its model into a temporary file: on a full disk that fails,
        # and an unknown language is better than a traceback for the whole ingest.
        _log.warning("language not identified: cannot load the model (%s)", e)
        return None
    language, confidence = identifier.classify(text)
    return str(language) if confidence >= min_confidence else None


_SIDECAR_SUFFIXES = (".meta.json", ".meta.yaml", ".meta.yml")
# A folder listing is cached only once the folder's modification time is
# this old. A file added within the file system's timestamp granularity (a few
# milliseconds) of a listing leaves that time unchanged; a listing taken later
# than this after the last change cannot miss a file added after it.
_SETTLED_NS = 250_000_000


def sidecar_path(path: Path) -> Path | None:
    """The ``NAME.meta.json`` / ``.meta.yaml`` / ``.meta.yml`` beside ``path``, if any.

    Asked for every file ingested: six ``stat`` calls per file were a twentieth
    of parsing time, so the folder's sidecar names are listed once and kept
    while the folder is unchanged (one ``stat`` of the folder per file).
    """
    folder = path.parent
    try:
        stamp = os.stat(folder).st_mtime_ns
    except OSError:
        return None
    if time.time_ns() - stamp > _SETTLED_NS:
        names = _sidecar_names(str(folder), stamp)
    else:
        names = _sidecar_names.__wrapped__(str(folder), stamp)
    for suffix in _SIDECAR_SUFFIXES:
        for name in (path.name + suffix, path.stem + suffix):
            if name in names and (candidate := folder / name).is_file():
                return candidate
    return None


@lru_cache(maxsize=16)
def _sidecar_names(folder: str, stamp: int) -> frozenset[str]:
    """Names of the sidecar files in ``folder`` (``stamp``, its mtime, keys the cache)."""
    try:
        return frozenset(name for name in os.listdir(folder) if name.endswith(_SIDECAR_SUFFIXES))
    except OSError:
        return frozenset()


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(_SIDECAR_SUFFIXES)


def read_sidecar(path: Path) -> dict[str, Any]:
    """Validated overrides from a sidecar file; SourceError names what is wrong."""
    import yaml  # here: most runs have no YAML sidecar, and every parse worker imports this

    try:
        raw = path.read_text("utf-8")
        data = json.loads(raw) if path.suffix == ".json" else yaml.safe_load(raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as e:
        raise SourceError(str(path), f"unreadable sidecar: {str(e).splitlines()[0]}") from e
    if not isinstance(data, dict):
        raise SourceError(str(path), "sidecar must hold a mapping of metadata keys")
    unknown = set(data) - _SIDECAR_KEYS - {"extra"}
    if unknown:
        raise SourceError(str(path), f"unknown sidecar keys: {', '.join(sorted(unknown))}")
    if "authors" in data:
        authors = data["authors"]
        if isinstance(authors, str):
            data["authors"] = [authors]
        elif not (isinstance(authors, list) and all(isinstance(a, str) for a in authors)):
            raise SourceError(str(path), "sidecar 'authors' must be a string or a list of strings")
    for key in ("title", "published", "language", "encoding"):
        if key in data and data[key] is not None and not isinstance(data[key], str | int):
            raise SourceError(str(path), f"sidecar {key!r} must be a string")
        if key in data and isinstance(data[key], int):
            data[key] = str(data[key])
    return data


def apply_overrides(meta: SourceMetadata, overrides: dict[str, Any]) -> SourceMetadata:
    """``meta`` with every key the user set replaced (a user's word beats a heuristic)."""
    for key in ("title", "published", "language"):
        if key in overrides:
            setattr(meta, key, overrides[key])
    if "authors" in overrides:
        meta.authors = list(overrides["authors"])
    if isinstance(overrides.get("extra"), dict):
        meta.extra.update(overrides["extra"])
    return meta
