"""The cassette's record mode, apart from the cassette so the CLI can name it cheaply.

``summarizer.cassette`` needs ``httpx2`` (its transport is an ``httpx2`` transport);
the command line only needs this enum to define ``--record-mode``, and ``--help`` or
``compare`` should not pay for importing an HTTP stack.
"""

from __future__ import annotations

from enum import Enum

from .errors import CassetteError


class RecordMode(str, Enum):
    """none: replay only, a miss is an error; new: replay hits, record misses;
    all: call the model for every request and rewrite the cassette."""

    NONE = "none"
    NEW = "new"
    ALL = "all"

    @classmethod
    def parse(cls, value: str) -> RecordMode:
        try:
            return cls(value)
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise CassetteError(f"Unknown record mode {value!r}: use one of {valid}") from None
