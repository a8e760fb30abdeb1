"""Per-chunk extraction: prompt, call, validate, retry; per-article assembly.

The output is validated twice: against the exported JSON Schema with ``jsonschema``
(what the server was asked to honour) and with the pydantic models (what the rest of
the program relies on, including constraints the grammar cannot express). A failure
goes back to the model with the error for a bounded number of retries.
``finish_reason == "length"`` is never parsed: the chunk is split in half and each half
extracted, down to a floor, then it is an ``OutputTruncatedError``.

Nothing is checkpointed here: every completed call is kept by the response cache
under the SDK (``calls.py``), so a rerun replays the same answers and rebuilds the
same records without paying again. An extractor holds no per-run state and may be
used from several threads at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema
import pydantic

from .chunking import MIN_CHUNK_TOKENS, Chunk, split_text
from .errors import (
    BudgetError,
    ExtractionError,
    InvalidOutputError,
    OutputTruncatedError,
    ProviderError,
)
from .ingest import Article
from .models import (
    SCHEMA_VERSION,
    ArticleExtraction,
    ChunkExtraction,
    ChunkRecord,
    render_field_guide,
    response_schema,
)
from .prompts import render_prompt
from .provider import Completion, ModelClient

DEFAULT_MAX_ATTEMPTS = 3
Progress = Callable[[str], None]


@dataclass(frozen=True)
class _Outcome:
    extraction: ChunkExtraction
    completion: Completion


def build_messages(article: Article, chunk: Chunk, part: int, parts: int) -> list[dict[str, str]]:
    system = render_prompt("extract-system", field_guide=render_field_guide())
    user = render_prompt(
        "extract-user",
        title=article.title,
        part=part,
        parts=parts,
        start=chunk.start,
        end=chunk.end,
        text=chunk.text,
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def validate_output(raw: str, schema: dict[str, Any]) -> ChunkExtraction:
    """Parse and validate one answer; raises ValueError with a message for the model."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc}") from exc
    validator = jsonschema.Draft202012Validator(schema)
    problems = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if problems:
        lines = [f"{_json_path(e.absolute_path)}: {e.message[:200]}" for e in problems[:8]]
        raise ValueError("\n".join(lines))
    try:
        return ChunkExtraction.model_validate(data)
    except pydantic.ValidationError as exc:
        lines = [
            f"{_json_path(err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)[:8]
        ]
        raise ValueError("\n".join(lines)) from exc


def _json_path(parts: Any) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


@dataclass(frozen=True)
class PartResult:
    """The records of one planned chunk (several if it had to be split) and the model
    id the server reported for the last of its calls."""

    records: list[ChunkRecord]
    model: str


def where(article: Article, chunk: Chunk, part: int, parts: int) -> str:
    """How an error names its place: the article, the part, the characters."""
    return f"{article.source}, part {part}/{parts} (chars {chunk.start}-{chunk.end})"


