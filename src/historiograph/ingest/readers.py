"""Read one input file into text: plain text and Markdown, HTML, PDF."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from historiograph.errors import SourceError
from historiograph.ingest.encoding import decode_text

KINDS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}


@dataclass(slots=True)
class RawSource:
    """The bytes of a file and the text read from them."""

    kind: str
    data: bytes
    text: str
    hints: dict[str, Any] = field(default_factory=dict)  # metadata the format itself carries


def kind_of(path: Path) -> str | None:
    """The input kind for ``path``'s extension, or None when unsupported."""
    return KINDS.get(path.suffix.lower())


def read_bytes(path: Path, *, max_bytes: int) -> bytes:
    """The file's bytes, refusing what can't or shouldn't be read whole."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError as e:
        raise SourceError(name, "no such file") from e
    except OSError as e:
        raise SourceError(name, f"cannot read file ({e.strerror})") from e
    if size > max_bytes:
        raise SourceError(
            name,
            f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit "
            "(raise it with --max-size)",
        )
    try:
        return path.read_bytes()
    except PermissionError as e:
        raise SourceError(name, "permission denied") from e
    except IsADirectoryError as e:
        raise SourceError(name, "is a directory") from e
    except OSError as e:
        raise SourceError(name, f"cannot read file ({e.strerror})") from e


def read_source(path: Path, data: bytes, *, encoding: str | None = None) -> RawSource:
    """Extract text from ``data`` according to ``path``'s kind."""
    kind = kind_of(path)
    if kind is None:
        raise SourceError(str(path), f"unsupported file type {path.suffix or '(none)'!r}")
    if kind == "html":
        return _read_html(path, data, encoding)
    if kind == "pdf":
        return _read_pdf(path, data)
    return RawSource(kind, data, decode_text(data, str(path), encoding=encoding))


def _read_html(path: Path, data: bytes, encoding: str | None) -> RawSource:
    import trafilatura

    markup = decode_text(data, str(path), encoding=encoding)
    document = trafilatura.bare_extraction(
        markup, with_metadata=True, include_comments=False, include_tables=True, favor_recall=True
    )
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        raise SourceError(str(path), "no main text found in the HTML page")
    hints: dict[str, Any] = {}
    for key in ("title", "author", "date", "language", "url", "sitename"):
        value = getattr(document, key, None)
        if value:
            hints[key] = value
    return RawSource("html", data, text, hints)


def _read_pdf(path: Path, data: bytes) -> RawSource:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise SourceError(str(path), "PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
        info: dict[str, Any] = dict(reader.metadata or {})
    except SourceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise SourceError(str(path), f"not a readable PDF ({str(e).splitlines()[0][:120]})") from e
    # A form feed between pages keeps page boundaries recoverable from offsets.
    text = "\n\f\n".join(page.strip("\n") for page in pages)
    if not text.replace("\f", "").strip():
        raise SourceError(str(path), "PDF has no text layer (scanned images?); OCR it first")
    hints = {
        key: str(info.get(field_name))
        for key, field_name in (("title", "/Title"), ("author", "/Author"))
        if info.get(field_name)
    }
    return RawSource("pdf", data, text, hints)
