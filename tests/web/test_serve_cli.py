"""``historiograph serve``: refuses unsafe or impossible setups in one line, else runs uvicorn."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Calls to uvicorn.run, captured instead of serving."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.delenv("HISTORIOGRAPH_TOKEN", raising=False)
    return calls


def test_serve_binds_loopback_by_default(
    cli: Callable[..., Any], web_db: Path, served: list[dict[str, Any]]
) -> None:
    result = cli("serve", "--db", str(web_db))
    assert result.code == 0, result.err
    assert served[0]["host"] == "127.0.0.1" and served[0]["port"] == 8000
    assert "http://127.0.0.1:8000/" in result.out


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "example.org", "::"])
def test_serve_refuses_other_hosts_without_a_token(
    cli: Callable[..., Any], web_db: Path, served: list[dict[str, Any]], host: str
) -> None:
    result = cli("serve", "--db", str(web_db), "--host", host)
    assert result.code == 1
    assert result.err.startswith("error: refusing to listen on") and result.err.count("\n") == 1
    assert not served


def test_serve_other_host_with_a_token(
    cli: Callable[..., Any],
    web_db: Path,
    served: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = cli("serve", "--db", str(web_db), "--host", "0.0.0.0", "--token", "s3cret-token")
    assert result.code == 0, result.err
    assert served[-1]["host"] == "0.0.0.0"
    monkeypatch.setenv("HISTORIOGRAPH_TOKEN", "from-the-environment")
    assert cli("serve", "--db", str(web_db), "--host", "0.0.0.0", "--port", "9001").code == 0
    assert served[-1]["port"] == 9001
    for host in ("localhost", "::1", "127.0.0.2"):
        monkeypatch.delenv("HISTORIOGRAPH_TOKEN")
        assert cli("serve", "--db", str(web_db), "--host", host).code == 0
        monkeypatch.setenv("HISTORIOGRAPH_TOKEN", "from-the-environment")


def test_serve_missing_db_is_one_line_and_creates_nothing(
    cli: Callable[..., Any], tmp_path: Path, served: list[dict[str, Any]]
) -> None:
    missing = tmp_path / "nope.db"
    result = cli("serve", "--db", str(missing))
    assert result.code == 1
    assert result.err.startswith("error: ") and result.err.count("\n") == 1
    assert "no knowledge base" in result.err
    assert not missing.exists() and not served


def test_serve_bad_options(
    cli: Callable[..., Any], web_db: Path, served: list[dict[str, Any]]
) -> None:
    bad_tile = cli("serve", "--db", str(web_db), "--tile-url", "javascript:alert(1)")
    assert bad_tile.code == 1 and "--tile-url" in bad_tile.err
    assert cli("serve", "--db", str(web_db), "--port", "70000").code == 1
    assert cli("serve", "--db", str(web_db), "--token", "x").code == 1
    assert not served
