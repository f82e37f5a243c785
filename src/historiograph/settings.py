"""Settings, declared once with their default and help text."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

SETTINGS_HELP: dict[str, str] = {
    "max_source_bytes": "largest input file ingest accepts, in bytes",
    "boilerplate_patterns": "extra boilerplate regular expressions, one per item",
    "ocr_repair": "repair OCR noise in the cleaned view",
    "encoding_repair": "repair mojibake (ftfy) in the cleaned view",
    "nlp": "extract entities, dates and events while ingesting",
    "gazetteers": "extra gazetteer files (name<TAB>type) for entity typing",
}


@dataclass(frozen=True)
class Settings:
    """How ingest behaves. Every field has a default; see SETTINGS_HELP."""

    max_source_bytes: int = 64 * 1024 * 1024
    boilerplate_patterns: tuple[str, ...] = field(default_factory=tuple)
    ocr_repair: bool = True
    encoding_repair: bool = True
    nlp: bool = True
    gazetteers: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Settings:
        """Settings from a mapping (a user file); unknown keys are an error."""
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        for key in ("boilerplate_patterns", "gazetteers"):
            if key in values:
                values = {**values, key: tuple(values[key])}
        return cls(**values)
