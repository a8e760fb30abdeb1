"""Benchmark 1: call throughput against the ideal, on a local fake OpenAI server.

200 chunk calls against ``tests/fake_server.py`` answering after a fixed 0.5 s, at
concurrency 1, 8 and 16; the ideal wall time is ceil(N / c) x latency, efficiency is
ideal / actual. Needs the fake server and ``run_extraction(..., concurrency=c)``;
until both exist the benchmark reports itself skipped, with the reason, and the other
benchmarks still run.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import statistics
import sys
import time
from typing import Any

from bench.common import REPO

CALLS = 200
LATENCY = 0.5
CONCURRENCY = (1, 8, 16)


def _requirements() -> tuple[Any, Any] | str:
    """(FakeServer, extract_articles) or the reason the benchmark cannot run."""
    tests = str(REPO / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    try:
        from fake_server import FakeServer  # type: ignore[import-not-found]
    except ImportError as exc:
        return f"tests/fake_server.py is not importable ({exc}); it lands with the concurrency work"
    from summarizer.pipeline import run_extraction

    if "concurrency" not in inspect.signature(run_extraction).parameters:
        return "summarizer.pipeline.run_extraction has no 'concurrency' parameter yet"
    return FakeServer, run_extraction


def _articles(calls: int) -> list[Any]:
    """``calls`` one-chunk articles, so one article is one call."""
    from summarizer.ingest import make_article

    return [
        make_article(
            f"Article {i}\n\nScholz and Putin agreed to remain in contact, "
            f"said statement number {i}.\n".encode(),
            f"a{i:03d}.txt",
        )
        for i in range(calls)
    ]


def _requests_seen(server: Any) -> int | None:
    for name in ("request_count", "requests", "calls", "hits"):
        value = getattr(server, name, None)
        if isinstance(value, int):
            return value
        if isinstance(value, list | tuple):
            return len(value)
    return None


def run(runs: int) -> dict[str, Any]:
    found = _requirements()
    if isinstance(found, str):
        return {"skipped": True, "reason": found}
    fake_server, extract_articles = found
    from summarizer.chunking import split_text
    from summarizer.config import load_config

    articles = _articles(CALLS)
    split_text(articles[0].text)  # load the tokenizer before anything is timed
    rows = []
    try:
        for c in CONCURRENCY:
            walls = []
            seen = None
            for _ in range(runs):
                with fake_server(latency=LATENCY) as server:
                    profile = dataclasses.replace(
                        load_config().resolve("local"), base_url=server.base_url
                    )
                    t0 = time.perf_counter()
                    # No cache: every call reaches the server, as on a first run.
                    extract_articles(articles, profile, cache_dir=None, concurrency=c)
                    walls.append(time.perf_counter() - t0)
                    seen = _requests_seen(server)
            ideal = math.ceil(CALLS / c) * LATENCY
            wall = statistics.median(walls)
            rows.append(
                {
                    "concurrency": c,
                    "calls": CALLS,
                    "requests_seen": seen,
                    "ideal_seconds": ideal,
                    "seconds": [round(w, 3) for w in walls],
                    "median_seconds": round(wall, 3),
                    "efficiency": round(ideal / wall, 3),
                }
            )
    except (TypeError, AttributeError) as exc:  # the fake server's API differs from ours
        return {"skipped": True, "reason": f"fake server API mismatch: {exc!r}"}
    return {"skipped": False, "latency_s": LATENCY, "rows": rows}
