"""Measure calls repeated after kill -9 of a real run (issue 6; must be 0).

    python bench/kill9.py [--articles 40] [--kill-after 15] [--concurrency 8]

Starts the fake server from tests/ with 0.3 s latency, runs ``summarizer extract``,
SIGKILLs it after --kill-after answers, reruns, and prints the counts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from kill_resume import kill_and_resume


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--kill-after", type=int, default=15)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            result = kill_and_resume(
                Path(tmp),
                articles=args.articles,
                kill_after=args.kill_after,
                concurrency=args.concurrency,
            )
        print(f"run {run + 1}: {result}")


if __name__ == "__main__":
    main()
