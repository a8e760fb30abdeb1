"""Locate a model's quote in its article: exact, then normalised, then fuzzy.

Deterministic and explainable. Each quote gets a grade:

- ``verified``: found exactly, or after normalising what typography and copying change
  (curly vs straight quotes, dashes, whitespace and line breaks, case, surrounding
  quotation marks and end punctuation); an ellipsis in the quote may stand for omitted
  words, so each side must be found, in order, within a short distance.
- ``near``: found only by fuzzy alignment (rapidfuzz) with similarity >= the ``near``
  threshold and a span of about the quote's length; the similarity is kept.
- ``not_found``: anything else. Such an item never reaches the report as a fact.

Offsets always refer to the original article text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from rapidfuzz import fuzz

DEFAULT_NEAR_THRESHOLD = 90.0
# An ellipsis may skip words, not paragraphs.
_MAX_ELLIPSIS_GAP = 300
_MIN_FUZZY_CHARS = 20

# Every quotation mark becomes one character: models swap double and single quotes.
_CHAR_MAP = str.maketrans(
    {
        '"': "'",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": "'",
        "\u201d": "'",
        "\u201e": "'",
        "\u00ab": "'",
        "\u00bb": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
_ELLIPSIS = re.compile(r"\s*(?:\u2026|\.\.\.|\[\s*(?:\u2026|\.\.\.)\s*\])\s*")
_EDGE = "\"' .,;:!?-\u2026()[]"


class Grade(str, Enum):
    VERIFIED = "verified"
    NEAR = "near"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Evidence:
    grade: Grade
    start: int | None
    end: int | None
    similarity: float
    method: str

    @property
    def found(self) -> bool:
        return self.grade is not Grade.NOT_FOUND


NOT_FOUND = Evidence(Grade.NOT_FOUND, None, None, 0.0, "none")


class NormalisedText:
    """The text lower-cased, typography unified, whitespace runs collapsed to one space,
    with a map from each normalised character back to its original offset."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        index: list[int] = []
        pending_space = False
        for i, ch in enumerate(text.translate(_CHAR_MAP)):
            if ch.isspace():
                pending_space = bool(chars)
                continue
            if pending_space:
                chars.append(" ")
                index.append(i - 1)
                pending_space = False
            for low in ch.lower():
                chars.append(low)
                index.append(i)
        self.text = "".join(chars)
        self._index = index
        self._length = len(text)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) covering normalised [start, end)."""
        if end <= start:
            return self._index[start], self._index[start]
        return self._index[start], self._index[end - 1] + 1


def normalise(text: str) -> str:
    return NormalisedText(text).text


def _trim(quote: str) -> str:
    return quote.strip(_EDGE)


def locate_quote(
    quote: str,
    text: str,
    *,
    near_threshold: float = DEFAULT_NEAR_THRESHOLD,
    normalised: NormalisedText | None = None,
) -> Evidence:
    """Find ``quote`` in ``text``; see the module docstring for the grades."""
    if not quote.strip():
        return NOT_FOUND
    at = text.find(quote)
    if at >= 0:
        return Evidence(Grade.VERIFIED, at, at + len(quote), 100.0, "exact")
    norm = normalised or NormalisedText(text)
    # Unify typography before trimming, so curly marks the model added come off too.
    parts = [normalise(_trim(p.translate(_CHAR_MAP))) for p in _ELLIPSIS.split(quote)]
    parts = [p for p in parts if p]
    if not parts:
        return NOT_FOUND
    span = _find_parts(parts, norm.text)
    if span is not None:
        start, end = norm.original_span(*span)
        method = "normalised" if len(parts) == 1 else "normalised, ellipsis"
        return Evidence(Grade.VERIFIED, start, end, 100.0, method)
    return _fuzzy(" ".join(parts), norm, near_threshold)


def _find_parts(parts: list[str], haystack: str) -> tuple[int, int] | None:
    """The tightest span holding every part in order, each gap under the ellipsis limit."""
    best: tuple[int, int] | None = None
    first = haystack.find(parts[0])
    while first >= 0:
        end = first + len(parts[0])
        for part in parts[1:]:
            nxt = haystack.find(part, end)
            if nxt < 0 or nxt - end > _MAX_ELLIPSIS_GAP:
                break
            end = nxt + len(part)
        else:
            if best is None or end - first < best[1] - best[0]:
                best = (first, end)
        first = haystack.find(parts[0], first + 1)
    return best


def _word_starts(text: str, lo: int, hi: int) -> list[int]:
    lo, hi = max(0, lo), min(len(text), hi)
    return [i for i in range(lo, hi) if i == 0 or (text[i - 1] == " " and text[i] != " ")]


def _word_ends(text: str, lo: int, hi: int) -> list[int]:
    lo, hi = max(1, lo), min(len(text), hi)
    return [i for i in range(lo, hi + 1) if i == len(text) or text[i] == " "]


def _fuzzy(needle: str, norm: NormalisedText, threshold: float) -> Evidence:
    if len(needle) < _MIN_FUZZY_CHARS:
        return NOT_FOUND  # short strings match anything fuzzily
    hay = norm.text
    # partial_ratio finds the region with a window of the needle's length; an inserted
    # or dropped word shifts the true span, so refine over word-aligned spans nearby.
    rough = fuzz.partial_ratio_alignment(needle, hay, score_cutoff=max(0.0, threshold - 20))
    if rough is None:
        return NOT_FOUND
    size = len(needle)
    slack = max(10, size // 5)
    best_score, best_span = 0.0, (0, 0)
    for start in _word_starts(hay, rough.dest_start - slack, rough.dest_start + slack):
        for end in _word_ends(hay, start + int(size * 0.8), start + int(size * 1.2)):
            score = fuzz.ratio(needle, hay[start:end])
            if score > best_score:
                best_score, best_span = score, (start, end)
    if best_score < threshold:
        return NOT_FOUND
    start, end = norm.original_span(*best_span)
    return Evidence(Grade.NEAR, start, end, round(best_score, 1), "fuzzy")
