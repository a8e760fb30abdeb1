"""Fault injection against a local OpenAI-compatible server (tests/fake_server.py).

Every fault either ends in a successful run after retries, or in one error line that
names the article, the part and the cause; a rerun then replays every completed call
from the cache and sends only what was missing. Waits are shrunk with ``backoff`` (the
SDK's chosen delays are recorded, not slept), so nothing here is timed.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from fake_server import (
    FakeServer,
    Reply,
    SeenRequest,
    completion,
    content,
    hang,
    no_choices,
    raw,
    refusal,
    reset,
    slow,
    status,
    valid_extraction,
)

from summarizer.chunking import DEFAULT_CHUNK_TOKENS
from summarizer.config import Profile, ProviderKind
from summarizer.errors import (
    BudgetError,
    ConfigError,
    ExtractionError,
    InvalidOutputError,
    ProviderError,
    SummarizerError,
)
from summarizer.ingest import Article, make_article
from summarizer.pipeline import ExtractionRun, run_extraction
from summarizer.plan import plan_extraction

TIMEOUT = 0.5  # the client's; a hang lasts longer


def article(n: int, extra: str = "") -> Article:
    text = (
        f"Council vote number {n}\n"
        f"The council voted {n + 5} to 3 on Monday to close the old bridge. "
        f"The mayor said the repairs would take two years.{extra}\n"
    )
    return make_article(text.encode(), f"story-{n}.txt")


def profile(server: FakeServer, **changes: Any) -> Profile:
    base = Profile(
        name="fake",
        kind=ProviderKind.OPENAI_COMPATIBLE,
        model="fake-model",
        base_url=server.base_url,
        timeout=TIMEOUT,
        concurrency=1,
        max_retries=2,
    )
    return dataclasses.replace(base, **changes)


class Waits:
    """Records the delays the SDK (and the rate-limit pause) ask for; sleeps ~0."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    def __call__(self, seconds: float) -> float:
        self.asked.append(seconds)
        return 0.001


def run(
    server: FakeServer,
    articles: Sequence[Article],
    cache: Path,
    waits: Waits | None = None,
    **options: Any,
) -> ExtractionRun:
    changes = {k: options.pop(k) for k in ("max_retries", "timeout", "concurrency") if k in options}
    return run_extraction(
        articles, profile(server, **changes), cache_dir=cache, backoff=waits or Waits(), **options
    )


def for_article(
    n: int, reply: Reply | Callable[[], Reply]
) -> Callable[[SeenRequest], Reply | None]:
    """A script giving ``reply`` to every request about article ``n``, else the default."""

    def script(seen: SeenRequest) -> Reply | None:
        if f"Council vote number {n}\n" in json.dumps(seen.body, ensure_ascii=False).replace(
            "\\n", "\n"
        ):
            return reply() if callable(reply) else reply
        return None

    return script


def one_line(exc: pytest.ExceptionInfo[SummarizerError]) -> str:
    text = str(exc.value)
    assert "\n" not in text, text
    return text


# -- faults that retries recover from ------------------------------------------------


def test_429_honours_retry_after_then_succeeds(tmp_path: Path) -> None:
    waits = Waits()
    with FakeServer(script=[status(429, retry_after="7")]) as server:
        result = run(server, [article(1)], tmp_path, waits)
    assert len(server.requests) == 2
    # The SDK waited what the server asked for, not its own backoff (0.5 s at most).
    assert 7.0 in waits.asked
    assert result.stats.calls_made == 2
    assert len(result.extractions[0].chunks) == 1


def test_500_backs_off_exponentially_with_jitter_then_succeeds(tmp_path: Path) -> None:
    waits = Waits()
    with FakeServer(script=[status(500), status(503)]) as server:
        result = run(server, [article(1)], tmp_path, waits)
    assert len(server.requests) == 3
    first, second = waits.asked
    assert 0.375 <= first <= 0.5  # 0.5 s minus up to 25% jitter
    assert 0.75 <= second <= 1.0  # doubled
    assert result.extractions[0].chunks


