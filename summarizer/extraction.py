"""Per-chunk extraction: prompt, call, validate, retry; per-article assembly.

The output is validated twice: against the exported JSON Schema with ``jsonschema``
(what the server was asked to honour) and with the pydantic models (what the rest of
the program relies on, including constraints the grammar cannot express). A failure
goes back to the model with the error for a bounded number of retries.
``finish_reason == "length"`` is never parsed: the chunk is split in half and each half
extracted, down to a floor, then it is an ``OutputTruncatedError``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pydantic

from .chunking import MIN_CHUNK_TOKENS, Chunk, split_text
from .errors import InvalidOutputError, OutputTruncatedError
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


class ChunkExtractor:
    """Extracts one chunk, with retries, truncation handling and an on-disk checkpoint.

    The checkpoint directory keeps each accepted chunk under a key derived from the
    request (model, settings, messages, schema): a crash after 40 of 50 calls costs
    nothing on the next run, and any change to prompt, schema or model misses it.
    """

    def __init__(
        self,
        client: ModelClient,
        *,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        checkpoint_dir: Path | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.client = client
        self.max_attempts = max_attempts
        self.checkpoint_dir = checkpoint_dir
        self.progress = progress or (lambda _msg: None)
        self.schema = response_schema()
        self.model_seen: str | None = None

    def extract_article(self, article: Article, max_tokens: int) -> ArticleExtraction:
        records: list[ChunkRecord] = []
        chunks = split_text(article.text, max_tokens)
        for position, chunk in enumerate(chunks, start=1):
            records.extend(self._extract_splitting(article, chunk, position, len(chunks)))
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
            model=self.model_seen or self.client.profile.model,
            chunks=records,
        )

    def _extract_splitting(
        self, article: Article, chunk: Chunk, part: int, parts: int
    ) -> list[ChunkRecord]:
        try:
            return [self.extract_chunk(article, chunk, part, parts)]
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
            out: list[ChunkRecord] = []
            for piece in pieces:
                out.extend(self._extract_splitting(article, piece, part, parts))
            return out

    def extract_chunk(self, article: Article, chunk: Chunk, part: int, parts: int) -> ChunkRecord:
        messages = build_messages(article, chunk, part, parts)
        cached = self._load_checkpoint(messages)
        if cached is not None:
            self.progress(f"{article.source}: part {part}/{parts} from checkpoint")
            return cached.model_copy(update={"index": chunk.index})
        outcome = self._call_with_retries(article, chunk, messages, part, parts)
        self.model_seen = outcome.completion.model
        record = ChunkRecord(
            index=chunk.index,
            start=chunk.start,
            end=chunk.end,
            tokens=chunk.tokens,
            extraction=outcome.extraction,
            usage=outcome.completion.usage,
        )
        self._save_checkpoint(messages, record)
        return record

    def _call_with_retries(
        self,
        article: Article,
        chunk: Chunk,
        messages: list[dict[str, str]],
        part: int,
        parts: int,
    ) -> _Outcome:
        conversation = list(messages)
        raw = ""
        problem = ""
        for attempt in range(1, self.max_attempts + 1):
            self.progress(
                f"{article.source}: part {part}/{parts} ({chunk.tokens} tokens), "
                f"attempt {attempt}/{self.max_attempts}"
            )
            completion = self.client.complete(conversation, self.schema)
            raw = completion.content
            if completion.finish_reason == "length":
                raise OutputTruncatedError(
                    f"{article.source}: the answer for part {part} hit max_tokens "
                    f"({self.client.profile.max_tokens}): use a smaller --chunk-tokens "
                    "or raise max_tokens in the profile",
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
        raise InvalidOutputError(
            f"{article.source}: part {part} was still invalid after {self.max_attempts} "
            f"attempts ({first_line}): try another model or --provider",
            raw,
        )

    # -- checkpoint -----------------------------------------------------------------

    def _checkpoint_path(self, messages: list[dict[str, str]]) -> Path | None:
        if self.checkpoint_dir is None:
            return None
        p = self.client.profile
        material = json.dumps(
            {
                "schema_version": SCHEMA_VERSION,
                "schema": self.schema,
                "kind": p.kind.value,
                "base_url": p.base_url,
                "model": p.model,
                "mode": p.output_mode.value,
                "temperature": p.temperature,
                "seed": p.seed,
                "max_tokens": p.max_tokens,
                "messages": messages,
            },
            sort_keys=True,
        )
        digest = hashlib.sha256(material.encode()).hexdigest()
        return self.checkpoint_dir / digest[:2] / f"{digest}.json"

    def _load_checkpoint(self, messages: list[dict[str, str]]) -> ChunkRecord | None:
        path = self._checkpoint_path(messages)
        if path is None or not path.exists():
            return None
        try:
            return ChunkRecord.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, pydantic.ValidationError):
            return None  # a damaged checkpoint is just a miss

    def _save_checkpoint(self, messages: list[dict[str, str]], record: ChunkRecord) -> None:
        path = self._checkpoint_path(messages)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(record.model_dump_json())
        os.replace(tmp, path)


def default_checkpoint_dir() -> Path:
    if os.environ.get("SUMMARIZER_CACHE_DIR"):
        return Path(os.environ["SUMMARIZER_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "summarizer" / "checkpoints"
