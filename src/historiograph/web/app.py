"""The workbench application: pages, JSON API, static files, security and errors, wired up."""

from __future__ import annotations

from pathlib import Path

import xstatic.pkg.leaflet
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from historiograph import __version__
from historiograph.store.opening import open_store
from historiograph.web import api, errors, pages
from historiograph.web.context import WebConfig
from historiograph.web.security import (
    Access,
    SecurityMiddleware,
    check_token,
    content_security_policy,
)
from historiograph.web.templating import environment

STATIC = Path(__file__).resolve().parent / "static"


def create_app(
    db_path: str | Path,
    *,
    token: str | None = None,
    edit_token: str | None = None,
    tile_url: str | None = None,
) -> FastAPI:
    """The workbench over the knowledge base at ``db_path``, a SQLite file or a
    ``postgresql://`` URL (which must exist: never created).

    Raises HistoriographError (one line) for a missing or unreadable base, a malformed token
    or tile URL.
    """
    for value, option in ((token, "--token"), (edit_token, "--edit-token")):
        if value is not None:
            check_token(value, option)
    access = Access(token=token, edit_token=edit_token, csp=content_security_policy(tile_url))
    # Open once now, so a missing or foreign base (file or PostgreSQL database) is refused
    # before anything listens.
    open_store(str(db_path), create=False).close()
    env = environment()
    app = FastAPI(
        title="historiograph workbench",
        version=__version__,
        description="JSON API over a historiograph knowledge base, read-only unless the server "
        'has an edit token. Every error is {"ok": false, "error": "one line", "status": N}.',
        # The interactive docs load scripts from a CDN, which the CSP (rightly) forbids.
        docs_url=None,
        redoc_url=None,
    )
    app.state.config = WebConfig(db_path=str(db_path), tile_url=tile_url, access=access)
    app.state.env = env
    errors.install(app, env)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static/vendor/leaflet", StaticFiles(directory=xstatic.pkg.leaflet.BASE_DIR))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityMiddleware, access=access, send_error=errors.make_error_sender(env))
    return app
