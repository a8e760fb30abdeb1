"""What every benchmark shares: the machine, child processes, medians, a baseline tree."""

from __future__ import annotations

import io
import os
import platform
import statistics
import subprocess
import tarfile
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# What the baseline tree holds: enough to run the CLI and the token count as they were.
BASELINE_PATHS = ("summarizer", "prompts", "schemas", "cassettes", "examples")


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, check=False, timeout=60
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def machine() -> dict[str, Any]:
    """The machine and the code measured, as recorded in every result file."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "memory_gib": _mem_total_gib(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def summary(values: Sequence[float], digits: int = 4) -> dict[str, Any]:
    """Median of several runs, with the spread and the raw values."""
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "runs": len(values),
        "values": [round(v, digits) for v in values],
    }


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    max_rss_mib: float
    returncode: int
    stderr: str


def run_child(
    cmd: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 600.0,
) -> ChildRun:
    """Run one process; wall time from spawn to exit and its own peak RSS (wait4).

    ``resource.getrusage(RUSAGE_CHILDREN)`` is a maximum over every child ever waited
    for, so it cannot give one run's peak; ``os.wait4`` returns that child's own usage.
    Output goes to files, never pipes, so a chatty child cannot block.
    """
    with open(os.devnull, "wb") as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=out, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    return ChildRun(
        seconds=seconds,
        max_rss_mib=usage.ru_maxrss / 1024,  # KiB on Linux
        returncode=proc.returncode,
        stderr=tail,
    )


def baseline_tree(ref: str, into: Path) -> Path:
    """The files of ``ref`` that the CLI needs, unpacked read-only from git (no worktree)."""
    data = subprocess.run(
        ["git", "archive", "--format=tar", ref, *BASELINE_PATHS],
        cwd=REPO,
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into, filter="data")
        else:  # pragma: no cover - Python before 3.10.12 / 3.11.4
            tar.extractall(into)
    return into


def resolve_ref(ref: str) -> str:
    return _git("rev-parse", "--verify", f"{ref}^{{commit}}") or ref
