"""CLI options of issue 6: cache info/clear, --dry-run, --no-cache, progress output."""

from __future__ import annotations

import io
from pathlib import Path

from fake_server import FakeServer
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.progress import ProgressView


def _setup(server: FakeServer, tmp_path: Path) -> list[str]:
    cfg = tmp_path / "summarizer.toml"
    cfg.write_text(
        '[profiles.fake]\nkind = "openai-compatible"\nmodel = "m"\n'
        f'base_url = "{server.base_url}"\n',
        encoding="utf-8",
    )
    for n in range(3):
        (tmp_path / f"s{n}.txt").write_text(
            f"Story {n}\nThe council voted {n} to 3 on Monday.\n", encoding="utf-8"
        )
    return [*(str(tmp_path / f"s{n}.txt") for n in range(3)), "--config", str(cfg), "-p", "fake"]


def test_dry_run_calls_nothing_and_knows_what_is_cached(tmp_path: Path) -> None:
    runner = CliRunner()
    with FakeServer() as server:
        args = _setup(server, tmp_path)
        before = runner.invoke(app, ["report", *args, "--dry-run"])
        assert server.requests == []
        runner.invoke(app, ["report", *args, "--quiet"])
        after = runner.invoke(app, ["report", *args, "--dry-run"])
    assert "calls: 3 to make, 0 already cached" in before.stdout
    assert "calls: 0 to make, 3 already cached" in after.stdout
    assert len(server.requests) == 3


def test_cache_info_and_clear(tmp_path: Path) -> None:
    runner = CliRunner()
    with FakeServer() as server:
        args = _setup(server, tmp_path)
        runner.invoke(app, ["report", *args, "--quiet"])
        info = runner.invoke(app, ["cache", "info"])
        assert "3 cached responses" in info.stdout
        cleared = runner.invoke(app, ["cache", "clear"])
        assert "removed 3 cached responses" in cleared.stdout
        runner.invoke(app, ["report", *args, "--quiet"])
    assert len(server.requests) == 6
    assert "3 cached responses" in runner.invoke(app, ["cache", "info"]).stdout


def test_cache_clear_leaves_files_that_are_not_its_own(tmp_path: Path) -> None:
    cache = tmp_path / "checkpoints"  # $SUMMARIZER_CACHE_DIR in the tests
    cache.mkdir()
    (cache / "notes.txt").write_text("mine", encoding="utf-8")
    CliRunner().invoke(app, ["cache", "clear"])
    assert (cache / "notes.txt").exists()


def test_no_cache_sends_every_call(tmp_path: Path) -> None:
    runner = CliRunner()
    with FakeServer() as server:
        args = _setup(server, tmp_path)
        for _ in range(2):
            result = runner.invoke(app, ["report", *args, "--no-cache"])
            assert result.exit_code == 0
    assert len(server.requests) == 6
    assert "3 calls made, 0 from cache" in result.stderr


def test_progress_lines_without_a_terminal_and_none_with_quiet(tmp_path: Path) -> None:
    runner = CliRunner()
    with FakeServer() as server:
        args = _setup(server, tmp_path)
        loud = runner.invoke(app, ["report", *args])
        quiet = runner.invoke(app, ["report", *args, "--quiet"])
    assert "\x1b[" not in loud.stderr  # not a terminal: no bar, no control characters
    assert "summarizer: " in loud.stderr
    assert quiet.stderr == ""


def test_progress_bar_draws_on_a_terminal() -> None:
    view = ProgressView(quiet=False, force_terminal=True)
    sink = io.StringIO()
    view._console.file = sink
    with view:
        view.part_done(0, 10)
        view.message("hidden behind the bar")
        view.part_done(5, 10)
    assert view.wants_bar
    assert "hidden behind the bar" not in sink.getvalue()
    assert ProgressView(quiet=True, force_terminal=True).wants_bar is False
