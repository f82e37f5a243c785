"""Ingest: files to :class:`~historiograph.model.ParsedSource` records (no SQL here).

``pipeline`` runs the steps; the other modules each do one of them.
"""
