"""Golden files: the full sample reports, byte for byte.

A change to the report shows up here as a diff to review. After an intended change:
``pytest tests/test_golden.py --update-goldens``, then read ``git diff tests/golden``
before committing.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"

REFERENCE = ["compare", *sorted(f"examples/scholz-putin/reference/{p.name}" for p in
             (REPO / "examples" / "scholz-putin" / "reference").glob("*.json"))]  # fmt: skip
# The README's quickstart: the real recorded model responses, replayed.
CASSETTE = ["report", "examples/scholz-putin", "--cassette", "cassettes/scholz-putin.json", "-q"]

CASES = {
    "reference.md": REFERENCE,
    "reference.json": [*REFERENCE, "--format", "json"],
    "cassette.md": CASSETTE,
    "cassette.json": [*CASSETTE, "--format", "json"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_report_matches_golden_file(
    name: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)  # relative paths, as a user types them, appear in the report
    result = CliRunner().invoke(app, CASES[name])
    assert result.exit_code == 0, result.output
    path = GOLDEN / name
    if request.config.getoption("--update-goldens"):
        path.write_text(result.stdout, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run pytest {__file__} --update-goldens"
    expected = path.read_text(encoding="utf-8")
    if result.stdout != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), result.stdout.splitlines(), "golden", "now", lineterm="", n=1
        )
        shown = "\n".join(list(diff)[:80])
        pytest.fail(
            f"{name} differs from tests/golden/{name}; if intended, run "
            f"`pytest tests/test_golden.py --update-goldens` and review the diff:\n{shown}"
        )


def test_readme_excerpt_is_the_real_quickstart_output() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    excerpt = readme.split("```markdown\n", 1)[1].split("\n```", 1)[0]
    golden = (GOLDEN / "cassette.md").read_text(encoding="utf-8").splitlines()
    shown = [line for line in excerpt.splitlines() if line not in ("", "...")]
    assert len(shown) >= 10
    missing = [line for line in shown if line not in golden]
    assert not missing, f"README excerpt lines not in tests/golden/cassette.md: {missing}"