def test_hang_past_the_client_timeout_is_retried(tmp_path: Path) -> None:
    with FakeServer(script=[hang(5)]) as server:
        result = run(server, [article(1)], tmp_path)
    assert len(server.requests) == 2
    assert result.extractions[0].chunks


def test_connection_reset_is_retried(tmp_path: Path) -> None:
    with FakeServer(script=[reset()]) as server:
        result = run(server, [article(1)], tmp_path)
    assert len(server.requests) == 2
    assert result.extractions[0].chunks


def test_invalid_json_goes_back_to_the_model_with_the_parse_error(tmp_path: Path) -> None:
    with FakeServer(script=[content('{"facts": [')]) as server:
        result = run(server, [article(1)], tmp_path)
    assert len(server.requests) == 2
    retry = server.requests[1].body["messages"]
    assert retry[-2] == {"role": "assistant", "content": '{"facts": ['}
    assert "not valid JSON" in retry[-1]["content"]
    assert result.extractions[0].chunks


def test_schema_invalid_json_goes_back_with_the_schema_error(tmp_path: Path) -> None:
    wrong = valid_extraction("The council voted 6 to 3 on Monday to close the old bridge.")
    del wrong["positions"]
    with FakeServer(script=[content(json.dumps(wrong))]) as server:
        result = run(server, [article(1)], tmp_path)
    assert len(server.requests) == 2
    assert (
        "'positions' is a required property" in server.requests[1].body["messages"][-1]["content"]
    )
    assert result.extractions[0].chunks


def test_truncated_output_splits_the_chunk_and_extracts_both_halves(tmp_path: Path) -> None:
    long = " ".join(f"Speaker {i} said the bridge mattered to the town." for i in range(12))
    doc = article(1, extra=" " + long)
    cut = json.dumps(valid_extraction("The council voted"))[:40]
    with FakeServer(script=[content(cut, finish_reason="length")]) as server:
        result = run(server, [doc], tmp_path)
    records = result.extractions[0].chunks
    assert len(records) >= 2
    assert len(server.requests) == 1 + len(records)  # the whole chunk, then each piece
    assert [r.index for r in records] == list(range(len(records)))
    assert all(a.end <= b.start for a, b in itertools.pairwise(records))


# -- faults that end the run with one line, and the rerun that resumes --------------

FATAL: dict[str, tuple[Callable[[], Reply], type[SummarizerError], str]] = {
    "429 forever": (lambda: status(429, retry_after="1"), ProviderError, "rate-limited"),
    "500 forever": (lambda: status(500), ProviderError, "failed with 500"),
    "hang forever": (lambda: hang(5), ProviderError, "no answer within 0.5s"),
    "reset forever": (reset, ProviderError, "Cannot reach"),
    "invalid JSON forever": (lambda: content("not json"), InvalidOutputError, "not valid JSON"),
    "truncated at the smallest piece": (
        lambda: content("{", finish_reason="length"),
        ExtractionError,
        "cut off at max_tokens",
    ),
    "refusal": (refusal, ExtractionError, "refused"),
    "empty choices": (no_choices, ProviderError, "no choices"),
    "body is not JSON": (lambda: raw("<html>gateway</html>"), SummarizerError, "story-2.txt"),
    "401": (lambda: status(401, message="bad key"), ProviderError, "rejected the API key"),
    "403": (lambda: status(403, message="no access"), ProviderError, "may not use"),
    "400": (lambda: status(400, message="bad field"), ProviderError, "answered 400"),
}


