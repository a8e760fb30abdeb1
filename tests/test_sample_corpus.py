"""The shipped sample corpus, replayed from the committed cassette of a real local model."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import CASSETTE, CORPUS, FIXTURES
from typer.testing import CliRunner

from summarizer.cassette import Cassette, RecordMode
from summarizer.checking import CheckedArticle, check_article
from summarizer.chunking import DEFAULT_CHUNK_TOKENS
from summarizer.cli import app
from summarizer.config import load_config
from summarizer.engine import compare_articles
from summarizer.extraction import ChunkExtractor
from summarizer.ingest import load_articles
from summarizer.models import ArticleExtraction
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
        extractor.extract_article(article, DEFAULT_CHUNK_TOKENS)
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


# EXPECTED.md, "Must not appear as facts of this event": words that only occur in the
# unrelated stories and page chrome of the sample articles.
MUST_NOT_APPEAR = [
    "Oreshnik",
    "Pakistan",
    "hijab",
    "self-defense",
    "veterans",
    "Chile",
    "visas",
    "Cuban",
    "Follow us on social",
    "google cta",
    "Leave a review",
    "newsletter",
    "Subscribe",
    "image credit",
]


def _replayed_extractions() -> list[ArticleExtraction]:
    cassette = Cassette.load(CASSETTE, must_exist=True)
    client = ModelClient(
        load_config().resolve("local"), cassette=cassette, record_mode=RecordMode.NONE
    )
    extractor = ChunkExtractor(client)
    return [extractor.extract_article(a, DEFAULT_CHUNK_TOKENS) for a in load_articles([CORPUS])]


def test_unrelated_stories_and_chrome_never_become_facts() -> None:
    result = compare_articles(_replayed_extractions())
    reported = [
        f"{claim.statement} {claim.quote}" for group in result.groups for claim in group.claims
    ]
    assert reported, "the corpus should yield facts"
    for words in MUST_NOT_APPEAR:
        leaks = [r for r in reported if words.lower() in r.lower()]
        assert not leaks, f"{words!r} reported as a fact of the event: {leaks[0][:120]}"


def test_html_page_gives_the_same_checked_facts_as_the_text(tmp_path: Path) -> None:
    page = tmp_path / "04_bloomberg.html"
    page.write_bytes((FIXTURES / "04_bloomberg_page.html").read_bytes())
    client = ModelClient(
        load_config().resolve("local"),
        cassette=Cassette.load(CASSETTE, must_exist=True),
        record_mode=RecordMode.NONE,
    )
    extractor = ChunkExtractor(client)
    (html_article,) = load_articles([page])
    (text_article,) = load_articles([CORPUS / "04_bloomberg.txt"])
    # Same text, so the same requests: the cassette answers both (a miss would raise).
    html_checked = check_article(extractor.extract_article(html_article, DEFAULT_CHUNK_TOKENS))
    text_checked = check_article(extractor.extract_article(text_article, DEFAULT_CHUNK_TOKENS))

    def key(article: CheckedArticle) -> list[tuple[str, int | None, int | None, str]]:
        return [
            (f.fact.statement, f.evidence.start, f.evidence.end, f.evidence.grade.value)
            for f in article.facts
        ]

    assert key(html_checked) == key(text_checked)
    assert key(html_checked), "the article should yield checked facts"
    assert html_article.outlet == "Bloomberg"
