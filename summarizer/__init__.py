"""summarizer: compare news articles about one event, every claim backed by a quote.

Library use::

    from summarizer import load_articles, load_config, extract_articles, \
        report_from_extractions
    profile = load_config().resolve("local")
    extractions = extract_articles(load_articles(["examples/scholz-putin"]), profile,
                                   cassette_path=Path("cassettes/scholz-putin.json"))
    print(report_from_extractions(extractions))
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .cassette import RecordMode
from .config import Config, Profile, load_config
from .engine import EngineResult, Kind, compare_articles
from .errors import (
    CassetteError,
    CassetteMissError,
    ConfigError,
    ExtractionError,
    InputError,
    InvalidOutputError,
    OutputTruncatedError,
    ProviderError,
    SummarizerError,
)
from .ingest import Article, load_articles
from .models import ArticleExtraction, ChunkExtraction
from .pipeline import (
    ExtractionRun,
    extract_articles,
    load_extractions,
    report_from_extractions,
    run_extraction,
)
from .report import render_report
from .usage import RunStats

try:
    __version__ = version("summarizer")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "Article",
    "ArticleExtraction",
    "CassetteError",
    "CassetteMissError",
    "ChunkExtraction",
    "Config",
    "ConfigError",
    "EngineResult",
    "ExtractionError",
    "ExtractionRun",
    "InputError",
    "InvalidOutputError",
    "Kind",
    "OutputTruncatedError",
    "Profile",
    "ProviderError",
    "RecordMode",
    "RunStats",
    "SummarizerError",
    "__version__",
    "compare_articles",
    "extract_articles",
    "load_articles",
    "load_config",
    "load_extractions",
    "render_report",
    "report_from_extractions",
    "run_extraction",
]
