"""Benchmark: wall time and peak memory of the offline quickstart (replay + report).

    python bench/replay.py [--runs 5]

Prints one line per stage and a summary; numbers in README and notes come from here.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from summarizer.cassette import Cassette, RecordMode
from summarizer.chunking import DEFAULT_CHUNK_TOKENS, split_text
from summarizer.config import load_config
from summarizer.engine import compare_articles
from summarizer.extraction import ChunkExtractor
from summarizer.ingest import load_articles
from summarizer.provider import ModelClient
from summarizer.report import render_report

REPO = Path(__file__).resolve().parent.parent


def run_once() -> dict[str, float]:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    articles = load_articles([REPO / "examples" / "scholz-putin"])
    timings["ingest"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for article in articles:
        split_text(article.text)
    timings["chunk"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    cassette = Cassette.load(REPO / "cassettes" / "scholz-putin.json", must_exist=True)
    client = ModelClient(
        load_config().resolve("local"), cassette=cassette, record_mode=RecordMode.NONE
    )
    extractor = ChunkExtractor(client)
    extractions = [extractor.extract_article(a, DEFAULT_CHUNK_TOKENS) for a in articles]
    timings["extract (replay)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    render_report(compare_articles(extractions))
    timings["compare + report"] = time.perf_counter() - t0
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    runs = [run_once() for _ in range(args.runs)]
    total = time.perf_counter() - started
    for stage in runs[0]:
        values = [r[stage] for r in runs]
        print(f"{stage:<18} median {statistics.median(values) * 1000:8.1f} ms")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{'all stages':<18} {total / args.runs * 1000:8.1f} ms per run over {args.runs} runs "
        "(the first run includes loading the tokenizer)"
    )
    print(f"peak RSS           {peak_kib / 1024:8.1f} MiB")


if __name__ == "__main__":
    main()
