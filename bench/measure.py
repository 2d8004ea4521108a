"""Run a command and measure it: wall seconds and the peak resident memory of its process tree.

Not ``os.wait4``'s ``ru_maxrss``: Linux carries a process's peak RSS across fork and exec, so a
child started by a benchmark that holds a gigabyte of test mail reports that gigabyte as its own
peak (it did for bench/fuzz_score.py: 3,631 MB whatever the job did). This polls each process's
own high-water mark (``VmHWM`` in /proc) instead, for the command and every process it starts.
"""
from __future__ import annotations

import subprocess
import time
from pathlib import Path


def _tree(pid: int) -> list[int]:
    """pid and its descendants, as far as /proc shows them now."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                pass
    return out


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_measured(cmd: list[str], env: dict | None = None, every: float = 0.2,
                 **popen) -> tuple[int, float, float]:
    """(exit code, wall seconds, peak MB of the largest process of the tree). A process that
    lives shorter than ``every`` may be missed; the job's processes live for the whole run."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, **popen)
    peak: dict[int, int] = {}
    while proc.poll() is None:
        for pid in _tree(proc.pid):
            peak[pid] = max(peak.get(pid, 0), _hwm_kb(pid))
        time.sleep(every)
    return proc.returncode, time.perf_counter() - t, max(peak.values(), default=0) / 1024
