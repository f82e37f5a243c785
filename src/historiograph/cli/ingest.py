"""``historiograph ingest``: add files, folders and globs to the knowledge base."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from historiograph.build import IngestReport, ingest_paths
from historiograph.settings import Settings
from historiograph.store.database import Store
from historiograph.store.opening import open_store


def register(commands: Any, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = commands.add_parser(
        "ingest",
        help="add sources to the knowledge base",
        description="Ingest .txt, .md, .html/.htm and .pdf files; folders are searched "
        "recursively and globs are expanded. Unchanged files are skipped; changed files "
        "replace their old version.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or glob patterns")
    add_db(parser)
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    parser.add_argument(
        "--max-size",
        type=int,
        default=Settings().max_source_bytes,
        metavar="BYTES",
        help="refuse files larger than this (default: %(default)s)",
    )
    parser.add_argument(
        "--no-nlp", action="store_true", help="only parse and index; extract nothing"
    )
    parser.add_argument(
        "--gazetteer",
        action="append",
        default=[],
        metavar="FILE",
        help="extra gazetteer (name<TAB>type per line); repeatable",
    )
    parser.add_argument(
        "--workers",
        "--jobs",
        "-j",
        dest="jobs",
        type=int,
        default=None,
        metavar="N",
        help="worker processes (default: the number of CPUs for 16+ files, else none)",
    )
    parser.add_argument(
        "--executor",
        choices=["local", "dask"],
        default="local",
        help="where files are parsed: worker processes here (default), or a Dask cluster "
        "(needs historiograph[dask]; writes stay here, in input order)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --executor dask: the scheduler to use (tcp://HOST:8786); default: a "
        "LocalCluster of --workers processes on 127.0.0.1",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.scheduler and args.executor != "dask":
        print("error: --scheduler needs --executor dask", file=sys.stderr)
        return 2
    settings = Settings(
        max_source_bytes=args.max_size, nlp=not args.no_nlp, gazetteers=tuple(args.gazetteer)
    )
    show_progress = not args.quiet and sys.stderr.isatty()
    with open_store(args.db) as opened:
        # ingest_paths is annotated with the SQLite Store; PostgresStore has every method
        # it and the steps after an NLP ingest call (has_content, save_sources, bulk_load,
        # transaction, original_text, spans, edits, path).
        store = cast(Store, opened)
        if show_progress:
            report = _with_progress(args.paths, store, settings, args)
        else:
            report = ingest_paths(
                args.paths,
                store,
                settings=settings,
                jobs=args.jobs,
                executor=args.executor,
                scheduler=args.scheduler,
                keep_paths=False,
            )
    for line in report.skipped:
        print(f"skipped: {line}", file=sys.stderr)
    for line in report.failed:
        print(f"failed: {line}", file=sys.stderr)
    if report.stopped:
        print(f"error: {report.stopped}", file=sys.stderr)
    if not args.quiet:
        print(
            ", ".join(f"{count} {outcome}" for outcome, count in report.counts.items())
            + f" -> {args.db}"
        )
    return 0 if report.ok else 1


def _with_progress(
    paths: list[str], store: Store, settings: Settings, args: argparse.Namespace
) -> IngestReport:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)

        def update(path: Path | None, done: int, total: int) -> None:
            progress.update(
                task, completed=done, total=total, description=path.name if path else ""
            )

        return ingest_paths(
            paths,
            store,
            settings=settings,
            on_progress=update,
            jobs=args.jobs,
            executor=args.executor,
            scheduler=args.scheduler,
            keep_paths=False,
        )
