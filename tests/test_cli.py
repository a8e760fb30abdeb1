"""The command line: exit codes, one-line errors, offline report and compare.

Model responses are hand-written fixtures recorded into a cassette inside the test
(``ModelClient`` + ``QueueTransport``); nothing reaches a model server.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, QueueTransport, chat_response, valid_extraction
from typer.testing import CliRunner, Result

from summarizer import __version__
from summarizer.cassette import Cassette, RecordMode
from summarizer.chunking import DEFAULT_CHUNK_TOKENS, split_text
from summarizer.cli import app
from summarizer.config import load_config
from summarizer.extraction import ChunkExtractor
from summarizer.ingest import load_articles, make_article
from summarizer.models import (
    SCHEMA_VERSION,
    ArticleExtraction,
    ChunkExtraction,
    ChunkRecord,
)
from summarizer.pipeline import write_extraction
from summarizer.provider import ModelClient

ARTICLE = "Scholz calls Putin\n\nScholz and Putin agreed to remain in contact.\n"
SECRET = "sk-test-SECRET-67890"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def _error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def no_local_server(monkeypatch: pytest.MonkeyPatch) -> None:
    # Port 9 (discard) has no listener here: the built-in 'local' profile is unreachable,
    # and no test in this file can ever reach the real server on the default port.
    monkeypatch.setenv("SUMMARIZER_LOCAL_PORT", "9")


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def cassette(tmp_path: Path, article: Path, no_local_server: None) -> Path:
    """A one-entry cassette for ``a.txt``, recorded here from a hand-written response."""
    path = tmp_path / "cassette.json"
    profile = load_config().resolve("local")
    transport = QueueTransport([chat_response(json.dumps(valid_extraction()), model="m-fixture")])
    client = ModelClient(
        profile,
        cassette=Cassette.load(path, must_exist=False),
        record_mode=RecordMode.NEW,
        inner_transport=transport,
    )
    (loaded,) = load_articles([str(article.name)])
    ChunkExtractor(client).extract_article(loaded, DEFAULT_CHUNK_TOKENS)
    client.close()
    assert len(transport.requests) == 1
    assert len(json.loads(path.read_text(encoding="utf-8"))["entries"]) == 1
    return path


def _extraction(name: str, text: str, statement: str, quote: str) -> ArticleExtraction:
    article = make_article(text.encode(), name)
    data = valid_extraction(quote)
    data["facts"][0]["statement"] = statement
    return ArticleExtraction(
        schema_version=SCHEMA_VERSION,
        article_id=article.article_id,
        source=name,
        title=article.title,
        sha256=article.sha256,
        text=article.text,
        provider="local",
        model="m-fixture",
        chunks=[
            ChunkRecord(
                index=0,
                start=0,
                end=len(article.text),
                tokens=split_text(article.text)[0].tokens,
                extraction=ChunkExtraction.model_validate(data),
                usage=None,
            )
        ],
    )


@pytest.fixture
def extraction_files(tmp_path: Path) -> list[Path]:
    first = _extraction(
        "one.txt",
        "One\n\nScholz and Putin agreed to remain in contact, officials said.\n",
        "Scholz and Putin agreed to stay in contact.",
        "Scholz and Putin agreed to remain in contact",
    )
    second = _extraction(
        "two.txt",
        "Two\n\nThe leaders agreed to stay in contact after the call.\n",
        "Scholz and Putin agreed to stay in contact after the call.",
        "The leaders agreed to stay in contact",
    )
    out = tmp_path / "extractions"
    return [write_extraction(first, out), write_extraction(second, out)]


# -- version and usage errors ----------------------------------------------------------


def test_version_exits_0() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"summarizer {__version__}"


def test_python_dash_m_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "summarizer", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"summarizer {__version__}"


def test_bad_record_mode_is_a_usage_error_listing_modes(article: Path) -> None:
    result = run("report", str(article), "--record-mode", "nne")
    assert result.exit_code == 2
    assert "nne" in result.output
    for mode in ("'none'", "'new'", "'all'"):
        assert mode in result.output


def test_record_mode_is_case_insensitive(cassette: Path, article: Path) -> None:
    result = run("report", article.name, "--cassette", str(cassette), "--record-mode", "NONE")
    assert result.exit_code == 0, result.output


# -- input errors -----------------------------------------------------------------------


def test_missing_input_path_is_one_error_line(tmp_path: Path) -> None:
    missing = tmp_path / "nothere.txt"
    result = run("report", str(missing), "--quiet")
    assert result.exit_code == 1
    assert _error_lines(result) == [f"Error: {missing} does not exist: check the path"]
    assert result.stdout == ""


def test_empty_input_file_exits_1(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n\n")
    result = run("report", str(empty), "--quiet")
    assert result.exit_code == 1
    (line,) = _error_lines(result)
    assert line.startswith("Error: ")
    assert str(empty) in line
    assert "is empty" in line


def test_input_file_with_only_a_bom_is_reported_as_empty(tmp_path: Path) -> None:
    # Regression: a file holding just a UTF-8 BOM (what some editors save for an
    # "empty" UTF-8 file) used to pass the raw-bytes emptiness check, decode to "" and
    # crash make_article's title lookup with StopIteration (a traceback, no "Error:").
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf\n")
    result = run("report", str(bom), "--quiet")
    assert result.exit_code == 1
    assert not isinstance(result.exception, StopIteration)
    (line,) = _error_lines(result)
    assert line.startswith("Error: ")
    assert "is empty" in line


# -- provider errors -----------------------------------------------------------------


def test_local_provider_without_server_says_to_start_it(
    article: Path, no_local_server: None
) -> None:
    result = run("report", str(article), "--provider", "local", "--no-cache", "--quiet")
    assert result.exit_code == 1
    (line,) = _error_lines(result)
    # One line naming the article, the part and the cause.
    assert line.startswith(f"Error: {article}, part 1/1 (chars 0-")
    assert "Cannot reach the 'local' model server at http://127.0.0.1:9/v1" in line
    assert "scripts/local-model.sh serve" in line
    assert result.stdout == ""


def test_openai_provider_without_key_names_the_variable(article: Path) -> None:
    result = run("report", str(article), "--provider", "openai", "--quiet")
    assert result.exit_code == 1
    (line,) = _error_lines(result)
    assert line.startswith("Error: ")
    assert "OPENAI_API_KEY" in line


def test_unknown_provider_lists_valid_ones(article: Path) -> None:
    result = run("report", str(article), "--provider", "nosuch", "--quiet")
    assert result.exit_code == 1
    (line,) = _error_lines(result)
    assert "'nosuch'" in line
    assert "local, openai" in line


# -- providers --------------------------------------------------------------------------


def test_providers_marks_active_profile_and_hides_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    result = run("providers")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "* local" in lines
    assert "  openai" in lines
    assert "$OPENAI_API_KEY (set)" in result.stdout
    assert SECRET not in result.output


def test_providers_follows_summarizer_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_PROVIDER", "openai")
    result = run("providers")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "* openai" in lines
    assert "  local" in lines
    assert "$OPENAI_API_KEY (NOT set)" in result.stdout


def test_providers_accepts_the_readme_example_profile(tmp_path: Path) -> None:
    # Regression: a profile that does not override a built-in one used to be
    # type-checked without the Profile defaults, so the README's own [profiles.ollama]
    # example was rejected with "temperature = None has the wrong type".
    (tmp_path / "summarizer.toml").write_text(
        'default = "ollama"\n\n'
        "[profiles.ollama]\n"
        'kind = "openai-compatible"\n'
        'model = "qwen2.5:7b-instruct"\n'
        'base_url = "http://127.0.0.1:11434/v1"\n'
        'output_mode = "json_schema"\n',
        encoding="utf-8",
    )
    result = run("providers")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "* ollama" in lines
    assert "    max_tokens   1500" in lines


def test_bad_config_file_is_one_error_line(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[profiles.x\n", encoding="utf-8")
    result = run("providers", "--config", str(config))
    assert result.exit_code == 1
    (line,) = _error_lines(result)
    assert line.startswith(f"Error: Config file {config} is not valid TOML")


# -- compare ---------------------------------------------------------------------------


def test_compare_is_deterministic_markdown(extraction_files: list[Path]) -> None:
    args = ["compare", *map(str, extraction_files)]
    first = run(*args)
    second = run(*args)
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes
    report = first.stdout
    assert report.startswith("# What 2 sources report\n")
    assert "## Consensus" in report
    assert "| 2 | one, two |" in report  # the consensus table: how many sources, which
    assert "\u201cScholz and Putin agreed to remain in contact\u201d" in report


def test_compare_output_file(extraction_files: list[Path], tmp_path: Path) -> None:
    stdout = run("compare", *map(str, extraction_files)).stdout
    out = tmp_path / "reports" / "r.md"
    result = run("compare", *map(str, extraction_files), "-o", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == stdout


def test_compare_non_json_file_names_it(tmp_path: Path) -> None:
    bad = tmp_path / "notes.json"
    bad.write_text("this is not json\n", encoding="utf-8")
    result = run("compare", str(bad))
    assert result.exit_code == 1
    (line,) = _error_lines(result)
    assert line.startswith(f"Error: {bad} is not a JSON extraction file")


def test_compare_wrong_schema_version(extraction_files: list[Path]) -> None:
    data = json.loads(extraction_files[0].read_text(encoding="utf-8"))
    data["schema_version"] = SCHEMA_VERSION + 1
    extraction_files[0].write_text(json.dumps(data), encoding="utf-8")
    result = run("compare", *map(str, extraction_files))
    assert result.exit_code == 1
    (line,) = _error_lines(result)
    assert str(extraction_files[0]) in line
    assert f"schema_version {SCHEMA_VERSION + 1}" in line
    assert result.stdout == ""


def test_compare_invalid_extraction_names_the_field(extraction_files: list[Path]) -> None:
    data = json.loads(extraction_files[0].read_text(encoding="utf-8"))
    del data["chunks"]
    extraction_files[0].write_text(json.dumps(data), encoding="utf-8")
    result = run("compare", str(extraction_files[0]))
    assert result.exit_code == 1
    (line,) = _error_lines(result)
    assert "is not a valid extraction (chunks:" in line


def test_compare_missing_file(tmp_path: Path) -> None:
    result = run("compare", str(tmp_path / "gone.json"))
    assert result.exit_code == 1
    assert _error_lines(result) == [
        f"Error: {tmp_path / 'gone.json'} does not exist: check the path"
    ]


# -- report and extract from a cassette -------------------------------------------


def test_report_replays_cassette_deterministically(cassette: Path, article: Path) -> None:
    args = ["report", article.name, "--cassette", str(cassette), "--quiet"]
    first = run(*args)
    second = run(*args)
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes
    assert first.stdout.startswith("# What 1 source report\n")
    assert "Extracted by: m-fixture." in first.stdout
    assert first.stderr == ""


def test_report_output_file(cassette: Path, article: Path, tmp_path: Path) -> None:
    expected = run("report", article.name, "--cassette", str(cassette), "-q").stdout
    out = tmp_path / "out" / "report.md"
    result = run("report", article.name, "--cassette", str(cassette), "-q", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == expected


def test_report_cassette_miss_is_one_error_line(cassette: Path, tmp_path: Path) -> None:
    other = tmp_path / "b.txt"
    other.write_text("Another story\n\nSomething else happened today.\n", encoding="utf-8")
    result = run("report", other.name, "--cassette", str(cassette), "--quiet")
    assert result.exit_code == 1
    (line,) = _error_lines(result)
    assert line.startswith(f"Error: Cassette {cassette} has no response for request")
    assert "nearest recorded request" in line


def test_report_missing_cassette_says_to_record(article: Path, tmp_path: Path) -> None:
    absent = tmp_path / "absent.json"
    result = run("report", article.name, "--cassette", str(absent), "--quiet")
    assert result.exit_code == 1
    (line,) = _error_lines(result)
    assert str(absent) in line
    assert "--record-mode new" in line


def test_extract_then_compare_from_cassette(cassette: Path, article: Path, tmp_path: Path) -> None:
    out = tmp_path / "ex"
    result = run("extract", article.name, "--cassette", str(cassette), "-o", str(out))
    assert result.exit_code == 0, result.output
    (written,) = sorted(out.glob("*.json"))
    assert f"summarizer: wrote {written}" in result.stderr
    data = json.loads(written.read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["provider"] == "local"
    assert data["model"] == "m-fixture"

    direct = run("report", article.name, "--cassette", str(cassette), "-q", "--format", "json")
    compared = run("compare", str(written), "--format", "json")
    assert compared.exit_code == 0
    a, b = json.loads(direct.stdout), json.loads(compared.stdout)
    # Only where the responses came from differs: the same report otherwise.
    assert a["run"].pop("responses").startswith(f"cassette {cassette.as_posix()}")
    assert b["run"].pop("responses") == "extraction files"
    # ... and what the extracting run itself did (compare makes no call).
    assert a["run"].pop("this_run")["calls_replayed"] == 1
    assert b["run"].pop("this_run") is None
    assert a == b
