"""One error shape for every failure: ``{"ok": false, "error": "one line", "status": N}`` under
``/api/``, a small page with the same line and status everywhere else."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment
from starlette.exceptions import HTTPException
from starlette.types import Scope, Send

from historiograph.errors import HistoriographError, QueryError, StoreError

_REASONS = {
    400: "bad request",
    401: "unauthorized",
    403: "forbidden",
    404: "not found",
    405: "method not allowed",
    422: "invalid parameters",
    500: "internal error",
    503: "knowledge base unavailable",
}


def one_line(message: str) -> str:
    return " ".join(str(message).split()) or "error"


def wants_json(path: str) -> bool:
    return path == "/api" or path.startswith("/api/") or path == "/openapi.json"


def error_response(env: Environment, path: str, status: int, message: str) -> Response:
    message = one_line(message)
    if wants_json(path):
        return JSONResponse({"ok": False, "error": message, "status": status}, status_code=status)
    html = env.get_template("error.html").render(
        status=status, reason=_REASONS.get(status, "error"), message=message, request=None
    )
    return HTMLResponse(html, status_code=status)


def make_error_sender(env: Environment) -> Any:
    """An ASGI-level sender of the error shape, for the middleware (which has no Request)."""

    async def send_error(scope: Scope, status: int, message: str, send: Send) -> None:
        response = error_response(env, str(scope.get("path", "")), status, message)
        await response(scope, _no_receive, send)

    return send_error


async def _no_receive() -> dict[str, Any]:  # pragma: no cover - responses never read
    return {"type": "http.disconnect"}


def _validation_message(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid request"
    first = errors[0]
    where = " ".join(str(part) for part in first.get("loc", ()) if part != "body") or "request"
    where = where.replace("query ", "parameter ").replace("path ", "path parameter ")
    message = f"{where}: {first.get('msg', 'invalid')}"
    more = len(errors) - 1
    return message + (f" (and {more} more)" if more else "")


def install(app: FastAPI, env: Environment) -> None:
    """Route every error FastAPI and Starlette raise through the one shape."""

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"nothing at {request.url.path}"
        response = error_response(env, request.url.path, exc.status_code, detail)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(env, request.url.path, 422, _validation_message(exc))

    async def known_error(request: Request, exc: Exception) -> Response:
        status = 400 if isinstance(exc, QueryError) else 503 if isinstance(exc, StoreError) else 400
        return error_response(env, request.url.path, status, str(exc))

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HistoriographError, known_error)
