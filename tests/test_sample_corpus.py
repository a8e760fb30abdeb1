"""The shipped sample corpus, replayed from the committed cassette of a real local model."""

from __future__ import annotations

import json
import re

from conftest import CASSETTE, CORPUS
from typer.testing import CliRunner

from summarizer.cassette import Cassette, RecordMode
from summarizer.cli import app
from summarizer.config import load_config
from summarizer.extraction import ChunkExtractor
from summarizer.ingest import load_articles
from summarizer.provider import ModelClient


def test_quickstart_replays_with_no_key_and_identical_bytes() -> None:
    runner = CliRunner()
    args = ["report", str(CORPUS), "--cassette", str(CASSETTE), "--quiet"]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    assert first.stdout.startswith("# What 5 sources report")
    for label in (
        "01_commentary",
        "02_key-takeaways",
        "03_responsible-statecraft",
        "04_bloomberg",
        "05_defence-talks",
    ):
        assert f"| {label} |" in first.stdout


def test_every_cassette_entry_is_a_real_local_model_response_used_once() -> None:
    cassette = Cassette.load(CASSETTE, must_exist=True)
    for entry in cassette.entries:
        assert entry.meta["provider_kind"] == "openai-compatible"
        assert entry.meta["profile"] == "local"
        assert "qwen2.5-coder-1.5b-instruct" in entry.meta["response_model"].lower()
        assert entry.meta["usage"]["completion_tokens"] > 0
        assert entry.meta["recorded_at"].startswith("20")
    client = ModelClient(
        load_config().resolve("local"), cassette=cassette, record_mode=RecordMode.NONE
    )
    extractor = ChunkExtractor(client)
    for article in load_articles([CORPUS]):
        extractor.extract_article(article, 800)
    assert client.transport is not None
    # One entry per request the pipeline makes today: none missing, none stale.
    assert client.transport.hits == len(cassette.entries)
    assert len({e.key for e in cassette.entries}) == len(cassette.entries)


def test_cassette_holds_no_secret_or_header() -> None:
    text = CASSETTE.read_text(encoding="utf-8")
    for needle in ("authorization", "bearer", "api-key", "x-api-key"):
        assert needle not in text.lower()
    assert re.search(r"\bsk-[A-Za-z0-9]", text) is None


def test_cassette_file_is_versioned_readable_json() -> None:
    data = json.loads(CASSETTE.read_text(encoding="utf-8"))
    assert data["format"] == "summarizer-cassette"
    assert data["version"] == 1
    body = data["entries"][0]["request"]["body"]
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["temperature"] == 0
    assert "seed" in body
