"""The exceptions summarizer raises.

Every error the library raises on purpose is a ``SummarizerError``; its message is one
line that says what went wrong and what to do. Only ``cli.py`` turns them into
``Error: ...`` and exit code 1.

    SummarizerError
    ├── InputError            unreadable, empty or binary article; bad extraction file
    ├── ConfigError           bad config file, unknown profile, missing API key
    ├── ProviderError         the model server failed or could not be reached
    ├── ExtractionError       the model's output could not be used
    │   ├── InvalidOutputError    still invalid after the bounded retries (carries raw output)
    │   └── OutputTruncatedError  finish_reason == "length": re-split the chunk smaller
    ├── CassetteError         unreadable cassette, bad record mode
    │   └── CassetteMissError     replay-only run met a request the cassette lacks
    └── BudgetError           the next call could exceed --max-cost / --max-tokens
"""

from __future__ import annotations


class SummarizerError(Exception):
    """Base class of every error summarizer raises on purpose."""


class InputError(SummarizerError):
    """An input file or stream cannot be used."""


class ConfigError(SummarizerError):
    """The configuration (file, profile, environment) is wrong or incomplete."""


class ProviderError(SummarizerError):
    """The model provider failed, refused the request or could not be reached."""


class ExtractionError(SummarizerError):
    """The model answered, but its answer cannot be used."""


class InvalidOutputError(ExtractionError):
    """The output failed validation after every retry; ``raw_output`` keeps the last answer."""

    def __init__(self, message: str, raw_output: str) -> None:
        super().__init__(message)
        self.raw_output = raw_output


class OutputTruncatedError(ExtractionError):
    """The model hit max_tokens (finish_reason == "length"); the output is never parsed."""

    def __init__(self, message: str, raw_output: str) -> None:
        super().__init__(message)
        self.raw_output = raw_output


class CassetteError(SummarizerError):
    """A cassette file cannot be read or written, or a record mode is invalid."""


class CassetteMissError(CassetteError):
    """A replay-only run met a request that the cassette does not hold."""


class BudgetError(SummarizerError):
    """The next call could take the run over --max-cost or --max-tokens; nothing was sent."""
