"""The workbench under a bounded load on 127.0.0.1 while an ingest writes to the same base:
every request answered, none with a 5xx, and the ingest complete (bench/load_bench.py runs
the same with 20,000 requests and prints the latencies)."""

from __future__ import annotations

import importlib.util
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from support import ROOT


def _load_bench() -> ModuleType:
    # The bench's load generator, imported by path: bench/ is not a package.
    spec = importlib.util.spec_from_file_location("load_bench", ROOT / "bench" / "load_bench.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_no_server_error_under_load_during_an_ingest(tmp_path: Path, sample_db_copy: Path) -> None:
    bench = _load_bench()
    bench.write_corpus(tmp_path / "corpus", 300)
    port = bench.free_port()
    server = bench.start_server(sample_db_copy, port)
    try:
        plan = bench.urls(sample_db_copy, 1200)
        ingest = subprocess.Popen(
            [*bench.CLI, "ingest", str(tmp_path / "corpus"), "--db", str(sample_db_copy),
             "--no-nlp", "-q"],
            stderr=subprocess.PIPE,
        )  # fmt: skip
        result = bench.run_load(f"http://127.0.0.1:{port}", plan, 16)
        _, err = ingest.communicate(timeout=600)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert ingest.returncode == 0, err
    assert result.transport_errors == 0
    assert result.requests == len(plan)
    assert result.server_errors == 0
    p50, p99 = result.percentiles()
    print(
        f"\n{result.requests} requests in {result.seconds:.1f} s: p50 {p50:.0f}, p99 {p99:.0f} ms"
    )
    conn = sqlite3.connect(sample_db_copy)
    try:
        assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 4 + 300
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
