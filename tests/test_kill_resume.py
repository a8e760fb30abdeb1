"""A real ``summarizer extract`` killed with SIGKILL mid-run repeats no completed call."""

from __future__ import annotations

import json
from pathlib import Path

from kill_resume import kill_and_resume


def test_kill_9_mid_run_then_rerun_repeats_no_completed_call(tmp_path: Path) -> None:
    result = kill_and_resume(tmp_path, articles=10, kill_after=3, concurrency=3, latency=0.3)
    assert result.rerun_exit == 0
    assert result.completed_before_kill >= 3
    assert result.repeated_completed == 0
    # The rerun asked exactly for what was never answered.
    assert result.rerun_requests == result.articles - result.completed_before_kill
    files = sorted((tmp_path / "out").glob("*.json"))
    assert len(files) == result.articles
    for file in files:
        json.loads(file.read_text(encoding="utf-8"))  # every file is whole
