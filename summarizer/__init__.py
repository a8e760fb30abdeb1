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

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from .config import Config, Profile, load_config
    from .document import Report
    from .engine import EngineResult, Kind, compare_articles
    from .ingest import Article, load_articles
    from .models import ArticleExtraction, ChunkExtraction
    from .pipeline import (
        ExtractionRun,
        extract_articles,
        load_extractions,
        report_from_extractions,
        run_extraction,
    )
    from .record_mode import RecordMode
    from .report import RunContext, build_report, render_report
    from .report_format import ReportFormat
    from .usage import RunStats

    __version__: str

# Names are imported on first use (PEP 562), so 'import summarizer.cli' for --help does
# not load the engine, pydantic models or the openai SDK it does not need.
_LAZY = {
    "Article": "ingest",
    "ArticleExtraction": "models",
    "ChunkExtraction": "models",
    "Config": "config",
    "EngineResult": "engine",
    "Kind": "engine",
    "Profile": "config",
    "RecordMode": "record_mode",
    "compare_articles": "engine",
    "extract_articles": "pipeline",
    "load_articles": "ingest",
    "load_config": "config",
    "load_extractions": "pipeline",
    "render_report": "report",
    "build_report": "report",
    "RunContext": "report",
    "Report": "document",
    "ReportFormat": "report_format",
    "report_from_extractions": "pipeline",
    "run_extraction": "pipeline",
    "ExtractionRun": "pipeline",
    "RunStats": "usage",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value: Any = version("summarizer")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            value = "0.0.0+unknown"
    elif name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


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
    "Report",
    "ReportFormat",
    "RunContext",
    "RunStats",
    "SummarizerError",
    "__version__",
    "build_report",
    "compare_articles",
    "extract_articles",
    "load_articles",
    "load_config",
    "load_extractions",
    "render_report",
    "report_from_extractions",
    "run_extraction",
]
