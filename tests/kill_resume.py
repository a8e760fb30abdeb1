"""kill -9 a real ``summarizer extract`` mid-run, rerun it, count repeated calls.

Used by tests/test_kill_resume.py and bench/kill9.py. The fake server (with latency)
counts every request by its cassette key. Once some answers are out, the server holds
further answers, we wait until the client has cached every answer it received, then
SIGKILL the process; calls sent but unanswered at that moment were never completed.
The rerun must not send any completed call again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from fake_server import FakeServer


@dataclass(frozen=True)
class KillResult:
    articles: int
    completed_before_kill: int  # answers the killed process received
    in_flight_at_kill: int  # requests sent but not answered when it died
    rerun_requests: int
    repeated_completed: int  # completed calls the rerun sent again: must be 0
    rerun_exit: int


def _wait_for(condition: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.02)


def _cached(cache: Path) -> int:
    return sum(1 for _ in cache.glob("??/*.json"))


def kill_and_resume(
    workdir: Path,
    *,
    articles: int = 12,
    kill_after: int = 4,
    concurrency: int = 3,
    latency: float = 0.3,
) -> KillResult:
    corpus = workdir / "corpus"
    corpus.mkdir(parents=True)
    for n in range(articles):
        (corpus / f"story-{n:03d}.txt").write_text(
            f"Story {n}\nThe council voted {n + 5} to 3 on Monday. The mayor spoke after.\n",
            encoding="utf-8",
        )
    cache = workdir / "cache"
    env = {**os.environ, "SUMMARIZER_CACHE_DIR": str(cache)}
    with FakeServer(latency=latency, max_seconds=300) as server:
        config = workdir / "summarizer.toml"
        config.write_text(
            "[profiles.fake]\n"
            'kind = "openai-compatible"\n'
            'model = "fake-model"\n'
            f'base_url = "{server.base_url}"\n'
            "timeout = 30\n",
            encoding="utf-8",
        )
        command = [
            sys.executable,
            "-m",
            "summarizer",
            "extract",
            str(corpus),
            "-o",
            str(workdir / "out"),
            "--config",
            str(config),
            "--provider",
            "fake",
            "--concurrency",
            str(concurrency),
            "--quiet",
        ]
        victim = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        try:
            _wait_for(lambda: len(server.completed) >= kill_after, 120)
            server.hold()
            # Every answer already written must reach the cache before the kill, or it
            # was not "completed" from the client's side.
            _wait_for(lambda: _cached(cache) >= len(server.completed), 30)
            victim.send_signal(signal.SIGKILL)
            victim.wait(30)
        finally:
            if victim.poll() is None:
                victim.kill()
                victim.wait(30)
        completed = {r.key for r in server.completed}
        first = len(server.requests)
        server.release()
        rerun = subprocess.run(command, env=env, stderr=subprocess.PIPE, timeout=300)
        again = server.keys()[first:]
    return KillResult(
        articles=articles,
        completed_before_kill=len(completed),
        in_flight_at_kill=first - len(completed),
        rerun_requests=len(again),
        repeated_completed=len(completed & set(again)),
        rerun_exit=rerun.returncode,
    )
