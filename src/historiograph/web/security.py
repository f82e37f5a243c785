"""Who may talk to the workbench, and what a browser may do with its pages.

* Every response carries a strict Content-Security-Policy (no inline script or style, nothing
  from other origins except map tiles when a tile server is configured), ``nosniff`` and
  ``no-referrer``; the templates are written so that policy costs them nothing.
* With a token, every request must present it: ``Authorization: Bearer T``, or ``?token=T``
  once, which sets an HttpOnly, SameSite=Strict cookie and redirects to the clean URL.
* Without a token the server only listens on loopback, and only answers requests addressed to
  a loopback name, so a web page cannot reach it through DNS rebinding.
* Edits need the separate edit token, sent in ``X-Edit-Token`` (or as the bearer token): a
  header no cross-site form or plain link can send.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from historiograph.errors import HistoriographError

COOKIE = "historiograph_token"
EDIT_HEADER = "x-edit-token"
_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]", "testserver"}
_log = logging.getLogger("historiograph.web")

ErrorSender = Callable[[Scope, int, str, Send], Awaitable[None]]


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server on this machine."""
    if host.strip("[]").lower() in _LOOPBACK_NAMES - {"testserver"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def tile_origin(tile_url: str) -> str:
    """The CSP source for a tile URL template (``{s}`` subdomains become a wildcard)."""
    parts = urlsplit(tile_url)
    host = parts.netloc
    if parts.scheme not in ("http", "https") or not host or any(c in host for c in " ;,'\""):
        raise HistoriographError(
            f"--tile-url {tile_url!r}: give an http(s) URL template such as "
            "https://tile.example.org/{z}/{x}/{y}.png"
        )
    if host.startswith("{s}."):
        host = "*." + host[4:]
    if "{" in host:
        raise HistoriographError(f"--tile-url {tile_url!r}: only {{s}} may vary in the host")
    return f"{parts.scheme}://{host}"


def check_token(token: str, option: str) -> None:
    """Tokens travel in headers and cookies: keep them to characters both carry intact."""
    if len(token) < 8 or not all(33 <= ord(c) < 127 and c not in ';,"\\' for c in token):
        raise HistoriographError(
            f'{option}: use at least 8 printable ASCII characters without ; , " or \\'
        )


def content_security_policy(tile_url: str | None) -> str:
    images = "'self' data:" + (f" {tile_origin(tile_url)}" if tile_url else "")
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    )


@dataclass(frozen=True, slots=True)
class Access:
    token: str | None
    edit_token: str | None
    csp: str


def _same(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _bearer(headers: dict[str, str]) -> str | None:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def _cookie(headers: dict[str, str]) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:
        return None  # a malformed cookie header presents no token
    morsel = jar.get(COOKIE)
    return str(morsel.value) if morsel else None


def may_edit(access: Access, headers: dict[str, str]) -> bool:
    """Whether a request carries the edit token (never true when none is configured)."""
    return _same(headers.get(EDIT_HEADER), access.edit_token) or _same(
        _bearer(headers), access.edit_token
    )


class SecurityMiddleware:
    """Checks the token and the Host, adds the security headers, and turns crashes into 500s.

    It sits inside Starlette's own error handling, so it also answers for exceptions nothing
    else caught: that way even a 500 carries the security headers and the one error shape.
    """

    def __init__(self, app: ASGIApp, *, access: Access, send_error: ErrorSender) -> None:
        self.app = app
        self.access = access
        self.send_error = send_error

    def _security_headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"content-security-policy", self.access.csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [h for h in self._security_headers() if h[0] not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        headers = _headers(scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await self.send_error(scope, refusal[0], refusal[1], send_secured)
            return
        if self.access.token and self._token_in_query(scope):
            await self._set_cookie_and_redirect(scope, send_secured)
            return
        try:
            await self.app(scope, receive, send_secured)
        except Exception:
            _log.exception("unhandled error on %s", scope.get("path"))
            if not started:
                await self.send_error(
                    scope, 500, "internal error: the server failed; see its log", send_secured
                )

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        if not self.access.token:
            host = headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name.lower() not in _LOOPBACK_NAMES:
                return 400, "this server answers only requests to localhost (start it with --token)"
            return None
        presented = [_bearer(headers), _cookie(headers), self._token_in_query(scope)]
        if any(_same(p, self.access.token) or _same(p, self.access.edit_token) for p in presented):
            return None
        return 401, "a token is needed: send Authorization: Bearer TOKEN or open ?token=TOKEN once"

    @staticmethod
    def _token_in_query(scope: Scope) -> str | None:
        query = bytes(scope.get("query_string", b"")).decode("latin-1")
        for key, value in parse_qsl(query, keep_blank_values=True):
            if key == "token":
                return str(value)
        return None

    async def _set_cookie_and_redirect(self, scope: Scope, send: Send) -> None:
        query = bytes(scope.get("query_string", b"")).decode("latin-1")
        kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "token"]
        # Redirect to the URL without the token, so it leaves the address bar and history.
        # One leading slash: "//host" would send the browser to another site.
        path = "/" + quote(str(scope.get("path", "/"))).lstrip("/")
        location = path + (f"?{urlencode(kept)}" if kept else "")
        token = self.access.token or ""
        cookie = f"{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", location.encode("latin-1", "replace")),
                    (b"set-cookie", cookie.encode("latin-1", "replace")),
                    (b"content-length", b"0"),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})
