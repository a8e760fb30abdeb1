"""The report formats: a module of its own so the CLI can name them without importing
the engine (``summarizer --help`` stays fast)."""

from __future__ import annotations

from enum import Enum


class ReportFormat(str, Enum):
    MARKDOWN = "markdown"
    JSON = "json"
