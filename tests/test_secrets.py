"""A fake key never reaches cassettes, the cache, logs, reports or error messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_server import FakeServer, Reply, SeenRequest, status
from typer.testing import CliRunner

from summarizer.cli import app

KEY = "sk-fake-0123456789abcdefSECRET"


def _config(server: FakeServer, tmp_path: Path) -> Path:
    path = tmp_path / "summarizer.toml"
    path.write_text(
        "[profiles.fake]\n"
        'kind = "openai"\n'
        'model = "fake-model"\n'
        f'base_url = "{server.base_url}"\n'
        'api_key_env = "FAKE_PROVIDER_KEY"\n'
        "timeout = 10\n"
        "max_retries = 0\n",
        encoding="utf-8",
    )
    return path


def _all_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_key_appears_nowhere_we_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_PROVIDER_KEY", KEY)
    monkeypatch.setenv("OPENAI_LOG", "debug")  # the SDK's own logging, at its most verbose
    article = tmp_path / "a.txt"
    article.write_text("Bridge\nThe council voted 7 to 3 on Monday.\n", encoding="utf-8")
    runner = CliRunner()
    outputs: list[str] = []
    with FakeServer() as server:
        cfg = str(_config(server, tmp_path))
        common = ["--config", cfg, "--provider", "fake"]
        runs = [
            ["report", str(article), "-o", str(tmp_path / "report.md"), *common],
            ["extract", str(article), "-o", str(tmp_path / "out"), "--no-cache", *common],
            [
                "report",
                str(article),
                *common,
                "--cassette",
                str(tmp_path / "c.json"),
                "--record-mode",
                "new",
            ],
            ["providers", "--config", cfg],
        ]
        for args in runs:
            result = runner.invoke(app, args)
            assert result.exit_code == 0, result.stderr
            outputs += [result.stdout, result.stderr]
    # The key was really used (so this test can fail) ...
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    # ... and is in no output and no file: cache, cassette, extractions, report.
    assert [o for o in outputs if KEY in o] == []
    written = _all_files(tmp_path)
    assert any(p.parent.name != "out" and p.suffix == ".json" for p in written)  # cache entry
    assert [p for p in written if KEY.encode() in p.read_bytes()] == []


@pytest.mark.parametrize("code", [400, 403, 500])
def test_key_echoed_by_the_server_is_redacted_from_the_error(
    code: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_PROVIDER_KEY", KEY)
    article = tmp_path / "a.txt"
    article.write_text("Bridge\nThe council voted 7 to 3 on Monday.\n", encoding="utf-8")

    def echo(seen: SeenRequest) -> Reply:
        return status(code, message=f"Incorrect API key: {seen.headers['authorization']}")

    with FakeServer(script=echo) as server:
        result = CliRunner().invoke(
            app,
            [
                "report",
                str(article),
                "--config",
                str(_config(server, tmp_path)),
                "--provider",
                "fake",
            ],
        )
    assert result.exit_code == 1
    assert KEY not in result.stderr
    (line,) = [ln for ln in result.stderr.splitlines() if ln.startswith("Error:")]
    assert "Incorrect API key: Bearer <redacted>" in line
