"""The local web workbench: server-rendered pages and a JSON API over a knowledge base.

``historiograph serve`` runs it; :func:`create_app` builds it for any ASGI server.
"""

from __future__ import annotations

from historiograph.web.app import create_app

__all__ = ["create_app"]
