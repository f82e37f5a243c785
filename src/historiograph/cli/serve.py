"""``historiograph serve``: the local web workbench over a knowledge base."""

from __future__ import annotations

import argparse
import gc
import os
from collections.abc import Callable
from typing import Any

from historiograph.errors import HistoriographError


def register(commands: Any, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = commands.add_parser(
        "serve",
        help="browse the knowledge base in a web browser",
        description="Serve the web workbench (library, reader, entities, timeline, network, "
        "map, search) and its JSON API. Listens on 127.0.0.1 only, unless given --token; "
        "read-only unless given --edit-token.",
    )
    add_db(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (8000)")
    parser.add_argument(
        "--token",
        default=os.environ.get("HISTORIOGRAPH_TOKEN") or None,
        metavar="T",
        help="require this token on every request (default: $HISTORIOGRAPH_TOKEN); "
        "needed to bind anything but loopback",
    )
    parser.add_argument(
        "--edit-token",
        default=os.environ.get("HISTORIOGRAPH_EDIT_TOKEN") or None,
        metavar="T",
        help="allow entity merge/rename through the API with this token in X-Edit-Token "
        "(default: $HISTORIOGRAPH_EDIT_TOKEN)",
    )
    parser.add_argument(
        "--tile-url",
        metavar="URL",
        help="map tile URL template, e.g. https://tile.example.org/{z}/{x}/{y}.png "
        "(default: none; the map draws without tiles and nothing leaves this machine)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from historiograph.web.security import is_loopback

    if not is_loopback(args.host) and not args.token:
        raise HistoriographError(
            f"refusing to listen on {args.host} without a token: anyone who can reach it could "
            "read the knowledge base (give --token T or set HISTORIOGRAPH_TOKEN)"
        )
    if not 0 < args.port < 65536:
        raise HistoriographError(f"--port {args.port}: give a port between 1 and 65535")
    import uvicorn

    from historiograph.web.app import create_app

    app = create_app(args.db, token=args.token, edit_token=args.edit_token, tile_url=args.tile_url)
    # The ~100,000 objects of the imported modules live as long as the server: left to the
    # collector, each full collection walks them all (over 100 ms on a busy machine, every
    # hundred or so page views: the slowest requests). Frozen, it walks only newer ones.
    gc.collect()
    gc.freeze()
    print(f"historiograph workbench on http://{args.host}:{args.port}/ (Ctrl-C stops it)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)
    return 0
