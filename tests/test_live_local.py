"""End to end against a running local model server; skipped unless SUMMARIZER_LIVE=1.

scripts/local-model.sh serve &
SUMMARIZER_LIVE=1 python -m pytest tests/test_live_local.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(os.environ.get("SUMMARIZER_LIVE") != "1", reason="needs a model server"),
]

ARTICLE = (
    "Leaders agree to keep talking\n"
    "The two leaders spoke by phone for about an hour on Friday, the first call in nearly "
    "two years, a government spokesperson said. They agreed to stay in contact.\n"
)


def test_record_new_then_replay_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    article = tmp_path / "call.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    cassette = tmp_path / "live.json"
    runner = CliRunner()
    recorded = runner.invoke(
        app,
        [
            "report",
            str(article),
            "--provider",
            "local",
            "--cassette",
            str(cassette),
            "--record-mode",
            "new",
            "--quiet",
        ],
    )
    assert recorded.exit_code == 0, recorded.output
    entries = json.loads(cassette.read_text(encoding="utf-8"))["entries"]
    assert entries
    assert all(e["meta"]["usage"]["completion_tokens"] > 0 for e in entries)
    # Replay with the server unreachable: the same bytes, from the cassette alone.
    monkeypatch.setenv("SUMMARIZER_LOCAL_PORT", "9")
    replayed = runner.invoke(app, ["report", str(article), "--cassette", str(cassette), "-q"])
    assert replayed.exit_code == 0, replayed.output
    assert replayed.stdout == recorded.stdout
