"""``historiograph export``: write the knowledge base in an exchange format."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

from historiograph.errors import StoreError
from historiograph.export.json_export import write_json
from historiograph.store.opening import sqlite_view

T = TypeVar("T")


def register(commands: Any, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = commands.add_parser("export", help="export the knowledge base")
    formats = parser.add_subparsers(dest="format", metavar="FORMAT", required=True)
    as_json = formats.add_parser(
        "json",
        help="the historiograph-kb/1 JSON contract",
        description="Write sources, entities, events and claims as JSON (see the README).",
    )
    add_db(as_json)
    as_json.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    as_json.add_argument(
        "--include-text", action="store_true", help="add each source's original text"
    )
    as_json.set_defaults(run=run_json)
    for name, help_text in (
        ("graphml", "the entity network as GraphML (Gephi, yEd, networkx)"),
        ("gexf", "the entity network as GEXF 1.3 (Gephi)"),
        ("geojson", "located places with their events as GeoJSON"),
    ):
        graph = formats.add_parser(
            name, help=help_text, description=help_text[0].upper() + help_text[1:] + "."
        )
        add_db(graph)
        graph.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
        graph.set_defaults(run=run_graph, graph_format=name)
    tables = formats.add_parser(
        "csv",
        help="Palladio-ready CSV tables",
        description="Write entities.csv, events.csv and relations.csv into a folder.",
    )
    add_db(tables)
    tables.add_argument("-o", "--output", metavar="FOLDER", required=True, help="folder to write")
    tables.set_defaults(run=run_csv)


def _write(output: str | None, write: Callable[[TextIO], T]) -> tuple[T, Path | None]:
    """Run ``write`` on stdout, or on a file written beside ``output`` and renamed over it,
    so a failed export never leaves half a file."""
    if not output or output == "-":
        return write(sys.stdout), None
    target = Path(output)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            result = write(out)
        os.replace(tmp, target)
    except OSError as e:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise StoreError(f"{target}: cannot write export ({e.strerror or e})") from e
    return result, target


def run_json(args: argparse.Namespace) -> int:
    with sqlite_view(args.db) as store:
        count, target = _write(
            args.output, lambda out: write_json(store, out, include_text=args.include_text)
        )
    if target is not None:
        print(f"{count} sources -> {target}", file=sys.stderr)
    return 0


def run_graph(args: argparse.Namespace) -> int:
    from historiograph.export.geojson_export import write_geojson
    from historiograph.export.graph_export import write_gexf, write_graphml

    writers = {"graphml": write_graphml, "gexf": write_gexf, "geojson": write_geojson}
    writer = writers[args.graph_format]
    with sqlite_view(args.db) as store:
        (items, links), target = _write(args.output, lambda out: writer(store, out))
    if target is not None:
        print(f"{items} items, {links} links -> {target}", file=sys.stderr)
    return 0


def run_csv(args: argparse.Namespace) -> int:
    from historiograph.export.csv_export import write_csv_tables

    with sqlite_view(args.db) as store:
        try:
            counts = write_csv_tables(store, Path(args.output))
        except OSError as e:
            raise StoreError(f"{args.output}: cannot write export ({e.strerror or e})") from e
    summary = ", ".join(f"{n} {name}" for name, n in counts.items())
    print(f"{summary} -> {args.output}", file=sys.stderr)
    return 0
