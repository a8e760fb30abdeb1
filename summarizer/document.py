"""The report as data: the single source of both renderings and of report.schema.json.

``report.build_report`` fills these models from an ``EngineResult``; ``markdown`` renders
them for people and ``--format json`` dumps them for programs. Text fields hold the raw
article or model text (no Markdown escaping): escaping belongs to the Markdown renderer.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

REPORT_SCHEMA_VERSION = 1


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Location(_Doc):
    """Where a quote sits in its article."""

    source: str = Field(description="Label of the source (article id).")
    paragraph: int = Field(
        description="1-based paragraph of the article: blocks between blank lines, or lines "
        "when the text has no blank lines."
    )
    start: int = Field(description="Character offset of the quote in the article text.")
    end: int = Field(description="Character offset just past the quote.")


class Quote(_Doc):
    """The article's own text at the located span (never the model's copy)."""

    text: str
    location: Location
    match: Literal["verified", "near"] = Field(
        description="verified: found verbatim up to typography; near: fuzzy match."
    )
    similarity: float | None = Field(description="Similarity in % for a near match; else null.")
    speaker_near_quote: bool = Field(
        description="False when a named speaker was not found next to the quote."
    )


class ValueEntry(_Doc):
    kind: str = Field(description="quantity, date, duration or rank.")
    text: str = Field(description="The value as the article writes it.")
    normalised: str = Field(description="How the engine reads it: an interval or a date.")


class ClaimEntry(_Doc):
    """One source's claim: a fact, or an actor's position."""

    id: str = Field(description="Stable id: F... for facts, P... for positions.")
    source: str
    kind: Literal["fact", "position"]
    statement: str = Field(description="The model's one-sentence statement of the claim.")
    speaker: str = Field(description="Who the claim is attributed to.")
    hedged: bool
    value: ValueEntry | None
    quote: Quote


class FindingEntry(_Doc):
    """Why a group was flagged: one rule that fired between two sources."""

    kind: str
    certain: bool = Field(description="False for a possible conflict (e.g. a hedged rank).")
    sources: list[str] = Field(description="The two sources the rule compared.")
    rule: str


class Discrepancy(_Doc):
    id: str = Field(description="D1, D2, ... in report order.")
    kind: str = Field(description="numeric, date, rank, attribution or contradiction conflict.")
    title: str
    sources: list[str]
    claims: list[ClaimEntry]
    findings: list[FindingEntry]
    matched_because: list[str] = Field(description="Why these claims were aligned.")
    match_score: float


class ConsensusItem(_Doc):
    id: str = Field(description="C1, C2, ... in report order.")
    title: str
    sources: list[str]
    claims: list[ClaimEntry]
    matched_because: list[str]
    match_score: float


class FramingCell(_Doc):
    source: str
    stance: str
    loaded: list[str] = Field(description="Loaded words the lexicon found in the quote.")
    claim_id: str
    quote: Quote


class FramingRow(_Doc):
    """One actor across sources: each cell is a position one source reports."""

    actor: str
    cells: list[FramingCell]


class FramingDifference(_Doc):
    actor: str
    topic: str
    sources: list[str]
    rule: str
    cells: list[FramingCell] = Field(description="Each source's position, with its quote.")


class SourceEntry(_Doc):
    label: str
    title: str
    outlet: str | None = Field(description="Only when the page's metadata or text bears it out.")
    published: str | None
    words: int
    claims_total: int = Field(description="Facts and positions the model extracted.")
    claims_verified: int = Field(description="Of those, quotes found verbatim.")
    claims_near: int = Field(description="Of those, quotes found by fuzzy match.")
    claims_not_found: int
    set_aside: int = Field(description="Facts set aside as not about the event.")
    merged: int = Field(description="Duplicate facts merged away.")
    event: str | None = Field(description="The main event as this source puts it.")


class SourceSummary(_Doc):
    source: str
    event: str | None
    discrepancies: list[str] = Field(description="Ids of discrepancies this source is part of.")
    consensus: int = Field(description="Consensus items this source shares.")
    single: int = Field(description="Claims only this source reports.")
    actors: list[str] = Field(description="Actors whose positions it reports.")


class UnsupportedClaim(_Doc):
    """A claim whose quote is not in the article: listed, never used."""

    source: str
    kind: Literal["fact", "position"]
    statement: str
    model_quote: str


class SetAsideFact(_Doc):
    source: str
    statement: str
    reason: str
    quote: Quote


class Usage(_Doc):
    calls: int = Field(description="Accepted chunk calls behind the extractions.")
    prompt_tokens: int | None = Field(description="As the server reported; null if it did not.")
    completion_tokens: int | None


class ThisRun(_Doc):
    """What this run itself did (the usage above covers every extraction it used)."""

    calls_made: int = Field(description="Requests sent to the model server, retries included.")
    calls_replayed: int = Field(description="Answers replayed from the cache or a cassette.")
    prompt_tokens: int = Field(description="Prompt tokens paid in this run.")
    completion_tokens: int
    estimated_cost_usd: float | None = Field(
        description="From the profile's prices; null when it has none."
    )


class RunInfo(_Doc):
    tool_version: str
    providers: list[str]
    models: list[str]
    responses: str = Field(
        description="Where model responses came from: a cassette, the cache, the model, "
        "or extraction files."
    )
    usage: Usage
    this_run: ThisRun | None = Field(
        description="Only when the report was made by extracting (not from files)."
    )
    generated_at: str | None = Field(description="Only with --timestamp: reports are stable.")


class Counts(_Doc):
    sources: int
    discrepancies: int
    consensus: int
    single: int
    framing_differences: int
    unsupported: int


class Report(_Doc):
    """The whole report, in reading order."""

    schema_version: int = Field(description="Version of this schema.")
    title: str
    event: str | None = Field(description="The event in one line, as most sources put it.")
    event_source: str | None = Field(description="The source whose wording is used.")
    counts: Counts
    sources: list[SourceEntry]
    discrepancies: list[Discrepancy]
    consensus: list[ConsensusItem]
    single_source: list[ClaimEntry]
    framing: list[FramingRow]
    framing_differences: list[FramingDifference]
    summaries: list[SourceSummary]
    unsupported: list[UnsupportedClaim]
    set_aside: list[SetAsideFact]
    run: RunInfo


def report_schema() -> dict[str, Any]:
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
