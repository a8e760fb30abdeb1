"""Token-budgeted chunking, and offline token counting."""

from __future__ import annotations

import hashlib
import itertools
import os
import string
from pathlib import Path

import pytest
import tiktoken
import tiktoken.load
import tiktoken.registry
from conftest import ARTICLES

import summarizer.chunking
import summarizer.tokens
from summarizer.chunking import DEFAULT_CHUNK_TOKENS, MIN_CHUNK_TOKENS, Chunk, split_text
from summarizer.errors import ConfigError
from summarizer.ingest import load_articles
from summarizer.tokens import count_tokens

BUDGETS = [DEFAULT_CHUNK_TOKENS, 200, 120]


def _article_text(path: Path) -> str:
    [article] = load_articles([path])
    return article.text


def _check_invariants(text: str, chunks: list[Chunk], budget: int) -> None:
    """Everything split_text promises for text made of words shorter than the budget."""
    assert chunks, "no chunks for a non-empty text"
    assert [c.index for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert c.text == text[c.start : c.end], f"chunk {c.index} is not its slice"
        assert c.text.strip(), f"chunk {c.index} is whitespace only"
        recount = count_tokens(c.text)
        assert c.tokens == recount, f"chunk {c.index} says {c.tokens} tokens, has {recount}"
        assert c.tokens <= budget, f"chunk {c.index} has {c.tokens} tokens > {budget}"
    # Tiling: consecutive, no overlap, and whatever is left out is only whitespace.
    assert text[: chunks[0].start].strip() == ""
    assert text[chunks[-1].end :].strip() == ""
    for prev, cur in itertools.pairwise(chunks):
        assert prev.end <= cur.start, f"chunks {prev.index} and {cur.index} overlap"
        gap = text[prev.end : cur.start]
        assert gap.strip() == "", f"text lost between chunks {prev.index}/{cur.index}: {gap!r}"
    # No cut inside a word.
    for c in chunks:
        for boundary in (c.start, c.end):
            if 0 < boundary < len(text):
                before, after = text[boundary - 1], text[boundary]
                assert not (before.isalnum() and after.isalnum()), (
                    f"chunk {c.index} cut a word at {boundary}: "
                    f"{text[max(0, boundary - 20) : boundary + 20]!r}"
                )


@pytest.mark.parametrize("budget", BUDGETS)
@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_corpus_chunks_respect_budget_and_tile_the_text(path: Path, budget: int) -> None:
    text = _article_text(path)
    chunks = split_text(text, budget)
    _check_invariants(text, chunks, budget)


@pytest.mark.parametrize("budget", BUDGETS)
@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_corpus_chunks_tile_exactly(path: Path, budget: int) -> None:
    # The corpus has no leading or trailing whitespace-only stretch, so here the tiling is
    # exact: first start 0, each start == previous end, last end == len(text).
    text = _article_text(path)
    chunks = split_text(text, budget)
    assert chunks[0].start == 0
    for prev, cur in itertools.pairwise(chunks):
        assert cur.start == prev.end
    assert chunks[-1].end == len(text)
    assert "".join(c.text for c in chunks) == text


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_smaller_budget_never_gives_fewer_chunks(path: Path) -> None:
    text = _article_text(path)
    counts = [len(split_text(text, budget)) for budget in BUDGETS]
    assert counts == sorted(counts)
    total = count_tokens(text)
    # Every chunk holds at most `budget` tokens, so at least ceil(total / budget) are needed
    # (token counts are nearly additive across the cut points, which are whitespace).
    assert counts[-1] >= total // 120


def test_sizes_are_balanced_where_paragraphs_allow() -> None:
    # 974 tokens under an 800 budget: greedy packing would give ~800 + ~174; balancing
    # gives two near-equal chunks, since a scrap costs a model call like a full chunk.
    text = _article_text(next(p for p in ARTICLES if p.stem == "04_bloomberg"))
    chunks = split_text(text, 800)
    assert len(chunks) == 2
    small, large = sorted(c.tokens for c in chunks)
    assert large - small < 100, [c.tokens for c in chunks]


def test_balancing_never_adds_a_chunk() -> None:
    # 1,579 tokens cannot be cut into two chunks of <= 800 at paragraph boundaries; the
    # result must then be the greedy one, not more chunks.
    text = _article_text(next(p for p in ARTICLES if p.stem == "03_responsible-statecraft"))
    greedy = split_text(text, 800)
    assert [c.tokens for c in greedy][:2] == [750, 784]
    assert all(c.tokens <= 800 for c in greedy)


def test_short_text_is_one_chunk() -> None:
    text = "Scholz called Putin.\n\nThey spoke for an hour.\n"
    [chunk] = split_text(text)
    assert (chunk.index, chunk.start, chunk.end, chunk.text) == (0, 0, len(text), text)
    assert chunk.tokens == count_tokens(text)


def test_leading_blank_lines_are_kept_in_the_first_chunk() -> None:
    text = "\n\n\nHeadline\n\n" + "Sentence number one is here. " * 40 + "\n"
    chunks = split_text(text, 60)
    _check_invariants(text, chunks, 60)
    assert len(chunks) > 1
    assert chunks[0].start == 0
    assert chunks[0].text.startswith("\n\n\nHeadline")
    assert chunks[-1].end == len(text)


# ---------------------------------------------------------------------------
# words longer than the budget


def test_enormous_word_is_not_cut_mid_word() -> None:
    word = "".join(
        string.ascii_lowercase[i % 26] + string.ascii_uppercase[i * 7 % 26] for i in range(400)
    )
    budget = MIN_CHUNK_TOKENS
    assert count_tokens(word) > budget
    text = f"The report opened with a code. {word} and then the story went on.\n"
    chunks = split_text(text, budget)

    start = text.index(word)
    end = start + len(word)
    holding = [c for c in chunks if c.start < end and c.end > start]
    assert len(holding) == 1, "the long word was spread over several chunks"
    [big] = holding
    assert big.start <= start
    assert big.end >= end
    assert word in big.text
    assert big.tokens == count_tokens(big.text)
    assert big.tokens > budget  # allowed only because the word alone exceeds the budget
    # Every other chunk still honours the budget and the text is still tiled.
    for c in chunks:
        assert c.text == text[c.start : c.end]
        if c is not big:
            assert c.tokens <= budget
    assert "".join(c.text for c in chunks).strip() == text.strip()


def test_enormous_word_alone() -> None:
    word = "x" * 3 + "".join(str(i) for i in range(300))
    [chunk] = split_text(word, MIN_CHUNK_TOKENS)
    assert chunk.text == word
    assert chunk.tokens > MIN_CHUNK_TOKENS


# ---------------------------------------------------------------------------
# budget validation


@pytest.mark.parametrize("budget", [MIN_CHUNK_TOKENS - 1, 10, 0, -5])
def test_budget_below_minimum_raises_config_error(budget: int) -> None:
    with pytest.raises(ConfigError, match=str(MIN_CHUNK_TOKENS)):
        split_text("Some text.", budget)


def test_minimum_budget_is_accepted() -> None:
    chunks = split_text("Some text.", MIN_CHUNK_TOKENS)
    assert [c.text for c in chunks] == ["Some text."]


# ---------------------------------------------------------------------------
# sentence splitting and abbreviations

BUDGET = MIN_CHUNK_TOKENS
_LEAD = "The German government released a short statement about the call on Friday. "
_TAIL = "Officials in Berlin declined to add anything to that statement later on. "


def _abbreviation_text(before: str, abbr_and_next: str, after: str) -> tuple[str, str]:
    """One paragraph: lead sentence, a long sentence containing the abbreviation, tail.

    The long sentence fits the budget alone but not with a neighbour, and the lead
    sentence plus the part of the long sentence up to the abbreviation also fits: so if
    the abbreviation were taken as a sentence end, the packer would cut right after it
    (the control test below checks that it does).
    """
    middle = f"{before}{abbr_and_next}{after}"
    text = _LEAD + middle + _TAIL
    assert count_tokens(text) > BUDGET  # forces sentence-level splitting
    assert count_tokens(middle) <= BUDGET
    assert count_tokens(_LEAD + middle) > BUDGET
    assert count_tokens(middle + _TAIL) > BUDGET
    return text, middle


CASES = {
    "Feb.": (
        "Scholz and Putin last spoke by telephone in early 2022, on ",
        "Feb. 23",
        ", one day before Russian troops crossed the border into Ukraine and the full war in "
        "Europe began. ",
    ),
    "Mr.": (
        "According to the spokesman, the conversation was requested by ",
        "Mr. Scholz",
        " himself, who wanted to press the Kremlin hard on talks about a lasting ceasefire and "
        "on the fate of Ukrainian prisoners. ",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_sentence_cut_after_abbreviation(case: str) -> None:
    before, abbr, after = CASES[case]
    text, middle = _abbreviation_text(before, abbr, after)
    chunks = split_text(text, BUDGET)
    _check_invariants(text, chunks, BUDGET)
    m_start = text.index(middle)
    m_end = m_start + len(middle)
    holding = [c for c in chunks if c.start < m_end and c.end > m_start]
    assert len(holding) == 1, [c.text for c in chunks]
    assert abbr in holding[0].text
    cut_after = text.index(abbr) + len(abbr.split()[0]) + 1  # just past "Feb. " / "Mr. "
    assert all(c.start != cut_after for c in chunks)


@pytest.mark.parametrize("case", sorted(CASES))
def test_abbreviation_text_would_be_cut_without_the_abbreviation_rule(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Control for the test above: with no abbreviation list the same text IS cut right
    # after the abbreviation, so that test exercises sentence-level splitting for real.
    before, abbr, after = CASES[case]
    text, _ = _abbreviation_text(before, abbr, after)
    monkeypatch.setattr(summarizer.chunking, "_ABBREVIATIONS", frozenset())
    chunks = split_text(text, BUDGET)
    cut_after = text.index(abbr) + len(abbr.split()[0]) + 1
    assert any(c.start == cut_after for c in chunks), [c.text for c in chunks]


def test_sentences_are_cut_at_real_sentence_ends() -> None:
    sentences = [
        f"Sentence {i} says that the leaders talked about topic number {i} at length. "
        for i in range(12)
    ]
    text = "".join(sentences)
    chunks = split_text(text, MIN_CHUNK_TOKENS)
    _check_invariants(text, chunks, MIN_CHUNK_TOKENS)
    assert len(chunks) > 1
    for c in chunks:
        assert c.text.startswith("Sentence "), c.text
        assert c.text.endswith(". "), c.text


# ---------------------------------------------------------------------------
# offline tokenizer


def test_get_encoding_primes_an_empty_cache_dir_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))

    def no_network(blobpath: str) -> bytes:
        raise AssertionError(f"tiktoken tried to fetch {blobpath}")

    # Make tiktoken build the encoding afresh, from the cache dir, with downloads blocked.
    monkeypatch.setattr(tiktoken.load, "read_file", no_network)
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    summarizer.tokens.get_encoding.cache_clear()
    try:
        enc = summarizer.tokens.get_encoding()
        assert isinstance(enc, tiktoken.Encoding)
        assert enc.name == "o200k_base"
        assert enc.decode(enc.encode("Scholz called Putin.")) == "Scholz called Putin."
    finally:
        summarizer.tokens.get_encoding.cache_clear()

    url = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
    files = sorted(p.name for p in cache.iterdir())
    assert files == [hashlib.sha1(url.encode()).hexdigest()], files
    data = (cache / files[0]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == (
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
    )
    # The caller's TIKTOKEN_CACHE_DIR is left as it was.
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(cache)


def test_get_encoding_rejects_unknown_encoding() -> None:
    summarizer.tokens.get_encoding.cache_clear()
    try:
        with pytest.raises(ConfigError, match="o200k_base"):
            summarizer.tokens.get_encoding("p50k_made_up")
    finally:
        summarizer.tokens.get_encoding.cache_clear()


def test_count_tokens_treats_special_token_text_as_plain_text() -> None:
    assert count_tokens("<|endoftext|>") > 1
    assert count_tokens("") == 0
