"""Benchmarks 3 and 5: the command line end to end, process start included.

Two commands: ``summarizer --help`` and the README's offline quickstart,
``summarizer report examples/scholz-putin --cassette cassettes/scholz-putin.json``.
Each run is a fresh process; wall time is from spawn to exit, peak RSS is that
process's own ``ru_maxrss`` (``os.wait4``). Runs of the variants are interleaved so
a busy neighbour on a shared machine slows them alike.

Variants: the installed console script (what users type), and, for a before/after
measured side by side, ``python -c "from summarizer.cli import main; main()"`` run in
this tree and in a baseline tree unpacked from git (the same launcher for both; each
tree replays its own cassette, since the cassette's keys follow its prompts).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from bench.common import REPO, run_child, summary

COMMANDS = {
    "help": ["--help"],
    "replay": [
        "report",
        "examples/scholz-putin",
        "--cassette",
        "cassettes/scholz-putin.json",
        "--quiet",
    ],
}
LAUNCHER = "import sys; from summarizer.cli import main; sys.argv[0] = 'summarizer'; main()"


def _console_script() -> str | None:
    here = Path(sys.executable).parent / "summarizer"
    return str(here) if here.exists() else shutil.which("summarizer")


def run(runs: int, baseline: Path | None, baseline_ref: str | None) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    variants: dict[str, tuple[list[str], Path]] = {}
    script = _console_script()
    if script is not None:
        variants["console script"] = ([script], REPO)
    variants["this tree"] = ([sys.executable, "-c", LAUNCHER], REPO)
    if baseline is not None:
        variants["baseline"] = ([sys.executable, "-c", LAUNCHER], baseline)
    samples: dict[tuple[str, str], list[tuple[float, float]]] = {
        (v, c): [] for v in variants for c in COMMANDS
    }
    # One unmeasured pass warms the page cache and the tokenizer cache of each variant.
    for _ in range(runs + 1):
        for command, args in COMMANDS.items():
            for variant, (launcher, cwd) in variants.items():
                done = run_child([*launcher, *args], cwd=cwd, env=env)
                if done.returncode != 0:
                    raise RuntimeError(
                        f"{variant} {command} exited {done.returncode}: {done.stderr}"
                    )
                samples[(variant, command)].append((done.seconds, done.max_rss_mib))
    rows = []
    for (variant, command), values in samples.items():
        measured = values[1:]  # drop the warm-up pass
        rows.append(
            {
                "variant": variant,
                "command": command,
                "argv": ["summarizer", *COMMANDS[command]],
                "seconds": summary([s for s, _ in measured]),
                "max_rss_mib": summary([m for _, m in measured], 1),
            }
        )
    return {
        "runs": runs,
        "baseline_ref": baseline_ref,
        "launcher": LAUNCHER,
        "rows": rows,
    }
