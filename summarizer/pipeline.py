"""The library's front door: articles in, extractions out, a report out.

``cli.py`` is a thin shell over these functions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pydantic

from .checking import CheckSettings
from .chunking import DEFAULT_CHUNK_TOKENS
from .engine import compare_articles
from .entities import load_aliases
from .errors import InputError
from .models import SCHEMA_VERSION, ArticleExtraction
from .record_mode import RecordMode
from .report import RunContext, render_report
from .report_format import ReportFormat

if TYPE_CHECKING:
    from .config import Profile
    from .extraction import Progress
    from .ingest import Article

# The openai SDK and its HTTP stack are imported in extract_articles, their only user,
# so 'summarizer compare' never loads them.


def extract_articles(
    articles: Sequence[Article],
    profile: Profile,
    *,
    cassette_path: Path | None = None,
    record_mode: RecordMode = RecordMode.NONE,
    chunk_tokens: int = DEFAULT_CHUNK_TOKENS,
    checkpoint_dir: Path | None = None,
    progress: Progress | None = None,
    on_article: Callable[[ArticleExtraction], None] | None = None,
) -> list[ArticleExtraction]:
    """Extract every article; ``on_article`` sees each one as soon as it is done.

    With a cassette, calls replay from (and, in modes new/all, record into) that file,
    which is saved after every call. Without one, accepted chunks go to
    ``checkpoint_dir`` so an interrupted run resumes where it stopped.
    """
    from .cassette import Cassette
    from .extraction import ChunkExtractor
    from .provider import ModelClient

    cassette = None
    if cassette_path is not None:
        cassette = Cassette.load(cassette_path, must_exist=record_mode is RecordMode.NONE)
    client = ModelClient(profile, cassette=cassette, record_mode=record_mode)
    extractor = ChunkExtractor(
        client,
        checkpoint_dir=None if cassette is not None else checkpoint_dir,
        progress=progress,
    )
    results = []
    try:
        for article in articles:
            extraction = extractor.extract_article(article, chunk_tokens)
            if on_article is not None:
                on_article(extraction)
            results.append(extraction)
    finally:
        client.close()
    return results


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
