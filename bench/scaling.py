"""Benchmark 4: the comparison engine on synthetic corpora (``bench/compare_scale.py``).

Each size and each run is its own process (so peak RSS is that run's); seconds and
peak RSS are of ``compare_articles`` alone, as ``compare_scale.py`` documents. Runs of
one size are consecutive; the 5,000/1,000 ratio divides medians of this one run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import REPO, summary

FACTS = 40
SEED = 1
SCRIPT = REPO / "bench" / "compare_scale.py"
KEPT = (
    "articles",
    "facts",
    "claims",
    "groups",
    "multi_source_groups",
    "candidate_pairs",
    "discrepancies",
)


def _one(articles: int, max_seconds: float) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "row.json"
        cmd = [
            sys.executable,
            str(SCRIPT),
            "--articles",
            str(articles),
            f"--facts={FACTS}",
            f"--seed={SEED}",
            f"--max-seconds={max_seconds}",
            "--no-tracemalloc",
            "--worker",
            str(out),
        ]
        subprocess.run(cmd, cwd=REPO, env=env, check=True, timeout=max_seconds * 3 + 600)
        row: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return row


def run(plan: dict[int, int], max_seconds: float = 900.0) -> dict[str, Any]:
    """``plan`` maps a corpus size to its number of runs."""
    sizes = []
    for articles, runs in sorted(plan.items()):
        rows = []
        for i in range(runs):
            print(f"[bench] scaling: {articles} articles, run {i + 1}/{runs}", file=sys.stderr)
            rows.append(_one(articles, max_seconds))
        if any(r["stopped"] for r in rows):
            sizes.append({"articles": articles, "stopped": True, "max_seconds": max_seconds})
            break
        entry: dict[str, Any] = {k: rows[0].get(k) for k in KEPT}
        entry["seconds"] = summary([r["seconds"] for r in rows], 2)
        entry["cpu_seconds"] = summary([r["cpu_seconds"] for r in rows], 2)
        peaks = [r["rss_peak_mib"] or r["ru_maxrss_mib"] for r in rows]
        entry["peak_rss_mib"] = summary(peaks, 1)
        entry["generate_seconds"] = summary([r["generate_s"] for r in rows], 2)
        sizes.append(entry)
    by_size = {s["articles"]: s for s in sizes if not s.get("stopped")}
    ratios = {}
    for big, small in ((5000, 1000), (1000, 100)):
        if big in by_size and small in by_size:
            ratios[f"{big}/{small}"] = {
                "seconds": round(
                    by_size[big]["seconds"]["median"] / by_size[small]["seconds"]["median"], 2
                ),
                "claims": round(by_size[big]["claims"] / by_size[small]["claims"], 2),
            }
    return {
        "facts_per_article": FACTS,
        "seed": SEED,
        "command": f"python bench/compare_scale.py --articles N --facts {FACTS} --seed {SEED} "
        "--no-tracemalloc",
        "sizes": sizes,
        "ratios": ratios,
    }
