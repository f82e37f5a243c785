"""CPU time and peak memory of a process's descendants, read from /proc while they run.

Parse workers are forked by a forkserver and Dask workers by their nannies, so
neither is a child that RUSAGE_CHILDREN would ever count: this walks
``/proc/PID/task/*/children`` down from a process a few times a second and keeps,
for every descendant seen, its last CPU total and its peak RSS (VmHWM).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _family(pid: int) -> list[int]:
    # Each thread lists the children it started (Dask starts its workers from its
    # event-loop thread), so every task of the process is read.
    children: list[str] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += (task / "children").read_text().split()
        except OSError:
            continue
    found: list[int] = []
    for child in map(int, children):
        found.append(child)
        found.extend(_family(child))
    return found


class TreeWatcher:
    """Watches the descendants of ``root`` (default: this process) from a thread."""

    def __init__(self, root: int | None = None, interval: float = 0.1) -> None:
        self.root = root or os.getpid()
        self.interval = interval
        self.seen: dict[int, tuple[float, float]] = {}  # pid -> (cpu seconds, peak RSS MB)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> TreeWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sample()
        self._done.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._done.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        for pid in _family(self.root):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            cpu_s = (int(fields[11]) + int(fields[12])) / _TICK
            hwm = int(status.split("VmHWM:")[1].split()[0]) / 1024 if "VmHWM:" in status else 0.0
            old_cpu, old_hwm = self.seen.get(pid, (0.0, 0.0))
            self.seen[pid] = (max(cpu_s, old_cpu), max(hwm, old_hwm))

    @property
    def cpu_s(self) -> float:
        return sum(cpu for cpu, _ in self.seen.values())

    @property
    def peak_rss_mb(self) -> float:
        """The largest descendant's peak RSS."""
        return max((rss for _, rss in self.seen.values()), default=0.0)
