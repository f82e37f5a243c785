"""``historiograph`` entry point: builds the parser and dispatches to a command module.

Exit codes: 0 success, 1 some inputs failed or the store failed, 2 usage or query error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from historiograph import __version__
from historiograph.cli import (
    browse,
    claims,
    compare,
    entities,
    export,
    extraction,
    ingest,
    migrate,
    profile,
    serve,
)
from historiograph.errors import HistoriographError, QueryError
from historiograph.store.database import DEFAULT_DB
from historiograph.store.opening import is_postgres_url

# The commands that work on a postgresql:// --db (docs/postgresql.md); any other refuses it
# with one line rather than creating a SQLite file of that name.
_POSTGRES_READY = {
    serve.run,
    ingest.run,
    browse.run_sources,
    browse.run_search,
    browse.run_summary,
    export.run_json,
    export.run_graph,
    export.run_csv,
    entities.run_entities,
    entities.run_entity,
    entities.run_merge,
    entities.run_split,
    entities.run_rename,
    entities.run_resolve,
    extraction.run_timeline,
    claims.run_claims,
    compare.run_compare,
    profile.run_profile,
}


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=os.environ.get("HISTORIOGRAPH_DB", DEFAULT_DB),
        help="knowledge-base file, or a postgresql:// URL "
        f"(default: $HISTORIOGRAPH_DB or {DEFAULT_DB})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="historiograph",
        description="Turn piles of historical sources into a provenance-first knowledge base.",
    )
    parser.add_argument("--version", action="version", version=f"historiograph {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (
        ingest,
        browse,
        extraction,
        entities,
        claims,
        compare,
        profile,
        export,
        serve,
        migrate,
    ):
        module.register(commands, _add_db)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if is_postgres_url(str(getattr(args, "db", ""))) and args.run not in _POSTGRES_READY:
        print(
            f"error: {args.command} does not work on a PostgreSQL knowledge base yet "
            "(see docs/postgresql.md; historiograph migrate copies it to a SQLite file)",
            file=sys.stderr,
        )
        return 2
    try:
        return int(args.run(args))
    except QueryError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except HistoriographError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: work committed so far is kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error of ours.
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
