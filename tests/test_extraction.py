"""Per-chunk extraction through the real openai SDK against hand-written responses.

Every response body is a hand-written fixture (``chat_response`` or
``tests/fixtures/fixture_*.json``), never a recording; ``QueueTransport`` plays the
server and keeps the requests the SDK sent.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, QueueTransport, chat_response, valid_extraction

from summarizer.cache import ResponseCache
from summarizer.chunking import MIN_CHUNK_TOKENS, split_text
from summarizer.config import OutputMode, Profile, ProviderKind
from summarizer.errors import InvalidOutputError, OutputTruncatedError
from summarizer.extraction import ChunkExtractor, validate_output
from summarizer.ingest import Article, make_article
from summarizer.models import ChunkExtraction, response_schema
from summarizer.provider import SCHEMA_NAME, ModelClient

SHORT_TEXT = b"Scholz calls Putin\n\nScholz and Putin agreed to remain in contact.\n"

_SENTENCES = [
    "Chancellor Olaf Scholz spoke with President Vladimir Putin by telephone on Friday.",
    "It was their first conversation in nearly two years, a government spokesperson said.",
    "Scholz urged Putin to withdraw his troops from Ukraine and to begin negotiations.",
    "The Kremlin said any agreement must take account of new territorial realities.",
    "Both leaders agreed that their advisers would remain in contact over the coming weeks.",
    "Ukrainian President Volodymyr Zelensky criticised the call as opening Pandora's box.",
    "Several European allies were informed in advance of the conversation, officials said.",
    "Analysts in Brussels described the call as a domestic political move before elections.",
]
_MORE_SENTENCES = [
    "The call lasted about an hour and was initiated by the German side, officials said.",
    "Moscow described the conversation as detailed and frank, according to state media.",
    "Germany remains the second-biggest supplier of military aid to Ukraine "
    "after the United States.",
    "Opposition leaders in Berlin questioned the timing of the call before the G20 summit.",
    "A spokesperson for the chancellor declined to say whether another call was planned.",
    "Officials in Washington said they had been briefed on the conversation beforehand.",
    "Polish Prime Minister Donald Tusk warned that nobody would stop the war with phone calls.",
    "The Kremlin said Putin had also raised the question of energy cooperation with Germany.",
]
# One chunk at the default budget, but big enough (> 2 * MIN_CHUNK_TOKENS) to be halved.
SPLITTABLE_TEXT = (
    "Scholz calls Putin\n\n"
    + "\n\n".join(" ".join(_SENTENCES[i : i + 2]) for i in range(0, len(_SENTENCES), 2))
    + "\n"
).encode()
# Two chunks of > 2 * MIN_CHUNK_TOKENS each at a 150-token budget.
_ALL = _SENTENCES + _MORE_SENTENCES
TWO_CHUNK_TEXT = (
    "Scholz calls Putin\n\n"
    + "\n\n".join(" ".join(_ALL[i : i + 2]) for i in range(0, len(_ALL), 2))
    + "\n"
).encode()
TWO_CHUNK_BUDGET = 150


def _profile(mode: OutputMode = OutputMode.JSON_SCHEMA, **changes: Any) -> Profile:
    profile = Profile(
        name="test",
        kind=ProviderKind.OPENAI_COMPATIBLE,
        model="requested-model",
        base_url="http://fake.invalid/v1",
        output_mode=mode,
        timeout=5.0,
    )
    return dataclasses.replace(profile, **changes)


def _extractor(
    bodies: list[dict[str, Any]],
    profile: Profile | None = None,
    cache_dir: Path | None = None,
) -> tuple[ChunkExtractor, QueueTransport]:
    transport = QueueTransport(bodies)
    cache = ResponseCache(cache_dir) if cache_dir is not None else None
    client = ModelClient(profile or _profile(), inner_transport=transport, cache=cache)
    return ChunkExtractor(client), transport


def _only_chunk(article: Article) -> Any:
    chunks = split_text(article.text, 800)
    assert len(chunks) == 1
    return chunks[0]


def _valid() -> dict[str, Any]:
    return chat_response(json.dumps(valid_extraction()))


def _invalid_fixture() -> dict[str, Any]:
    body: dict[str, Any] = json.loads(
        (FIXTURES / "fixture_invalid_first_response.json").read_text(encoding="utf-8")
    )
    assert "Hand-written fixture" in body["_comment"]
    return body


# -- validation and retries ------------------------------------------------------


def test_fixture_is_invalid_for_the_documented_reason() -> None:
    raw = _invalid_fixture()["choices"][0]["message"]["content"]
    with pytest.raises(ValueError, match="'positions' is a required property"):
        validate_output(raw, response_schema())


def test_invalid_first_answer_is_sent_back_and_second_accepted() -> None:
    article = make_article(SHORT_TEXT, "a.txt")
    invalid = _invalid_fixture()
    extractor, transport = _extractor([invalid, _valid()])

    record = extractor.extract_chunk(article, _only_chunk(article), 1, 1)

    assert record.extraction == ChunkExtraction.model_validate(valid_extraction())
    assert len(transport.requests) == 2
    first = transport.sent_json(0)["messages"]
    second = transport.sent_json(1)["messages"]
    assert len(first) == 2
    assert second[:2] == first
    assert second[2] == {
        "role": "assistant",
        "content": invalid["choices"][0]["message"]["content"],
    }
    assert second[3]["role"] == "user"
    assert "did not validate against the schema" in second[3]["content"]
    assert "'positions' is a required property" in second[3]["content"]


def test_non_json_answer_is_retried_with_the_parse_error() -> None:
    article = make_article(SHORT_TEXT, "a.txt")
    extractor, transport = _extractor([chat_response("Sure! Here are the facts:"), _valid()])

    extractor.extract_chunk(article, _only_chunk(article), 1, 1)

    retry = transport.sent_json(1)["messages"]
    assert retry[2]["content"] == "Sure! Here are the facts:"
    assert "not valid JSON" in retry[3]["content"]


def test_still_invalid_after_three_attempts_raises_with_raw_output() -> None:
    article = make_article(SHORT_TEXT, "a.txt")
    bad = [_invalid_fixture(), _invalid_fixture(), chat_response('{"facts": "last"}')]
    extractor, transport = _extractor(bad)

    with pytest.raises(InvalidOutputError) as info:
        extractor.extract_chunk(article, _only_chunk(article), 1, 1)

    assert len(transport.requests) == 3
    assert info.value.raw_output == '{"facts": "last"}'
    assert "after 3 attempts" in str(info.value)
    assert "a.txt" in str(info.value)


def test_pydantic_only_violation_is_retried() -> None:
    # minLength is stripped from the schema sent to the model; pydantic still enforces it.
    article = make_article(SHORT_TEXT, "a.txt")
    blank = valid_extraction()
    blank["article"]["main_event"] = "   "
    extractor, transport = _extractor([chat_response(json.dumps(blank)), _valid()])

    extractor.extract_chunk(article, _only_chunk(article), 1, 1)

    assert len(transport.requests) == 2
    assert "$.article.main_event" in transport.sent_json(1)["messages"][3]["content"]


# -- finish_reason == "length" --------------------------------------------------------


def test_length_answer_is_never_parsed_even_if_valid() -> None:
    article = make_article(SHORT_TEXT, "a.txt")
    content = json.dumps(valid_extraction())
    extractor, transport = _extractor([chat_response(content, finish_reason="length")])

    with pytest.raises(OutputTruncatedError) as info:
        extractor.extract_chunk(article, _only_chunk(article), 1, 1)

    assert info.value.raw_output == content
    assert len(transport.requests) == 1  # no validation retry either
    assert "max_tokens" in str(info.value)


def test_length_on_a_big_chunk_splits_it_and_extracts_the_halves() -> None:
    article = make_article(SPLITTABLE_TEXT, "a.txt")
    chunk = _only_chunk(article)
    assert chunk.tokens // 2 >= MIN_CHUNK_TOKENS
    halves = split_text(chunk.text, chunk.tokens // 2)
    assert len(halves) >= 2
    bodies = [chat_response('{"facts": [', finish_reason="length")]
    bodies += [chat_response(json.dumps(valid_extraction(f"q{i}"))) for i in range(len(halves))]
    extractor, transport = _extractor(bodies)

    result = extractor.extract_article(article, 800)

    assert len(transport.requests) == 1 + len(halves)
    records = result.chunks
    assert [r.index for r in records] == list(range(len(records)))
    assert [r.extraction.facts[0].quote for r in records] == [f"q{i}" for i in range(len(halves))]
    # The pieces tile the original chunk: no gap, no overlap, offsets into the article.
    assert records[0].start == chunk.start
    assert records[-1].end == chunk.end
    for left, right in itertools.pairwise(records):
        assert left.end == right.start
    assert [(r.start, r.end) for r in records] == [
        (chunk.start + h.start, chunk.start + h.end) for h in halves
    ]
    for record in records:
        assert article.text[record.start : record.end].strip()
    # Each half was sent with its own text only.
    for i, half in enumerate(halves, start=1):
        user = transport.sent_json(i)["messages"][1]["content"]
        assert half.text.strip() in user


def test_length_on_a_later_chunk_splits_it_and_renumbers_all_records() -> None:
    article = make_article(TWO_CHUNK_TEXT, "a.txt")
    first, second = split_text(article.text, TWO_CHUNK_BUDGET)
    assert second.start > 0
    assert second.tokens // 2 >= MIN_CHUNK_TOKENS
    halves = split_text(second.text, second.tokens // 2)
    assert len(halves) >= 2
    bodies = [chat_response(json.dumps(valid_extraction("whole first")))]
    bodies.append(chat_response('{"facts": [', finish_reason="length"))
    bodies += [chat_response(json.dumps(valid_extraction(f"q{i}"))) for i in range(len(halves))]
    extractor, transport = _extractor(bodies)

    result = extractor.extract_article(article, TWO_CHUNK_BUDGET)

    assert len(transport.requests) == 2 + len(halves)
    records = result.chunks
    assert len(records) == 1 + len(halves)
    # The halves' own indexes restart at 0; the article's records are renumbered 0..n-1.
    assert [r.index for r in records] == list(range(len(records)))
    assert [r.extraction.facts[0].quote for r in records] == [
        "whole first",
        *(f"q{i}" for i in range(len(halves))),
    ]
    assert (records[0].start, records[0].end) == (first.start, first.end)
    # The halves' offsets are into the article, not into the chunk, and tile it.
    assert [(r.start, r.end) for r in records[1:]] == [
        (second.start + h.start, second.start + h.end) for h in halves
    ]
    assert records[1].start == second.start
    assert records[-1].end == second.end == len(article.text)
    for record, half in zip(records[1:], halves, strict=True):
        assert article.text[record.start : record.end] == half.text


def test_length_on_a_chunk_too_small_to_split_raises() -> None:
    article = make_article(SHORT_TEXT, "a.txt")
    assert _only_chunk(article).tokens // 2 < MIN_CHUNK_TOKENS
    extractor, transport = _extractor([chat_response("{", finish_reason="length")])

    with pytest.raises(OutputTruncatedError):
        extractor.extract_article(article, 800)
    assert len(transport.requests) == 1


# -- response cache (replaces the per-chunk checkpoints) ------------------------------


def test_cache_hit_makes_no_model_call_and_rebuilds_the_same_records(tmp_path: Path) -> None:
    article = make_article(SHORT_TEXT, "a.txt")
    cache = tmp_path / "ck"
    first, transport = _extractor([_valid()], cache_dir=cache)
    before = first.extract_article(article, 800)
    assert len(transport.requests) == 1
    assert list(cache.rglob("*.json"))

    again, empty = _extractor([], cache_dir=cache)
    after = again.extract_article(article, 800)

    assert empty.requests == []
    assert after.chunks == before.chunks


def test_changed_model_misses_the_cache(tmp_path: Path) -> None:
    article = make_article(SHORT_TEXT, "a.txt")
    cache = tmp_path / "ck"
    first, _ = _extractor([_valid()], cache_dir=cache)
    first.extract_article(article, 800)

    other = _profile(model="another-model")
    again, transport = _extractor([_valid()], profile=other, cache_dir=cache)
    again.extract_article(article, 800)

    assert len(transport.requests) == 1
    assert transport.sent_json(0)["model"] == "another-model"
    assert len(list(cache.rglob("*.json"))) == 2


def test_changed_article_text_misses_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "ck"
    first, _ = _extractor([_valid()], cache_dir=cache)
    first.extract_article(make_article(SHORT_TEXT, "a.txt"), 800)

    edited = make_article(SHORT_TEXT.replace(b"agreed", b"promised"), "a.txt")
    again, transport = _extractor([_valid()], cache_dir=cache)
    again.extract_article(edited, 800)

    assert len(transport.requests) == 1


def test_damaged_cache_entry_is_a_miss(tmp_path: Path) -> None:
    article = make_article(SHORT_TEXT, "a.txt")
    cache = tmp_path / "ck"
    first, _ = _extractor([_valid()], cache_dir=cache)
    first.extract_article(article, 800)
    (saved,) = cache.rglob("*.json")
    saved.write_text("{broken", encoding="utf-8")

    again, transport = _extractor([_valid()], cache_dir=cache)
    again.extract_article(article, 800)

    assert len(transport.requests) == 1


# -- output modes ---------------------------------------------------------------------


def test_json_schema_mode_sends_strict_schema() -> None:
    article = make_article(SHORT_TEXT, "a.txt")
    extractor, transport = _extractor([_valid()], profile=_profile(OutputMode.JSON_SCHEMA))

    extractor.extract_chunk(article, _only_chunk(article), 1, 1)

    sent = transport.sent_json(0)
    assert sent["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "chunk_extraction", "strict": True, "schema": response_schema()},
    }
    assert SCHEMA_NAME == "chunk_extraction"
    assert "tools" not in sent
    assert sent["model"] == "requested-model"
    assert sent["temperature"] == 0.0
    assert sent["seed"] == 42


def test_json_object_mode_puts_schema_in_system_message() -> None:
    article = make_article(SHORT_TEXT, "a.txt")
    extractor, transport = _extractor([_valid()], profile=_profile(OutputMode.JSON_OBJECT))

    record = extractor.extract_chunk(article, _only_chunk(article), 1, 1)

    sent = transport.sent_json(0)
    assert sent["response_format"] == {"type": "json_object"}
    assert "tools" not in sent
    system = sent["messages"][0]
    assert system["role"] == "system"
    assert "must validate against this JSON Schema" in system["content"]
    assert json.dumps(response_schema(), indent=1) in system["content"]
    assert "JSON Schema" not in sent["messages"][1]["content"]
    assert record.extraction.facts[0].quote == valid_extraction()["facts"][0]["quote"]


def test_tool_mode_sends_forced_tool_and_reads_its_arguments() -> None:
    article = make_article(SHORT_TEXT, "a.txt")
    arguments = json.dumps(valid_extraction("from the tool call"))
    tool_body = {
        "_comment": "Hand-written fixture, not a recording: a forced tool call.",
        "id": "chatcmpl-fixture-tool",
        "object": "chat.completion",
        "created": 0,
        "model": "fixture-model",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_fixture",
                            "type": "function",
                            "function": {"name": SCHEMA_NAME, "arguments": arguments},
                        }
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30},
    }
    extractor, transport = _extractor([tool_body], profile=_profile(OutputMode.TOOL))

    record = extractor.extract_chunk(article, _only_chunk(article), 1, 1)

    sent = transport.sent_json(0)
    assert "response_format" not in sent
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "chunk_extraction"}}
    (tool,) = sent["tools"]
    assert tool["type"] == "function"
    assert tool["function"]["name"] == "chunk_extraction"
    assert tool["function"]["parameters"] == response_schema()
    assert tool["function"]["strict"] is True
    assert record.extraction.facts[0].quote == "from the tool call"
    assert record.usage == {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30}


def test_article_extraction_records_provider_and_served_model() -> None:
    article = make_article(SHORT_TEXT, "a.txt")
    extractor, _ = _extractor([chat_response(json.dumps(valid_extraction()), model="served")])

    result = extractor.extract_article(article, 800)

    assert result.provider == "test"
    assert result.model == "served"
    assert result.article_id == article.article_id
    assert result.sha256 == article.sha256
    assert result.text == article.text
    assert [(c.index, c.start, c.end) for c in result.chunks] == [(0, 0, len(article.text))]
