"""The public API is pinned: adding or removing a name is a deliberate change."""

from __future__ import annotations

import historiograph

EXPECTED = {
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
}


def test_exported_members() -> None:
    assert set(historiograph.__all__) == EXPECTED
    for name in historiograph.__all__:
        assert hasattr(historiograph, name), name


def test_errors_form_one_tree() -> None:
    for error in (
        historiograph.SourceError,
        historiograph.QueryError,
        historiograph.StoreError,
        historiograph.ExecutorError,
    ):
        assert issubclass(error, historiograph.HistoriographError)