@pytest.mark.parametrize("fault", sorted(FATAL))
def test_fatal_fault_is_one_line_and_the_rerun_repeats_no_completed_call(
    fault: str, tmp_path: Path
) -> None:
    make_reply, error, cause = FATAL[fault]
    docs = [article(1), article(2), article(3)]
    with FakeServer(script=for_article(2, make_reply)) as server:
        with pytest.raises(error) as exc:
            run(server, docs, tmp_path)
        line = one_line(exc)  # type: ignore[arg-type]
        assert line.startswith("story-2.txt, part 1/1 (chars 0-"), line
        assert cause in line, line
        finished_work = {
            r.key for r in server.completed if "Council vote number 2\n" not in r.article_text
        }

    with FakeServer() as healthy:
        again = run(healthy, docs, tmp_path)
    # Usable answers (stories 1 and 3) are never asked for again; story 2's unusable
    # answer was not kept, so the rerun asks for it once more.
    assert finished_work
    assert finished_work.isdisjoint(healthy.keys())
    assert [e.source for e in again.extractions] == ["story-1.txt", "story-2.txt", "story-3.txt"]
    assert all(e.chunks for e in again.extractions)


def test_only_calls_without_a_usable_answer_are_asked_again(tmp_path: Path) -> None:
    docs = [article(1), article(2), article(3)]
    with (
        FakeServer(script=for_article(2, lambda: status(500))) as server,
        pytest.raises(ProviderError),
    ):
        run(server, docs, tmp_path, max_retries=0)
    usable = {r.key for r in server.completed if "number 2\n" not in r.article_text}
    with FakeServer() as healthy:
        again = run(healthy, docs, tmp_path)
    assert usable  # story-1 at least was answered before story-2 failed
    assert usable.isdisjoint(healthy.keys())
    assert again.stats.calls_from_cache == len(usable)
    assert again.stats.calls_made == len(healthy.requests) == 3 - len(usable)


def test_401_is_not_retried_and_says_what_to_fix(tmp_path: Path) -> None:
    with (
        FakeServer(script=[status(401, message="invalid key")]) as server,
        pytest.raises(ProviderError) as exc,
    ):
        run(server, [article(1)], tmp_path)
    assert len(server.requests) == 1
    assert "check it" in one_line(exc)  # type: ignore[arg-type]


def test_empty_choices_are_not_cached(tmp_path: Path) -> None:
    with FakeServer(script=[no_choices()]) as server, pytest.raises(ProviderError):
        run(server, [article(1)], tmp_path)
    assert not list(tmp_path.rglob("*.json"))


def test_a_rerun_of_a_finished_corpus_makes_no_call(tmp_path: Path) -> None:
    docs = [article(n) for n in range(1, 6)]
    with FakeServer() as server:
        first = run(server, docs, tmp_path, concurrency=3)
        second = run(server, docs, tmp_path, concurrency=3)
    assert len(server.requests) == 5
    assert second.stats.calls_made == 0
    assert second.stats.calls_from_cache == 5
    # Replayed calls keep the usage the server reported when they were made.
    assert second.stats.cached_prompt_tokens == first.stats.prompt_tokens == 500
    assert [e.model_dump() for e in second.extractions] == [
        e.model_dump() for e in first.extractions
    ]


def test_no_cache_means_every_call_is_made(tmp_path: Path) -> None:
    with FakeServer() as server:
        for _ in range(2):
            run_extraction([article(1)], profile(server), cache_dir=None)
    assert len(server.requests) == 2
    assert not list(tmp_path.rglob("*.json"))


# -- concurrency ----------------------------------------------------------------------


def test_calls_run_concurrently_up_to_the_limit(tmp_path: Path) -> None:
    docs = [article(n) for n in range(8)]
    with FakeServer(latency=0.2) as server:
        run(server, docs, tmp_path / "a", concurrency=4)
    assert 2 <= server.max_in_flight <= 4
    with FakeServer(latency=0.05) as serial:
        run(serial, docs, tmp_path / "b", concurrency=1)
    assert serial.max_in_flight == 1


