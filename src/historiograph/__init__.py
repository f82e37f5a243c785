"""historiograph: a provenance-first knowledge base from piles of historical sources.

Library first: the CLI and exports call these same functions.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from historiograph.build import IngestReport, ingest_paths
from historiograph.errors import (
    ExecutorError,
    HistoriographError,
    QueryError,
    SourceError,
    StoreError,
)
from historiograph.ingest.pipeline import parse_file, parse_text
from historiograph.model import Edit, ParsedSource, Passage, SourceMetadata, Span
from historiograph.settings import Settings
from historiograph.store.database import SourceRow, Store
from historiograph.store.search import SearchHit, search

if TYPE_CHECKING:
    from historiograph.export.json_export import export_json, write_json
    from historiograph.nlp.extract import extract
    from historiograph.nlp.pipeline import build_pipeline

__version__ = "0.1.0"

__all__ = [
    "Edit",
    "ExecutorError",
    "HistoriographError",
    "IngestReport",
    "ParsedSource",
    "Passage",
    "QueryError",
    "SearchHit",
    "Settings",
    "SourceError",
    "SourceMetadata",
    "SourceRow",
    "Span",
    "Store",
    "StoreError",
    "__version__",
    "build_pipeline",
    "export_json",
    "extract",
    "ingest_paths",
    "parse_file",
    "parse_text",
    "search",
    "write_json",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())

# Imported on first use, so `import historiograph`, the CLI and every parse
# worker stay quick: the NLP entry points load spaCy (a second or two), and the
# export reads every part of the store (a tenth of a second of imports).
_LAZY = {
    "build_pipeline": "historiograph.nlp.pipeline",
    "extract": "historiograph.nlp.extract",
    "export_json": "historiograph.export.json_export",
    "write_json": "historiograph.export.json_export",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'historiograph' has no attribute {name!r}")
