"""Exports of the knowledge base, one module per format."""

from historiograph.export.json_export import FORMAT, export_json, write_json

__all__ = ["FORMAT", "export_json", "write_json"]
