"""``python -m bench``: run the benchmarks, write one JSON file, regenerate README's table.

    python -m bench                        # everything; about 20 minutes on 2 cores
    python -m bench --quick                # fewer runs, no 5,000-article corpus
    python -m bench --only latency,tokens  # a subset (README is left alone)
    python -m bench --render bench/results/FILE.json   # README from a stored run

Results go to ``bench/results/<UTC time>-<commit>.json`` (sorted keys, machine and
commit included). ``bench/README.md`` is rewritten between its ``bench:begin`` and
``bench:end`` markers only after a full run (or with ``--readme``), so a partial or
quick run never replaces the full table.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import latency, scaling, throughput, tokens
from bench.common import REPO, baseline_tree, machine, resolve_ref
from bench.readme import update_readme

BENCHMARKS = ("throughput", "tokens", "latency", "scaling")
ALIASES = {"rss": "latency", "replay": "latency", "startup": "latency", "compare": "scaling"}
# The commit before issue 7's changes (lazy imports, schema without descriptions).
DEFAULT_BASELINE = "c1d6aa2"
RESULTS = REPO / "bench" / "results"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only",
        default=",".join(BENCHMARKS),
        help=f"comma-separated subset of {', '.join(BENCHMARKS)} (rss = latency)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="3 latency runs, 1 scaling run, no 5,000 articles"
    )
    parser.add_argument("--runs", type=int, help="latency runs per command (default 7; quick 3)")
    parser.add_argument(
        "--scale-runs", type=int, help="runs of the 100 and 1,000-article corpora (default 3)"
    )
    parser.add_argument(
        "--big-runs", type=int, help="runs of the 5,000-article corpus (default 1; quick 0)"
    )
    parser.add_argument(
        "--throughput-runs", type=int, default=3, help="runs per concurrency (default 3)"
    )
    parser.add_argument(
        "--baseline",
        default=DEFAULT_BASELINE,
        help=f"git ref measured side by side for before/after (default {DEFAULT_BASELINE})",
    )
    parser.add_argument("--no-baseline", action="store_true", help="measure this tree only")
    readme = parser.add_mutually_exclusive_group()
    readme.add_argument("--readme", action="store_true", help="rewrite README even if partial")
    readme.add_argument("--no-readme", action="store_true", help="never rewrite README")
    parser.add_argument("--render", type=Path, help="only rewrite README from this result file")
    args = parser.parse_args(argv)
    chosen = []
    for name in args.only.split(","):
        name = ALIASES.get(name.strip(), name.strip())
        if name not in BENCHMARKS:
            parser.error(f"unknown benchmark {name!r}: choose from {', '.join(BENCHMARKS)}")
        if name not in chosen:
            chosen.append(name)
    args.chosen = [b for b in BENCHMARKS if b in chosen]
    args.runs = args.runs or (3 if args.quick else 7)
    args.scale_runs = args.scale_runs or (1 if args.quick else 3)
    if args.big_runs is None:
        args.big_runs = 0 if args.quick else 1
    return args


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    if args.render is not None:
        update_readme(json.loads(args.render.read_text(encoding="utf-8")), args.render)
        _log(f"README regenerated from {args.render}")
        return
    command = "python -m bench" + ("" if not sys.argv[1:] else " " + shlex.join(sys.argv[1:]))
    started = datetime.now(timezone.utc)
    result: dict[str, Any] = {
        "format": "summarizer-bench",
        "version": 1,
        "command": command,
        "started": started.isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(),
        "benchmarks": {},
    }
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as tmp:
        base_path: Path | None = None
        base_ref: str | None = None
        if not args.no_baseline and {"latency", "tokens"} & set(args.chosen):
            base_ref = resolve_ref(args.baseline)
            base_path = baseline_tree(base_ref, Path(tmp) / "baseline")
            _log(f"baseline tree {base_ref[:12]} unpacked in {base_path}")
        for name in args.chosen:
            _log(f"{name} ...")
            t0 = time.perf_counter()
            try:
                if name == "throughput":
                    out = throughput.run(args.throughput_runs)
                elif name == "tokens":
                    out = tokens.run(base_path, base_ref)
                elif name == "latency":
                    out = latency.run(args.runs, base_path, base_ref)
                else:
                    plan = {100: args.scale_runs, 1000: args.scale_runs}
                    if args.big_runs:
                        plan[5000] = args.big_runs
                    out = scaling.run(plan)
            except Exception as exc:  # one broken benchmark must not lose the others
                failed = True
                traceback.print_exc()
                out = {"error": f"{type(exc).__name__}: {exc}"}
            out["wall_seconds"] = round(time.perf_counter() - t0, 1)
            result["benchmarks"][name] = out
            _log(f"{name} done in {out['wall_seconds']} s")
    finished = datetime.now(timezone.utc)
    result["finished"] = finished.isoformat(timespec="seconds")
    RESULTS.mkdir(parents=True, exist_ok=True)
    commit = (result["machine"]["git_commit"] or "nogit")[:7]
    path = RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}-{commit}.json"
    path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _log(f"wrote {path.relative_to(REPO)}")
    full = args.chosen == list(BENCHMARKS) and not args.quick
    if args.readme or (full and not args.no_readme and not failed):
        update_readme(result, path)
        _log("bench/README.md regenerated")
    else:
        _log("bench/README.md left alone (partial, quick or failed run; --readme forces it)")
    if failed:
        sys.exit(1)
