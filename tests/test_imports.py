"""Start-up: the command line loads heavy libraries only in the commands that use them.

A correctness property, not a timing assertion (timings live in bench/): ``--help`` and
``compare`` must work without importing the openai SDK, its HTTP stack, trafilatura or
rich, whatever they cost on a given machine.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO

HEAVY = ("openai", "httpx2", "trafilatura", "rich", "tiktoken", "jsonschema")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    return set(json.loads(last))


@pytest.mark.parametrize("module", ["summarizer", "summarizer.cli"])
def test_importing_loads_no_heavy_library(module: str) -> None:
    loaded = _loaded_after(f"import {module}")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_help_loads_no_heavy_library() -> None:
    code = (
        "from summarizer.cli import app\n"
        "try:\n"
        "    app(['--help'], prog_name='summarizer')\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
    )
    loaded = _loaded_after(code)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_compare_never_loads_the_openai_sdk() -> None:
    files = sorted(
        str(p) for p in (REPO / "examples" / "scholz-putin" / "reference").glob("*.json")
    )
    assert files
    code = (
        "import io, contextlib\n"
        "from summarizer.cli import app\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        f"        app(['compare', *{files!r}], prog_name='summarizer')\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code in (0, None), exc.code\n"
        "assert out.getvalue().startswith('# What'), out.getvalue()[:200]\n"
    )
    loaded = _loaded_after(code)
    assert "summarizer.engine" in loaded  # the probe did run the comparison
    for name in ("openai", "httpx2", "trafilatura", "rich"):
        assert name not in loaded, name


def test_the_library_names_still_resolve() -> None:
    import summarizer

    for name in summarizer.__all__:
        assert getattr(summarizer, name) is not None, name
    with pytest.raises(AttributeError):
        _ = summarizer.no_such_name  # type: ignore[attr-defined]