class ChunkExtractor:
    """Extracts chunks with validation retries and truncation splitting."""

    def __init__(
        self,
        client: ModelClient,
        *,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        progress: Progress | None = None,
    ) -> None:
        self.client = client
        self.max_attempts = max_attempts
        self.progress = progress or (lambda _msg: None)
        self.schema = response_schema()

    def extract_article(self, article: Article, max_tokens: int) -> ArticleExtraction:
        chunks = split_text(article.text, max_tokens)
        results = [
            self.extract_part(article, chunk, position, len(chunks))
            for position, chunk in enumerate(chunks, start=1)
        ]
        return self.assemble(article, results)

    def assemble(self, article: Article, results: list[PartResult]) -> ArticleExtraction:
        """One article's extraction from its parts, in article order."""
        records = [r for result in results for r in result.records]
        records = [r.model_copy(update={"index": i}) for i, r in enumerate(records)]
        return ArticleExtraction(
            schema_version=SCHEMA_VERSION,
            article_id=article.article_id,
            source=article.source,
            title=article.title,
            sha256=article.sha256,
            text=article.text,
            outlet=article.outlet,
            published=article.published,
            provider=self.client.profile.name,
            model=results[-1].model if results else self.client.profile.model,
            chunks=records,
        )

    def extract_part(self, article: Article, chunk: Chunk, part: int, parts: int) -> PartResult:
        """One planned chunk; errors name the article, the part and the characters."""
        try:
            pairs = self._extract_splitting(article, chunk, part, parts)
        except (ProviderError, BudgetError, ExtractionError) as exc:
            if str(exc).startswith(article.source):
                raise
            located = type(exc)(f"{where(article, chunk, part, parts)}: {exc}")
            if isinstance(exc, (InvalidOutputError, OutputTruncatedError)):
                located = type(exc)(str(located), exc.raw_output)
            raise located from exc
        return PartResult([r for r, _ in pairs], pairs[-1][1])

    def _extract_splitting(
        self, article: Article, chunk: Chunk, part: int, parts: int
    ) -> list[tuple[ChunkRecord, str]]:
        try:
            return [self._extract_one(article, chunk, part, parts)]
        except OutputTruncatedError:
            half = chunk.tokens // 2
            if half < MIN_CHUNK_TOKENS:
                raise
            self.progress(f"{article.source}: part {part} hit max_tokens; splitting it in two")
            pieces = [
                Chunk(p.index, chunk.start + p.start, chunk.start + p.end, p.text, p.tokens)
                for p in split_text(chunk.text, half)
            ]
            if len(pieces) < 2:
                raise
            out: list[tuple[ChunkRecord, str]] = []
            for piece in pieces:
                out.extend(self._extract_splitting(article, piece, part, parts))
            return out

    def extract_chunk(self, article: Article, chunk: Chunk, part: int, parts: int) -> ChunkRecord:
        return self._extract_one(article, chunk, part, parts)[0]

    def _extract_one(
        self, article: Article, chunk: Chunk, part: int, parts: int
    ) -> tuple[ChunkRecord, str]:
        messages = build_messages(article, chunk, part, parts)
        outcome = self._call_with_retries(article, chunk, messages, part, parts)
        record = ChunkRecord(
            index=chunk.index,
            start=chunk.start,
            end=chunk.end,
            tokens=chunk.tokens,
            extraction=outcome.extraction,
            usage=outcome.completion.usage,
        )
        return record, outcome.completion.model

    def _call_with_retries(
        self,
        article: Article,
        chunk: Chunk,
        messages: list[dict[str, str]],
        part: int,
        parts: int,
    ) -> _Outcome:
        conversation = sent = list(messages)
        raw = ""
        problem = ""
        for attempt in range(1, self.max_attempts + 1):
            self.progress(
                f"{article.source}: part {part}/{parts} ({chunk.tokens} tokens), "
                f"attempt {attempt}/{self.max_attempts}"
            )
            sent = conversation
            completion = self.client.complete(sent, self.schema)
            raw = completion.content
            if completion.finish_reason == "length":
                if chunk.tokens // 2 < MIN_CHUNK_TOKENS:
                    # Nothing smaller to ask: a rerun should ask this again.
                    self.client.forget(sent, self.schema)
                raise OutputTruncatedError(
                    f"{where(article, chunk, part, parts)}: the answer was cut off at "
                    f"max_tokens ({self.client.profile.max_tokens}) even for the smallest "
                    "piece: use a smaller --chunk-tokens or raise max_tokens in the profile",
                    raw,
                )
            try:
                return _Outcome(validate_output(raw, self.schema), completion)
            except ValueError as exc:
                problem = str(exc)
                conversation = [
                    *messages,
                    {"role": "assistant", "content": raw},
                    {"role": "user", "content": render_prompt("retry", errors=problem)},
                ]
        first_line = problem.splitlines()[0] if problem else "unknown problem"
        # The earlier attempts stay cached (a rerun replays them); the last is asked again.
        self.client.forget(sent, self.schema)
        raise InvalidOutputError(
            f"{where(article, chunk, part, parts)}: the answer was still invalid after "
            f"{self.max_attempts} attempts ({first_line}): try another model or --provider "
            "(a rerun asks once more)",
            raw,
        )