def test_output_order_and_bytes_do_not_depend_on_completion_order(tmp_path: Path) -> None:
    docs = [article(n) for n in range(6)]

    def slow_first(seen: SeenRequest) -> Reply | None:
        # The first article answers last.
        return slow(0.4) if "Council vote number 0\n" in seen.article_text else None

    finished: list[str] = []
    with FakeServer(script=slow_first) as server:
        parallel = run(
            server,
            docs,
            tmp_path / "a",
            concurrency=6,
            on_article=lambda e: finished.append(e.source),
        )
    with FakeServer() as server:
        serial = run(server, docs, tmp_path / "b", concurrency=1)
    assert finished[-1] == "story-0.txt"
    assert [e.source for e in parallel.extractions] == [f"story-{n}.txt" for n in range(6)]
    assert [e.model_dump_json() for e in parallel.extractions] == [
        e.model_dump_json() for e in serial.extractions
    ]


def test_identical_requests_in_flight_are_sent_once(tmp_path: Path) -> None:
    text = article(1).text.encode()
    twins = [make_article(text, "a.txt"), make_article(text, "b.txt")]
    with FakeServer(latency=0.2) as server:
        result = run(server, twins, tmp_path, concurrency=2)
    assert len(server.requests) == 1
    assert result.stats.calls_from_cache == 1
    assert result.extractions[0].chunks == result.extractions[1].chunks


def test_a_429_pauses_the_other_threads_too(tmp_path: Path) -> None:
    waits = Waits()
    docs = [article(n) for n in range(4)]
    with FakeServer(script=[status(429, retry_after="9")], latency=0.05) as server:
        run(server, docs, tmp_path, waits, concurrency=4)
    # Once from the SDK for the request that got it, once for the shared pause.
    assert waits.asked.count(9.0) == 2


# -- spending caps --------------------------------------------------------------------


def test_max_tokens_stops_before_the_call_that_could_exceed_it(tmp_path: Path) -> None:
    docs = [article(n) for n in range(3)]
    with FakeServer() as server:
        plan = plan_extraction(docs, profile(server), chunk_tokens=DEFAULT_CHUNK_TOKENS)
        worst_one = plan.input_tokens // 3 + 1500  # counted prompt + max_tokens answer
        with pytest.raises(BudgetError) as exc:
            # Room for one call's worst case; the second could go over once the first's
            # real usage (120 tokens) is spent.
            run(server, docs, tmp_path, max_tokens=worst_one + 60)
        line = one_line(exc)  # type: ignore[arg-type]
    assert f"--max-tokens {worst_one + 60:,}" in line
    assert line.startswith("story-1.txt, part 1/1")
    assert len(server.requests) == 1


def test_max_cost_needs_prices(tmp_path: Path) -> None:
    with FakeServer() as server, pytest.raises(ConfigError, match="price_input_per_mtok"):
        run(server, [article(1)], tmp_path, max_cost=1.0)
    assert server.requests == []


def test_max_cost_allows_a_run_within_it_and_reports_the_cost(tmp_path: Path) -> None:
    with FakeServer() as server:
        result = run_extraction(
            [article(1), article(2)],
            profile(server, price_input_per_mtok=1.0, price_output_per_mtok=2.0),
            cache_dir=tmp_path,
            max_cost=1.0,
        )
    assert result.stats.estimated_cost_usd == pytest.approx(2 * (100 * 1.0 + 20 * 2.0) / 1e6)


def test_stats_of_a_body_without_usage_count_the_call(tmp_path: Path) -> None:
    body = completion(json.dumps(valid_extraction("The council voted 6 to 3 on Monday.")))
    del body["usage"]
    with FakeServer(script=[raw(json.dumps(body))]) as server:
        result = run(server, [article(1)], tmp_path)
    assert result.stats.calls_made == 1
    assert result.stats.prompt_tokens == 0
    assert result.extractions[0].chunks[0].usage is None
