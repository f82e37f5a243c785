"""A throwaway PostgreSQL cluster on a loopback port, for the tests and for .ci/run.

    python tests/postgres/pgcluster.py start DIR   # prints the server's URL
    python tests/postgres/pgcluster.py stop DIR

The cluster lives wholly in DIR (data, unix socket, log) and trusts local connections:
it is for tests only. initdb refuses to run as root, so as root the server runs as the
``postgres`` system user (Debian's package creates it), which is given DIR.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

USER = "historiograph"  # the cluster's superuser; connections are trusted
_STARTUP_SECONDS = 60


class ClusterError(RuntimeError):
    """The cluster could not be started (the message says why)."""


def find_bindir() -> Path:
    """The directory of initdb/pg_ctl: $PG_BINDIR, PATH, or Debian's versioned layout."""
    candidates: list[str] = []
    if env := os.environ.get("PG_BINDIR"):
        candidates.append(env)
    if found := shutil.which("initdb"):
        candidates.append(str(Path(found).resolve().parent))
    # Debian installs server binaries off PATH; prefer the newest version.
    candidates.extend(
        sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    )
    for candidate in candidates:
        if (Path(candidate) / "initdb").is_file() and (Path(candidate) / "pg_ctl").is_file():
            return Path(candidate)
    raise ClusterError(
        "no PostgreSQL server binaries (initdb, pg_ctl) found: install PostgreSQL "
        "(Debian: apt-get install postgresql) or set PG_BINDIR"
    )


def _version_key(path: str) -> int:
    try:
        return int(Path(path).parent.name)
    except ValueError:
        return 0


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    """``command`` run as an unprivileged user when we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return command
    try:
        pwd.getpwnam("postgres")
    except KeyError as e:
        raise ClusterError(
            "running as root and there is no 'postgres' user to run the server as"
        ) from e
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ClusterError("running as root and runuser is missing")
    return [runuser, "-u", "postgres", "--", *command]


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ClusterError(f"{what} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def start(directory: str | Path) -> str:
    """Create and start a cluster in ``directory``; return its connection URL."""
    base = Path(directory).resolve()
    base.mkdir(parents=True, exist_ok=True)
    data, sockets = base / "data", base / "sockets"
    sockets.mkdir(exist_ok=True)
    bindir = find_bindir()
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        for path in (base, sockets):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        # The server user must be able to reach DIR; we change no permissions but DIR's.
        for parent in base.parents:
            if parent.stat().st_mode & 0o001 == 0:
                raise ClusterError(
                    f"the postgres user cannot reach {base}: {parent} is not searchable by "
                    "others (use a folder right under /tmp)"
                )
    # C collation: ORDER BY agrees with SQLite's byte order; a UTF-8 ctype so that the
    # full-text parser folds the case of non-ASCII letters.
    _run(
        _as_server_user(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--lc-collate=C",
                "--lc-ctype=C.UTF-8",
                "--no-sync",
            ]
        ),
        "initdb",
    )
    port = free_port()
    # A test cluster: durability is not wanted, speed is.
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
    )
    _run(
        _as_server_user(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(base / "server.log"),
                "-w",
                "-t",
                str(_STARTUP_SECONDS),
                "start",
            ]
        ),
        f"pg_ctl start (see {base / 'server.log'})",
    )
    (base / "port").write_text(str(port))
    return url_for(base)


def url_for(directory: str | Path) -> str:
    port = (Path(directory) / "port").read_text().strip()
    return f"postgresql://{USER}@127.0.0.1:{port}/postgres"


def stop(directory: str | Path) -> None:
    """Stop the cluster in ``directory`` (fast shutdown); nothing if none runs there."""
    data = Path(directory).resolve() / "data"
    if not (data / "postmaster.pid").exists():
        return
    _run(
        _as_server_user(
            [str(find_bindir() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
        ),
        "pg_ctl stop",
    )


def wait_ready(url: str, seconds: float = 10.0) -> None:
    """Raise ClusterError unless ``url`` accepts connections within ``seconds``."""
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            with psycopg.connect(url, connect_timeout=5):
                return
        except psycopg.OperationalError as e:
            if time.monotonic() > deadline:
                raise ClusterError(f"{url}: no answer ({e})") from e
            time.sleep(0.2)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"start", "stop", "url"}:
        print("usage: pgcluster.py start|stop|url DIR", file=sys.stderr)
        return 2
    action, directory = argv
    try:
        if action == "start":
            print(start(directory))
        elif action == "url":
            print(url_for(directory))
        else:
            stop(directory)
    except ClusterError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
