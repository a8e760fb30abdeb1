"""The library's front door: articles in, extractions out, a report out.

``cli.py`` is a thin shell over these functions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydantic

from .checking import CheckSettings
from .chunking import DEFAULT_CHUNK_TOKENS, split_text
from .engine import compare_articles
from .entities import load_aliases
from .errors import ConfigError, InputError
from .models import SCHEMA_VERSION, ArticleExtraction
from .record_mode import RecordMode
from .report import RunContext, render_report
from .report_format import ReportFormat
from .usage import Budget, RunStats, UsageTally

if TYPE_CHECKING:
    from .calls import Backoff
    from .config import Profile
    from .extraction import ChunkExtractor, PartResult, Progress
    from .ingest import Article

# The openai SDK and its HTTP stack (provider, cassette, cache transport) are imported
# in run_extraction, their only user, so 'summarizer compare' never loads them.


@dataclass(frozen=True)
class ExtractionRun:
    """Extractions in input order, and what the run cost (see ``RunStats``)."""

    extractions: list[ArticleExtraction]
    stats: RunStats


def run_extraction(
    articles: Sequence[Article],
    profile: Profile,
    *,
    cassette_path: Path | None = None,
    record_mode: RecordMode = RecordMode.NONE,
    chunk_tokens: int = DEFAULT_CHUNK_TOKENS,
    cache_dir: Path | None = None,
    concurrency: int | None = None,
    max_cost: float | None = None,
    max_tokens: int | None = None,
    progress: Progress | None = None,
    on_article: Callable[[ArticleExtraction], None] | None = None,
    on_part: Callable[[int, int], None] | None = None,
    backoff: Backoff | None = None,
) -> ExtractionRun:
    """Extract every article, ``concurrency`` calls at a time (default: the profile's).

    With a cassette, calls replay from (and, in modes new/all, record into) that file,
    which is saved after every call, and the cache is not used. Without one, every
    completed call is kept in the response cache at ``cache_dir`` (None: no cache), so
    a rerun makes no call twice. ``on_article`` sees each article as soon as all its
    parts are done (in completion order); ``on_part(done, total)`` after each part.
    The result keeps input order whatever order the calls finish in.
    """
    from .cache import ResponseCache
    from .cassette import Cassette
    from .extraction import ChunkExtractor
    from .provider import ModelClient

    cassette = None
    if cassette_path is not None:
        cassette = Cassette.load(cassette_path, must_exist=record_mode is RecordMode.NONE)
    tally = UsageTally()
    budget = Budget(profile, max_cost=max_cost, max_tokens=max_tokens)
    if max_cost is not None and not profile.has_prices:
        raise ConfigError(
            f"--max-cost needs prices for profile {profile.name!r}: set "
            "price_input_per_mtok and price_output_per_mtok in its config, or use --max-tokens"
        )
    client = ModelClient(
        profile,
        cassette=cassette,
        record_mode=record_mode,
        cache=ResponseCache(cache_dir) if cache_dir is not None and cassette is None else None,
        budget=budget if budget.active else None,
        tally=tally,
        backoff=backoff,
    )
    extractor = ChunkExtractor(client, progress=progress)
    try:
        extractions = _extract_concurrently(
            extractor,
            articles,
            chunk_tokens,
            concurrency or profile.concurrency,
            on_article,
            on_part,
        )
    finally:
        client.close()
    return ExtractionRun(extractions, tally.stats(profile))


def extract_articles(
    articles: Sequence[Article],
    profile: Profile,
    **options: Any,
) -> list[ArticleExtraction]:
    """``run_extraction(...).extractions``: the same options, without the statistics."""
    return run_extraction(articles, profile, **options).extractions


def _extract_concurrently(
    extractor: ChunkExtractor,
    articles: Sequence[Article],
    chunk_tokens: int,
    concurrency: int,
    on_article: Callable[[ArticleExtraction], None] | None,
    on_part: Callable[[int, int], None] | None,
) -> list[ArticleExtraction]:
    plans = [split_text(article.text, chunk_tokens) for article in articles]
    total = sum(len(chunks) for chunks in plans)
    results: list[list[PartResult | None]] = [[None] * len(chunks) for chunks in plans]
    remaining = [len(chunks) for chunks in plans]
    done: list[ArticleExtraction | None] = [None] * len(articles)
    failures: dict[tuple[int, int], BaseException] = {}
    for a, article in enumerate(articles):
        if not plans[a]:  # nothing to ask the model
            done[a] = extractor.assemble(article, [])
    if on_part is not None:
        on_part(0, total)
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="extract")
    try:
        # Submitted in article order, so with any concurrency articles finish roughly
        # in order and `extract -o` writes files as it goes.
        futures: dict[Future[PartResult], tuple[int, int]] = {
            pool.submit(extractor.extract_part, article, chunk, pos + 1, len(chunks)): (a, pos)
            for a, (article, chunks) in enumerate(zip(articles, plans, strict=True))
            for pos, chunk in enumerate(chunks)
        }
        finished = 0
        for future in as_completed(futures):
            a, pos = futures[future]
            if future.cancelled():
                continue
            error = future.exception()
            if error is not None:
                failures[(a, pos)] = error
                # Calls already sent still finish (and are cached); no new ones start.
                for other in futures:
                    other.cancel()
                continue
            results[a][pos] = future.result()
            finished += 1
            remaining[a] -= 1
            if on_part is not None:
                on_part(finished, total)
            if remaining[a] == 0:
                parts = [r for r in results[a] if r is not None]
                done[a] = extraction = extractor.assemble(articles[a], parts)
                if on_article is not None:
                    on_article(extraction)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    if failures:
        # The first failure in article order, whichever thread hit it first.
        raise failures[min(failures)]
    return [e for e in done if e is not None]


def load_extractions(paths: Sequence[str | Path]) -> list[ArticleExtraction]:
    """Read extraction files written by ``summarizer extract``."""
    if not paths:
        raise InputError("No extraction files: give the JSON files 'summarizer extract' wrote")
    out = []
    for raw in paths:
        path = Path(raw)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise InputError(f"{path} does not exist: check the path") from exc
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(
                f"{path} is not a JSON extraction file ({exc}): re-extract it"
            ) from exc
        if isinstance(data, dict) and data.get("schema_version") != SCHEMA_VERSION:
            raise InputError(
                f"{path} has schema_version {data.get('schema_version')!r}, expected "
                f"{SCHEMA_VERSION}: re-run 'summarizer extract'"
            )
        try:
            out.append(ArticleExtraction.model_validate(data))
        except pydantic.ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError(
                f"{path} is not a valid extraction ({where}: {first['msg']}): re-extract it"
            ) from exc
    return out


def write_extraction(extraction: ArticleExtraction, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{extraction.article_id}.json"
    path.write_text(extraction.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def report_from_extractions(
    extractions: Sequence[ArticleExtraction],
    *,
    near_threshold: float | None = None,
    aliases_path: Path | None = None,
    context: RunContext | None = None,
    fmt: ReportFormat = ReportFormat.MARKDOWN,
) -> str:
    """Check, compare and render: the deterministic half of the pipeline."""
    settings = CheckSettings() if near_threshold is None else CheckSettings(near_threshold)
    result = compare_articles(extractions, settings=settings, aliases=load_aliases(aliases_path))
    return render_report(result, context, fmt)
