"""What a run would do and cost, computed without calling anything (``--dry-run``).

Each chunk needs at least one call. Its prompt is counted with tiktoken exactly as it
would be sent (system prompt, article part, schema); its answer may use up to the
profile's ``max_tokens``, so the output figure and the cost are upper bounds for a run
without retries or splits. A call whose exact request is already in the response cache
is free and listed apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .cache import ResponseCache
from .cassette import request_key
from .chunking import split_text
from .config import Profile
from .extraction import build_messages
from .ingest import Article
from .models import response_schema
from .provider import CHAT_ENDPOINT, request_body
from .usage import cost_usd, prompt_tokens


@dataclass(frozen=True)
class ArticlePlan:
    source: str
    chunks: int
    cached: int
    input_tokens: int


@dataclass(frozen=True)
class Plan:
    profile: Profile
    articles: list[ArticlePlan]

    @property
    def calls(self) -> int:
        return sum(a.chunks for a in self.articles)

    @property
    def cached(self) -> int:
        return sum(a.cached for a in self.articles)

    @property
    def input_tokens(self) -> int:
        return sum(a.input_tokens for a in self.articles)

    @property
    def output_tokens(self) -> int:
        return (self.calls - self.cached) * self.profile.max_tokens

    @property
    def cost_usd(self) -> float | None:
        return cost_usd(self.profile, self.input_tokens, self.output_tokens)

    def render(self) -> str:
        p = self.profile
        cost = self.cost_usd
        lines = [
            f"Plan for profile {p.name!r} (model {p.model}, concurrency {p.concurrency}); "
            "nothing was sent.",
            "",
            "| article | chunks | cached | input tokens |",
            "| --- | ---: | ---: | ---: |",
            *(
                f"| {a.source} | {a.chunks} | {a.cached} | {a.input_tokens:,} |"
                for a in self.articles
            ),
            "",
            f"articles: {len(self.articles)}",
            f"chunks: {self.calls}",
            f"calls: {self.calls - self.cached} to make, {self.cached} already cached "
            "(at least one per chunk; retries and splits add more)",
            f"estimated input tokens: {self.input_tokens:,} (tiktoken, uncached calls)",
            f"estimated output tokens: up to {self.output_tokens:,} "
            f"({p.max_tokens:,} max_tokens per call)",
            "estimated cost: "
            + (
                f"up to ${cost:.4f} ({p.describe_prices()})"
                if cost is not None
                else "unknown: set price_input_per_mtok and price_output_per_mtok in the profile"
            ),
        ]
        return "\n".join(lines) + "\n"


def plan_extraction(
    articles: Sequence[Article],
    profile: Profile,
    *,
    chunk_tokens: int,
    cache: ResponseCache | None = None,
) -> Plan:
    schema = response_schema()
    plans = []
    for article in articles:
        chunks = split_text(article.text, chunk_tokens)
        cached = tokens = 0
        for position, chunk in enumerate(chunks, start=1):
            body = request_body(
                profile, build_messages(article, chunk, position, len(chunks)), schema
            )
            if cache is not None and cache.get(request_key(CHAT_ENDPOINT, body)) is not None:
                cached += 1
            else:
                tokens += prompt_tokens(body)
        plans.append(ArticlePlan(article.source, len(chunks), cached, tokens))
    return Plan(profile, plans)
