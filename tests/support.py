"""What tests share besides fixtures: the sample corpus's paths, the CLI result, tiny PDFs.

Imported as ``from support import …`` (``tests/`` is on the path through its conftest);
a module of its own, because ``conftest`` names one module per folder.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "examples" / "balkans-1939-1948"
SAMPLE_FILES = sorted(SAMPLE_DIR.glob("*.txt"))


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def make_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF whose pages carry the given text (empty string: no text layer)."""
    objects: list[bytes] = []
    page_ids = []
    font_id = 3 + 2 * len(pages)
    for number, text in enumerate(pages):
        content_id = 4 + 2 * number
        page_ids.append(3 + 2 * number)
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode("latin-1") if text else b""
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    header = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
    ]
    body = [*header, *objects, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(body, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    return bytes(out)


def write_generated_corpus(folder: Path, count: int, *, seed: int = 1944) -> list[Path]:
    """``count`` documents of recombined sample paragraphs (distinct contents), as files."""
    import random

    rng = random.Random(seed)
    paragraphs = [
        block.strip()
        for path in SAMPLE_FILES
        for block in path.read_text(encoding="utf-8").split("\n")
        if len(block.strip()) > 40
    ]
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number in range(count):
        picked = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(3, 12)))
        path = folder / f"generated{number:04d}.txt"
        path.write_text(f"Generated document {number}\n\n" + "\n\n".join(picked) + "\n")
        written.append(path)
    return written


def api_error(response: Any, status: int) -> str:
    """The one error shape of the JSON API, checked; its one-line message."""
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status
    assert body["error"] and "\n" not in body["error"]
    return str(body["error"])


def base_at_version(path: Path, version: int) -> sqlite3.Connection:
    """A knowledge base made by the migrations up to ``version`` only, as an older release
    left it; the caller writes what that release stored, then closes it."""
    from historiograph.store.migrations import MIGRATIONS

    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:version], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    return conn


def djilas_claim(start: int, end: int, text: str, **changes: Any) -> Any:
    """A claim of ``text[start:end]`` attributed to "Djilas" (``text`` must name him), for
    the store tests that feed claims in by hand; ``changes`` override its fields."""
    from historiograph.claims.model import Attribution, Claim, Cue, WorkReference

    voice = Attribution(
        "person", "Djilas", text.index("Djilas"), text.index("Djilas") + 6, 0, cue="according_to"
    )
    fields: dict[str, Any] = {
        "start": start,
        "end": end,
        "text": text[start:end],
        "attribution": voice,
        "modality": "asserted",
        "chain": [Attribution("author"), voice],
        "cues": [Cue("according_to", "According to", 0, 12)],
        "subjects": [0],
        "citations": [WorkReference("inline", "x", 0, 3)],
    }
    fields.update(changes)
    return Claim(**fields)
