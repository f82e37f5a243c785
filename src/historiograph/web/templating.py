"""The Jinja2 environment of the pages (autoescaping on) and the URL helpers templates use."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from historiograph import __version__
from historiograph.web.reader import part_of

TEMPLATES = Path(__file__).resolve().parent / "templates"


def url_with(request: Request | None, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None or "" removes one)."""
    if request is None:
        return "/"
    params = {k: v for k, v in request.query_params.items() if k != "token"}
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def source_link(source_id: str, start: int, end: int) -> str:
    """The reader URL that shows and highlights ``start``-``end`` of a source."""
    part = part_of(start)
    return f"/sources/{source_id}" + (f"?part={part}" if part else "") + f"#c={start}-{end}"


def query_string(params: dict[str, Any]) -> str:
    """``?a=1&b=2`` from the non-empty values (for the visualisations' data-api URLs)."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return ("?" + urlencode(kept)) if kept else ""


def snippet_pieces(snippet: str, matches: list[Any]) -> list[tuple[str, bool]]:
    """A search snippet cut into (text, is a match) pieces, for the template to mark up."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in sorted(matches, key=lambda m: m.start):
        if match.start < position:
            continue
        pieces.append((snippet[position : match.start], False))
        pieces.append((snippet[match.start : match.end], True))
        position = match.end
    pieces.append((snippet[position:], False))
    return [piece for piece in pieces if piece[0]]


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value is escaped; no template marks anything safe but ours
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        url_with=url_with,
        source_link=source_link,
        query_string=query_string,
        snippet_pieces=snippet_pieces,
        version=__version__,
    )
    return env
