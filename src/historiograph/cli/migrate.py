"""``historiograph migrate``: copy a knowledge base between SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from historiograph.store.opening import is_postgres_url


def register(commands: Any, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    del add_db  # both ends are named explicitly
    parser = commands.add_parser(
        "migrate",
        help="copy a knowledge base between SQLite and PostgreSQL",
        description="Copy every table from --from to --to (a SQLite file to a "
        "postgresql://… database, or back), in one transaction, verified by per-table row "
        "counts and checksums before it commits. Running it again changes nothing.",
    )
    parser.add_argument("--from", dest="source", required=True, metavar="DB")
    parser.add_argument("--to", dest="target", required=True, metavar="DB")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="overwrite a target that holds a different knowledge base",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no per-table lines")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    to_postgres = is_postgres_url(args.target)
    if to_postgres == is_postgres_url(args.source):
        print(
            "error: migrate copies between a SQLite file and a postgresql:// database "
            "(one of --from / --to each)",
            file=sys.stderr,
        )
        return 2
    from historiograph.store.opening import _postgres

    _postgres()  # the clear error if psycopg is missing
    from historiograph.store.postgres.copy import postgres_to_sqlite, sqlite_to_postgres

    started = time.perf_counter()
    copy = sqlite_to_postgres if to_postgres else postgres_to_sqlite
    report = copy(args.source, args.target, replace=args.replace)
    seconds = time.perf_counter() - started
    if not args.quiet:
        for table, found in report.tables.items():
            print(f"{table:20} {found.rows:>10} rows  checksum {found.checksum}")
    what = "already holds" if report.outcome == "unchanged" else "now holds"
    print(
        f"{report.target} {what} {report.rows} rows in {len(report.tables)} tables of "
        f"{report.source}, counts and checksums verified ({seconds:.1f} s)"
    )
    return 0
